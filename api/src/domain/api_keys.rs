//! API keys for partner integrations: create, list, revoke, and the audit trail of their
//! exchanges. A key acts as the user who created it, within the scopes chosen when it was made
//! (`ApiKeyScope`); `auth::client_credentials` exchanges it for an access token. Only the
//! SHA-256 of the secret is stored; revoking a key ends its tokens at once.

use std::collections::HashMap;

use credence_shared::auth::ApiKey;
use credence_shared::{ApiKeyScope, Role};
use diesel::prelude::*;

use crate::db::schema::{api_key_scopes, api_keys, users};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::tenant::Tenant;
use crate::domain::users::{self as accounts, UserRow};
use crate::domain::values::required_text;
use crate::domain::{key_limits, sessions};
use crate::error::{ApiError, FieldIssue, Validator};
use crate::secrets::{random_token, token_hash};

type KeyRow = (
    String,
    String,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    String,
    i32,
    i64,
);

fn scope_of(user: &UserRow) -> AuditScope {
    AuditScope {
        reseller_id: user.reseller_id.clone(),
        client_id: user.client_id.clone(),
    }
}

/// The scopes of each of these keys, in `ApiKeyScope::ALL` order (one query).
fn scopes_of(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<HashMap<String, Vec<ApiKeyScope>>, ApiError> {
    let rows: Vec<(String, String)> = api_key_scopes::table
        .filter(api_key_scopes::api_key_id.eq_any(ids))
        .select((api_key_scopes::api_key_id, api_key_scopes::scope))
        .load(conn)?;
    let mut by_key: HashMap<String, Vec<ApiKeyScope>> = HashMap::new();
    for (id, word) in rows {
        by_key.entry(id).or_default().push(word.parse()?);
    }
    for scopes in by_key.values_mut() {
        scopes.sort_by_key(|s| ApiKeyScope::ALL.iter().position(|x| x == s));
    }
    Ok(by_key)
}

/// What the tokens of this key may do.
pub fn scopes(conn: &mut DbConnection, api_key_id: &str) -> Result<Vec<ApiKeyScope>, ApiError> {
    Ok(scopes_of(conn, &[api_key_id.to_string()])?
        .remove(api_key_id)
        .unwrap_or_default())
}

pub fn list(conn: &mut DbConnection, tenant: &Tenant) -> Result<Vec<ApiKey>, ApiError> {
    let mut query = api_keys::table
        .inner_join(users::table)
        .filter(api_keys::revoked_at.is_null())
        .order(api_keys::id.desc())
        .select((
            api_keys::id,
            api_keys::name,
            api_keys::key_id,
            api_keys::created_at,
            api_keys::last_used_at,
            users::name,
            api_keys::rate_per_minute,
            api_keys::request_count,
        ))
        .into_boxed();
    match tenant {
        Tenant::Reseller { reseller_id } => {
            query = query.filter(users::reseller_id.eq(reseller_id.clone()))
        }
        Tenant::Client { client_id } => {
            query = query.filter(users::client_id.eq(client_id.clone()))
        }
    }
    let rows: Vec<KeyRow> = query.load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let mut scopes = scopes_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| ApiKey {
            scopes: scopes.remove(&r.0).unwrap_or_default(),
            id: r.0,
            name: r.1,
            client_id: r.2,
            client_secret: None,
            created_at: r.3.and_utc(),
            last_used_at: r.4.map(|t| t.and_utc()),
            owner_name: r.5,
            rate_per_minute: r.6,
            request_count: r.7,
        })
        .collect())
}

