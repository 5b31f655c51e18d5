//! Where the server may send requests on a tenant's behalf (webhooks): the one place for the
//! address rules against server-side request forgery.
//!
//! A URL must be https, carry no `user:password@`, and its host must not be — or resolve to —
//! a loopback, private, link-local, unique-local, shared (CGNAT), multicast, broadcast,
//! reserved or unspecified address, including IPv4 written inside IPv6 (mapped, compatible,
//! NAT64, 6to4). The URL parser normalises decimal, octal and hex IPv4 (`2130706433`, `0x7f.1`)
//! before the check. [`AllowList`] (`CREDENCE_WEBHOOK_ALLOW`, for development) lets named hosts
//! and networks through over http and to private addresses.
//!
//! [`check_url`] is what can be known when a URL is saved; [`resolve`] is the delivery-time
//! check: it resolves the host and returns the checked addresses, which the caller must connect
//! to (pin them), so a DNS answer that changes between check and connect cannot swap them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::IpNet;
use url::{Host, Url};

/// Hosts and networks allowed over http and to private addresses (`CREDENCE_WEBHOOK_ALLOW`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowList {
    hosts: Vec<String>,
    nets: Vec<IpNet>,
}

impl AllowList {
    /// Comma-separated host names, addresses or CIDRs: `127.0.0.1, hooks.dev.local, 10.0.0.0/8`.
    pub fn parse(raw: &str) -> Result<AllowList, String> {
        let mut list = AllowList::default();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bare = part.trim_start_matches('[').trim_end_matches(']');
            if let Ok(net) = bare.parse::<IpNet>() {
                list.nets.push(net.trunc());
            } else if let Ok(ip) = bare.parse::<IpAddr>() {
                list.nets.push(IpNet::from(ip.to_canonical()));
            } else if part.contains('/') || part.contains(':') {
                return Err(format!("`{part}` is not a host, an address or a CIDR"));
            } else {
                match Host::parse(part) {
                    Ok(Host::Domain(d)) => list.hosts.push(d),
                    Ok(Host::Ipv4(ip)) => list.nets.push(IpNet::from(IpAddr::V4(ip))),
                    Ok(Host::Ipv6(ip)) => list.nets.push(IpNet::from(IpAddr::V6(ip))),
                    Err(_) => return Err(format!("`{part}` is not a host, an address or a CIDR")),
                }
            }
        }
        Ok(list)
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.nets.is_empty()
    }

    fn allows_host(&self, host: &Host<String>) -> bool {
        match host {
            Host::Domain(d) => self.hosts.iter().any(|h| h.eq_ignore_ascii_case(d)),
            Host::Ipv4(ip) => self.allows_ip(IpAddr::V4(*ip)),
            Host::Ipv6(ip) => self.allows_ip(IpAddr::V6(*ip)),
        }
    }

    fn allows_ip(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|net| net.contains(&ip))
    }
}

/// Why a URL or address is refused: a stable `code` and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    fn new(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

/// The kind of address `ip` is when requests must not go there; `None` for a public address.
pub fn forbidden_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn net(s: &str) -> IpNet {
    s.parse().expect("a CIDR constant")
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    const RANGES: [(&str, &str); 14] = [
        ("0.0.0.0/8", "unspecified"),
        ("127.0.0.0/8", "loopback"),
        ("10.0.0.0/8", "private"),
        ("172.16.0.0/12", "private"),
        ("192.168.0.0/16", "private"),
        ("100.64.0.0/10", "shared (carrier-grade NAT)"),
        ("169.254.0.0/16", "link-local"),
        ("192.0.0.0/24", "reserved"),
        ("192.0.2.0/24", "documentation"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
    ];
    let ip = IpAddr::V4(ip);
    RANGES
        .iter()
        .find(|(cidr, _)| net(cidr).contains(&ip))
        .map(|(_, kind)| *kind)
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    // IPv4 carried inside IPv6 is judged as the IPv4 address it carries.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let embedded = |prefix: &str| -> Option<Ipv4Addr> {
        net(prefix).contains(&IpAddr::V6(ip)).then(|| {
            let o = ip.octets();
            Ipv4Addr::new(o[12], o[13], o[14], o[15])
        })
    };
    if ip == Ipv6Addr::UNSPECIFIED {
        return Some("unspecified");
    }
    if ip == Ipv6Addr::LOCALHOST {
        return Some("loopback");
    }
    // IPv4-compatible (deprecated) and NAT64 forms.
    for prefix in ["::/96", "64:ff9b::/96", "64:ff9b:1::/48"] {
        if let Some(v4) = embedded(prefix) {
            return Some(forbidden_v4(v4).unwrap_or("IPv4-embedding"));
        }
    }
    if net("2002::/16").contains(&IpAddr::V6(ip)) {
        // 6to4: the IPv4 address sits in bits 16..48.
        let o = ip.octets();
        return Some(forbidden_v4(Ipv4Addr::new(o[2], o[3], o[4], o[5])).unwrap_or("6to4"));
    }
    const RANGES: [(&str, &str); 8] = [
        ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
        ("100::/64", "discard-only"),
        ("2001:db8::/32", "documentation"),
        ("2001::/23", "reserved (IETF protocol assignments)"),
        ("::/8", "reserved"),
    ];
    let ip = IpAddr::V6(ip);
    RANGES
        .iter()
        .find(|(cidr, _)| net(cidr).contains(&ip))
        .map(|(_, kind)| *kind)
}

