//! Configuration from the environment, validated once at start.

use std::path::PathBuf;
use std::time::Duration;

use crate::db::DbUrl;
use crate::domain::calendar::BillingClock;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: DbUrl,
    pub bind: String,
    /// Base of every link in emails, without a trailing slash.
    pub public_url: String,
    /// `smtp://host:port`; `None` keeps mail in the outbox (and logs it).
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub web_dir: PathBuf,
    /// HS256 signing key; `None` means generate one once and keep it in the database.
    pub jwt_secret: Option<String>,
    /// Master key material (`CREDENCE_SECRET_KEY`, ≥ 32 characters) that seals the keys kept in
    /// `app_secrets` (generated JWT key, outbox key); `None` keeps them in clear.
    pub secret_key: Option<String>,
    pub mail_poll_interval: Duration,
    /// How often invitations are expired and overdue tests submitted.
    pub housekeeping_interval: Duration,
    pub login_attempts_per_minute: u32,
    pub password_hashing: PasswordHashing,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The billing calendar (which invoice month is open); the wall clock unless
    /// `CREDENCE_BILLING_CLOCK` starts it at a fixed instant (tests, demos).
    pub billing_clock: BillingClock,
    /// Most PostgreSQL connections this process opens (SQLite always uses one).
    pub db_pool_size: u32,
}

/// Argon2id cost. `Interactive` is the production default; `Fast` exists for tests only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordHashing {
    Interactive,
    Fast,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

pub const DEFAULT_DATABASE_URL: &str = "data/credence.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

impl Config {
    /// Where links in emails point.
    pub fn links(&self) -> crate::domain::links::Links {
        crate::domain::links::Links::new(&self.public_url)
    }

    /// Reads every `CREDENCE_*` variable and `DATABASE_URL`; the error names the bad variable.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let database_url =
            DbUrl::parse(&get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()))
                .map_err(|message| ConfigError {
                    var: "DATABASE_URL",
                    message,
                })?;

        let bind = get("CREDENCE_BIND").unwrap_or_else(|| DEFAULT_BIND.to_string());
        if bind.parse::<std::net::SocketAddr>().is_err() {
            return Err(ConfigError {
                var: "CREDENCE_BIND",
                message: format!("`{bind}` is not an address like 127.0.0.1:8080"),
            });
        }

        let public_url = match get("CREDENCE_PUBLIC_URL") {
            Some(url) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(ConfigError {
                        var: "CREDENCE_PUBLIC_URL",
                        message: format!("`{url}` must start with http:// or https://"),
                    });
                }
                url.trim_end_matches('/').to_string()
            }
            None => format!("http://{bind}"),
        };

        let smtp_url = get("CREDENCE_SMTP_URL");
        if let Some(url) = &smtp_url {
            crate::mail::smtp_transport(url).map_err(|message| ConfigError {
                var: "CREDENCE_SMTP_URL",
                message,
            })?;
        }

        let jwt_secret = get("CREDENCE_JWT_SECRET");
        if let Some(secret) = &jwt_secret {
            if secret.len() < 32 {
                return Err(ConfigError {
                    var: "CREDENCE_JWT_SECRET",
                    message: "must be at least 32 characters".into(),
                });
            }
        }

        let secret_key = get("CREDENCE_SECRET_KEY");
        if let Some(secret) = &secret_key {
            if secret.trim().len() < 32 {
                return Err(ConfigError {
                    var: "CREDENCE_SECRET_KEY",
                    message: "must be at least 32 characters".into(),
                });
            }
        }

        let password_hashing = match get("CREDENCE_PASSWORD_HASHING").as_deref() {
            None | Some("interactive") => PasswordHashing::Interactive,
            Some("fast-insecure-for-tests") => PasswordHashing::Fast,
            Some(other) => {
                return Err(ConfigError {
                    var: "CREDENCE_PASSWORD_HASHING",
                    message: format!(
                        "`{other}` is not one of interactive, fast-insecure-for-tests"
                    ),
                })
            }
        };

        let billing_clock = match get("CREDENCE_BILLING_CLOCK") {
            None => BillingClock::system(),
            Some(raw) => chrono::DateTime::parse_from_rfc3339(raw.trim())
                .map(|start| BillingClock::starting_at(start.naive_utc()))
                .map_err(|_| ConfigError {
                    var: "CREDENCE_BILLING_CLOCK",
                    message: format!("`{raw}` is not an RFC 3339 time like 2026-06-15T12:00:00Z"),
                })?,
        };

        Ok(Config {
            billing_clock,
            db_pool_size: number(&get, "CREDENCE_DB_POOL_SIZE", 10, 1..=500)? as u32,
            database_url,
            bind,
            public_url,
            smtp_url,
            mail_from: get("CREDENCE_MAIL_FROM")
                .unwrap_or_else(|| "Credence <no-reply@credence.localhost>".to_string()),
            web_dir: PathBuf::from(get("CREDENCE_WEB_DIR").unwrap_or_else(|| "dist".into())),
            jwt_secret,
            secret_key,
            mail_poll_interval: Duration::from_millis(number(
                &get,
                "CREDENCE_MAIL_POLL_MS",
                2000,
                10..=600_000,
            )?),
            housekeeping_interval: Duration::from_millis(number(
                &get,
                "CREDENCE_HOUSEKEEPING_MS",
                30_000,
                10..=3_600_000,
            )?),
            login_attempts_per_minute: number(
                &get,
                "CREDENCE_LOGIN_ATTEMPTS_PER_MINUTE",
                10,
                1..=10_000,
            )? as u32,
            password_hashing,
            body_limit: number(
                &get,
                "CREDENCE_BODY_LIMIT_BYTES",
                2 * 1024 * 1024,
                1024..=64 << 20,
            )? as usize,
        })
    }
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    let Some(raw) = get(var) else {
        return Ok(default);
    };
    match raw.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(ConfigError {
            var,
            message: format!(
                "`{raw}` is not a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        }),
    }
}
