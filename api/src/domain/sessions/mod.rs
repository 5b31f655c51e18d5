//! Sign-in sessions and their refresh tokens: the rows behind every access token.
//!
//! `auth/` decides when a session opens, rotates or ends (and mints the tokens); this module
//! keeps the rows. Revoking a session ends its access and refresh tokens at once.
//!
//! **Which sessions are live, and when a process may answer that from memory** ([`check`],
//! [`cached`]). Each process keeps a small cache of sessions it found live ([`SessionCache`]:
//! at most `capacity` entries, each trusted for at most `ttl`, never past the session's
//! expiry), with what a request needs of them (the user's client, name and email, the API key's
//! scopes). Every change that can make a live session dead or a cached entry wrong — revoking
//! sessions (logout, a new password, a password set by link, a confirmed email change,
//! deactivating a user, ending a Login As, revoking an API key), suspending a client or
//! reseller, renaming a user — raises the one-row *session epoch* ([`invalidate`]) in the same
//! transaction. An entry is only used under the epoch it was found live under: when the epoch
//! moves, the process forgets its whole cache.
//!
//! Where a request gets the epoch from: on PostgreSQL, from memory, kept current by this
//! process's listener (`LISTEN`/`NOTIFY`, see `domain::session_epoch`) while that listener is
//! healthy, so a cache hit touches no database at all; otherwise (SQLite, or the listener not
//! connected) by reading it (one primary-key read) before every use of the cache. So a session
//! ended by any process is refused by every process from the moment the ending commits (on
//! PostgreSQL with the listener: within about one listener poll of it). Login As sessions are
//! never cached (every request in one is audit-logged anyway, and it also depends on the
//! reseller user acting).

use chrono::{Duration, NaiveDateTime};
use credence_shared::{ClientStatus, ResellerStatus, UserStatus};
use diesel::prelude::*;

use crate::db::schema::{
    api_keys, clients, refresh_tokens, resellers, session_epoch, sessions, users,
};
use crate::db::{new_id, now, DbConnection};
use crate::domain::api_keys as keys;
use crate::domain::session_epoch as listener;
use crate::domain::users::UserRow;
use crate::error::ApiError;

mod cache;

pub use cache::{cached, Access, SessionCache};

/// Raises the session epoch, so every process forgets its cached live sessions before it
/// answers its next request. Call it in the transaction of any change that may end a live
/// session or change what a cached one holds (this module's `revoke`/`end_*` do; a client's
/// or reseller's suspension does; renaming a user does). On PostgreSQL it also notifies the
/// other processes' listeners, delivered when the transaction commits.
pub fn invalidate(conn: &mut DbConnection) -> Result<(), ApiError> {
    diesel::update(session_epoch::table.find(1))
        .set(session_epoch::epoch.eq(session_epoch::epoch + 1))
        .execute(conn)?;
    if let DbConnection::Postgres(pg) = conn {
        // A wake-up only: listeners read the epoch from the table.
        diesel::sql_query(format!("NOTIFY {}", listener::CHANNEL)).execute(pg)?;
    }
    // This process's own listener is not trusted again until it has read the table after this
    // work is over (see `domain::session_epoch`).
    crate::db::note_session_epoch_raise();
    Ok(())
}

/// After a user's name was set from `before` to `after`: cached sessions carry the name (for
/// `GET /me`), so a real change raises the epoch. (An email changes only with all the user's
/// sessions ended, which raises it too.)
pub fn renamed(conn: &mut DbConnection, before: &str, after: &str) -> Result<(), ApiError> {
    if before != after {
        invalidate(conn)?;
    }
    Ok(())
}

/// The current session epoch.
pub fn epoch(conn: &mut DbConnection) -> Result<i64, ApiError> {
    Ok(session_epoch::table
        .find(1)
        .select(session_epoch::epoch)
        .first(conn)?)
}

