//! Name resolution for custom host checks: the system resolver (getaddrinfo on a blocking
//! thread, with a timeout), after a fixed table of answers (`CREDENCE_DNS_OVERRIDES`, for
//! development and tests). Resolution only: nothing here connects anywhere.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

/// How long one resolution may take before it counts as not found.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolver {
    overrides: HashMap<String, Vec<IpAddr>>,
}

impl Resolver {
    /// `name=addr addr,name=addr`: fixed answers consulted before the system resolver.
    pub fn parse_overrides(raw: &str) -> Result<Resolver, String> {
        let mut overrides = HashMap::new();
        for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (name, addrs) = entry
                .split_once('=')
                .ok_or_else(|| format!("`{entry}` is not name=address"))?;
            let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
            if name.is_empty() {
                return Err(format!("`{entry}` has no name"));
            }
            let addrs = addrs
                .split_whitespace()
                .map(|a| {
                    a.parse::<IpAddr>()
                        .map_err(|_| format!("`{a}` is not an IP address"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            overrides.insert(name, addrs);
        }
        Ok(Resolver { overrides })
    }

    /// The addresses `name` resolves to, without duplicates; empty when it does not resolve
    /// (no such name, no address, resolver failure or timeout).
    pub async fn lookup(&self, name: &str) -> Vec<IpAddr> {
        let key = name.trim_end_matches('.').to_ascii_lowercase();
        if let Some(fixed) = self.overrides.get(&key) {
            return fixed.clone();
        }
        let found = tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((key, 0))).await;
        let mut addrs: Vec<IpAddr> = match found {
            Ok(Ok(iter)) => iter.map(|a| a.ip()).collect(),
            _ => Vec::new(),
        };
        addrs.sort();
        addrs.dedup();
        addrs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_parse_and_refuse_junk() {
        let r =
            Resolver::parse_overrides("App.Example.=192.0.2.1 2001:db8::1, x.example=").unwrap();
        assert_eq!(
            r.overrides["app.example"],
            vec![
                "192.0.2.1".parse::<IpAddr>().unwrap(),
                "2001:db8::1".parse().unwrap()
            ]
        );
        assert!(r.overrides["x.example"].is_empty());
        assert!(Resolver::parse_overrides("nonsense").is_err());
        assert!(Resolver::parse_overrides("a.example=not-an-ip").is_err());
    }

    #[tokio::test]
    async fn the_system_resolver_answers_from_the_hosts_file_and_overrides_come_first() {
        // `localhost` is in every hosts file; `.invalid` never resolves (RFC 6761).
        let r = Resolver::parse_overrides("fixed.example=192.0.2.9").unwrap();
        let local = r.lookup("localhost").await;
        assert!(!local.is_empty() && local.iter().all(IpAddr::is_loopback));
        assert!(r.lookup("nothing-here.invalid").await.is_empty());
        assert_eq!(
            r.lookup("FIXED.example").await,
            vec!["192.0.2.9".parse::<IpAddr>().unwrap()]
        );
    }
}
