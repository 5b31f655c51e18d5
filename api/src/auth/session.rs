//! Sessions: login, refresh-token rotation with reuse detection, logout.
//!
//! A session is one sign-in. Its refresh tokens form a family: each use rotates the token;
//! presenting an already-used token revokes the whole session (someone copied it).

use chrono::Duration;
use credence_shared::{ClientStatus, ResellerStatus, Role, UserStatus};
use diesel::prelude::*;

use crate::auth::tokens::{Actor, Claims, Keys, ACCESS_TOKEN_SECONDS, AUDIENCE, ISSUER};
use crate::db::schema::{clients, refresh_tokens, resellers, sessions, users};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::users::UserRow;
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

fn new_refresh_token(conn: &mut DbConnection, session_id: &str) -> Result<String, ApiError> {
    let token = random_token(32);
    let at = now();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(new_id()),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::token_hash.eq(token_hash(&token)),
            refresh_tokens::created_at.eq(at),
            refresh_tokens::expires_at.eq(at + Duration::days(REFRESH_TOKEN_DAYS)),
        ))
        .execute(conn)?;
    Ok(token)
}

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

/// Opens a session for a user whose password was already checked.
pub fn open(
    conn: &mut DbConnection,
    keys: &Keys,
    user: UserRow,
    ip: Option<String>,
) -> Result<Issued, ApiError> {
    if !organisation_open(conn, &user)? {
        return Err(invalid_credentials());
    }
    let session_id = new_id();
    let at = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(&user.id),
            sessions::created_at.eq(at),
            sessions::expires_at.eq(at + Duration::days(SESSION_DAYS)),
            sessions::ip.eq(&ip),
        ))
        .execute(conn)?;
    diesel::update(users::table.find(&user.id))
        .set(users::last_login_at.eq(Some(at)))
        .execute(conn)?;
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
        serde_json::json!({}),
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
    let found = refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(token_hash(presented.trim())))
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
        .first::<(
            String,
            Option<chrono::NaiveDateTime>,
            chrono::NaiveDateTime,
            String,
            String,
            Option<chrono::NaiveDateTime>,
            chrono::NaiveDateTime,
            Option<String>,
        )>(conn)
        .optional()?;
    let Some(found) = found else {
        return Ok(Err(refused()));
    };
    let (
        token_id,
        used_at,
        token_expires,
        session_id,
        user_id,
        revoked_at,
        session_expires,
        impersonator,
    ) = found;
    if used_at.is_some() {
        revoke(conn, &session_id)?;
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
    let won = diesel::update(
        refresh_tokens::table
            .find(&token_id)
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(Some(at)))
    .execute(conn)?;
    if won != 1 {
        return Ok(Err(refused()));
    }
    let user: UserRow = users::table.find(&user_id).first(conn)?;
    if !may_sign_in(&user) || !organisation_open(conn, &user)? {
        revoke(conn, &session_id)?;
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
