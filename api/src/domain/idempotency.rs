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
    /// Not seen (or forgotten).
    None,
}

pub fn lookup(
    conn: &mut DbConnection,
    principal: &str,
    key: &str,
    request_hash: &str,
) -> Result<Stored, ApiError> {
    let found: Option<(String, i32, String)> = idempotency_keys::table
        .find((principal, key))
        .filter(idempotency_keys::created_at.gt(now() - Duration::hours(WINDOW_HOURS)))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::response_status,
            idempotency_keys::response_body,
        ))
        .first(conn)
        .optional()?;
    Ok(match found {
        Some((h, status, body)) if h == request_hash => Stored::Same(status, body),
        Some(_) => Stored::Other,
        None => Stored::None,
    })
}

/// Remembers the answer, in the creating transaction. A live row committed meanwhile by a
/// concurrent request with the same key makes this fail with a unique violation (409).
pub fn remember(
    conn: &mut DbConnection,
    principal: &str,
    key: &str,
    request_hash: &str,
    status: i32,
    body: &str,
) -> Result<(), ApiError> {
    // An expired row with the same key is replaced (only an expired one).
    diesel::delete(
        idempotency_keys::table
            .find((principal, key))
            .filter(idempotency_keys::created_at.le(now() - Duration::hours(WINDOW_HOURS))),
    )
    .execute(conn)?;
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
