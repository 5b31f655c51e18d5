//! The client-credentials grant (`POST /auth/token`): an API key's id and secret → a
//! 15-minute access token acting as the key's owner within the key's scopes, on a session tied
//! to the key (so revoking the key, or the owner's password change or deactivation, ends the
//! token at once).
//!
//! Every exchange of a known key is audit-logged in the owner's tenant, refused ones too; the
//! caller is told the same `invalid_client` whatever the reason.

use chrono::Duration;
use credence_shared::auth::ClientCredentialsResponse;
use credence_shared::UserStatus;

use crate::auth::session::access_token;
use crate::auth::tokens::{Keys, ACCESS_TOKEN_SECONDS};
use crate::db::DbConnection;
use crate::domain::api_keys::{self, ExchangeRefusal};
use crate::domain::sessions;
use crate::domain::users as accounts;
use crate::error::ApiError;
use crate::secrets::token_hash;

/// Client credentials → a short-lived access token acting as the key's owner.
///
/// The outer error rolls the transaction back; the inner one is a refusal whose audit event
/// must be committed.
pub fn exchange(
    conn: &mut DbConnection,
    keys: &Keys,
    client_id: &str,
    client_secret: &str,
    ip: Option<String>,
) -> Result<Result<ClientCredentialsResponse, ApiError>, ApiError> {
    let refused = || {
        ApiError::unauthorized(
            "invalid_client",
            "The client_id or client_secret is wrong, or the key was revoked.",
        )
    };
    let Some(key) = api_keys::find(conn, client_id.trim())? else {
        return Ok(Err(refused()));
    };
    let owner = accounts::get(conn, &key.owner_id)?;
    let refusal = if token_hash(client_secret.trim()) != key.secret_hash {
        Some(ExchangeRefusal::WrongSecret)
    } else if key.revoked {
        Some(ExchangeRefusal::Revoked)
    } else if owner.status != UserStatus::Active || !sessions::organisation_open(conn, &owner)? {
        Some(ExchangeRefusal::OwnerInactive)
    } else {
        None
    };
    if let Some(refusal) = refusal {
        api_keys::record_exchange(conn, &key, ip, Err(refusal))?;
        return Ok(Err(refused()));
    }
    let session_id = sessions::open_for_api_key(
        conn,
        &owner.id,
        &key.id,
        ip.as_deref(),
        Duration::seconds(ACCESS_TOKEN_SECONDS),
    )?;
    api_keys::record_exchange(conn, &key, ip, Ok(&session_id))?;
    let scope = api_keys::scopes(conn, &key.id)?
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Ok(ClientCredentialsResponse {
        access_token: access_token(keys, &owner, &session_id, ACCESS_TOKEN_SECONDS, None)?,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TOKEN_SECONDS,
        scope,
    }))
}