/// A URL that passed [`check_url`].
#[derive(Clone, Debug)]
pub struct Target {
    pub url: Url,
    /// Whether the allow-list names this host (or its literal address).
    allowed: bool,
}

impl Target {
    /// The host name to pin resolved addresses to; `None` for a literal address.
    pub fn domain(&self) -> Option<&str> {
        self.url.domain()
    }
}

/// What can be known without resolving: scheme, userinfo, literal addresses, `localhost`.
pub fn check_url(raw: &str, allow: &AllowList) -> Result<Target, Refusal> {
    check(raw, allow, true)
}

/// `by_name`: refuse `localhost` by its name (when saving; at delivery its addresses decide).
fn check(raw: &str, allow: &AllowList, by_name: bool) -> Result<Target, Refusal> {
    let url =
        Url::parse(raw.trim()).map_err(|_| Refusal::new("invalid_url", "Use an https:// URL."))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal::new("invalid_url", "Use an https:// URL."));
    }
    let host = url
        .host()
        .map(|h| h.to_owned())
        .ok_or_else(|| Refusal::new("invalid_url", "The URL has no host."))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::new(
            "url_credentials",
            "The URL must not contain a user name or password.",
        ));
    }
    let allowed = allow.allows_host(&host);
    if url.scheme() != "https" && !allowed {
        return Err(Refusal::new("https_required", "Use an https:// URL."));
    }
    if !allowed {
        match &host {
            Host::Domain(d) => {
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                if by_name && (d == "localhost" || d.ends_with(".localhost")) {
                    return Err(Refusal::new(
                        "forbidden_address",
                        "The URL must not point at this server (localhost).",
                    ));
                }
            }
            Host::Ipv4(ip) => refuse_ip(IpAddr::V4(*ip))?,
            Host::Ipv6(ip) => refuse_ip(IpAddr::V6(*ip))?,
        }
    }
    Ok(Target { url, allowed })
}

fn refuse_ip(ip: IpAddr) -> Result<(), Refusal> {
    match forbidden_kind(ip) {
        Some(kind) => Err(Refusal::new(
            "forbidden_address",
            format!("The URL must not point at a {kind} address ({ip})."),
        )),
        None => Ok(()),
    }
}

