//! Creating a client (with its initial credit order) and changing one: details, skin,
//! threshold, status, logo.

use credence_shared::events::ClientEvent;
use credence_shared::reseller::{ClientCreate, ClientPatch};
use credence_shared::{ClientStatus, CreditOrderKind, WebhookEvent};
use diesel::prelude::*;

use crate::db::schema::clients;
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::calendar::BillingClock;
use crate::domain::links::Links;
use crate::domain::tenant::Tenant;
use crate::domain::values::{multiline_text, optional_text, required_text, Email};
use crate::domain::{logos, orders, resellers, sessions, settings};
use crate::error::{ApiError, FieldIssue, Validator};

use super::{allowed_brands, credits, generate_code, get_scoped, threshold, ClientRow};

pub fn create(
    conn: &mut DbConnection,
    links: &Links,
    clock: &BillingClock,
    actor: &AuditActor,
    reseller_id: &str,
    input: &ClientCreate,
) -> Result<ClientRow, ApiError> {
    let reseller = resellers::get(conn, reseller_id)?;
    let settings = settings::get(conn)?;
    let mut v = Validator::new();
    let name = v.check("name", required_text(&input.name, 200));
    let contact_name = v.check("contact_name", required_text(&input.contact_name, 200));
    let contact_email = v.check("contact_email", Email::parse(&input.contact_email));
    let phone = v.check(
        "phone",
        optional_text(input.phone.as_deref().unwrap_or_default(), 50),
    );
    let address = v.check(
        "address",
        multiline_text(input.address.as_deref().unwrap_or_default(), 1000),
    );
    let notes = v.check(
        "notes",
        multiline_text(input.notes.as_deref().unwrap_or_default(), 4000),
    );
    let allowed = allowed_brands(conn, reseller_id)?;
    let brand_id = match input
        .brand_id
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        None => Some(allowed[0].id.clone()),
        Some(id) if allowed.iter().any(|b| b.id == id) => Some(id.to_string()),
        Some(_) => {
            v.add(
                "brand_id",
                "unknown_brand",
                "Choose the default skin or one of your own skins.",
            );
            None
        }
    };
    let initial = v.check(
        "initial_credits",
        credits(Some(input.initial_credits.unwrap_or(0)), 0),
    );
    let threshold = v.check(
        "credit_threshold",
        threshold(
            input
                .credit_threshold
                .unwrap_or(settings.default_credit_threshold),
        ),
    );
    v.finish()?;
    let (
        Some(name),
        Some(contact_name),
        Some(contact_email),
        Some(phone),
        Some(address),
        Some(notes),
        Some(brand_id),
        Some(initial),
        Some(threshold),
    ) = (
        name,
        contact_name,
        contact_email,
        phone,
        address,
        notes,
        brand_id,
        initial,
        threshold,
    )
    else {
        return Err(ApiError::internal("validated client fields missing"));
    };
    let mut code = generate_code(&name);
    for _ in 0..20 {
        if clients::table
            .filter(clients::code.eq(&code))
            .count()
            .get_result::<i64>(conn)?
            == 0
        {
            break;
        }
        code = generate_code(&name);
    }
    let id = new_id();
    let at = now();
    diesel::insert_into(clients::table)
        .values((
            clients::id.eq(&id),
            clients::reseller_id.eq(reseller_id),
            clients::code.eq(&code),
            clients::name.eq(&name),
            clients::contact_name.eq(&contact_name),
            clients::contact_email.eq(contact_email.as_str()),
            clients::phone.eq(&phone),
            clients::address.eq(&address),
            clients::notes.eq(&notes),
            clients::brand_id.eq(&brand_id),
            clients::credit_balance.eq(0i64),
            clients::credit_threshold.eq(threshold),
            // Nobody needs a low-credit email about a client that has just been created.
            clients::low_credit_notified.eq(true),
            clients::status.eq(ClientStatus::Active.as_str()),
            clients::created_at.eq(at),
            clients::updated_at.eq(at),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "client.created",
        ("client", &id),
        AuditScope {
            reseller_id: Some(reseller_id.to_string()),
            client_id: Some(id.clone()),
        },
        serde_json::json!({ "name": name, "code": code, "initial_credits": initial, "brand_id": brand_id }),
    )?;
    crate::domain::webhooks::emit(
        conn,
        WebhookEvent::ClientCreated,
        reseller_id,
        None,
        &ClientEvent {
            client_id: id.clone(),
            client_code: code.clone(),
            client_name: name.clone(),
        },
    )?;
    let client: ClientRow = clients::table.find(&id).first(conn)?;
    if initial > 0 {
        orders::place(
            conn,
            links,
            clock,
            actor,
            &reseller,
            &client,
            CreditOrderKind::Initial,
            initial,
            Some("Initial credits"),
            None,
        )?;
    }
    Ok(clients::table.find(&id).first(conn)?)
}

