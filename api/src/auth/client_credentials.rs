//! The client-credentials grant (`POST /auth/token`): an API key's id and secret → a
//! 15-minute access token acting as the key's owner, on a session tied to the key (so revoking
//! the key ends the token at once).

use chrono::Duration;
use credence_shared::auth::ClientCredentialsResponse;
use credence_shared::UserStatus;

use crate::auth::session::access_token;
use crate::auth::tokens::{Keys, ACCESS_TOKEN_SECONDS};
use crate::db::DbConnection;
use crate::domain::users as accounts;
use crate::domain::{api_keys, sessions};
use crate::error::ApiError;
use crate::secrets::token_hash;

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
    let Some((id, owner_id, secret_hash)) = api_keys::find_live(conn, client_id.trim())? else {
        return Err(refused());
    };
    if token_hash(client_secret.trim()) != secret_hash {
        return Err(refused());
    }
    let owner = accounts::get(conn, &owner_id)?;
    if owner.status != UserStatus::Active || !sessions::organisation_open(conn, &owner)? {
        return Err(refused());
    }
    let session_id = sessions::open_for_api_key(
        conn,
        &owner.id,
        &id,
        ip.as_deref(),
        Duration::seconds(ACCESS_TOKEN_SECONDS),
    )?;
    Ok(ClientCredentialsResponse {
        access_token: access_token(keys, &owner, &session_id, ACCESS_TOKEN_SECONDS, None)?,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TOKEN_SECONDS,
    })
}
