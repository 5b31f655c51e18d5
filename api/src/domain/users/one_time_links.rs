//! One-time links mailed to users: the welcome link, password resets, and the confirmation of
//! a new sign-in email. Only their SHA-256 is stored; each works once and expires.

use chrono::Duration;
use credence_shared::UserStatus;
use diesel::prelude::*;

use crate::db::schema::{one_time_tokens, users};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::brands::BrandRow;
use crate::domain::links::Links;
use crate::domain::values::Email;
use crate::domain::{outbox, senders, sessions};
use crate::error::ApiError;
use crate::mail::templates;
use crate::secrets::{random_token, token_hash};

use super::{
    all_by_email, at_capacity, brand_for_user, choice, get, in_tenant, UserRow, EMAIL_CHANGE,
    EMAIL_CHANGE_LINK_HOURS, PASSWORD_PURPOSES, RESET_LINK_HOURS, WELCOME_LINK_HOURS,
};

/// Issues a fresh welcome link (older unused ones stop working) and queues the email.
pub fn send_welcome(
    conn: &mut DbConnection,
    links: &Links,
    user: &UserRow,
    brand: &BrandRow,
) -> Result<(), ApiError> {
    let token = issue_token(
        conn,
        &user.id,
        "welcome",
        Duration::hours(WELCOME_LINK_HOURS),
    )?;
    let sender = senders::for_user(conn, links, user)?;
    let base = &sender.links.public_url;
    let link = set_password_link(base, &token, &user.email);
    let message = templates::welcome(&brand.skin(), base, &user.name, &user.role(), &link);
    outbox::enqueue(conn, "welcome", &user.email, &sender, &message)
}

/// The page that takes a one-time token. It also names the account's email, so that a link
/// found used or expired can offer a new one without asking for the address again.
fn set_password_link(public_url: &str, token: &str, email: &str) -> String {
    let email: String = form_urlencoded::byte_serialize(email.as_bytes()).collect();
    format!("{public_url}/set-password?token={token}&email={email}")
}

fn issue_token(
    conn: &mut DbConnection,
    user_id: &str,
    purpose: &str,
    ttl: Duration,
) -> Result<String, ApiError> {
    let at = now();
    // One live link per purpose: a resend makes the older link useless.
    diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::user_id.eq(user_id))
            .filter(one_time_tokens::purpose.eq(purpose))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(Some(at)))
    .execute(conn)?;
    let token = random_token(32);
    diesel::insert_into(one_time_tokens::table)
        .values((
            one_time_tokens::id.eq(new_id()),
            one_time_tokens::user_id.eq(user_id),
            one_time_tokens::purpose.eq(purpose),
            one_time_tokens::token_hash.eq(token_hash(&token)),
            one_time_tokens::created_at.eq(at),
            one_time_tokens::expires_at.eq(at + ttl),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The user a live one-time token belongs to (without using it up).
pub fn user_for_token(conn: &mut DbConnection, token: &str) -> Result<UserRow, ApiError> {
    let invalid = || {
        ApiError::field(
            "token",
            "invalid_token",
            "This link is invalid, used or expired. Ask for a new one.",
        )
    };
    let user_id: String = one_time_tokens::table
        .filter(one_time_tokens::token_hash.eq(token_hash(token.trim())))
        .filter(one_time_tokens::purpose.eq_any(PASSWORD_PURPOSES))
        .filter(one_time_tokens::used_at.is_null())
        .filter(one_time_tokens::expires_at.gt(now()))
        .select(one_time_tokens::user_id)
        .first(conn)
        .optional()?
        .ok_or_else(invalid)?;
    let user = get(conn, &user_id)?;
    if user.status == UserStatus::Deactivated {
        return Err(invalid());
    }
    Ok(user)
}

/// Uses a one-time token to set the password (already hashed by the caller, off the DB
/// connection) and activates the user. The token is consumed only if it is still unused.
pub fn set_password_with_token(
    conn: &mut DbConnection,
    token: &str,
    user_id: &str,
    password_hash: &str,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let at = now();
    let consumed = diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::token_hash.eq(token_hash(token.trim())))
            .filter(one_time_tokens::purpose.eq_any(PASSWORD_PURPOSES))
            .filter(one_time_tokens::user_id.eq(user_id))
            .filter(one_time_tokens::used_at.is_null())
            .filter(one_time_tokens::expires_at.gt(at)),
    )
    .set(one_time_tokens::used_at.eq(Some(at)))
    .execute(conn)?;
    if consumed != 1 {
        return Err(ApiError::field(
            "token",
            "invalid_token",
            "This link is invalid, used or expired. Ask for a new one.",
        ));
    }
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::status.ne(UserStatus::Deactivated.as_str())),
    )
    .set((
        users::password_hash.eq(Some(password_hash)),
        users::status.eq(UserStatus::Active.as_str()),
        users::updated_at.eq(at),
    ))
    .execute(conn)?;
    // A new password ends every other sign-in.
    sessions::end_all_for_user(conn, user_id)?;
    let user = get(conn, user_id)?;
    audit::record(
        conn,
        &AuditActor {
            user_id: Some(user_id.to_string()),
            impersonator_id: None,
            ip,
        },
        "user.password_set",
        ("user", user_id),
        AuditScope {
            reseller_id: user.reseller_id,
            client_id: user.client_id,
        },
        serde_json::json!({}),
    )?;
    Ok(())
}

