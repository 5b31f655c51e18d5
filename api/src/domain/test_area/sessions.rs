//! Candidate sessions: the one-time magic link, and self-registration with a project's access
//! key (throttled, capped, and never a session of its own).

use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::{candidate_sessions, candidates, clients, invitations};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::AuditActor;
use crate::domain::candidates::{self as people, CandidateRow, InvitationRow};
use crate::domain::clients::ClientRow;
use crate::domain::links::Links;
use crate::domain::values::{required_text, Email};
use crate::error::{ApiError, Validator};
use crate::secrets::token_hash;

use super::{load_context, open_for_candidates, unavailable, SESSION_HOURS};

/// A candidate session just opened; `auth` turns it into the candidate's access token.
#[derive(Debug, Clone)]
pub struct OpenedSession {
    pub session_id: String,
    pub candidate_id: String,
    pub client_id: String,
    /// Seconds until the session (and so its token) ends.
    pub ttl_seconds: i64,
}

fn open_session(
    conn: &mut DbConnection,
    candidate: &CandidateRow,
    invitation: &InvitationRow,
) -> Result<OpenedSession, ApiError> {
    let session_id = new_id();
    let at = now();
    let expires = (at + Duration::hours(SESSION_HOURS))
        .min(invitation.expires_at.max(at + Duration::hours(1)));
    diesel::insert_into(candidate_sessions::table)
        .values((
            candidate_sessions::id.eq(&session_id),
            candidate_sessions::candidate_id.eq(&candidate.id),
            candidate_sessions::invitation_id.eq(&invitation.id),
            candidate_sessions::created_at.eq(at),
            candidate_sessions::expires_at.eq(expires),
        ))
        .execute(conn)?;
    Ok(OpenedSession {
        session_id,
        candidate_id: candidate.id.clone(),
        client_id: candidate.client_id.clone(),
        ttl_seconds: (expires - at).num_seconds(),
    })
}

/// The magic link: works once; the session it opens keeps the candidate in.
pub fn session_from_link(conn: &mut DbConnection, token: &str) -> Result<OpenedSession, ApiError> {
    let used = || {
        ApiError::unauthorized("invalid_invitation", "This link is invalid or has been used. Ask the support contact in your invitation for a new one.")
    };
    let invitation: InvitationRow = invitations::table
        .filter(invitations::token_hash.eq(token_hash(token.trim())))
        .first(conn)
        .optional()?
        .ok_or_else(used)?;
    let (project, client, candidate) = load_context(conn, &invitation)?;
    if !open_for_candidates(&client, &project)
        || !invitation.status.is_open()
        || invitation.expires_at <= now()
        || !candidate.active
    {
        return Err(unavailable());
    }
    // One use: the link's token is forgotten.
    let consumed = diesel::update(
        invitations::table
            .find(&invitation.id)
            .filter(invitations::token_hash.eq(token_hash(token.trim()))),
    )
    .set(invitations::token_hash.eq(None::<String>))
    .execute(conn)?;
    if consumed != 1 {
        return Err(used());
    }
    open_session(conn, &candidate, &invitation)
}

/// Self-registration attempts per client IP per `REGISTRATION_WINDOW_MINUTES` (valid key or not).
pub const REGISTRATIONS_PER_IP: i32 = 30;
/// Self-registration attempts per access key (as typed) per `REGISTRATION_WINDOW_MINUTES`.
pub const REGISTRATIONS_PER_KEY: i32 = 60;
pub const REGISTRATION_WINDOW_MINUTES: i64 = 10;
/// A registration mails a candidate their link at most once in this many minutes.
pub const REGISTRATION_MAIL_COOLDOWN_MINUTES: i64 = 15;

/// Counts a self-registration attempt against the IP's and the key's budgets (in the database,
/// so every process shares them). Run it in its own transaction before the registration, so a
/// refused attempt (a wrong key) still counts. 429 `rate_limited` with `Retry-After` when spent.
pub fn count_registration_attempt(
    conn: &mut DbConnection,
    ip: &str,
    key: &str,
) -> Result<(), ApiError> {
    use crate::domain::rate_limits::{hit, Limit};
    let window = Duration::minutes(REGISTRATION_WINDOW_MINUTES);
    let key = key.trim().to_uppercase();
    for (bucket, limit) in [
        (format!("self-registration:ip:{ip}"), REGISTRATIONS_PER_IP),
        (
            format!("self-registration:key:{}", token_hash(&key)),
            REGISTRATIONS_PER_KEY,
        ),
    ] {
        if let Some(retry_after_secs) = hit(conn, &bucket, Limit { limit, window })? {
            return Err(ApiError::RateLimited { retry_after_secs });
        }
    }
    Ok(())
}

fn daily_cap_bucket(project_id: &str) -> String {
    format!("self-registration:daily-cap:{project_id}")
}

