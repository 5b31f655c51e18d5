//! Sessions: login, refresh-token rotation with reuse detection, and the tokens they issue.
//!
//! A session is one sign-in. Its refresh tokens form a family: each use rotates the token;
//! presenting an already-used token revokes the whole session (someone copied it). The rules
//! and the tokens are here; the rows are kept by `domain::sessions`.

use chrono::Duration;
use credence_shared::{Role, UserStatus};

use crate::auth::tokens::{Actor, Claims, Keys, ACCESS_TOKEN_SECONDS, AUDIENCE, ISSUER};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::custom_hosts;
use crate::domain::sessions::{self, RefreshTokenRow};
use crate::domain::users::{self, UserRow};
use crate::error::ApiError;
use crate::secrets::{random_token, token_hash};

/// A refresh token is good for 14 days; a session ends after 30 days whatever happens.
pub const REFRESH_TOKEN_DAYS: i64 = 14;
pub const SESSION_DAYS: i64 = 30;

pub struct Issued {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: Option<String>,
    pub user: UserRow,
}

pub fn invalid_credentials() -> ApiError {
    ApiError::unauthorized("invalid_credentials", "Email or password is incorrect.")
}

pub fn access_token(
    keys: &Keys,
    user: &UserRow,
    session_id: &str,
    ttl: i64,
    impersonator: Option<&str>,
) -> Result<String, ApiError> {
    let iat = chrono::Utc::now().timestamp();
    keys.encode(&Claims {
        sub: user.id.clone(),
        role: user.role(),
        reseller_id: user.reseller_id.clone(),
        client_id: user.client_id.clone(),
        sid: session_id.to_string(),
        jti: new_id(),
        iat,
        exp: iat + ttl,
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        act: impersonator.map(|sub| Actor {
            sub: sub.to_string(),
        }),
    })
}

/// The access token of a candidate session (the test area); it lives as long as the session.
pub fn candidate_token(
    keys: &Keys,
    session: &crate::domain::test_area::OpenedSession,
) -> Result<String, ApiError> {
    let iat = chrono::Utc::now().timestamp();
    keys.encode(&Claims {
        sub: session.candidate_id.clone(),
        role: Role::Candidate,
        reseller_id: None,
        client_id: Some(session.client_id.clone()),
        sid: session.session_id.clone(),
        jti: new_id(),
        iat,
        exp: iat + session.ttl_seconds,
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        act: None,
    })
}

/// Mints a refresh token for the session; only its hash is stored.
fn new_refresh_token(conn: &mut DbConnection, session_id: &str) -> Result<String, ApiError> {
    let token = random_token(32);
    sessions::add_refresh_token(
        conn,
        session_id,
        &token_hash(&token),
        Duration::days(REFRESH_TOKEN_DAYS),
    )?;
    Ok(token)
}

/// Opens a session for a user whose password was already checked, signing in on `host` (the
/// request's host: a reseller's custom host admits only its own people,
/// `custom_hosts::admits`).
pub fn open(
    conn: &mut DbConnection,
    keys: &Keys,
    user: UserRow,
    ip: Option<String>,
    host: Option<&str>,
) -> Result<Issued, ApiError> {
    if !sessions::organisation_open(conn, &user)? || !custom_hosts::admits(conn, host, &user)? {
        return Err(invalid_credentials());
    }
    let session_id = sessions::open(conn, &user.id, ip.as_deref(), Duration::days(SESSION_DAYS))?;
    let refresh_token = new_refresh_token(conn, &session_id)?;
    audit::record(
        conn,
        &AuditActor {
            user_id: Some(user.id.clone()),
            impersonator_id: None,
            ip,
        },
        "auth.login",
        ("user", &user.id),
        AuditScope {
            reseller_id: user.reseller_id.clone(),
            client_id: None,
        },
        // One email may hold several accounts: the event names the tenant of the one opened.
        serde_json::json!({ "role": user.role, "reseller_id": user.reseller_id, "client_id": user.client_id }),
    )?;
    Ok(Issued {
        access_token: access_token(keys, &user, &session_id, ACCESS_TOKEN_SECONDS, None)?,
        expires_in: ACCESS_TOKEN_SECONDS,
        refresh_token: Some(refresh_token),
        user,
    })
}

/// Whether a user may sign in at all (the password is checked by the caller).
pub fn may_sign_in(user: &UserRow) -> bool {
    user.status == UserStatus::Active
        && user.password_hash.is_some()
        && user.role() != Role::Candidate
}

/// Rotates a refresh token. A token that was already used revokes its session.
///
/// The outer error rolls the transaction back; the inner one is a refusal whose side effects
/// (revoking a session after reuse) must be committed.
pub fn refresh(
    conn: &mut DbConnection,
    keys: &Keys,
    presented: &str,
) -> Result<Result<Issued, ApiError>, ApiError> {
    let refused = || {
        ApiError::unauthorized(
            "invalid_refresh_token",
            "The refresh token is invalid or expired. Sign in again.",
        )
    };
    let at = now();
    let Some(found) = sessions::find_refresh_token(conn, &token_hash(presented.trim()))? else {
        return Ok(Err(refused()));
    };
    let RefreshTokenRow {
        token_id,
        used_at,
        expires_at: token_expires,
        session_id,
        user_id,
        session_revoked_at: revoked_at,
        session_expires_at: session_expires,
        impersonator_id: impersonator,
    } = found;
    if used_at.is_some() {
        sessions::revoke(conn, &session_id)?;
        audit::record(
            conn,
            &AuditActor {
                user_id: Some(user_id.clone()),
                ..AuditActor::default()
            },
            "auth.refresh_reuse_detected",
            ("session", &session_id),
            AuditScope::default(),
            serde_json::json!({}),
        )?;
        return Ok(Err(refused()));
    }
    if revoked_at.is_some()
        || token_expires <= at
        || session_expires <= at
        || impersonator.is_some()
    {
        return Ok(Err(refused()));
    }
    // Only one concurrent rotation wins; the loser sees a used token.
    if !sessions::use_refresh_token(conn, &token_id, at)? {
        return Ok(Err(refused()));
    }
    let user = users::get(conn, &user_id)?;
    if !may_sign_in(&user) || !sessions::organisation_open(conn, &user)? {
        sessions::revoke(conn, &session_id)?;
        return Ok(Err(refused()));
    }
    let refresh_token = new_refresh_token(conn, &session_id)?;
    Ok(Ok(Issued {
        access_token: access_token(keys, &user, &session_id, ACCESS_TOKEN_SECONDS, None)?,
        expires_in: ACCESS_TOKEN_SECONDS,
        refresh_token: Some(refresh_token),
        user,
    }))
}
