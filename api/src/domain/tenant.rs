//! Whose data a reseller user or client user may see: the one scope every domain rule checks.
//! The auth extractors build it from the token; nothing builds it from request input.

#[derive(Debug, Clone, PartialEq)]
pub enum Tenant {
    /// A reseller's staff: every client of the reseller.
    Reseller { reseller_id: String },
    /// A client user (or a reseller viewing as one): that client only.
    Client { client_id: String },
}

impl Tenant {
    /// Scores are for the client's own users: resellers see statuses only.
    pub fn sees_scores(&self) -> bool {
        matches!(self, Tenant::Client { .. })
    }

    /// The reseller, for a reseller's staff.
    pub fn reseller_id(&self) -> Option<&str> {
        match self {
            Tenant::Reseller { reseller_id } => Some(reseller_id),
            Tenant::Client { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_client_users_see_scores() {
        let reseller = Tenant::Reseller {
            reseller_id: "r".into(),
        };
        let client = Tenant::Client {
            client_id: "c".into(),
        };
        assert!(!reseller.sees_scores() && client.sees_scores());
        assert_eq!(reseller.reseller_id(), Some("r"));
        assert_eq!(client.reseller_id(), None);
    }
}
