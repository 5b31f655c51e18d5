//! Sign-in sessions and their refresh tokens: the rows behind every access token.
//!
//! `auth/` decides when a session opens, rotates or ends (and mints the tokens); this module
//! keeps the rows. Revoking a session ends its access and refresh tokens at once.

use chrono::{Duration, NaiveDateTime};
use credence_shared::{ClientStatus, ResellerStatus, UserStatus};
use diesel::prelude::*;

use crate::db::schema::{api_keys, clients, refresh_tokens, resellers, sessions, users};
use crate::db::{new_id, now, DbConnection};
use crate::domain::users::UserRow;
use crate::error::ApiError;

/// Whether the user's organisation lets them in: a suspended (or archived) client's users and
/// a suspended reseller's staff (and its clients' users) cannot sign in.
pub fn organisation_open(conn: &mut DbConnection, user: &UserRow) -> Result<bool, ApiError> {
    let reseller_id = match &user.client_id {
        Some(client_id) => {
            let (status, reseller_id) = clients::table
                .find(client_id)
                .select((clients::status, clients::reseller_id))
                .first::<(String, String)>(conn)?;
            if status != ClientStatus::Active.as_str() {
                return Ok(false);
            }
            Some(reseller_id)
        }
        None => user.reseller_id.clone(),
    };
    match reseller_id {
        Some(reseller_id) => Ok(resellers::table
            .find(reseller_id)
            .select(resellers::status)
            .first::<String>(conn)?
            == ResellerStatus::Active.as_str()),
        None => Ok(true),
    }
}

/// Opens a session for a password sign-in lasting `lifetime`, and stamps the user's last
/// login with the same time. Returns the session's id.
pub fn open(
    conn: &mut DbConnection,
    user_id: &str,
    ip: Option<&str>,
    lifetime: Duration,
) -> Result<String, ApiError> {
    let session_id = new_id();
    let at = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(at),
            sessions::expires_at.eq(at + lifetime),
            sessions::ip.eq(ip),
        ))
        .execute(conn)?;
    diesel::update(users::table.find(user_id))
        .set(users::last_login_at.eq(Some(at)))
        .execute(conn)?;
    Ok(session_id)
}

/// Opens a Login As session: `impersonator_id` acts as `user_id` for `lifetime`.
pub fn open_login_as(
    conn: &mut DbConnection,
    user_id: &str,
    impersonator_id: &str,
    ip: Option<&str>,
    lifetime: Duration,
) -> Result<String, ApiError> {
    let session_id = new_id();
    let at = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(user_id),
            sessions::impersonator_id.eq(Some(impersonator_id)),
            sessions::created_at.eq(at),
            sessions::expires_at.eq(at + lifetime),
            sessions::ip.eq(ip),
        ))
        .execute(conn)?;
    Ok(session_id)
}

/// Opens the session behind a client-credentials token, tied to the API key (revoking the key
/// ends it), and stamps the key's last use with the same time.
pub fn open_for_api_key(
    conn: &mut DbConnection,
    user_id: &str,
    api_key_id: &str,
    ip: Option<&str>,
    lifetime: Duration,
) -> Result<String, ApiError> {
    let session_id = new_id();
    let at = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(at),
            sessions::expires_at.eq(at + lifetime),
            sessions::ip.eq(ip),
            sessions::api_key_id.eq(Some(api_key_id)),
        ))
        .execute(conn)?;
    diesel::update(api_keys::table.find(api_key_id))
        .set(api_keys::last_used_at.eq(Some(at)))
        .execute(conn)?;
    Ok(session_id)
}

/// A live session: its user, and the API key it was opened with (if any).
#[derive(Debug)]
pub struct LiveSession {
    pub user: UserRow,
    pub api_key_id: Option<String>,
}

