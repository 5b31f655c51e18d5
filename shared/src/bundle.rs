//! The SPA's bundles: one small wasm program per area, so a candidate's phone downloads only the
//! test area and a signed-out visitor only the public pages. The server picks the bundle for a
//! page's path (writing its script into `index.html`), and each bundle sends a path it does not
//! own to the server with a full page load.

/// One of the SPA's separately built programs (`web/src/bin/<name>.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bundle {
    /// `/`, `/login`, `/forgot-password`, `/set-password`, `/confirm-email` and unknown paths.
    Public,
    /// `/admin…`: the vendor's portal.
    Admin,
    /// `/reseller…`
    Reseller,
    /// `/client…`
    Client,
    /// `/test…`: the candidates' test area.
    TestArea,
}

impl Bundle {
    pub const ALL: [Bundle; 5] = [
        Bundle::Public,
        Bundle::Admin,
        Bundle::Reseller,
        Bundle::Client,
        Bundle::TestArea,
    ];

    /// The bundle's name: its cargo binary, its files (`pkg/<name>.<hash>.js`) and its key in
    /// the build's `manifest.json`.
    pub fn name(self) -> &'static str {
        match self {
            Bundle::Public => "public",
            Bundle::Admin => "admin",
            Bundle::Reseller => "reseller",
            Bundle::Client => "client",
            Bundle::TestArea => "test-area",
        }
    }

    /// The bundle that serves a page's path (the path alone, without query or fragment).
    pub fn for_path(path: &str) -> Bundle {
        let first = path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        match first {
            "test" => Bundle::TestArea,
            "admin" => Bundle::Admin,
            "reseller" => Bundle::Reseller,
            "client" => Bundle::Client,
            _ => Bundle::Public,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bundle;

    #[test]
    fn each_area_has_its_bundle() {
        for (path, bundle) in [
            ("/test", Bundle::TestArea),
            ("/test/", Bundle::TestArea),
            ("/test/assessment/abc/run", Bundle::TestArea),
            ("/admin", Bundle::Admin),
            ("/admin/resellers/1", Bundle::Admin),
            ("/reseller/clients", Bundle::Reseller),
            ("/client", Bundle::Client),
            ("/client/candidates/x/report", Bundle::Client),
            ("/", Bundle::Public),
            ("", Bundle::Public),
            ("/login", Bundle::Public),
            ("/set-password", Bundle::Public),
            ("/testing", Bundle::Public),
            ("/clients/some-id", Bundle::Public),
            ("/administrator", Bundle::Public),
        ] {
            assert_eq!(Bundle::for_path(path), bundle, "{path}");
        }
    }

    #[test]
    fn names_are_distinct() {
        let mut names: Vec<_> = Bundle::ALL.iter().map(|b| b.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Bundle::ALL.len());
    }
}
