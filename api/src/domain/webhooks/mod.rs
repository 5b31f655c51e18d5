//! Webhooks: a tenant's subscriptions, and `emit`, which queues a delivery per subscribed
//! webhook in the caller's transaction (like mail): no event for a change that rolled back.
//! Signing secrets are sealed at rest with the webhook key (`settings::webhook_key`); a secret
//! stored in clear before sealing still reads, and `seal_clear_secrets` seals it in place.
//! `deliveries` holds the queue: the log, redelivery, test events, claiming and attempts.

pub mod deliveries;

use credence_shared::reseller::{Webhook, WebhookCreate};
use credence_shared::{WebhookDeliveryStatus, WebhookEvent};
use diesel::prelude::*;
use serde::Serialize;

pub use deliveries::{claim_due_deliveries, record_delivery_attempt, DeliveryOutcome, DueDelivery};

use crate::db::schema::{webhook_deliveries, webhooks};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::settings;
use crate::domain::tenant::Tenant;
use crate::error::{ApiError, FieldIssue, Validator};
use crate::net_guard::{self, AllowList};
use crate::secrets::{is_sealed, random_token};

/// Every event the tenant's webhooks may subscribe to, in the words of the wire
/// (`WebhookEvent`): a client's, only those meant for clients.
fn events(tenant: &Tenant) -> Vec<&'static str> {
    WebhookEvent::ALL
        .iter()
        .filter(|e| matches!(tenant, Tenant::Reseller { .. }) || e.for_clients())
        .map(|e| e.as_str())
        .collect()
}

/// `last_error` of a delivery cancelled because its webhook was deleted.
pub const CANCELLED: &str = "cancelled: the webhook was deleted";

type Row = (
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
);

/// The DTO; `secret` is the clear secret, given only in the answer to its creation.
fn dto(r: Row, secret: Option<String>) -> Webhook {
    Webhook {
        id: r.0,
        url: r.3,
        secret,
        events: r
            .5
            .split(',')
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect(),
        created_at: r.7.and_utc(),
    }
}

fn scoped(tenant: &Tenant) -> (Option<String>, Option<String>) {
    match tenant {
        Tenant::Reseller { reseller_id } => (Some(reseller_id.clone()), None),
        Tenant::Client { client_id } => (None, Some(client_id.clone())),
    }
}

fn audit_scope(tenant: &Tenant) -> AuditScope {
    let (reseller_id, client_id) = scoped(tenant);
    AuditScope {
        reseller_id,
        client_id,
    }
}

/// The tenant's live (not deleted) webhooks, newest first.
fn live<'a>(tenant: &Tenant) -> webhooks::BoxedQuery<'a, <DbConnection as Connection>::Backend> {
    let mut query = webhooks::table
        .filter(webhooks::deleted_at.is_null())
        .into_boxed();
    match scoped(tenant) {
        (Some(r), _) => query = query.filter(webhooks::reseller_id.eq(r)),
        (_, Some(c)) => query = query.filter(webhooks::client_id.eq(c)),
        _ => {}
    }
    query
}

pub fn list(conn: &mut DbConnection, tenant: &Tenant) -> Result<Vec<Webhook>, ApiError> {
    Ok(live(tenant)
        .order(webhooks::id.desc())
        .load::<Row>(conn)?
        .into_iter()
        .map(|r| dto(r, None))
        .collect())
}

/// The id of one of the tenant's live webhooks; anyone else's (or a deleted one) is a 404.
pub fn get_scoped(conn: &mut DbConnection, tenant: &Tenant, id: &str) -> Result<String, ApiError> {
    live(tenant)
        .filter(webhooks::id.eq(id))
        .select(webhooks::id)
        .first::<String>(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// A URL that may be saved: https, no userinfo, no literal address the server must not reach
/// (`net_guard`; `allow` is `CREDENCE_WEBHOOK_ALLOW`). Kept as written.
fn url(raw: &str, allow: &AllowList) -> Result<String, FieldIssue> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldIssue::required());
    }
    if s.len() > 2000 || s.contains(char::is_whitespace) {
        return Err(FieldIssue::new("invalid_url", "Use an https:// URL."));
    }
    match net_guard::check_url(s, allow) {
        Ok(_) => Ok(s.to_string()),
        Err(refusal) => Err(FieldIssue::new(refusal.code, refusal.message)),
    }
}