/// A live session: not revoked, not expired, and the user active; in a Login As session the
/// reseller user acting must be active too. The caller checks the organisation
/// (`organisation_open`).
pub fn live(
    conn: &mut DbConnection,
    session_id: &str,
    user_id: &str,
) -> Result<Option<LiveSession>, ApiError> {
    let found: Option<(UserRow, Option<String>, Option<String>)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now()))
        .filter(users::status.eq(UserStatus::Active.as_str()))
        .select((
            users::all_columns,
            sessions::api_key_id,
            sessions::impersonator_id,
        ))
        .first(conn)
        .optional()?;
    let Some((user, api_key_id, impersonator_id)) = found else {
        return Ok(None);
    };
    if let Some(impersonator_id) = impersonator_id {
        let acting: i64 = users::table
            .filter(users::id.eq(impersonator_id))
            .filter(users::status.eq(UserStatus::Active.as_str()))
            .count()
            .get_result(conn)?;
        if acting == 0 {
            return Ok(None);
        }
    }
    Ok(Some(LiveSession { user, api_key_id }))
}

/// Stores a refresh token (its hash) for the session, good for `lifetime`.
pub fn add_refresh_token(
    conn: &mut DbConnection,
    session_id: &str,
    token_hash: &str,
    lifetime: Duration,
) -> Result<(), ApiError> {
    let at = now();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(new_id()),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(at),
            refresh_tokens::expires_at.eq(at + lifetime),
        ))
        .execute(conn)?;
    Ok(())
}

/// A presented refresh token with its session, as stored.
#[derive(Debug, Queryable)]
pub struct RefreshTokenRow {
    pub token_id: String,
    pub used_at: Option<NaiveDateTime>,
    pub expires_at: NaiveDateTime,
    pub session_id: String,
    pub user_id: String,
    pub session_revoked_at: Option<NaiveDateTime>,
    pub session_expires_at: NaiveDateTime,
    pub impersonator_id: Option<String>,
}

/// The refresh token with this hash, used or not, and its session.
pub fn find_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<RefreshTokenRow>, ApiError> {
    Ok(refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::id,
            refresh_tokens::used_at,
            refresh_tokens::expires_at,
            sessions::id,
            sessions::user_id,
            sessions::revoked_at,
            sessions::expires_at,
            sessions::impersonator_id,
        ))
        .first::<RefreshTokenRow>(conn)
        .optional()?)
}

/// Marks a refresh token used at `at`, if nobody did first: only one concurrent rotation
/// wins (a conditional UPDATE). Returns whether this caller won.
pub fn use_refresh_token(
    conn: &mut DbConnection,
    token_id: &str,
    at: NaiveDateTime,
) -> Result<bool, ApiError> {
    let won = diesel::update(
        refresh_tokens::table
            .find(token_id)
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(Some(at)))
    .execute(conn)?;
    Ok(won == 1)
}

/// Ends one session (and so its refresh-token family and access tokens).
pub fn revoke(conn: &mut DbConnection, session_id: &str) -> Result<(), ApiError> {
    diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}

/// Ends every session of a user (deactivation, a password set by link), and every Login As
/// session they started: a reseller user's access ends everywhere they act.
pub fn end_all_for_user(conn: &mut DbConnection, user_id: &str) -> Result<(), ApiError> {
    diesel::update(
        sessions::table
            .filter(
                sessions::user_id
                    .eq(user_id)
                    .or(sessions::impersonator_id.eq(user_id)),
            )
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}

/// Ends every session of a user but `keep` (a password change keeps the one that made it),
/// and every Login As session they started.
pub fn end_others_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    keep: &str,
) -> Result<(), ApiError> {
    diesel::update(
        sessions::table
            .filter(
                sessions::user_id
                    .eq(user_id)
                    .or(sessions::impersonator_id.eq(user_id)),
            )
            .filter(sessions::id.ne(keep))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}

/// Ends the sessions opened with an API key (the key was revoked).
pub fn end_for_api_key(conn: &mut DbConnection, api_key_id: &str) -> Result<(), ApiError> {
    diesel::update(
        sessions::table
            .filter(sessions::api_key_id.eq(api_key_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}