/// The scopes a new key gets: those asked for, or without `scopes` every scope of the owner's
/// role. An empty list, an unknown word or a scope the role may not hold is refused.
fn chosen_scopes(requested: Option<&[String]>, role: Role) -> Result<Vec<ApiKeyScope>, FieldIssue> {
    let Some(words) = requested else {
        return Ok(ApiKeyScope::for_role(role));
    };
    if words.is_empty() {
        return Err(FieldIssue::new("required", "Choose at least one scope."));
    }
    let offered = || {
        ApiKeyScope::for_role(role)
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let unknown: Vec<&str> = words
        .iter()
        .map(|w| w.trim())
        .filter(|w| ApiKeyScope::parse(w).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(FieldIssue::new(
            "unknown_scope",
            format!(
                "Not an API key scope: {}. Choose from: {}.",
                unknown.join(", "),
                offered()
            ),
        ));
    }
    let parsed: Vec<ApiKeyScope> = words
        .iter()
        .filter_map(|w| ApiKeyScope::parse(w.trim()))
        .collect();
    let unavailable: Vec<&str> = parsed
        .iter()
        .filter(|s| !s.available_to(role))
        .map(|s| s.as_str())
        .collect();
    if !unavailable.is_empty() {
        return Err(FieldIssue::new(
            "scope_not_available",
            format!(
                "Your keys cannot hold: {}. Choose from: {}.",
                unavailable.join(", "),
                offered()
            ),
        ));
    }
    Ok(ApiKeyScope::ALL
        .iter()
        .copied()
        .filter(|s| parsed.contains(s))
        .collect())
}

pub fn create(
    conn: &mut DbConnection,
    actor: &AuditActor,
    owner_id: &str,
    name: &str,
    scopes: Option<&[String]>,
    rate_per_minute: Option<i64>,
) -> Result<ApiKey, ApiError> {
    let owner = accounts::get(conn, owner_id)?;
    let mut v = Validator::new();
    let name = v.check("name", required_text(name, 100));
    let scopes = v.check("scopes", chosen_scopes(scopes, owner.role()));
    let rate = v.check("rate_per_minute", key_limits::per_minute(rate_per_minute));
    v.finish()?;
    let (name, scopes) = (name.unwrap_or_default(), scopes.unwrap_or_default());
    let rate = rate.unwrap_or(key_limits::DEFAULT_PER_MINUTE);
    let (id, key_id, secret) = (
        new_id(),
        format!("ck_{}", random_token(12)),
        format!("cs_{}", random_token(32)),
    );
    let at = now();
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::id.eq(&id),
            api_keys::owner_id.eq(owner_id),
            api_keys::name.eq(&name),
            api_keys::key_id.eq(&key_id),
            api_keys::secret_hash.eq(token_hash(&secret)),
            api_keys::created_at.eq(at),
            api_keys::rate_per_minute.eq(rate),
        ))
        .execute(conn)?;
    for scope in &scopes {
        diesel::insert_into(api_key_scopes::table)
            .values((
                api_key_scopes::api_key_id.eq(&id),
                api_key_scopes::scope.eq(scope.as_str()),
            ))
            .execute(conn)?;
    }
    audit::record(
        conn,
        actor,
        "api_key.created",
        ("api_key", &id),
        scope_of(&owner),
        serde_json::json!({ "name": name, "client_id": key_id, "scopes": scopes, "rate_per_minute": rate }),
    )?;
    Ok(ApiKey {
        id,
        name,
        client_id: key_id,
        client_secret: Some(secret),
        owner_name: owner.name,
        scopes,
        created_at: at.and_utc(),
        last_used_at: None,
        rate_per_minute: rate,
        request_count: 0,
    })
}

pub fn revoke(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
) -> Result<(), ApiError> {
    let visible = list(conn, tenant)?.into_iter().any(|k| k.id == id);
    if !visible {
        return Err(ApiError::not_found());
    }
    let owner_id: String = api_keys::table
        .find(id)
        .select(api_keys::owner_id)
        .first(conn)?;
    let owner = accounts::get(conn, &owner_id)?;
    diesel::update(api_keys::table.find(id))
        .set(api_keys::revoked_at.eq(Some(now())))
        .execute(conn)?;
    sessions::end_for_api_key(conn, id)?;
    audit::record(
        conn,
        actor,
        "api_key.revoked",
        ("api_key", id),
        scope_of(&owner),
        serde_json::json!({}),
    )
}

