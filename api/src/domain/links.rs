//! Where links in emails point: the SPA's public base URL (`CREDENCE_PUBLIC_URL`), or a
//! reseller's active custom host (`domain::senders` decides which, per recipient). Domain code
//! that writes a mail takes this, never the whole configuration; it also carries the vendor's
//! support address (`CREDENCE_SUPPORT_EMAIL`), the Reply-To of mail to reseller staff.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Links {
    /// Without a trailing slash, e.g. `https://assess.example`.
    pub public_url: String,
    /// The vendor's support address, if configured.
    pub vendor_support: Option<String>,
}

impl Links {
    pub fn new(public_url: &str) -> Links {
        Links {
            public_url: public_url.trim_end_matches('/').to_string(),
            vendor_support: None,
        }
    }

    pub fn with_vendor_support(mut self, address: Option<String>) -> Links {
        self.vendor_support = address;
        self
    }

    /// The same links on a reseller's custom host (always https, as the host is served).
    pub fn on_host(&self, host: &str) -> Links {
        Links {
            public_url: format!("https://{}", host.trim_end_matches('.')),
            vendor_support: self.vendor_support.clone(),
        }
    }

    /// The absolute URL of an SPA page, e.g. `page("/client/quick-start")`.
    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hang_off_the_base_without_a_double_slash() {
        let links = Links::new("https://assess.example/");
        assert_eq!(links.page("/test"), "https://assess.example/test");
    }

    #[test]
    fn a_custom_host_is_served_over_https() {
        let links = Links::new("http://assess.example").on_host("assess.partner.example");
        assert_eq!(links.page("/login"), "https://assess.partner.example/login");
    }
}
