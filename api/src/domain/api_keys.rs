//! API keys for partner integrations. A key acts as the user who created it; it is exchanged
//! for a 15-minute access token (`POST /auth/token`, client credentials). Only the SHA-256 of
//! the secret is stored; revoking a key ends its tokens at once.

use chrono::Duration;
use credence_shared::auth::{ApiKey, ClientCredentialsResponse};
use diesel::prelude::*;

use crate::auth::session::{access_token, organisation_open};
use crate::auth::tokens::{random_token, token_hash, Keys, ACCESS_TOKEN_SECONDS};
use crate::domain::tenant::Tenant;
use crate::db::schema::{api_keys, sessions, users};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::users::{self as accounts, UserRow};
use crate::domain::values::required_text;
use crate::error::{ApiError, Validator};

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
    diesel::update(
        sessions::table
            .filter(sessions::api_key_id.eq(id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now())))
    .execute(conn)?;
    audit::record(
        conn,
        actor,
        "api_key.revoked",
        ("api_key", id),
        scope_of(&owner),
        serde_json::json!({}),
    )
}

/// Client credentials → a short-lived access token acting as the key's owner.
pub fn exchange(
    conn: &mut DbConnection,
    keys: &Keys,
    client_id: &str,
    client_secret: &str,
    ip: Option<String>,
) -> Result<ClientCredentialsResponse, ApiError> {
    let refused = || {
        ApiError::unauthorized(
            "invalid_client",
            "The client_id or client_secret is wrong, or the key was revoked.",
        )
    };
    let found: Option<(String, String, String)> = api_keys::table
        .filter(api_keys::key_id.eq(client_id.trim()))
        .filter(api_keys::revoked_at.is_null())
        .select((api_keys::id, api_keys::owner_id, api_keys::secret_hash))
        .first(conn)
        .optional()?;
    let Some((id, owner_id, secret_hash)) = found else {
        return Err(refused());
    };
    if token_hash(client_secret.trim()) != secret_hash {
        return Err(refused());
    }
    let owner = accounts::get(conn, &owner_id)?;
    if owner.status != "active" || !organisation_open(conn, &owner)? {
        return Err(refused());
    }
    let session_id = new_id();
    let at = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(&owner.id),
            sessions::created_at.eq(at),
            sessions::expires_at.eq(at + Duration::seconds(ACCESS_TOKEN_SECONDS)),
            sessions::ip.eq(&ip),
            sessions::api_key_id.eq(Some(&id)),
        ))
        .execute(conn)?;
    diesel::update(api_keys::table.find(&id))
        .set(api_keys::last_used_at.eq(Some(at)))
        .execute(conn)?;
    Ok(ClientCredentialsResponse {
        access_token: access_token(keys, &owner, &session_id, ACCESS_TOKEN_SECONDS, None)?,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TOKEN_SECONDS,
    })
}