pub fn update(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
    patch: &ClientPatch,
) -> Result<ClientRow, ApiError> {
    let before = get_scoped(conn, tenant, id)?;
    if patch.status.is_some() {
        super::closure::refuse_closed(conn, &before)?;
    }
    let mut v = Validator::new();
    let name = patch
        .name
        .as_deref()
        .and_then(|s| v.check("name", required_text(s, 200)));
    let contact_name = patch
        .contact_name
        .as_deref()
        .and_then(|s| v.check("contact_name", required_text(s, 200)));
    let contact_email = patch
        .contact_email
        .as_deref()
        .and_then(|s| v.check("contact_email", Email::parse(s)));
    let phone = patch
        .phone
        .as_deref()
        .and_then(|s| v.check("phone", optional_text(s, 50)));
    let address = patch
        .address
        .as_deref()
        .and_then(|s| v.check("address", multiline_text(s, 1000)));
    let notes = patch
        .notes
        .as_deref()
        .and_then(|s| v.check("notes", multiline_text(s, 4000)));
    let brand_id = match patch.brand_id.as_deref() {
        None => None,
        Some(b)
            if allowed_brands(conn, &before.reseller_id)?
                .iter()
                .any(|x| x.id == b) =>
        {
            Some(b.to_string())
        }
        Some(_) => {
            v.add(
                "brand_id",
                "unknown_brand",
                "Choose the default skin or one of your own skins.",
            );
            None
        }
    };
    let threshold = patch
        .credit_threshold
        .and_then(|t| v.check("credit_threshold", threshold(t)));
    let status = patch.status.as_deref().and_then(|s| {
        v.check(
            "status",
            ClientStatus::parse(s).ok_or_else(|| {
                FieldIssue::new("invalid_status", "Use active, suspended or archived.")
            }),
        )
    });
    v.finish()?;
    let new_threshold = threshold.unwrap_or(before.credit_threshold);
    diesel::update(clients::table.find(id))
        .set((
            clients::name.eq(name.unwrap_or(before.name.clone())),
            clients::contact_name.eq(contact_name.unwrap_or(before.contact_name.clone())),
            clients::contact_email.eq(contact_email
                .map(Email::into_string)
                .unwrap_or(before.contact_email.clone())),
            clients::phone.eq(phone.unwrap_or(before.phone.clone())),
            clients::address.eq(address.unwrap_or(before.address.clone())),
            clients::notes.eq(notes.unwrap_or(before.notes.clone())),
            clients::brand_id.eq(brand_id.unwrap_or(before.brand_id.clone())),
            clients::credit_threshold.eq(new_threshold),
            // A new threshold re-arms the low-credit email only once the balance reaches it.
            clients::low_credit_notified
                .eq(before.low_credit_notified || before.credit_balance < new_threshold),
            clients::status.eq(status.unwrap_or(before.status).as_str()),
            clients::updated_at.eq(now()),
        ))
        .execute(conn)?;
    // A suspension ends the sessions of everyone it shuts out, in every process.
    if status.is_some_and(|s| s != before.status) {
        sessions::invalidate(conn)?;
    }
    let after: ClientRow = clients::table.find(id).first(conn)?;
    let action = match status {
        Some(s) if s != before.status => format!("client.{s}"),
        _ => "client.updated".to_string(),
    };
    audit::record(
        conn,
        actor,
        &action,
        ("client", id),
        AuditScope {
            reseller_id: Some(after.reseller_id.clone()),
            client_id: Some(id.to_string()),
        },
        serde_json::json!({ "before": { "name": before.name, "status": before.status, "brand_id": before.brand_id, "credit_threshold": before.credit_threshold },
                            "after": { "name": after.name, "status": after.status, "brand_id": after.brand_id, "credit_threshold": after.credit_threshold } }),
    )?;
    Ok(after)
}

pub fn set_logo(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
    logo: Option<&logos::CleanLogo>,
) -> Result<ClientRow, ApiError> {
    let client = get_scoped(conn, tenant, id)?;
    let logo_id = match logo {
        Some(logo) => Some(logos::store(conn, logo)?),
        None => None,
    };
    diesel::update(clients::table.find(id))
        .set((clients::logo_id.eq(&logo_id), clients::updated_at.eq(now())))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        if logo_id.is_some() {
            "client.logo_set"
        } else {
            "client.logo_removed"
        },
        ("client", id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: Some(id.to_string()),
        },
        serde_json::json!({ "logo_id": logo_id }),
    )?;
    Ok(clients::table.find(id).first(conn)?)
}