/// The delivery-time check: [`check_url`] again (the rules may have changed since the URL was
/// saved), then every address the host resolves to. Connect only to the addresses returned.
pub async fn resolve(raw: &str, allow: &AllowList) -> Result<(Target, Vec<SocketAddr>), Refusal> {
    let target = check(raw, allow, false)?;
    let port = target
        .url
        .port_or_known_default()
        .ok_or_else(|| Refusal::new("invalid_url", "The URL has no port."))?;
    let addrs: Vec<SocketAddr> = match target.url.host() {
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(d)) => tokio::net::lookup_host((d, port))
            .await
            .map_err(|e| Refusal::new("unresolvable", format!("{d} does not resolve: {e}")))?
            .collect(),
        None => Vec::new(),
    };
    if addrs.is_empty() {
        return Err(Refusal::new("unresolvable", "The host has no address."));
    }
    for addr in &addrs {
        if !target.allowed && !allow.allows_ip(addr.ip()) {
            refuse_ip(addr.ip()).map_err(|r| {
                Refusal::new(
                    r.code,
                    format!(
                        "{} resolves to {}: {}",
                        target.url.host_str().unwrap_or_default(),
                        addr.ip(),
                        r.message
                    ),
                )
            })?;
        }
    }
    Ok((target, addrs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(url: &str, allow: &AllowList) -> Result<(), &'static str> {
        check_url(url, allow).map(|_| ()).map_err(|r| r.code)
    }

    #[test]
    fn forbidden_forms_are_refused_at_creation() {
        let none = AllowList::default();
        for url in [
            "https://127.0.0.1:8080/hook",
            "https://127.1/",
            "https://2130706433/",
            "https://0x7f000001/",
            "https://0x7f.1/",
            "https://0177.0.0.1/",
            "https://0.0.0.0/",
            "https://0/",
            "https://10.0.0.1/",
            "https://172.16.5.4/",
            "https://192.168.1.1/",
            "https://100.64.0.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://224.0.0.1/",
            "https://255.255.255.255/",
            "https://[::1]/",
            "https://[::]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:7f00:1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[::127.0.0.1]/",
            "https://[64:ff9b::a00:1]/",
            "https://[2002:7f00:1::]/",
            "https://[fc00::1]/",
            "https://[fd12:3456::1]/",
            "https://[fe80::1]/",
            "https://[ff02::1]/",
            "https://localhost/",
            "https://LOCALHOST./",
            "https://api.localhost/",
        ] {
            assert_eq!(code(url, &none), Err("forbidden_address"), "{url}");
        }
        assert_eq!(code("http://hooks.example/", &none), Err("https_required"));
        assert_eq!(
            code("https://user:pw@hooks.example/", &none),
            Err("url_credentials")
        );
        assert_eq!(
            code("https://user@hooks.example/", &none),
            Err("url_credentials")
        );
        assert_eq!(code("ftp://hooks.example/", &none), Err("invalid_url"));
        assert_eq!(code("not a url", &none), Err("invalid_url"));
        assert_eq!(code("https://hooks.example/credence", &none), Ok(()));
        assert_eq!(code("https://93.184.215.14/", &none), Ok(()));
        assert_eq!(code("https://[2606:4700::1111]/", &none), Ok(()));
    }

    #[test]
    fn the_allow_list_lets_named_hosts_and_networks_through() {
        let allow = AllowList::parse("127.0.0.1, hooks.dev.local, 10.0.0.0/8, [::1]").unwrap();
        assert_eq!(code("http://127.0.0.1:9000/", &allow), Ok(()));
        assert_eq!(code("http://2130706433:9000/", &allow), Ok(()));
        assert_eq!(code("http://[::ffff:127.0.0.1]/", &allow), Ok(()));
        assert_eq!(code("http://[::1]/", &allow), Ok(()));
        assert_eq!(code("http://HOOKS.dev.local/", &allow), Ok(()));
        assert_eq!(code("http://10.9.8.7/", &allow), Ok(()));
        assert_eq!(code("https://127.0.0.2/", &allow), Err("forbidden_address"));
        assert_eq!(code("http://hooks.example/", &allow), Err("https_required"));
        assert_eq!(
            code("http://u:p@127.0.0.1/", &allow),
            Err("url_credentials")
        );
        assert!(AllowList::parse("10.0.0.0/33").is_err());
        assert!(AllowList::parse("not a host").is_err());
        assert!(AllowList::parse("").unwrap().is_empty());
    }

    #[actix_web::test]
    async fn names_that_resolve_to_forbidden_addresses_are_refused() {
        let none = AllowList::default();
        // At delivery `localhost` is judged by the addresses it resolves to.
        let r = resolve("https://localhost:9/", &none).await.unwrap_err();
        assert_eq!(r.code, "forbidden_address");
        assert!(r.message.contains("localhost resolves to"), "{r}");
        // A literal address needs no lookup.
        let (_, addrs) = resolve("https://93.184.215.14:8443/", &none).await.unwrap();
        assert_eq!(addrs, ["93.184.215.14:8443".parse().unwrap()]);
        // Allowed by network: the loopback address passes and is what is returned.
        let allow = AllowList::parse("127.0.0.0/8").unwrap();
        let (_, addrs) = resolve("http://127.0.0.1:9/", &allow).await.unwrap();
        assert_eq!(addrs, ["127.0.0.1:9".parse().unwrap()]);
    }
}
