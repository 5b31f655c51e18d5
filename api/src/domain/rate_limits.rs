//! Throttles kept in the database (`rate_buckets`), so every `credence` process on one database
//! counts against the same budget. A bucket is a fixed window: `hits` counted since
//! `window_started_at`. Each hit is one conditional UPDATE that only succeeds while the window
//! has room (or has ended, which starts a new one), so concurrent hits from several processes
//! can never exceed the limit. A bucket seen for the first time is inserted; losing that insert
//! to another process just retries the UPDATE. There is no upsert on both backends, and a failed
//! INSERT aborts a PostgreSQL transaction, so the INSERT runs in a savepoint.

use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::rate_buckets;
use crate::db::{now, DbConnection};
use crate::error::ApiError;

/// A limit: at most `limit` hits per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub limit: i32,
    pub window: Duration,
}

/// Counts one hit on `bucket`. `Ok(None)` when it fits; `Ok(Some(seconds))` when the bucket is
/// full, with the seconds until its window ends (nothing is counted then).
pub fn hit(conn: &mut DbConnection, bucket: &str, limit: Limit) -> Result<Option<u64>, ApiError> {
    if limit.limit <= 0 {
        return Ok(Some(retry_after(conn, bucket, limit)?.max(1)));
    }
    for _ in 0..3 {
        let at = now();
        let window_open_since = at - limit.window;
        // Room in the current window.
        let counted = diesel::update(
            rate_buckets::table
                .find(bucket)
                .filter(rate_buckets::window_started_at.gt(window_open_since))
                .filter(rate_buckets::hits.lt(limit.limit)),
        )
        .set(rate_buckets::hits.eq(rate_buckets::hits + 1))
        .execute(conn)?;
        if counted == 1 {
            return Ok(None);
        }
        // The window is over: start a new one with this hit.
        let restarted = diesel::update(
            rate_buckets::table
                .find(bucket)
                .filter(rate_buckets::window_started_at.le(window_open_since)),
        )
        .set((
            rate_buckets::window_started_at.eq(at),
            rate_buckets::hits.eq(1),
        ))
        .execute(conn)?;
        if restarted == 1 {
            return Ok(None);
        }
        let exists = rate_buckets::table
            .find(bucket)
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if exists {
            return Ok(Some(retry_after(conn, bucket, limit)?));
        }
        let inserted = conn.transaction(|c| {
            diesel::insert_into(rate_buckets::table)
                .values((
                    rate_buckets::bucket.eq(bucket),
                    rate_buckets::window_started_at.eq(at),
                    rate_buckets::hits.eq(1),
                ))
                .execute(c)
        });
        if inserted.is_ok() {
            return Ok(None);
        }
        // Another process inserted it first: count against its row.
    }
    Err(ApiError::conflict(
        "conflict",
        "A concurrent request conflicted with this one; retry it.",
    ))
}

/// Whether `bucket` is full, without counting a hit: the seconds until it has room again.
pub fn full(conn: &mut DbConnection, bucket: &str, limit: Limit) -> Result<Option<u64>, ApiError> {
    if limit.limit <= 0 {
        return Ok(Some(retry_after(conn, bucket, limit)?.max(1)));
    }
    let row: Option<(chrono::NaiveDateTime, i32)> = rate_buckets::table
        .find(bucket)
        .select((rate_buckets::window_started_at, rate_buckets::hits))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((started, hits)) if started > now() - limit.window && hits >= limit.limit => {
            Some(seconds_left(started, limit))
        }
        _ => None,
    })
}

fn seconds_left(started: chrono::NaiveDateTime, limit: Limit) -> u64 {
    let left = (started + limit.window - now()).num_seconds();
    u64::try_from(left).unwrap_or(0).max(1)
}

fn retry_after(conn: &mut DbConnection, bucket: &str, limit: Limit) -> Result<u64, ApiError> {
    let started: Option<chrono::NaiveDateTime> = rate_buckets::table
        .find(bucket)
        .select(rate_buckets::window_started_at)
        .first(conn)
        .optional()?;
    Ok(match started {
        Some(started) => seconds_left(started, limit),
        None => u64::try_from(limit.window.num_seconds())
            .unwrap_or(1)
            .max(1),
    })
}

/// Forgets buckets whose window started more than `older_than` ago (longer than any window).
pub fn purge(conn: &mut DbConnection, older_than: Duration) -> Result<usize, ApiError> {
    Ok(diesel::delete(
        rate_buckets::table.filter(rate_buckets::window_started_at.lt(now() - older_than)),
    )
    .execute(conn)?)
}
