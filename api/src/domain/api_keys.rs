//! API keys for partner integrations: create, list, revoke. A key acts as the user who created
//! it; `auth::client_credentials` exchanges it for an access token. Only the SHA-256 of the
//! secret is stored; revoking a key ends its tokens at once.

use credence_shared::auth::ApiKey;
use diesel::prelude::*;

use crate::db::schema::{api_keys, users};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::sessions;
use crate::domain::tenant::Tenant;
use crate::domain::users::{self as accounts, UserRow};
use crate::domain::values::required_text;
use crate::error::{ApiError, Validator};
use crate::secrets::{random_token, token_hash};

type KeyRow = (
    String,
    String,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    String,
);

fn scope_of(user: &UserRow) -> AuditScope {
    AuditScope {
        reseller_id: user.reseller_id.clone(),
        client_id: user.client_id.clone(),
    }
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
    Ok(rows
        .into_iter()
        .map(|r| ApiKey {
            id: r.0,
            name: r.1,
            client_id: r.2,
            client_secret: None,
            created_at: r.3.and_utc(),
            last_used_at: r.4.map(|t| t.and_utc()),
            owner_name: r.5,
        })
        .collect())
}

pub fn create(
    conn: &mut DbConnection,
    actor: &AuditActor,
    owner_id: &str,
    name: &str,
) -> Result<ApiKey, ApiError> {
    let mut v = Validator::new();
    let name = v.check("name", required_text(name, 100));
    v.finish()?;
    let name = name.unwrap_or_default();
    let owner = accounts::get(conn, owner_id)?;
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
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "api_key.created",
        ("api_key", &id),
        scope_of(&owner),
        serde_json::json!({ "name": name, "client_id": key_id }),
    )?;
    Ok(ApiKey {
        id,
        name,
        client_id: key_id,
        client_secret: Some(secret),
        owner_name: owner.name,
        created_at: at.and_utc(),
        last_used_at: None,
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

/// A live (unrevoked) key by its public id: `(id, owner_id, secret_hash)`.
pub fn find_live(
    conn: &mut DbConnection,
    key_id: &str,
) -> Result<Option<(String, String, String)>, ApiError> {
    Ok(api_keys::table
        .filter(api_keys::key_id.eq(key_id))
        .filter(api_keys::revoked_at.is_null())
        .select((api_keys::id, api_keys::owner_id, api_keys::secret_hash))
        .first(conn)
        .optional()?)
}