/// A key as `POST /auth/token` sees it.
#[derive(Debug, Clone)]
pub struct StoredKey {
    pub id: String,
    /// The public half (`client_id`).
    pub key_id: String,
    pub owner_id: String,
    pub secret_hash: String,
    pub revoked: bool,
}

/// A key by its public id, revoked or not.
pub fn find(conn: &mut DbConnection, key_id: &str) -> Result<Option<StoredKey>, ApiError> {
    let row: Option<(
        String,
        String,
        String,
        String,
        Option<chrono::NaiveDateTime>,
    )> = api_keys::table
        .filter(api_keys::key_id.eq(key_id))
        .select((
            api_keys::id,
            api_keys::key_id,
            api_keys::owner_id,
            api_keys::secret_hash,
            api_keys::revoked_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(id, key_id, owner_id, secret_hash, revoked_at)| StoredKey {
            id,
            key_id,
            owner_id,
            secret_hash,
            revoked: revoked_at.is_some(),
        },
    ))
}

/// Why an exchange of a known key was refused (the caller is told only `invalid_client`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeRefusal {
    WrongSecret,
    Revoked,
    /// The owner is deactivated (or never set a password), or their organisation suspended.
    OwnerInactive,
}

impl ExchangeRefusal {
    fn as_str(self) -> &'static str {
        match self {
            ExchangeRefusal::WrongSecret => "wrong_secret",
            ExchangeRefusal::Revoked => "revoked",
            ExchangeRefusal::OwnerInactive => "owner_inactive",
        }
    }
}

/// Audit-logs one exchange of a known key in its owner's tenant: `api_key.exchanged` with the
/// session it opened, or `api_key.exchange_refused` with the reason. Never the secret.
pub fn record_exchange(
    conn: &mut DbConnection,
    key: &StoredKey,
    ip: Option<String>,
    outcome: Result<&str, ExchangeRefusal>,
) -> Result<(), ApiError> {
    let owner = accounts::get(conn, &key.owner_id)?;
    let (action, user_id, details) = match outcome {
        Ok(session_id) => (
            "api_key.exchanged",
            Some(owner.id.clone()),
            serde_json::json!({ "client_id": key.key_id, "session_id": session_id }),
        ),
        Err(refusal) => (
            "api_key.exchange_refused",
            None,
            serde_json::json!({ "client_id": key.key_id, "reason": refusal.as_str() }),
        ),
    };
    audit::record(
        conn,
        &AuditActor {
            user_id,
            impersonator_id: None,
            ip,
        },
        action,
        ("api_key", &key.id),
        scope_of(&owner),
        details,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn without_scopes_a_key_gets_every_scope_of_its_owners_role() {
        assert_eq!(
            chosen_scopes(None, Role::ClientUser).unwrap(),
            [
                ApiKeyScope::Read,
                ApiKeyScope::Candidates,
                ApiKeyScope::Projects
            ]
        );
        assert_eq!(
            chosen_scopes(None, Role::Reseller).unwrap(),
            ApiKeyScope::ALL
        );
    }

    #[test]
    fn chosen_scopes_are_deduplicated_and_ordered() {
        let chosen = chosen_scopes(
            Some(&words(&["credits", "read", "credits"])),
            Role::Reseller,
        )
        .unwrap();
        assert_eq!(chosen, [ApiKeyScope::Read, ApiKeyScope::Credits]);
    }

    #[test]
    fn refuses_empty_unknown_and_unavailable_scopes() {
        assert_eq!(
            chosen_scopes(Some(&[]), Role::Reseller).unwrap_err().code,
            "required"
        );
        let unknown = chosen_scopes(Some(&words(&["read", "admin"])), Role::Reseller).unwrap_err();
        assert_eq!(unknown.code, "unknown_scope");
        assert!(unknown.message.contains("admin"), "{}", unknown.message);
        let unavailable =
            chosen_scopes(Some(&words(&["read", "credits"])), Role::ClientUser).unwrap_err();
        assert_eq!(unavailable.code, "scope_not_available");
        assert!(
            unavailable.message.contains("credits"),
            "{}",
            unavailable.message
        );
    }
}