fn daily_cap_reached(retry_after_secs: u64) -> ApiError {
    ApiError::QuotaReached {
        code: "self_registration_cap_reached",
        detail: "This assessment takes no more registrations today. Please try again tomorrow, or contact the person who gave you the access key.".into(),
        retry_after_secs,
    }
}

/// Whether a registration may mail this invitation's link now (and, if so, starts the
/// cool-down): at most one mail per `REGISTRATION_MAIL_COOLDOWN_MINUTES`.
fn may_mail(conn: &mut DbConnection, invitation_id: &str) -> Result<bool, ApiError> {
    use crate::domain::rate_limits::{hit, Limit};
    Ok(hit(
        conn,
        &format!("self-registration:mail:{invitation_id}"),
        Limit {
            limit: 1,
            window: Duration::minutes(REGISTRATION_MAIL_COOLDOWN_MINUTES),
        },
    )?
    .is_none())
}

/// A person's name as typed at self-registration: no links (the name is put into mail).
fn registrant_name(value: &str) -> Result<String, crate::error::FieldIssue> {
    let name = required_text(value, 100)?;
    let lower = name.to_lowercase();
    if ["http", "www.", "://"]
        .iter()
        .any(|bad| lower.contains(bad))
    {
        return Err(crate::error::FieldIssue::new(
            "name_contains_url",
            "A name cannot contain a web address.",
        ));
    }
    Ok(name)
}

/// Self-registration with a project's access key. Never opens a session: whether the email is
/// new or already known, the answer is the same ("check your email") and the link goes to the
/// address, so knowing someone's email opens nothing and tells nothing. A new person is
/// invited (charging credits, counted against the project's daily cap); a known one invited to
/// this project is mailed a fresh link of their own (their name is not changed). Each
/// invitation is mailed at most once per cool-down.
pub fn register_with_access_key(
    conn: &mut DbConnection,
    links: &Links,
    key: &str,
    first_name: &str,
    last_name: &str,
    email: &str,
) -> Result<(), ApiError> {
    use crate::domain::rate_limits::{full, hit, Limit};
    let mut v = Validator::new();
    let first = v.check("first_name", registrant_name(first_name));
    let last = v.check("last_name", registrant_name(last_name));
    let email = v.check("email", Email::parse(email));
    let project = crate::domain::projects::by_access_key(conn, key)?;
    if project.is_none() {
        v.add(
            "access_key",
            "invalid_access_key",
            "This access key is not valid. Check it with the organisation that gave it to you.",
        );
    }
    v.finish()?;
    let (Some(first), Some(last), Some(email), Some(project)) = (first, last, email, project)
    else {
        return Err(ApiError::internal("validated registration fields missing"));
    };
    let client: ClientRow = clients::table.find(&project.client_id).first(conn)?;
    if !open_for_candidates(&client, &project) {
        return Err(unavailable());
    }
    // A full day answers everyone alike (known emails too), so the cap tells nothing either.
    let cap = Limit {
        limit: project.self_registration_daily_cap,
        window: Duration::days(1),
    };
    if let Some(wait) = full(conn, &daily_cap_bucket(&project.id), cap)? {
        return Err(daily_cap_reached(wait));
    }
    let tenant = crate::domain::tenant::Tenant::Client {
        client_id: client.id.clone(),
    };
    let existing: Option<CandidateRow> = candidates::table
        .filter(candidates::client_id.eq(&client.id))
        .filter(candidates::email.eq(email.as_str()))
        .first(conn)
        .optional()?;
    if let Some(existing) = &existing {
        let invitation: Option<InvitationRow> = invitations::table
            .filter(invitations::candidate_id.eq(&existing.id))
            .filter(invitations::project_id.eq(&project.id))
            .first(conn)
            .optional()?;
        if let Some(invitation) = invitation {
            // Their own link, to their own inbox; a closed invitation gets nothing.
            if invitation.status.is_open() && existing.active && may_mail(conn, &invitation.id)? {
                people::resend(conn, links, &AuditActor::system(), &tenant, &invitation.id)?;
            }
            return Ok(());
        }
    }
    if let Some(wait) = hit(conn, &daily_cap_bucket(&project.id), cap)? {
        return Err(daily_cap_reached(wait));
    }
    let candidate = people::create_and_invite(
        conn,
        links,
        &AuditActor::system(),
        &tenant,
        &credence_shared::assess::CandidateCreate {
            project_id: project.id.clone(),
            first_name: first,
            last_name: last,
            email: email.into_string(),
            phone: None,
            extra_time_percent: None,
        },
    )?;
    let invitation_id: String = invitations::table
        .filter(invitations::candidate_id.eq(&candidate.id))
        .filter(invitations::project_id.eq(&project.id))
        .select(invitations::id)
        .first(conn)?;
    // The invitation mail just queued starts the cool-down.
    may_mail(conn, &invitation_id)?;
    Ok(())
}
