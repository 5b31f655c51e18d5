//! The client-credentials grant (`POST /auth/token`): an API key's id and secret → a
//! 15-minute access token acting as the key's owner, on a session tied to the key (so revoking
//! the key ends the token at once).

use chrono::Duration;
use credence_shared::auth::ClientCredentialsResponse;
use credence_shared::UserStatus;
use diesel::prelude::*;

use crate::auth::session::{access_token, organisation_open};
use crate::auth::tokens::{Keys, ACCESS_TOKEN_SECONDS};
use crate::db::schema::{api_keys, sessions};
use crate::db::{new_id, now, DbConnection};
use crate::domain::users as accounts;
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
    if owner.status != UserStatus::Active || !organisation_open(conn, &owner)? {
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
