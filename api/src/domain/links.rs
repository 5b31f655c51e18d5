//! Where links in emails point: the SPA's public base URL (`CREDENCE_PUBLIC_URL`). Domain code
//! that writes a link takes this, never the whole configuration.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Links {
    /// Without a trailing slash, e.g. `https://assess.example`.
    pub public_url: String,
}

impl Links {
    pub fn new(public_url: &str) -> Links {
        Links {
            public_url: public_url.trim_end_matches('/').to_string(),
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
}
