//! Client users: the employer's recruitment managers. Created by the reseller or by colleagues,
//! welcomed by email, deactivated (never deleted).

use credence_shared::reseller::{ClientUser, ClientUserCreate, ClientUserPatch};
use credence_shared::{ClientStatus, Role, UserStatus};
use diesel::prelude::*;

use crate::db::schema::{clients, users};
use crate::db::{now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::clients::{get_scoped, ClientRow};
use crate::domain::links::Links;
use crate::domain::tenant::Tenant;
use crate::domain::users::{self as accounts, AccountTenant, NewUser, UserRow};
use crate::domain::values::{optional_text, required_text, Email};
use crate::domain::{brands, into_page, like_pattern, outbox, senders, sessions, PageRequest};
use crate::error::{ApiError, Validator};
use crate::mail::templates;

fn to_dto(user: UserRow, client: &ClientRow) -> ClientUser {
    ClientUser {
        id: user.id,
        client_id: client.id.clone(),
        client_name: client.name.clone(),
        client_code: client.code.clone(),
        name: user.name,
        email: user.email,
        job_title: user.job_title,
        status: user.status,
        last_login_at: user.last_login_at.map(|t| t.and_utc()),
        created_at: user.created_at.and_utc(),
        pending_email: user.pending_email,
    }
}

/// A client user the tenant may see; anyone else's is "not found".
pub fn get_scoped_user(
    conn: &mut DbConnection,
    tenant: &Tenant,
    id: &str,
) -> Result<(UserRow, ClientRow), ApiError> {
    let user = accounts::get(conn, id)?;
    let Some(client_id) = user.client_id.clone() else {
        return Err(ApiError::not_found());
    };
    let client = get_scoped(conn, tenant, &client_id)?;
    Ok((user, client))
}

pub fn get(conn: &mut DbConnection, tenant: &Tenant, id: &str) -> Result<ClientUser, ApiError> {
    let (user, client) = get_scoped_user(conn, tenant, id)?;
    Ok(to_dto(user, &client))
}

#[derive(Debug, Default)]
pub struct UserFilter {
    pub client_id: Option<String>,
    pub q: Option<String>,
    pub status: Option<UserStatus>,
}

pub fn list(
    conn: &mut DbConnection,
    tenant: &Tenant,
    filter: &UserFilter,
    page: &PageRequest,
) -> Result<credence_shared::Page<ClientUser>, ApiError> {
    let mut query = users::table
        .inner_join(clients::table)
        .filter(users::role.eq("client_user"))
        .select((users::all_columns, clients::all_columns))
        .into_boxed();
    match tenant {
        Tenant::Reseller { reseller_id } => {
            query = query.filter(clients::reseller_id.eq(reseller_id.clone()))
        }
        Tenant::Client { client_id } => query = query.filter(clients::id.eq(client_id.clone())),
    }
    if let Some(client_id) = &filter.client_id {
        query = query.filter(clients::id.eq(client_id.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(users::status.eq(status.as_str()));
    }
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = like_pattern(q);
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("(lower(users.name) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern.clone())
                .sql(" ESCAPE '\\' OR lower(users.email) LIKE ")
                .bind::<diesel::sql_types::Text, _>(pattern)
                .sql(" ESCAPE '\\')"),
        );
    }
    crate::keyset!(query, users, page);
    let rows: Vec<(UserRow, ClientRow)> = query.load(conn)?;
    Ok(into_page(
        rows,
        page,
        |r| r.0.id.clone(),
        |(u, c)| to_dto(u, &c),
    ))
}

pub fn create(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    input: &ClientUserCreate,
) -> Result<ClientUser, ApiError> {
    let client_id = match tenant {
        Tenant::Client { client_id } => client_id.clone(),
        Tenant::Reseller { .. } => match input
            .client_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(id) => id.to_string(),
            None => {
                // Report every missing field at once, not just the client.
                let mut v = Validator::new();
                v.add(
                    "client_id",
                    "required",
                    "Choose the client this user belongs to.",
                );
                if input.name.trim().is_empty() {
                    v.add("name", "required", "This field is required.");
                }
                if input.email.trim().is_empty() {
                    v.add("email", "required", "This field is required.");
                }
                return Err(v.finish().unwrap_err());
            }
        },
    };
    let client = match get_scoped(conn, tenant, &client_id) {
        Ok(c) => c,
        Err(_) => {
            return Err(ApiError::field(
                "client_id",
                "unknown_client",
                "There is no such client in your account.",
            ))
        }
    };
    if client.status == ClientStatus::Archived {
        return Err(ApiError::field(
            "client_id",
            "client_archived",
            "This client is archived: reactivate it before adding users.",
        ));
    }
    if client.closes_at.is_some() {
        return Err(crate::domain::clients::closure::closing());
    }
    if let Some(stand_in) = stand_in_for_full_email(conn, actor, &client, input)? {
        return Ok(stand_in);
    }
    let brand = brands::get(conn, &client.brand_id)?;
    let user = accounts::create_invited(
        conn,
        links,
        actor,
        NewUser {
            name: &input.name,
            email: &input.email,
            job_title: input.job_title.as_deref(),
            role: Role::ClientUser,
            reseller_id: None,
            client_id: Some(client.id.clone()),
            reseller_scope: Some(client.reseller_id.clone()),
        },
        &brand,
    )?;
    Ok(to_dto(user, &client))
}

/// An email holds at most `MAX_ACCOUNTS_PER_EMAIL` accounts (one per tenant), yet refusing one
/// more would tell the caller that the person has accounts elsewhere. Such a request is answered
/// exactly as for a new email (a valid body gets 201 with an invited user) and changes nothing;
/// the vendor sees it in the audit trail (`user.create_suppressed`). An email already used in
/// this client stays a 422 (`taken`, from `users::create_invited`).
fn stand_in_for_full_email(
    conn: &mut DbConnection,
    actor: &AuditActor,
    client: &ClientRow,
    input: &ClientUserCreate,
) -> Result<Option<ClientUser>, ApiError> {
    let Ok(email) = Email::parse(&input.email) else {
        return Ok(None);
    };
    let here = AccountTenant {
        role: Role::ClientUser,
        reseller_id: None,
        client_id: Some(&client.id),
    };
    if accounts::taken_in_tenant(conn, email.as_str(), here, None)?
        || !accounts::at_capacity(conn, email.as_str())?
    {
        return Ok(None);
    }
    let Some(existing) = accounts::all_by_email(conn, email.as_str())?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let mut v = Validator::new();
    let name = v.check("name", required_text(&input.name, 200));
    let job_title = v.check(
        "job_title",
        optional_text(input.job_title.as_deref().unwrap_or_default(), 200),
    );
    v.finish()?;
    let (Some(name), Some(job_title)) = (name, job_title) else {
        return Err(ApiError::internal("validated user fields missing"));
    };
    audit::record(
        conn,
        actor,
        "user.create_suppressed",
        ("user", &existing.id),
        AuditScope {
            reseller_id: None,
            client_id: None,
        },
        serde_json::json!({ "client_id": client.id }),
    )?;
    Ok(Some(ClientUser {
        id: crate::db::new_id(),
        client_id: client.id.clone(),
        client_name: client.name.clone(),
        client_code: client.code.clone(),
        name,
        email: email.as_str().to_string(),
        job_title,
        status: UserStatus::Invited,
        last_login_at: None,
        pending_email: None,
        created_at: now().and_utc(),
    }))
}

/// Edits a client user. A new email is not taken at once: it waits (`pending_email`) until the
/// new address confirms it (`users::confirm_email_change`), and the old address is told.
pub fn update(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
    patch: &ClientUserPatch,
) -> Result<ClientUser, ApiError> {
    let (before, client) = get_scoped_user(conn, tenant, id)?;
    if patch.email.is_some() && actor.impersonator_id.is_some() {
        return Err(ApiError::forbidden(
            "Email addresses cannot be changed while viewing as another user (Login As).",
        ));
    }
    let mut v = Validator::new();
    let name = patch
        .name
        .as_deref()
        .and_then(|s| v.check("name", required_text(s, 200)));
    let email = patch
        .email
        .as_deref()
        .and_then(|s| v.check("email", Email::parse(s)));
    if let Some(email) = &email {
        // Unique within the client; other tenants' accounts with it are the person's own.
        if email.as_str() != before.email
            && accounts::taken_in_tenant(conn, email.as_str(), before.tenant(), Some(id))?
        {
            v.add("email", "taken", "A user with this email exists already.");
        }
    }
    let job_title = patch
        .job_title
        .as_deref()
        .and_then(|s| v.check("job_title", optional_text(s, 200)));
    let status = accounts::status_edit(&mut v, patch.status.as_deref(), actor, id);
    v.finish()?;
    let new_status = accounts::status_after(&before, status);
    diesel::update(users::table.find(id))
        .set((
            users::name.eq(name.as_deref().unwrap_or(&before.name)),
            users::job_title.eq(job_title.unwrap_or(before.job_title.clone())),
            users::status.eq(new_status.as_str()),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if let Some(name) = &name {
        sessions::renamed(conn, &before.name, name)?;
    }
    if new_status == UserStatus::Deactivated {
        sessions::end_all_for_user(conn, id)?;
    }
    let email_change = match &email {
        // The current address (forms send it back unchanged) changes nothing.
        Some(e) if e.as_str() == before.email => None,
        // A new address, or the pending one again: a fresh link (the older one stops working).
        Some(e) => {
            let by = match &actor.user_id {
                Some(uid) => accounts::get(conn, uid)?.name,
                None => "An administrator".to_string(),
            };
            let fresh = accounts::get(conn, id)?;
            accounts::request_email_change(conn, links, &fresh, e, &by)?;
            Some(e.as_str().to_string())
        }
        None => None,
    };
    let after = accounts::get(conn, id)?;
    audit::record(
        conn,
        actor,
        accounts::edit_action(before.status, new_status),
        ("user", id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({ "before": { "name": before.name, "email": before.email, "status": before.status }, "after": { "name": after.name, "email": after.email, "status": after.status, "pending_email": email_change } }),
    )?;
    Ok(to_dto(after, &client))
}

pub fn resend_welcome(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
) -> Result<(), ApiError> {
    let (user, client) = get_scoped_user(conn, tenant, id)?;
    if user.status != UserStatus::Invited {
        return Err(ApiError::conflict("already_active", "This user has already set a password (or is deactivated); they can use “Forgot password” instead."));
    }
    let brand = brands::get(conn, &client.brand_id)?;
    accounts::send_welcome(conn, links, &user, &brand)?;
    audit::record(
        conn,
        actor,
        "user.welcome_resent",
        ("user", id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({}),
    )?;
    Ok(())
}

/// Sends the Quick Start Guide to one of the tenant's client users, in the client's skin.
pub fn send_guide(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
) -> Result<(), ApiError> {
    let (user, client) = get_scoped_user(conn, tenant, id)?;
    if user.status == UserStatus::Deactivated {
        return Err(ApiError::conflict(
            "user_deactivated",
            "This user is deactivated: reactivate them before sending the guide.",
        ));
    }
    let sender = match &actor.user_id {
        Some(sender_id) => accounts::get(conn, sender_id)?.name,
        None => client.name.clone(),
    };
    let brand = brands::get(conn, &client.brand_id)?;
    let mail_from = senders::for_client_user(conn, links, &client)?;
    let message = templates::quick_start_guide(
        &brand.skin(),
        &mail_from.links.public_url,
        &user.name,
        &client.name,
        &sender,
    );
    outbox::enqueue(conn, "quick_start_guide", &user.email, &mail_from, &message)?;
    audit::record(
        conn,
        actor,
        "user.guide_sent",
        ("user", id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({ "email": user.email }),
    )?;
    Ok(())
}
