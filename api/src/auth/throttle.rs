//! Login throttling per client IP and per account (in memory, per process).

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

pub struct LoginThrottle {
    by_account: DefaultKeyedRateLimiter<String>,
    by_ip: DefaultKeyedRateLimiter<String>,
}

impl LoginThrottle {
    /// `per_minute` attempts per account; an IP (maybe an office behind NAT) gets three times that.
    pub fn new(per_minute: u32) -> LoginThrottle {
        let account = NonZeroU32::new(per_minute.max(1)).expect("at least one");
        let ip = NonZeroU32::new(per_minute.max(1).saturating_mul(3)).expect("at least one");
        LoginThrottle {
            by_account: RateLimiter::keyed(Quota::per_minute(account)),
            by_ip: RateLimiter::keyed(Quota::per_minute(ip)),
        }
    }

    /// Counts one attempt; 429 with the seconds to wait once either budget is spent.
    pub fn check(&self, ip: &str, email: &str) -> Result<(), ApiError> {
        let clock = DefaultClock::default();
        for (limiter, key) in [
            (&self.by_ip, ip.to_string()),
            (&self.by_account, email.trim().to_lowercase()),
        ] {
            if let Err(not_until) = limiter.check_key(&key) {
                let wait = not_until.wait_time_from(clock.now());
                return Err(ApiError::RateLimited {
                    retry_after_secs: wait.as_secs().max(1),
                });
            }
        }
        self.by_account.retain_recent();
        self.by_ip.retain_recent();
        Ok(())
    }
}
