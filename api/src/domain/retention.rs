//! What is kept only for a while, and the one step (run by housekeeping) that forgets it:
//! idempotency answers after their 24-hour window, the bodies of mails sent more than
//! `outbox::SENT_BODY_RETENTION_DAYS` ago, and throttle buckets long past any window.

use chrono::Duration;

use crate::db::DbConnection;
use crate::domain::{idempotency, outbox, rate_limits};
use crate::error::ApiError;

/// Throttle buckets are forgotten this long after their window started (longer than any window).
pub const RATE_BUCKET_DAYS: i64 = 2;

/// How many rows one `purge` forgot.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub idempotency_keys: usize,
    pub mail_bodies: usize,
    pub rate_buckets: usize,
}

impl Purged {
    pub fn any(&self) -> bool {
        *self != Purged::default()
    }
}

pub fn purge(conn: &mut DbConnection) -> Result<Purged, ApiError> {
    Ok(Purged {
        idempotency_keys: idempotency::purge_expired(conn)?,
        mail_bodies: outbox::purge_sent_bodies(conn)?,
        rate_buckets: rate_limits::purge(conn, Duration::days(RATE_BUCKET_DAYS))?,
    })
}