/// Queues a reset link for each account of the email that is not deactivated; silent
/// otherwise. Each account gets its own mail — in its own skin, from its own sender, with its
/// link on its own host — so no tenant's name reaches another tenant's mail; when the email has
/// several accounts, each mail names the account its link resets.
pub fn request_password_reset(
    conn: &mut DbConnection,
    links: &Links,
    email: &str,
) -> Result<(), ApiError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let accounts: Vec<UserRow> = all_by_email(conn, email.as_str())?
        .into_iter()
        .filter(|user| user.status != UserStatus::Deactivated)
        .collect();
    let several = accounts.len() > 1;
    for user in &accounts {
        let label = match several {
            true => Some(choice(conn, user)?.label),
            false => None,
        };
        let brand = brand_for_user(conn, user)?;
        let token = issue_token(
            conn,
            &user.id,
            "password_reset",
            Duration::hours(RESET_LINK_HOURS),
        )?;
        let sender = senders::for_user(conn, links, user)?;
        let base = &sender.links.public_url;
        let link = set_password_link(base, &token, &user.email);
        let message =
            templates::password_reset(&brand.skin(), base, &user.name, &link, label.as_deref());
        outbox::enqueue(conn, "password_reset", &user.email, &sender, &message)?;
    }
    Ok(())
}

/// Asks for a change of a user's sign-in email: nothing changes until the new address confirms
/// with the one-time link mailed to it (stored hashed, like every one-time link); the old address
/// is told at once, and who asked. `by` names the person who asked.
pub fn request_email_change(
    conn: &mut DbConnection,
    links: &Links,
    user: &UserRow,
    new_email: &Email,
    by: &str,
) -> Result<(), ApiError> {
    diesel::update(users::table.find(&user.id))
        .set((
            users::pending_email.eq(Some(new_email.as_str())),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let token = issue_token(
        conn,
        &user.id,
        EMAIL_CHANGE,
        Duration::hours(EMAIL_CHANGE_LINK_HOURS),
    )?;
    let brand = brand_for_user(conn, user)?;
    let skin = brand.skin();
    let sender = senders::for_user(conn, links, user)?;
    let base = &sender.links.public_url;
    let link = format!("{base}/confirm-email?token={token}");
    let confirm =
        templates::email_change_confirm(&skin, base, &user.name, new_email.as_str(), &link);
    outbox::enqueue(conn, "email_change", new_email.as_str(), &sender, &confirm)?;
    let notice =
        templates::email_change_notice(&skin, base, &user.name, new_email.as_str(), by, false);
    outbox::enqueue(conn, "email_change_notice", &user.email, &sender, &notice)
}

/// Confirms an email change from the link mailed to the new address: the email changes, every
/// session of the user ends, and the old address is told. An invited user (no password yet)
/// gets a fresh welcome link at the new address.
pub fn confirm_email_change(
    conn: &mut DbConnection,
    links: &Links,
    token: &str,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let invalid = || {
        ApiError::field(
            "token",
            "invalid_token",
            "This link is invalid, used or expired. Ask for the change again.",
        )
    };
    let at = now();
    let hash = token_hash(token.trim());
    let user_id: String = one_time_tokens::table
        .filter(one_time_tokens::token_hash.eq(&hash))
        .filter(one_time_tokens::purpose.eq(EMAIL_CHANGE))
        .filter(one_time_tokens::used_at.is_null())
        .filter(one_time_tokens::expires_at.gt(at))
        .select(one_time_tokens::user_id)
        .first(conn)
        .optional()?
        .ok_or_else(invalid)?;
    let user = get(conn, &user_id)?;
    let Some(new_email) = user.pending_email.clone() else {
        return Err(invalid());
    };
    if user.status == UserStatus::Deactivated {
        return Err(invalid());
    }
    // Unique within the user's tenant; elsewhere the address may hold the person's other accounts.
    if in_tenant(conn, &new_email, user.tenant(), Some(&user.id))?.is_some() {
        return Err(ApiError::field(
            "token",
            "email_taken",
            "Another account uses this email now: ask for a change to another address.",
        ));
    }
    if at_capacity(conn, &new_email)? {
        return Err(ApiError::field(
            "token",
            "too_many_accounts",
            super::TOO_MANY_ACCOUNTS,
        ));
    }
    let consumed = diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::token_hash.eq(&hash))
            .filter(one_time_tokens::purpose.eq(EMAIL_CHANGE))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(Some(at)))
    .execute(conn)?;
    if consumed != 1 {
        return Err(invalid());
    }
    diesel::update(users::table.find(&user.id))
        .set((
            users::email.eq(&new_email),
            users::pending_email.eq(None::<String>),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    // Links sent to the old address (welcome, reset) stop working with it.
    diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::user_id.eq(&user.id))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(Some(at)))
    .execute(conn)?;
    sessions::end_all_for_user(conn, &user.id)?;
    let after = get(conn, &user.id)?;
    let brand = brand_for_user(conn, &after)?;
    let sender = senders::for_user(conn, links, &after)?;
    let notice = templates::email_change_notice(
        &brand.skin(),
        &sender.links.public_url,
        &user.name,
        &new_email,
        "",
        true,
    );
    outbox::enqueue(conn, "email_change_notice", &user.email, &sender, &notice)?;
    if after.status == UserStatus::Invited {
        send_welcome(conn, links, &after, &brand)?;
    }
    // A client user's events are also their reseller's.
    let reseller_scope = match &user.client_id {
        Some(client_id) => Some(
            crate::db::schema::clients::table
                .find(client_id)
                .select(crate::db::schema::clients::reseller_id)
                .first::<String>(conn)?,
        ),
        None => user.reseller_id.clone(),
    };
    audit::record(
        conn,
        &AuditActor {
            user_id: Some(user.id.clone()),
            impersonator_id: None,
            ip,
        },
        "user.email_changed",
        ("user", &user.id),
        AuditScope {
            reseller_id: reseller_scope,
            client_id: user.client_id.clone(),
        },
        serde_json::json!({ "before": user.email, "after": new_email }),
    )
}
