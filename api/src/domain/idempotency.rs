//! Stored answers to `Idempotency-Key` requests: one row per (principal, key) for 24 hours,
//! holding a hash of the request and the response that was sent. The HTTP side (reading the
//! header, replaying the response) is `routes::idempotency`.

use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::idempotency_keys;
use crate::db::{now, DbConnection};
use crate::error::ApiError;

/// How long a key is remembered.
pub const WINDOW_HOURS: i64 = 24;

/// What a key is known for.
pub enum Stored {
    /// The same request was answered with this status and body.
    Same(i32, String),
    /// The key was used with another request.
    Other,
    /// Not seen, or seen more than the window ago (`expired`: its row is still there and
    /// `remember` must replace it).
    None { expired: bool },
}

pub fn lookup(
    conn: &mut DbConnection,
    principal: &str,
    key: &str,
    request_hash: &str,
) -> Result<Stored, ApiError> {
    let found: Option<(String, i32, String, chrono::NaiveDateTime)> = idempotency_keys::table
        .find((principal, key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::response_status,
            idempotency_keys::response_body,
            idempotency_keys::created_at,
        ))
        .first(conn)
        .optional()?;
    Ok(match found {
        Some((.., created)) if created <= now() - Duration::hours(WINDOW_HOURS) => {
            Stored::None { expired: true }
        }
        Some((h, status, body, _)) if h == request_hash => Stored::Same(status, body),
        Some(_) => Stored::Other,
        None => Stored::None { expired: false },
    })
}

/// Remembers the answer, in the creating transaction. A live row committed meanwhile by a
/// concurrent request with the same key makes this fail with a unique violation (409).
/// `replace_expired`: `lookup` found an expired row for the key, which goes first.
pub fn remember(
    conn: &mut DbConnection,
    principal: &str,
    key: &str,
    request_hash: &str,
    (status, body): (i32, &str),
    replace_expired: bool,
) -> Result<(), ApiError> {
    if replace_expired {
        // Only an expired one.
        diesel::delete(
            idempotency_keys::table
                .find((principal, key))
                .filter(idempotency_keys::created_at.le(now() - Duration::hours(WINDOW_HOURS))),
        )
        .execute(conn)?;
    }
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::principal.eq(principal),
            idempotency_keys::idempotency_key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::response_status.eq(status),
            idempotency_keys::response_body.eq(body),
            idempotency_keys::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets keys older than the window (housekeeping): the stored answers go with them.
pub fn purge_expired(conn: &mut DbConnection) -> Result<usize, ApiError> {
    Ok(diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::created_at.le(now() - Duration::hours(WINDOW_HOURS))),
    )
    .execute(conn)?)
}
