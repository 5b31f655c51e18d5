//! The typed values the configuration parses into: each one is valid once it exists.

use std::net::IpAddr;

use ipnet::IpNet;

/// Argon2id cost. `Interactive` is the production default; `Fast` exists for tests only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordHashing {
    Interactive,
    Fast,
}

/// `CREDENCE_PUBLIC_URL`: an absolute http(s) URL with a host, kept without a trailing slash.
/// Reads as the `&str` it was written as (links are built by appending paths to it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    pub fn parse(raw: &str) -> Result<PublicUrl, String> {
        let url = url::Url::parse(raw.trim()).map_err(|e| format!("`{raw}` is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("`{raw}` must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("`{raw}` has no host"));
        }
        if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
            return Err(format!(
                "`{raw}` must be a base URL without user, query or fragment"
            ));
        }
        Ok(PublicUrl(url.as_str().trim_end_matches('/').to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host (lower-case, ASCII, without port), e.g. `app.credence.example`.
    pub fn host(&self) -> String {
        url::Url::parse(&self.0)
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
            })
            .unwrap_or_default()
    }

    /// Whether browsers reach the app over TLS (secure cookies, HSTS).
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }
}

impl std::ops::Deref for PublicUrl {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `CREDENCE_LOG`: a `tracing` filter directive, validated here and built by `telemetry`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFilter(String);

impl LogFilter {
    pub const DEFAULT: &'static str = "info,actix_server=warn";

    pub fn parse(raw: &str) -> Result<LogFilter, String> {
        tracing_subscriber::EnvFilter::builder()
            .parse(raw.trim())
            .map(|_| LogFilter(raw.trim().to_string()))
            .map_err(|e| format!("`{raw}` is not a log filter like info,credence_api=debug: {e}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for LogFilter {
    fn default() -> LogFilter {
        LogFilter(Self::DEFAULT.to_string())
    }
}

/// The networks of the reverse proxies in front of Credence. Only a peer inside one of them
/// may tell us the client's address (`X-Forwarded-For` / `Forwarded`) or host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Comma-separated CIDRs (`10.0.0.0/8, ::1/128`); a bare address means just that host.
    pub fn parse(raw: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let net = part
                .parse::<IpNet>()
                .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("`{part}` is not a CIDR like 10.0.0.0/8 or an address"))?;
            nets.push(net.trunc());
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The header a trusted proxy appends the client's address to. Only one is read, so a client
/// cannot slip a forged value in through the header the proxy does not rewrite.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProxyHeader {
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=…;host=…`.
    Forwarded,
}
