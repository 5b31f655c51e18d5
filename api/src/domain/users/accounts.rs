//! One person, several accounts. An email is unique within its tenant — the vendor's
//! administrators, one reseller's staff, one client's users — so the same email may hold an
//! account in several tenants (a reseller user who is also one of its clients' users), at most
//! [`MAX_ACCOUNTS_PER_EMAIL`] of them: signing in checks the password against each.

use credence_shared::auth::AccountChoice;
use credence_shared::Role;
use diesel::prelude::*;

use crate::db::schema::{clients, resellers, users};
use crate::db::DbConnection;
use crate::error::ApiError;

use super::UserRow;

/// How many accounts one email may hold. Signing in always does this many password checks (the
/// accounts', then stand-ins), so how long a wrong password takes says nothing about how many
/// accounts an email has, or whether it has any.
pub const MAX_ACCOUNTS_PER_EMAIL: usize = 5;

/// Where an account's email must be unique: its role and, for staff of a reseller or users of a
/// client, that reseller or client.
#[derive(Debug, Clone, Copy)]
pub struct AccountTenant<'a> {
    pub role: Role,
    pub reseller_id: Option<&'a str>,
    pub client_id: Option<&'a str>,
}

impl UserRow {
    pub fn tenant(&self) -> AccountTenant<'_> {
        AccountTenant {
            role: self.role(),
            reseller_id: self.reseller_id.as_deref(),
            client_id: self.client_id.as_deref(),
        }
    }
}

fn normalised(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Every account with this email, oldest first (at most [`MAX_ACCOUNTS_PER_EMAIL`]).
pub fn all_by_email(conn: &mut DbConnection, email: &str) -> Result<Vec<UserRow>, ApiError> {
    Ok(users::table
        .filter(users::email.eq(normalised(email)))
        .order(users::id.asc())
        .limit(MAX_ACCOUNTS_PER_EMAIL as i64)
        .load(conn)?)
}

/// Whether the email holds as many accounts as one email may.
pub fn at_capacity(conn: &mut DbConnection, email: &str) -> Result<bool, ApiError> {
    let n: i64 = users::table
        .filter(users::email.eq(normalised(email)))
        .count()
        .get_result(conn)?;
    Ok(n >= MAX_ACCOUNTS_PER_EMAIL as i64)
}

/// The account with this email in `tenant`, other than `except`.
pub fn in_tenant(
    conn: &mut DbConnection,
    email: &str,
    tenant: AccountTenant<'_>,
    except: Option<&str>,
) -> Result<Option<UserRow>, ApiError> {
    let mut query = users::table
        .filter(users::email.eq(normalised(email)))
        .filter(users::role.eq(tenant.role.as_str()))
        .into_boxed();
    match tenant.role {
        Role::Reseller => query = query.filter(users::reseller_id.eq(tenant.reseller_id)),
        Role::ClientUser => query = query.filter(users::client_id.eq(tenant.client_id)),
        Role::PlatformAdmin | Role::Candidate => {}
    }
    if let Some(except) = except {
        query = query.filter(users::id.ne(except));
    }
    Ok(query.first(conn).optional()?)
}

/// Whether another account of `tenant` has this email.
pub fn taken_in_tenant(
    conn: &mut DbConnection,
    email: &str,
    tenant: AccountTenant<'_>,
    except: Option<&str>,
) -> Result<bool, ApiError> {
    Ok(in_tenant(conn, email, tenant, except)?.is_some())
}

/// The account as the person who holds it picks it: role and tenant in words.
pub fn choice(conn: &mut DbConnection, user: &UserRow) -> Result<AccountChoice, ApiError> {
    let role = user.role();
    let tenant_name: Option<String> = match (role, &user.client_id, &user.reseller_id) {
        (Role::ClientUser, Some(client_id), _) => Some(
            clients::table
                .find(client_id)
                .select(clients::name)
                .first(conn)?,
        ),
        (Role::Reseller, _, Some(reseller_id)) => Some(
            resellers::table
                .find(reseller_id)
                .select(resellers::name)
                .first(conn)?,
        ),
        _ => None,
    };
    Ok(AccountChoice {
        id: user.id.clone(),
        role,
        label: label(role, tenant_name.as_deref()),
        tenant_name,
    })
}

/// "Client user at Acme Ltd", "Reseller user at Partner Co", "Platform administrator".
pub fn label(role: Role, tenant_name: Option<&str>) -> String {
    let what = match role {
        Role::PlatformAdmin => "Platform administrator",
        Role::Reseller => "Reseller user",
        Role::ClientUser => "Client user",
        Role::Candidate => "Candidate",
    };
    match tenant_name {
        Some(name) => format!("{what} at {name}"),
        None => what.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_role_and_the_tenant() {
        assert_eq!(
            label(Role::ClientUser, Some("Acme Ltd")),
            "Client user at Acme Ltd"
        );
        assert_eq!(
            label(Role::Reseller, Some("Partner Co")),
            "Reseller user at Partner Co"
        );
        assert_eq!(label(Role::PlatformAdmin, None), "Platform administrator");
    }
}
