//! Who is at the other end: the client's IP address and the host it asked for.
//!
//! Behind a reverse proxy every connection comes from the proxy, so the client is named by a
//! forwarding header. Those headers are believed only from a peer in `CREDENCE_TRUSTED_PROXIES`,
//! and only the one header `CREDENCE_PROXY_HEADER` names (a client could send the other one
//! untouched through the proxy). The client is the rightmost hop that is not a trusted proxy:
//! everything left of it was written by someone we do not trust.

use std::net::{IpAddr, SocketAddr};

use actix_web::http::header::{self, HeaderMap};

use crate::config::{ProxyHeader, TrustedProxies};

/// The client's address: the peer, or, when the peer is a trusted proxy, the rightmost
/// untrusted hop of the forwarding header (the leftmost hop when every hop is trusted).
pub fn client_ip(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
    which: ProxyHeader,
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    if !trusted.contains(peer) {
        return Some(peer);
    }
    let mut client = peer;
    for hop in forwarded_values(headers, which, "for").iter().rev() {
        match parse_ip(hop) {
            Some(ip) if trusted.contains(ip) => client = ip,
            Some(ip) => return Some(ip),
            // `unknown`, an obfuscated name or garbage: nothing to believe beyond this point.
            None => break,
        }
    }
    Some(client)
}

/// The host the client asked for: the proxy's forwarded host when the peer is trusted,
/// else the request's own `Host` (or HTTP/2 authority).
pub fn client_host(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    uri_host: Option<&str>,
    trusted: &TrustedProxies,
    which: ProxyHeader,
) -> Option<String> {
    if peer.is_some_and(|p| trusted.contains(p)) {
        if let Some(host) = forwarded_values(headers, which, "host").pop() {
            return Some(host);
        }
    }
    headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or(uri_host)
        .map(str::to_string)
}

/// Every value of `key` in the chosen header, in order (all header lines joined).
fn forwarded_values(headers: &HeaderMap, which: ProxyHeader, key: &str) -> Vec<String> {
    let lines = |name: &str| {
        headers
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
    };
    match which {
        ProxyHeader::XForwardedFor => match key {
            "for" => lines("x-forwarded-for"),
            _ => lines("x-forwarded-host"),
        },
        ProxyHeader::Forwarded => lines("forwarded")
            .iter()
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.split_once('=')?;
                    k.trim()
                        .eq_ignore_ascii_case(key)
                        .then(|| v.trim().trim_matches('"').to_string())
                })
            })
            .collect(),
    }
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_ip(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })
        .map(|ip: IpAddr| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(HeaderName::from_static(k), HeaderValue::from_static(v));
        }
        map
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let xff = ProxyHeader::XForwardedFor;
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.7")]);
        // Untrusted peer: the header is ignored.
        assert_eq!(
            client_ip(ip("198.51.100.1"), &h, &trusted, xff),
            ip("198.51.100.1")
        );
        // Trusted peer: the rightmost untrusted hop, not the forged leftmost one.
        assert_eq!(
            client_ip(ip("10.0.0.2"), &h, &trusted, xff),
            ip("203.0.113.7")
        );
        // Proxy chains: trusted hops are skipped; all trusted gives the leftmost.
        let chain = headers(&[
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-for", "10.0.0.9"),
        ]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &chain, &trusted, xff),
            ip("203.0.113.7")
        );
        let inside = headers(&[("x-forwarded-for", "10.0.0.7, 10.0.0.9")]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &inside, &trusted, xff),
            ip("10.0.0.7")
        );
        // Nothing usable: the proxy itself.
        let junk = headers(&[("x-forwarded-for", "unknown")]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &junk, &trusted, xff),
            ip("10.0.0.2")
        );
        // Only the configured header is read.
        let other = headers(&[("forwarded", "for=203.0.113.9")]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &other, &trusted, xff),
            ip("10.0.0.2")
        );
        let fwd = headers(&[(
            "forwarded",
            "for=1.1.1.1;host=evil.example, for=\"[2001:db8::17]:4711\";proto=https;host=skin.example",
        )]);
        let f = ProxyHeader::Forwarded;
        assert_eq!(
            client_ip(ip("10.0.0.2"), &fwd, &trusted, f),
            ip("2001:db8::17")
        );
        assert_eq!(
            client_host(ip("10.0.0.2"), &fwd, None, &trusted, f).as_deref(),
            Some("skin.example")
        );
        // No trusted proxies configured: always the peer, always the Host header.
        let none = TrustedProxies::default();
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-host", "skin.example"),
            ("host", "app.example"),
        ]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &none, xff), ip("10.0.0.2"));
        assert_eq!(
            client_host(ip("10.0.0.2"), &h, None, &none, xff).as_deref(),
            Some("app.example")
        );
        assert_eq!(
            client_host(ip("10.0.0.2"), &h, None, &trusted, xff).as_deref(),
            Some("skin.example")
        );
    }
}