/// Whether `session_id` of `user_id` is live — not revoked, not expired, the user active, their
/// client and reseller active (in a Login As session, the reseller user acting too) — and what
/// it grants; `None` when it is not. Answers from `cache` when the session epoch has not moved
/// since the session was found live there, else from the database. The epoch comes from the
/// listener when it is trusted, else from the database (one primary-key read).
pub fn check(
    conn: &mut DbConnection,
    cache: &SessionCache,
    session_id: &str,
    user_id: &str,
) -> Result<Option<Access>, ApiError> {
    // The epoch is known before the session is read: what is read next is at least as new.
    let epoch = if cache.enabled() {
        let epoch = match cache.watch().current() {
            Some(epoch) => epoch,
            None => epoch(conn)?,
        };
        if let Some(access) = cache.get(epoch, session_id, user_id) {
            return Ok(Some(access));
        }
        Some(epoch)
    } else {
        None
    };
    let Some(found) = live(conn, session_id, user_id)? else {
        return Ok(None);
    };
    if !organisation_open(conn, &found.user)? {
        return Ok(None);
    }
    let api_key = match found.api_key_id {
        Some(api_key_id) => Some((api_key_id.clone(), keys::scopes(conn, &api_key_id)?)),
        None => None,
    };
    let access = Access {
        client_id: found.user.client_id.clone(),
        name: found.user.name.clone(),
        email: found.user.email.clone(),
        api_key,
    };
    if let (Some(epoch), None) = (epoch, &found.impersonator_id) {
        cache.put(epoch, session_id, user_id, &access, found.expires_at);
    }
    Ok(Some(access))
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

/// A live session: its user, the API key it was opened with (if any), the reseller user
/// acting in it (Login As) and when it expires.
#[derive(Debug)]
pub struct LiveSession {
    pub user: UserRow,
    pub api_key_id: Option<String>,
    pub impersonator_id: Option<String>,
    pub expires_at: NaiveDateTime,
}

/// A live session: not revoked, not expired, and the user active; in a Login As session the
/// reseller user acting must be active too. The caller checks the organisation
/// (`organisation_open`); [`check`] does both.
fn live(
    conn: &mut DbConnection,
    session_id: &str,
    user_id: &str,
) -> Result<Option<LiveSession>, ApiError> {
    let found: Option<(UserRow, Option<String>, Option<String>, NaiveDateTime)> = sessions::table
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
            sessions::expires_at,
        ))
        .first(conn)
        .optional()?;
    let Some((user, api_key_id, impersonator_id, expires_at)) = found else {
        return Ok(None);
    };
    if let Some(impersonator_id) = &impersonator_id {
        let acting: i64 = users::table
            .filter(users::id.eq(impersonator_id))
            .filter(users::status.eq(UserStatus::Active.as_str()))
            .count()
            .get_result(conn)?;
        if acting == 0 {
            return Ok(None);
        }
    }
    Ok(Some(LiveSession {
        user,
        api_key_id,
        impersonator_id,
        expires_at,
    }))
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
    let ended_count = diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now())))
    .execute(conn)?;
    ended(conn, ended_count)
}

/// Ends every session of a user (deactivation, a password set by link), and every Login As
/// session they started: a reseller user's access ends everywhere they act.
pub fn end_all_for_user(conn: &mut DbConnection, user_id: &str) -> Result<(), ApiError> {
    let ended_count = diesel::update(
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
    ended(conn, ended_count)
}

/// Ends every session of a user but `keep` (a password change keeps the one that made it),
/// and every Login As session they started.
pub fn end_others_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    keep: &str,
) -> Result<(), ApiError> {
    let ended_count = diesel::update(
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
    ended(conn, ended_count)
}

/// Ends the sessions opened with an API key (the key was revoked).
pub fn end_for_api_key(conn: &mut DbConnection, api_key_id: &str) -> Result<(), ApiError> {
    let ended_count = diesel::update(
        sessions::table
            .filter(sessions::api_key_id.eq(api_key_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now())))
    .execute(conn)?;
    ended(conn, ended_count)
}

/// After revoking `count` sessions: raise the epoch if any was live until now.
fn ended(conn: &mut DbConnection, count: usize) -> Result<(), ApiError> {
    if count > 0 {
        invalidate(conn)?;
    }
    Ok(())
}