pub fn create(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    input: &WebhookCreate,
    allow: &AllowList,
) -> Result<Webhook, ApiError> {
    let mut v = Validator::new();
    let url = v.check("url", url(&input.url, allow));
    let allowed = events(tenant);
    if input.events.is_empty() {
        v.add(
            "events",
            "required",
            format!("Choose one or more of {}.", allowed.join(", ")),
        );
    } else if input.events.iter().any(|e| !allowed.contains(&e.as_str())) {
        v.add(
            "events",
            "unknown_event",
            format!("Events are {}.", allowed.join(", ")),
        );
    }
    v.finish()?;
    let (reseller_id, client_id) = scoped(tenant);
    let id = new_id();
    let mut events = input.events.clone();
    events.sort();
    events.dedup();
    let secret = format!("whsec_{}", random_token(24));
    diesel::insert_into(webhooks::table)
        .values((
            webhooks::id.eq(&id),
            webhooks::reseller_id.eq(&reseller_id),
            webhooks::client_id.eq(&client_id),
            webhooks::url.eq(url.unwrap_or_default()),
            webhooks::secret.eq(settings::webhook_key(conn)?.seal(&secret)),
            webhooks::events.eq(events.join(",")),
            webhooks::created_by.eq(&actor.user_id),
            webhooks::created_at.eq(now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "webhook.created",
        ("webhook", &id),
        audit_scope(tenant),
        serde_json::json!({ "events": events }),
    )?;
    Ok(dto(
        webhooks::table.find(&id).first::<Row>(conn)?,
        Some(secret),
    ))
}

pub fn delete(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
) -> Result<(), ApiError> {
    let id = get_scoped(conn, tenant, id)?;
    diesel::update(webhooks::table.find(&id))
        .set(webhooks::deleted_at.eq(Some(now())))
        .execute(conn)?;
    // A deleted webhook receives nothing more: its pending deliveries end here.
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(&id))
            .filter(webhook_deliveries::status.eq(WebhookDeliveryStatus::Pending.as_str())),
    )
    .set((
        webhook_deliveries::status.eq(WebhookDeliveryStatus::Cancelled.as_str()),
        webhook_deliveries::last_error.eq(Some(CANCELLED)),
        webhook_deliveries::locked_until.eq(None::<chrono::NaiveDateTime>),
    ))
    .execute(conn)?;
    audit::record(
        conn,
        actor,
        "webhook.deleted",
        ("webhook", &id),
        audit_scope(tenant),
        serde_json::json!({}),
    )
}

/// Queues `event` for the reseller's webhooks and, if it concerns a client, the client's, each
/// receiving the same `data`.
pub fn emit<T: Serialize>(
    conn: &mut DbConnection,
    event: WebhookEvent,
    reseller_id: &str,
    client_id: Option<&str>,
    data: &T,
) -> Result<(), ApiError> {
    emit_views(conn, event, reseller_id, client_id, data, data)
}

/// Queues `event` with what each side may see: `for_reseller` to the reseller's webhooks,
/// `for_client` to the client's own — and those only for an event meant for clients
/// (`WebhookEvent::for_clients`). Runs in the caller's transaction.
pub fn emit_views<T: Serialize>(
    conn: &mut DbConnection,
    event: WebhookEvent,
    reseller_id: &str,
    client_id: Option<&str>,
    for_reseller: &T,
    for_client: &T,
) -> Result<(), ApiError> {
    let client_id = client_id.filter(|_| event.for_clients());
    let mut query = webhooks::table
        .filter(webhooks::deleted_at.is_null())
        .into_boxed();
    query = match client_id {
        Some(c) => query.filter(
            webhooks::reseller_id
                .eq(reseller_id.to_string())
                .or(webhooks::client_id.eq(c.to_string())),
        ),
        None => query.filter(webhooks::reseller_id.eq(reseller_id.to_string())),
    };
    let hooks: Vec<(String, Option<String>, String)> = query
        .select((webhooks::id, webhooks::client_id, webhooks::events))
        .order(webhooks::id.asc())
        .load(conn)?;
    let as_value = |data: &T| serde_json::to_value(data).map_err(ApiError::internal);
    let (to_reseller, to_client) = (as_value(for_reseller)?, as_value(for_client)?);
    for (webhook_id, owner_client, events) in hooks {
        if !events.split(',').any(|e| e == event.as_str()) {
            continue;
        }
        let data = if owner_client.is_some() {
            &to_client
        } else {
            &to_reseller
        };
        deliveries::queue_event(conn, &webhook_id, event.as_str(), data.clone())?;
    }
    Ok(())
}

/// Seals every signing secret still stored in clear (written before secrets were sealed);
/// run at start. Each row is rewritten only if it still holds the clear value read, so
/// processes starting together do not seal one twice. Returns how many it sealed.
pub fn seal_clear_secrets(conn: &mut DbConnection) -> Result<usize, ApiError> {
    let clear: Vec<(String, String)> = webhooks::table
        .filter(webhooks::secret.not_like("enc:v1:%"))
        .select((webhooks::id, webhooks::secret))
        .load(conn)?;
    if clear.is_empty() {
        return Ok(0);
    }
    let key = settings::webhook_key(conn)?;
    let mut sealed = 0;
    for (id, secret) in clear.into_iter().filter(|(_, s)| !is_sealed(s)) {
        sealed += diesel::update(
            webhooks::table
                .find(&id)
                .filter(webhooks::secret.eq(&secret)),
        )
        .set(webhooks::secret.eq(key.seal(&secret)))
        .execute(conn)?;
    }
    Ok(sealed)
}
