//! Throttling of sign-in attempts and password-reset requests per client IP and per account
//! (in memory, per process). The two have separate budgets, so asking for reset links for
//! someone's email never locks them out of signing in.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

struct Budget {
    by_account: DefaultKeyedRateLimiter<String>,
    by_ip: DefaultKeyedRateLimiter<String>,
}

impl Budget {
    /// `per_minute` per account; an IP (maybe an office behind NAT) gets three times that.
    fn new(per_minute: u32) -> Budget {
        let account = NonZeroU32::new(per_minute.max(1)).expect("at least one");
        let ip = NonZeroU32::new(per_minute.max(1).saturating_mul(3)).expect("at least one");
        Budget {
            by_account: RateLimiter::keyed(Quota::per_minute(account)),
            by_ip: RateLimiter::keyed(Quota::per_minute(ip)),
        }
    }

    fn check(&self, ip: &str, account: &str) -> Result<(), ApiError> {
        let clock = DefaultClock::default();
        for (limiter, key) in [
            (&self.by_ip, ip.to_string()),
            (&self.by_account, account.trim().to_lowercase()),
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

pub struct LoginThrottle {
    sign_in: Budget,
    reset: Budget,
}

impl LoginThrottle {
    /// `per_minute` attempts per account; an IP gets three times that.
    pub fn new(per_minute: u32) -> LoginThrottle {
        LoginThrottle {
            sign_in: Budget::new(per_minute),
            reset: Budget::new(per_minute),
        }
    }

    /// Counts one sign-in attempt (password or API key); 429 with the seconds to wait once
    /// either budget is spent.
    pub fn check(&self, ip: &str, account: &str) -> Result<(), ApiError> {
        self.sign_in.check(ip, account)
    }

    /// Counts one password-reset request, on budgets of its own.
    pub fn check_reset(&self, ip: &str, email: &str) -> Result<(), ApiError> {
        self.reset.check(ip, email)
    }
}
