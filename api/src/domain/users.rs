//! Users who sign in (vendor staff, reseller staff, client users): creation with a welcome
//! email, one-time set-password links, and password resets.

use chrono::Duration;
use credence_shared::auth::User;
use credence_shared::{Role, UserStatus};
use diesel::prelude::*;

use crate::db::schema::{one_time_tokens, users};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::brands::BrandRow;
use crate::domain::links::Links;
use crate::domain::values::{optional_text, required_text, Email};
use crate::domain::{into_page, outbox, sessions, PageRequest};
use crate::error::{ApiError, Validator};
use crate::mail::templates;
use crate::secrets::{random_token, token_hash};

/// Welcome links last 72 hours; reset links one hour; email-change links a day.
pub const WELCOME_LINK_HOURS: i64 = 72;
pub const RESET_LINK_HOURS: i64 = 1;
pub const EMAIL_CHANGE_LINK_HOURS: i64 = 24;

/// The purposes of one-time links that set a password (an email-change link never does).
const PASSWORD_PURPOSES: [&str; 2] = ["welcome", "password_reset"];
const EMAIL_CHANGE: &str = "email_change";

#[derive(Queryable, Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub reseller_id: Option<String>,
    pub job_title: Option<String>,
    pub password_hash: Option<String>,
    #[diesel(deserialize_as = String)]
    pub status: UserStatus,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub last_login_at: Option<chrono::NaiveDateTime>,
    pub client_id: Option<String>,
    /// An email change waiting for the new address to confirm it.
    pub pending_email: Option<String>,
}

impl UserRow {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::ClientUser)
    }

    pub fn to_dto(&self) -> User {
        User {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role(),
            reseller_id: self.reseller_id.clone(),
            client_id: self.client_id.clone(),
            job_title: self.job_title.clone(),
            status: self.status,
            created_at: self.created_at.and_utc(),
            last_login_at: self.last_login_at.map(|t| t.and_utc()),
        }
    }
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<UserRow, ApiError> {
    Ok(users::table.find(id).first(conn)?)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, ApiError> {
    Ok(users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .first(conn)
        .optional()?)
}

/// What a new user is; the tenant ids come from the caller's scope, never from input.
pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub job_title: Option<&'a str>,
    pub role: Role,
    /// Set for reseller staff.
    pub reseller_id: Option<String>,
    /// Set for client users.
    pub client_id: Option<String>,
    /// The reseller whose audit log shows the creation (the client's reseller for client users).
    pub reseller_scope: Option<String>,
}

/// Creates an invited user (no password yet) and queues the welcome email in the same
/// transaction. `brand` skins the email.
pub fn create_invited(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    input: NewUser<'_>,
    brand: &BrandRow,
) -> Result<UserRow, ApiError> {
    let mut v = Validator::new();
    let name = v.check("name", required_text(input.name, 200));
    let email = v.check("email", Email::parse(input.email));
    let job_title = v.check(
        "job_title",
        optional_text(input.job_title.unwrap_or_default(), 200),
    );
    if let Some(email) = &email {
        if find_by_email(conn, email.as_str())?.is_some() {
            v.add("email", "taken", "A user with this email exists already.");
        }
    }
    v.finish()?;
    let (Some(name), Some(email), Some(job_title)) = (name, email, job_title) else {
        return Err(ApiError::internal("validated user fields missing"));
    };
    let id = new_id();
    let at = now();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(email.as_str()),
            users::name.eq(&name),
            users::role.eq(input.role.as_str()),
            users::reseller_id.eq(&input.reseller_id),
            users::client_id.eq(&input.client_id),
            users::job_title.eq(&job_title),
            users::status.eq(UserStatus::Invited.as_str()),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    let user = get(conn, &id)?;
    send_welcome(conn, links, &user, brand)?;
    audit::record(
        conn,
        actor,
        "user.created",
        ("user", &id),
        AuditScope {
            reseller_id: input.reseller_scope.clone().or(user.reseller_id.clone()),
            client_id: user.client_id.clone(),
        },
        serde_json::json!({ "email": user.email, "role": user.role }),
    )?;
    Ok(user)
}

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
    let link = set_password_link(&links.public_url, &token, &user.email);
    let message = templates::welcome(
        &brand.skin(),
        &links.public_url,
        &user.name,
        &user.role(),
        &link,
    );
    outbox::enqueue(conn, "welcome", &user.email, None, &message)
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

