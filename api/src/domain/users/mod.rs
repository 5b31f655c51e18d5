//! Users who sign in (vendor staff, reseller staff, client users): creation, lookups,
//! passwords. The one-time links they are mailed (welcome, reset, email change) are
//! `one_time_links`. An email is unique within its tenant only (`accounts`).

mod accounts;
mod one_time_links;

pub use accounts::*;
pub use one_time_links::*;

use credence_shared::auth::User;
use credence_shared::{Role, UserStatus};
use diesel::prelude::*;

use crate::db::schema::users;
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::brands::BrandRow;
use crate::domain::links::Links;
use crate::domain::values::{optional_text, required_text, Email};
use crate::domain::{into_page, sessions, PageRequest};
use crate::error::{ApiError, FieldIssue, Validator};

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

/// Why an email cannot get one more account.
pub const TOO_MANY_ACCOUNTS: &str =
    "This email has as many accounts as one person may hold: use another address.";

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
        let tenant = AccountTenant {
            role: input.role,
            reseller_id: input.reseller_id.as_deref(),
            client_id: input.client_id.as_deref(),
        };
        if taken_in_tenant(conn, email.as_str(), tenant, None)? {
            v.add("email", "taken", "A user with this email exists already.");
        } else if at_capacity(conn, email.as_str())? {
            v.add("email", "too_many_accounts", TOO_MANY_ACCOUNTS);
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
        .into_boxed();
    crate::keyset!(query, users, page);
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
    let admins = AccountTenant {
        role: Role::PlatformAdmin,
        reseller_id: None,
        client_id: None,
    };
    let existing = in_tenant(conn, email.as_str(), admins, None)?;
    if existing.is_none() && at_capacity(conn, email.as_str())? {
        return Err(ApiError::field(
            "email",
            "too_many_accounts",
            TOO_MANY_ACCOUNTS,
        ));
    }
    let id = match existing {
        Some(existing) => {
            diesel::update(users::table.find(&existing.id))
                .set((
                    users::name.eq(&name),
                    users::password_hash.eq(Some(&hash)),
                    users::status.eq(UserStatus::Active.as_str()),
                    users::updated_at.eq(at),
                ))
                .execute(conn)?;
            sessions::renamed(conn, &existing.name, &name)?;
            existing.id
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

/// Reads an edit's `status` into `v`'s issues: only `active` or `deactivated` may be asked for
/// (`invited` is where a new user starts), and nobody deactivates themselves.
pub fn status_edit(
    v: &mut Validator,
    word: Option<&str>,
    actor: &AuditActor,
    user_id: &str,
) -> Option<UserStatus> {
    let status = word.and_then(|s| {
        v.check(
            "status",
            match UserStatus::parse(s) {
                Some(s @ (UserStatus::Active | UserStatus::Deactivated)) => Ok(s),
                Some(UserStatus::Invited) | None => Err(FieldIssue::new(
                    "invalid_status",
                    "Use active or deactivated.",
                )),
            },
        )
    });
    if status == Some(UserStatus::Deactivated) && actor.user_id.as_deref() == Some(user_id) {
        v.add(
            "status",
            "self_deactivation",
            "You cannot deactivate yourself.",
        );
    }
    status
}

/// The status after an edit: re-activating a user who never set a password leaves them invited.
pub fn status_after(before: &UserRow, requested: Option<UserStatus>) -> UserStatus {
    match requested {
        Some(UserStatus::Active) if before.password_hash.is_none() => UserStatus::Invited,
        Some(s) => s,
        None => before.status,
    }
}

/// The audit action of a user edit, named after a change of status when there was one.
pub fn edit_action(before: UserStatus, after: UserStatus) -> &'static str {
    match (before == after, after) {
        (true, _) => "user.updated",
        (false, UserStatus::Deactivated) => "user.deactivated",
        (false, _) => "user.reactivated",
    }
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
