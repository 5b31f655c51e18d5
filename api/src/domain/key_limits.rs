//! Each API key's own rate limit: a token bucket kept on the key's row, so every `credence`
//! process on the database draws from the same one. The bucket holds up to `rate_per_minute`
//! tokens and refills at `rate_per_minute` a minute; each request of the key's tokens takes one.
//!
//! Taking a token reads the row, works out what the bucket holds now, and writes what is left
//! with a conditional UPDATE on `request_count` (which counts the requests allowed), so two
//! processes can never both spend the same token: the loser reads again. A refused request
//! writes nothing.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::api_keys;
use crate::db::{now, DbConnection};
use crate::error::{ApiError, FieldIssue};

pub const DEFAULT_PER_MINUTE: i32 = 120;
pub const MAX_PER_MINUTE: i32 = 6000;

/// `rate_per_minute` of a new key: 1 to 6000, 120 when absent.
pub fn per_minute(raw: Option<i64>) -> Result<i32, FieldIssue> {
    match raw {
        None => Ok(DEFAULT_PER_MINUTE),
        Some(n) if (1..=i64::from(MAX_PER_MINUTE)).contains(&n) => Ok(n as i32),
        Some(_) => Err(FieldIssue::new(
            "out_of_range",
            format!("Allow 1 to {MAX_PER_MINUTE} requests per minute."),
        )),
    }
}

/// Where a key's bucket stands after a request: what the `RateLimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Requests per minute, and the most the bucket holds.
    pub limit: i32,
    /// Whole tokens left.
    pub remaining: i64,
    /// Seconds until the bucket is full again.
    pub reset_secs: u64,
    /// Refused: seconds until a token is there (`Retry-After`).
    pub retry_after_secs: Option<u64>,
}

/// What the bucket holds at `at`, having held `tokens` at `since` (`None`: never used, full).
pub fn refill(limit: i32, tokens: f64, since: Option<NaiveDateTime>, at: NaiveDateTime) -> f64 {
    let cap = f64::from(limit);
    match since {
        None => cap,
        Some(since) => {
            let seconds = (at - since).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6;
            (tokens + seconds.max(0.0) * cap / 60.0).min(cap)
        }
    }
}

fn seconds_to(limit: i32, from: f64, to: f64) -> u64 {
    if from >= to {
        return 0;
    }
    ((to - from) * 60.0 / f64::from(limit)).ceil() as u64
}

/// Takes one token for a request of the key's token, or says when to come back.
pub fn take(conn: &mut DbConnection, api_key_id: &str) -> Result<Allowance, ApiError> {
    for _ in 0..8 {
        let (limit, tokens, since, count): (i32, f64, Option<NaiveDateTime>, i64) = api_keys::table
            .find(api_key_id)
            .select((
                api_keys::rate_per_minute,
                api_keys::bucket_tokens,
                api_keys::bucket_at,
                api_keys::request_count,
            ))
            .first(conn)?;
        let at = now();
        let held = refill(limit, tokens, since, at);
        let cap = f64::from(limit);
        if held < 1.0 {
            return Ok(Allowance {
                limit,
                remaining: 0,
                reset_secs: seconds_to(limit, held, cap),
                retry_after_secs: Some(seconds_to(limit, held, 1.0).max(1)),
            });
        }
        let left = held - 1.0;
        let taken = diesel::update(
            api_keys::table
                .find(api_key_id)
                .filter(api_keys::request_count.eq(count)),
        )
        .set((
            api_keys::bucket_tokens.eq(left),
            api_keys::bucket_at.eq(Some(at)),
            api_keys::request_count.eq(count + 1),
            api_keys::last_used_at.eq(Some(at)),
        ))
        .execute(conn)?;
        if taken == 1 {
            return Ok(Allowance {
                limit,
                remaining: left.floor() as i64,
                reset_secs: seconds_to(limit, left, cap),
                retry_after_secs: None,
            });
        }
        // Another request took a token meanwhile: read the bucket again.
    }
    // Contended beyond reason: ask the caller to come back rather than spin.
    Ok(Allowance {
        limit: 0,
        remaining: 0,
        reset_secs: 1,
        retry_after_secs: Some(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + s, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn a_bucket_starts_full_and_refills_at_its_rate_up_to_its_size() {
        assert_eq!(refill(60, 0.0, None, at(0)), 60.0);
        // 60 a minute: one a second.
        assert_eq!(refill(60, 0.0, Some(at(0)), at(10)), 10.0);
        assert_eq!(refill(60, 59.5, Some(at(0)), at(10)), 60.0);
        assert_eq!(refill(120, 0.5, Some(at(0)), at(1)), 2.5);
        // A clock that went back refills nothing.
        assert_eq!(refill(60, 3.0, Some(at(10)), at(0)), 3.0);
    }

    #[test]
    fn waits_are_whole_seconds_rounded_up() {
        assert_eq!(seconds_to(60, 0.2, 1.0), 1);
        assert_eq!(seconds_to(6, 0.0, 1.0), 10);
        assert_eq!(seconds_to(60, 58.0, 60.0), 2);
        assert_eq!(seconds_to(60, 60.0, 60.0), 0);
    }

    #[test]
    fn the_rate_is_one_to_six_thousand() {
        assert_eq!(per_minute(None).ok(), Some(120));
        assert_eq!(per_minute(Some(1)).ok(), Some(1));
        assert_eq!(per_minute(Some(6000)).ok(), Some(6000));
        assert!(per_minute(Some(0)).is_err());
        assert!(per_minute(Some(6001)).is_err());
    }
}