/// Queues a reset link if the email belongs to a user who may sign in; silent otherwise.
pub fn request_password_reset(
    conn: &mut DbConnection,
    links: &Links,
    email: &str,
) -> Result<(), ApiError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let Some(user) = find_by_email(conn, email.as_str())? else {
        return Ok(());
    };
    if user.status == UserStatus::Deactivated {
        return Ok(());
    }
    let brand = brand_for_user(conn, &user)?;
    let token = issue_token(
        conn,
        &user.id,
        "password_reset",
        Duration::hours(RESET_LINK_HOURS),
    )?;
    let link = set_password_link(&links.public_url, &token, &user.email);
    let message = templates::password_reset(&brand.skin(), &links.public_url, &user.name, &link);
    outbox::enqueue(conn, "password_reset", &user.email, None, &message)
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
    let link = format!("{}/confirm-email?token={token}", links.public_url);
    let confirm = templates::email_change_confirm(
        &skin,
        &links.public_url,
        &user.name,
        new_email.as_str(),
        &link,
    );
    outbox::enqueue(conn, "email_change", new_email.as_str(), None, &confirm)?;
    let notice = templates::email_change_notice(
        &skin,
        &links.public_url,
        &user.name,
        new_email.as_str(),
        by,
        false,
    );
    outbox::enqueue(conn, "email_change_notice", &user.email, None, &notice)
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
    if find_by_email(conn, &new_email)?.is_some_and(|other| other.id != user.id) {
        return Err(ApiError::field(
            "token",
            "email_taken",
            "Another account uses this email now: ask for a change to another address.",
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
    let notice = templates::email_change_notice(
        &brand.skin(),
        &links.public_url,
        &user.name,
        &new_email,
        "",
        true,
    );
    outbox::enqueue(conn, "email_change_notice", &user.email, None, &notice)?;
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

/// The skin a user's emails and portal are shown in: their client's skin, their reseller's
/// default skin, or the platform default.
pub fn brand_for_user(conn: &mut DbConnection, user: &UserRow) -> Result<BrandRow, ApiError> {
    if let Some(client_id) = &user.client_id {
        let brand_id: String = crate::db::schema::clients::table
            .find(client_id)
            .select(crate::db::schema::clients::brand_id)
            .first(conn)?;
        return crate::domain::brands::get(conn, &brand_id);
    }
    match &user.reseller_id {
        Some(reseller_id) => crate::domain::resellers::default_brand_of(conn, reseller_id),
        None => crate::domain::brands::default_brand(conn),
    }
}

pub fn list_for_reseller(
    conn: &mut DbConnection,
    reseller_id: &str,
    page: &PageRequest,
) -> Result<credence_shared::Page<User>, ApiError> {
    let mut query = users::table
        .filter(users::reseller_id.eq(reseller_id))
        .filter(users::role.eq("reseller"))
        .order(users::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(users::id.lt(after.clone()));
    }
    let rows: Vec<UserRow> = query.load(conn)?;
    Ok(into_page(rows, page, |r| r.id.clone(), |r| r.to_dto()))
}

/// Creates (or re-keys) a platform administrator: the `create-admin` command. The caller
/// checked the password against the policy and hashed it (`auth::password`).
pub fn upsert_admin(
    conn: &mut DbConnection,
    email: &str,
    name: &str,
    hash: &str,
) -> Result<UserRow, ApiError> {
    let mut v = Validator::new();
    let email = v.check("email", Email::parse(email));
    let name = v.check("name", required_text(name, 200));
    v.finish()?;
    let (Some(email), Some(name)) = (email, name) else {
        return Err(ApiError::internal("validated admin fields missing"));
    };
    let at = now();
    let id = match find_by_email(conn, email.as_str())? {
        Some(existing) if existing.role == "platform_admin" => {
            diesel::update(users::table.find(&existing.id))
                .set((
                    users::name.eq(&name),
                    users::password_hash.eq(Some(&hash)),
                    users::status.eq(UserStatus::Active.as_str()),
                    users::updated_at.eq(at),
                ))
                .execute(conn)?;
            existing.id
        }
        Some(_) => {
            return Err(ApiError::field(
                "email",
                "taken",
                "This email belongs to a user who is not an administrator.",
            ))
        }
        None => {
            let id = new_id();
            diesel::insert_into(users::table)
                .values((
                    users::id.eq(&id),
                    users::email.eq(email.as_str()),
                    users::name.eq(&name),
                    users::role.eq("platform_admin"),
                    users::password_hash.eq(Some(&hash)),
                    users::status.eq(UserStatus::Active.as_str()),
                    users::created_at.eq(at),
                    users::updated_at.eq(at),
                ))
                .execute(conn)?;
            id
        }
    };
    audit::record(
        conn,
        &AuditActor::system(),
        "admin.created",
        ("user", &id),
        AuditScope::default(),
        serde_json::json!({ "email": email.as_str() }),
    )?;
    get(conn, &id)
}

/// How many accounts exist (an empty database has none).
pub fn count(conn: &mut DbConnection) -> Result<i64, ApiError> {
    Ok(users::table.count().get_result(conn)?)
}

/// A reseller user or client user who can sign in straight away with an already hashed
/// password (demo data; real users set their own through a one-time link).
pub fn create_active(
    conn: &mut DbConnection,
    input: &NewUser<'_>,
    password_hash: &str,
) -> Result<String, ApiError> {
    let id = new_id();
    let at = now();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(input.email),
            users::name.eq(input.name),
            users::role.eq(input.role.as_str()),
            users::reseller_id.eq(input.reseller_id.as_deref()),
            users::client_id.eq(input.client_id.as_deref()),
            users::job_title.eq(input.job_title),
            users::password_hash.eq(Some(password_hash)),
            users::status.eq(UserStatus::Active.as_str()),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Sets a new password (hashed by the caller) and ends every other session of the user.
pub fn change_password(
    conn: &mut DbConnection,
    actor: &AuditActor,
    user_id: &str,
    keep_session: &str,
    password_hash: &str,
) -> Result<(), ApiError> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(Some(password_hash)),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    sessions::end_others_for_user(conn, user_id, keep_session)?;
    let user = get(conn, user_id)?;
    audit::record(
        conn,
        actor,
        "user.password_changed",
        ("user", user_id),
        AuditScope {
            reseller_id: user.reseller_id,
            client_id: user.client_id,
        },
        serde_json::json!({}),
    )
}

/// Names of the given users, by id (for lists that show who did something).
pub fn names(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, ApiError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
