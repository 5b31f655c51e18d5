//! What a token from an API key may reach: the one table of which scope each operation needs.
//!
//! The `Principal` extractor consults it on every request made with a key's token, so a
//! handler never checks scopes itself (one exception: creating a client with initial credits
//! also needs `credits`, which only the body tells). An operation the table does not name is
//! closed to keys: a new endpoint stays out of reach until someone decides its scope here.

use credence_shared::ApiKeyScope;

/// What a key's token needs to call one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAccess {
    /// A key holding this scope may call it.
    Scope(ApiKeyScope),
    /// Any key's token (it concerns only the token itself: who am I, sign out).
    AnyKey,
    /// Never with a key, whatever its scopes: a person must sign in.
    Never,
}

impl KeyAccess {
    /// The word the OpenAPI document shows (`x-api-key-scope`).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyAccess::Scope(scope) => scope.as_str(),
            KeyAccess::AnyKey => "any",
            KeyAccess::Never => "never",
        }
    }
}

/// The access an operation needs: `method` in capitals, `path` the route pattern under
/// `/api/v1` (e.g. `/clients/{id}`).
pub fn required(method: &str, path: &str) -> KeyAccess {
    use ApiKeyScope::*;
    use KeyAccess::*;
    match (method, path) {
        // Never, whatever the scopes: API keys themselves, users (reseller users, client users,
        // their emails and passwords), webhooks, one's own password, Login As.
        (_, "/api-keys" | "/api-keys/{id}") => Never,
        (_, "/me/password") => Never,
        ("GET", "/me" | "/me/branding") => AnyKey,
        ("POST", "/auth/logout") => AnyKey,
        ("GET", _) => Scope(Read),
        (
            _,
            "/reseller-users"
            | "/reseller-users/{id}"
            | "/client-users"
            | "/client-users/{id}"
            | "/client-users/{id}/resend-welcome"
            | "/client-users/{id}/send-guide"
            | "/client-users/{id}/impersonate"
            | "/auth/impersonation/end"
            | "/webhooks"
            | "/webhooks/{id}",
        ) => Never,
        (
            "POST",
            "/candidates"
            | "/candidates/{id}/invitations"
            | "/invitations/{id}/resend"
            | "/invitations/{id}/cancel"
            | "/projects/{id}/candidates/import",
        )
        | ("PATCH", "/candidates/{id}") => Scope(Candidates),
        ("POST", "/projects") | ("PATCH", "/projects/{id}") => Scope(Projects),
        ("POST", "/credit-orders" | "/clients/{id}/credit-adjustments")
        | ("PUT", "/reseller/resale-price" | "/clients/{id}/resale-price") => Scope(Credits),
        ("POST", "/clients")
        | ("PATCH", "/clients/{id}")
        | ("PUT" | "DELETE", "/clients/{id}/logo") => Scope(Clients),
        _ => Never,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_need_read_but_keys_and_the_own_password_are_never_reachable() {
        assert_eq!(
            required("GET", "/clients"),
            KeyAccess::Scope(ApiKeyScope::Read)
        );
        assert_eq!(
            required("GET", "/audit-events"),
            KeyAccess::Scope(ApiKeyScope::Read)
        );
        assert_eq!(required("GET", "/api-keys"), KeyAccess::Never);
        assert_eq!(required("GET", "/me"), KeyAccess::AnyKey);
        assert_eq!(required("POST", "/me/password"), KeyAccess::Never);
    }

    #[test]
    fn people_webhooks_and_login_as_are_never_reachable() {
        for (method, path) in [
            ("POST", "/api-keys"),
            ("DELETE", "/api-keys/{id}"),
            ("POST", "/reseller-users"),
            ("PATCH", "/reseller-users/{id}"),
            ("DELETE", "/reseller-users/{id}"),
            ("POST", "/client-users"),
            ("PATCH", "/client-users/{id}"),
            ("DELETE", "/client-users/{id}"),
            ("POST", "/client-users/{id}/resend-welcome"),
            ("POST", "/client-users/{id}/impersonate"),
            ("POST", "/auth/impersonation/end"),
            ("POST", "/webhooks"),
            ("DELETE", "/webhooks/{id}"),
        ] {
            assert_eq!(required(method, path), KeyAccess::Never, "{method} {path}");
        }
    }

    #[test]
    fn each_change_needs_its_scope_and_unknown_ones_are_closed() {
        assert_eq!(
            required("POST", "/candidates"),
            KeyAccess::Scope(ApiKeyScope::Candidates)
        );
        assert_eq!(
            required("POST", "/projects/{id}/candidates/import"),
            KeyAccess::Scope(ApiKeyScope::Candidates)
        );
        assert_eq!(
            required("PATCH", "/projects/{id}"),
            KeyAccess::Scope(ApiKeyScope::Projects)
        );
        assert_eq!(
            required("POST", "/credit-orders"),
            KeyAccess::Scope(ApiKeyScope::Credits)
        );
        assert_eq!(
            required("PUT", "/clients/{id}/logo"),
            KeyAccess::Scope(ApiKeyScope::Clients)
        );
        assert_eq!(required("POST", "/admin/resellers"), KeyAccess::Never);
        assert_eq!(required("POST", "/something/new"), KeyAccess::Never);
    }
}
