//! Throttling of sign-in attempts and password-reset requests per client IP and per account,
//! counted in the database (`domain::rate_limits`), so every process on one database shares
//! one budget. The two have separate budgets, so asking for reset links for someone's email
//! never locks them out of signing in.

use chrono::Duration;

use crate::db::Db;
use crate::domain::rate_limits::{self, Limit};
use crate::error::ApiError;
use crate::secrets::token_hash;

/// One budget: `per_minute` per account; an IP (maybe an office behind NAT) gets three times
/// that. `name` keeps the budgets' buckets apart.
struct Budget {
    name: &'static str,
    per_minute: u32,
}

impl Budget {
    async fn check(&self, db: &Db, ip: &str, account: &str) -> Result<(), ApiError> {
        let per_minute = i32::try_from(self.per_minute.max(1)).unwrap_or(i32::MAX);
        let window = Duration::minutes(1);
        // Accounts are kept hashed: the buckets table names no one.
        let buckets = [
            (
                format!("{}:ip:{ip}", self.name),
                per_minute.saturating_mul(3),
            ),
            (
                format!(
                    "{}:account:{}",
                    self.name,
                    token_hash(&account.trim().to_lowercase())
                ),
                per_minute,
            ),
        ];
        db.transaction(move |conn| {
            for (bucket, limit) in &buckets {
                let limit = Limit {
                    limit: *limit,
                    window,
                };
                if let Some(retry_after_secs) = rate_limits::hit(conn, bucket, limit)? {
                    return Ok(Err(ApiError::RateLimited { retry_after_secs }));
                }
            }
            Ok(Ok(()))
        })
        .await?
    }
}

pub struct LoginThrottle {
    sign_in: Budget,
    reset: Budget,
}

impl LoginThrottle {
    /// `per_minute` attempts per account; an IP gets three times that.
    pub fn new(per_minute: u32) -> LoginThrottle {
        LoginThrottle {
            sign_in: Budget {
                name: "sign-in",
                per_minute,
            },
            reset: Budget {
                name: "password-reset",
                per_minute,
            },
        }
    }

    /// Counts one sign-in attempt (password or API key); 429 with the seconds to wait once
    /// either budget is spent.
    pub async fn check(&self, db: &Db, ip: &str, account: &str) -> Result<(), ApiError> {
        self.sign_in.check(db, ip, account).await
    }

    /// Counts one password-reset request, on budgets of its own.
    pub async fn check_reset(&self, db: &Db, ip: &str, email: &str) -> Result<(), ApiError> {
        self.reset.check(db, ip, email).await
    }
}
