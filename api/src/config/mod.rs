//! Configuration from the environment, validated once at start.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::db::DbUrl;
use crate::domain::calendar::BillingClock;

mod values;

pub use values::{LogFilter, PasswordHashing, ProxyHeader, PublicUrl, TrustedProxies};

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: DbUrl,
    pub bind: SocketAddr,
    /// Base of every link in emails, without a trailing slash.
    pub public_url: PublicUrl,
    /// The log filter (`CREDENCE_LOG`, `tracing` `EnvFilter` syntax), checked at start.
    pub log: LogFilter,
    /// Reverse proxies whose forwarding headers are believed (`CREDENCE_TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
    /// Which forwarding header the trusted proxies set (`CREDENCE_PROXY_HEADER`).
    pub proxy_header: ProxyHeader,
    /// Bearer token that `GET /metrics` requires; `None` means `/metrics` answers 404.
    pub metrics_token: Option<String>,
    /// `smtp://host:port`; `None` keeps mail in the outbox (and logs it).
    pub smtp_url: Option<String>,
    /// The platform mailbox (`CREDENCE_MAIL_FROM`): its address is the From address of mail
    /// whose reseller has none of its own; its display name is used only for mail to the vendor.
    pub mail_from: String,
    /// The vendor's support address (`CREDENCE_SUPPORT_EMAIL`): the Reply-To of mail to
    /// reseller staff; `None` leaves that mail without a Reply-To.
    pub support_email: Option<String>,
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
    /// How long a process may trust a session it found live without looking again
    /// (`CREDENCE_SESSION_CACHE_SECONDS`; 0 turns the cache off). Ending a session or
    /// suspending an organisation empties every process's cache at once whatever this is.
    pub session_cache_ttl: Duration,
    /// Most sessions one process caches (`CREDENCE_SESSION_CACHE_SIZE`; 0 turns it off).
    pub session_cache_size: usize,
    /// On PostgreSQL, keep the session epoch in memory with a `LISTEN` connection
    /// (`CREDENCE_SESSION_LISTEN`, on by default; off for a pooler that cannot `LISTEN`, such
    /// as PgBouncer in transaction mode: each cached request then reads the epoch).
    pub session_listen: bool,
    pub password_hashing: PasswordHashing,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The billing calendar (which invoice month is open); the wall clock unless
    /// `CREDENCE_BILLING_CLOCK` starts it at a fixed instant (tests, demos).
    pub billing_clock: BillingClock,
    /// Most PostgreSQL connections this process opens (SQLite always uses one).
    pub db_pool_size: u32,
    /// HTTP worker threads (`CREDENCE_WORKERS`; default: one per CPU).
    pub workers: usize,
    /// Threads each worker may start for blocking work — database calls and password hashing
    /// (`CREDENCE_BLOCKING_THREADS`; default: actix's 512 ÷ CPUs).
    pub blocking_threads: usize,
    /// Answers carry `X-Statement-Count`, the database statements the request sent
    /// (`CREDENCE_COUNT_STATEMENTS`, for tests and benchmarks).
    pub count_statements: bool,
    /// Hosts and networks webhooks may reach over http and at private addresses
    /// (`CREDENCE_WEBHOOK_ALLOW`, for development and tests); empty in production.
    pub webhook_allow: crate::net_guard::AllowList,
    /// The host a reseller's custom host should be a CNAME of (`CREDENCE_HOST_TARGET`;
    /// default: the public URL's host).
    pub host_target: String,
    /// The platform's addresses a custom host must resolve to (`CREDENCE_HOST_ADDRESSES`;
    /// default: whatever the host target resolves to).
    pub host_addresses: Vec<IpAddr>,
    /// Fixed DNS answers consulted before the system resolver (`CREDENCE_DNS_OVERRIDES`,
    /// for development and tests); empty in production.
    pub dns: crate::dns::Resolver,
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
            .with_vendor_support(self.support_email.clone())
    }

    /// The platform's side of custom hosts: the names no reseller may take, the CNAME target.
    pub fn custom_hosts(&self) -> crate::domain::custom_hosts::Platform {
        crate::domain::custom_hosts::Platform {
            public_host: self.public_url.host(),
            target: self.host_target.clone(),
        }
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

        let bind_raw = get("CREDENCE_BIND").unwrap_or_else(|| DEFAULT_BIND.to_string());
        let bind: SocketAddr = bind_raw.trim().parse().map_err(|_| ConfigError {
            var: "CREDENCE_BIND",
            message: format!("`{bind_raw}` is not an address like 127.0.0.1:8080"),
        })?;

        let public_url = PublicUrl::parse(
            &get("CREDENCE_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}")),
        )
        .map_err(|message| ConfigError {
            var: "CREDENCE_PUBLIC_URL",
            message,
        })?;

        let log = match get("CREDENCE_LOG") {
            None => LogFilter::default(),
            Some(raw) => LogFilter::parse(&raw).map_err(|message| ConfigError {
                var: "CREDENCE_LOG",
                message,
            })?,
        };

        let trusted_proxies = TrustedProxies::parse(
            &get("CREDENCE_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|message| ConfigError {
            var: "CREDENCE_TRUSTED_PROXIES",
            message,
        })?;
        let proxy_header = match get("CREDENCE_PROXY_HEADER")
            .map(|h| h.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("x-forwarded-for") => ProxyHeader::XForwardedFor,
            Some("forwarded") => ProxyHeader::Forwarded,
            Some(other) => {
                return Err(ConfigError {
                    var: "CREDENCE_PROXY_HEADER",
                    message: format!("`{other}` is not one of x-forwarded-for, forwarded"),
                })
            }
        };

        let metrics_token = get("CREDENCE_METRICS_TOKEN").map(|t| t.trim().to_string());
        if let Some(token) = &metrics_token {
            if token.len() < 16 || !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ConfigError {
                    var: "CREDENCE_METRICS_TOKEN",
                    message: "must be at least 16 printable characters without spaces".into(),
                });
            }
        }

        let smtp_url = get("CREDENCE_SMTP_URL");
        if let Some(url) = &smtp_url {
            crate::mail::smtp_transport(url).map_err(|message| ConfigError {
                var: "CREDENCE_SMTP_URL",
                message,
            })?;
        }

        let support_email = match get("CREDENCE_SUPPORT_EMAIL") {
            Some(raw) => Some(
                raw.trim()
                    .parse::<lettre::Address>()
                    .map_err(|e| ConfigError {
                        var: "CREDENCE_SUPPORT_EMAIL",
                        message: format!("`{raw}` is not an email address: {e}"),
                    })?
                    .to_string(),
            ),
            None => None,
        };

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

        let webhook_allow =
            crate::net_guard::AllowList::parse(&get("CREDENCE_WEBHOOK_ALLOW").unwrap_or_default())
                .map_err(|message| ConfigError {
                    var: "CREDENCE_WEBHOOK_ALLOW",
                    message,
                })?;

        let host_target = match get("CREDENCE_HOST_TARGET") {
            None => public_url.host(),
            Some(raw) => crate::domain::values::host(&raw)
                .ok()
                .flatten()
                .or_else(|| {
                    // A single-label name (`localhost`) is a valid target on a test bench.
                    let s = raw.trim().trim_end_matches('.').to_ascii_lowercase();
                    (!s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                        .then_some(s)
                })
                .ok_or_else(|| ConfigError {
                    var: "CREDENCE_HOST_TARGET",
                    message: format!("`{raw}` is not a host name like app.credence.example"),
                })?,
        };
        let host_addresses = get("CREDENCE_HOST_ADDRESSES")
            .unwrap_or_default()
            .split([',', ' '])
            .filter(|a| !a.trim().is_empty())
            .map(|a| {
                a.trim().parse::<IpAddr>().map_err(|_| ConfigError {
                    var: "CREDENCE_HOST_ADDRESSES",
                    message: format!("`{a}` is not an IP address"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let dns = crate::dns::Resolver::parse_overrides(
            &get("CREDENCE_DNS_OVERRIDES").unwrap_or_default(),
        )
        .map_err(|message| ConfigError {
            var: "CREDENCE_DNS_OVERRIDES",
            message,
        })?;

        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
        let count_statements = match get("CREDENCE_COUNT_STATEMENTS").as_deref().map(str::trim) {
            None | Some("off") => false,
            Some("on") => true,
            Some(other) => {
                return Err(ConfigError {
                    var: "CREDENCE_COUNT_STATEMENTS",
                    message: format!("`{other}` is not one of on, off"),
                })
            }
        };

        let session_listen = match get("CREDENCE_SESSION_LISTEN").as_deref().map(str::trim) {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => {
                return Err(ConfigError {
                    var: "CREDENCE_SESSION_LISTEN",
                    message: format!("`{other}` is not one of on, off"),
                })
            }
        };

        Ok(Config {
            session_listen,
            webhook_allow,
            host_target,
            host_addresses,
            dns,
            workers: number(&get, "CREDENCE_WORKERS", cpus.min(512), 1..=512)? as usize,
            blocking_threads: number(
                &get,
                "CREDENCE_BLOCKING_THREADS",
                (512 / cpus).max(1),
                1..=4096,
            )? as usize,
            count_statements,
            billing_clock,
            db_pool_size: number(&get, "CREDENCE_DB_POOL_SIZE", 10, 1..=500)? as u32,
            database_url,
            bind,
            public_url,
            log,
            trusted_proxies,
            proxy_header,
            metrics_token,
            smtp_url,
            mail_from: get("CREDENCE_MAIL_FROM")
                .unwrap_or_else(|| "Credence <no-reply@credence.localhost>".to_string()),
            support_email,
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
            session_cache_ttl: Duration::from_secs(number(
                &get,
                "CREDENCE_SESSION_CACHE_SECONDS",
                30,
                0..=3600,
            )?),
            session_cache_size: number(&get, "CREDENCE_SESSION_CACHE_SIZE", 10_000, 0..=1_000_000)?
                as usize,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn custom_host_settings_default_to_the_public_host_and_name_a_bad_variable() {
        let c = config(&[("CREDENCE_PUBLIC_URL", "https://App.Credence.example/")]).unwrap();
        assert_eq!(c.host_target, "app.credence.example");
        assert_eq!(
            c.custom_hosts(),
            crate::domain::custom_hosts::Platform {
                public_host: "app.credence.example".into(),
                target: "app.credence.example".into(),
            }
        );
        assert!(c.host_addresses.is_empty());
        let c = config(&[
            ("CREDENCE_HOST_TARGET", "Edge.Credence.example."),
            ("CREDENCE_HOST_ADDRESSES", "192.0.2.1, 2001:db8::1"),
        ])
        .unwrap();
        assert_eq!(c.host_target, "edge.credence.example");
        assert_eq!(c.host_addresses.len(), 2);
        for (var, value) in [
            ("CREDENCE_HOST_TARGET", "https://edge.example/"),
            ("CREDENCE_HOST_ADDRESSES", "192.0.2.1, edge.example"),
            ("CREDENCE_DNS_OVERRIDES", "edge.example"),
        ] {
            assert_eq!(config(&[(var, value)]).unwrap_err().var, var);
        }
    }

    #[test]
    fn values_are_typed_and_errors_name_the_variable() {
        let c = config(&[
            ("CREDENCE_BIND", "0.0.0.0:9000"),
            ("CREDENCE_PUBLIC_URL", "https://assess.example/"),
            (
                "CREDENCE_TRUSTED_PROXIES",
                "10.0.0.0/8, ::1, 192.168.1.7/24",
            ),
            ("CREDENCE_LOG", "warn,credence_api=debug"),
        ])
        .unwrap();
        assert_eq!(c.bind, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(c.public_url.as_str(), "https://assess.example");
        assert!(c.public_url.is_https());
        assert_eq!(c.links().page("/x"), "https://assess.example/x");
        assert_eq!(c.log.as_str(), "warn,credence_api=debug");
        assert!(c.trusted_proxies.contains("10.1.2.3".parse().unwrap()));
        assert!(c.trusted_proxies.contains("::1".parse().unwrap()));
        assert!(c
            .trusted_proxies
            .contains("::ffff:10.9.9.9".parse().unwrap()));
        assert!(c.trusted_proxies.contains("192.168.1.200".parse().unwrap()));
        assert!(!c.trusted_proxies.contains("11.0.0.1".parse().unwrap()));
        assert!(c.webhook_allow.is_empty());
        let e = config(&[("CREDENCE_WEBHOOK_ALLOW", "10.0.0.0/99")]).unwrap_err();
        assert_eq!(e.var, "CREDENCE_WEBHOOK_ALLOW");
        assert!(
            !config(&[("CREDENCE_WEBHOOK_ALLOW", "127.0.0.1, hooks.dev.local")])
                .unwrap()
                .webhook_allow
                .is_empty()
        );
        assert_eq!(
            config(&[]).unwrap().public_url.as_str(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(config(&[]).unwrap().log, LogFilter::default());
        let sized = config(&[
            ("CREDENCE_DB_POOL_SIZE", "32"),
            ("CREDENCE_WORKERS", "3"),
            ("CREDENCE_BLOCKING_THREADS", "16"),
            ("CREDENCE_COUNT_STATEMENTS", "on"),
        ])
        .unwrap();
        assert_eq!(
            (sized.db_pool_size, sized.workers, sized.blocking_threads),
            (32, 3, 16)
        );
        assert!(sized.count_statements && !config(&[]).unwrap().count_statements);
        let defaults = config(&[]).unwrap();
        assert_eq!(
            (defaults.session_cache_ttl, defaults.session_cache_size),
            (Duration::from_secs(30), 10_000)
        );
        assert!(defaults.session_listen);
        assert!(
            !config(&[("CREDENCE_SESSION_LISTEN", "off")])
                .unwrap()
                .session_listen
        );
        assert!(config(&[("CREDENCE_SESSION_LISTEN", "maybe")]).is_err());
        let uncached = config(&[
            ("CREDENCE_SESSION_CACHE_SECONDS", "0"),
            ("CREDENCE_SESSION_CACHE_SIZE", "0"),
        ])
        .unwrap();
        assert_eq!(
            (uncached.session_cache_ttl, uncached.session_cache_size),
            (Duration::ZERO, 0)
        );

        for (var, value) in [
            ("CREDENCE_BIND", "localhost"),
            ("CREDENCE_PUBLIC_URL", "ftp://assess.example"),
            ("CREDENCE_PUBLIC_URL", "https://"),
            ("CREDENCE_PUBLIC_URL", "assess.example"),
            ("CREDENCE_LOG", "info,[[[bad"),
            ("CREDENCE_TRUSTED_PROXIES", "10.0.0.0/33"),
            ("CREDENCE_TRUSTED_PROXIES", "proxy.internal"),
            ("CREDENCE_PROXY_HEADER", "x-real-ip"),
            ("CREDENCE_METRICS_TOKEN", "short"),
            ("CREDENCE_WORKERS", "0"),
            ("CREDENCE_BLOCKING_THREADS", "many"),
            ("CREDENCE_COUNT_STATEMENTS", "yes"),
            ("CREDENCE_SESSION_CACHE_SECONDS", "3601"),
            ("CREDENCE_SESSION_CACHE_SIZE", "-1"),
        ] {
            let err = config(&[(var, value)]).expect_err(value);
            assert_eq!(err.var, var, "{value}: {err}");
        }
    }
}
