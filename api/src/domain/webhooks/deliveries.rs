//! Webhook deliveries: the queue `emit` fills, the log a tenant reads, redelivery and test
//! events, and the worker's side: `claim_due_deliveries` (a conditional UPDATE, so several
//! processes never deliver one event twice) and `record_delivery_attempt`.
//!
//! A payload is stored as it is sent, so a redelivery POSTs the same bytes (the same event
//! `id` in the body, for receivers that de-duplicate) under a new `Credence-Delivery` id.

use chrono::{Duration, NaiveDateTime};
use credence_shared::events::PingEvent;
use credence_shared::reseller::WebhookDelivery;
use credence_shared::{Page, WebhookDeliveryStatus};
use diesel::prelude::*;

use crate::db::schema::{webhook_deliveries as d, webhooks};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor};
use crate::domain::tenant::Tenant;
use crate::domain::{into_page, settings, PageRequest};
use crate::error::ApiError;

/// The event `POST /webhooks/{id}/test` sends.
pub const PING: &str = "ping";

fn pending() -> &'static str {
    WebhookDeliveryStatus::Pending.as_str()
}

/// Queues one delivery of `payload` (as sent) to a webhook, due now.
fn insert(
    conn: &mut DbConnection,
    id: &str,
    webhook_id: &str,
    event: &str,
    payload: &str,
    redelivery_of: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::insert_into(d::table)
        .values((
            d::id.eq(id),
            d::webhook_id.eq(webhook_id),
            d::event.eq(event),
            d::payload.eq(payload),
            d::status.eq(pending()),
            d::attempts.eq(0),
            d::next_attempt_at.eq(at),
            d::created_at.eq(at),
            d::redelivery_of.eq(redelivery_of),
        ))
        .execute(conn)?;
    Ok(())
}

/// Queues an event: `{"id", "type", "created_at", "data"}`, where `id` is the delivery's.
pub fn queue_event(
    conn: &mut DbConnection,
    webhook_id: &str,
    event: &str,
    data: serde_json::Value,
) -> Result<String, ApiError> {
    let id = new_id();
    let at = now();
    let payload =
        serde_json::json!({ "id": id, "type": event, "created_at": at.and_utc(), "data": data });
    insert(conn, &id, webhook_id, event, &payload.to_string(), None, at)?;
    Ok(id)
}

#[derive(Queryable)]
struct LogRow {
    id: String,
    webhook_id: String,
    event: String,
    status: String,
    attempts: i32,
    response_status: Option<i32>,
    last_error: Option<String>,
    redelivery_of: Option<String>,
    created_at: NaiveDateTime,
    last_attempt_at: Option<NaiveDateTime>,
    next_attempt_at: NaiveDateTime,
}

type LogColumns = (
    d::id,
    d::webhook_id,
    d::event,
    d::status,
    d::attempts,
    d::response_status,
    d::last_error,
    d::redelivery_of,
    d::created_at,
    d::last_attempt_at,
    d::next_attempt_at,
);

const LOG_COLUMNS: LogColumns = (
    d::id,
    d::webhook_id,
    d::event,
    d::status,
    d::attempts,
    d::response_status,
    d::last_error,
    d::redelivery_of,
    d::created_at,
    d::last_attempt_at,
    d::next_attempt_at,
);

fn dto(r: LogRow) -> Result<WebhookDelivery, ApiError> {
    let status = WebhookDeliveryStatus::try_from(r.status).map_err(ApiError::internal)?;
    Ok(WebhookDelivery {
        id: r.id,
        webhook_id: r.webhook_id,
        event: r.event,
        status,
        attempts: r.attempts,
        last_response_code: r.response_status,
        last_error: r.last_error,
        redelivery_of: r.redelivery_of,
        created_at: r.created_at.and_utc(),
        last_attempt_at: r.last_attempt_at.map(|t| t.and_utc()),
        next_attempt_at: (status == WebhookDeliveryStatus::Pending)
            .then(|| r.next_attempt_at.and_utc()),
    })
}

/// One page of a webhook's deliveries, newest first; another tenant's webhook is a 404.
pub fn list(
    conn: &mut DbConnection,
    tenant: &Tenant,
    webhook_id: &str,
    status: Option<WebhookDeliveryStatus>,
    page: &PageRequest,
) -> Result<Page<WebhookDelivery>, ApiError> {
    let webhook_id = super::get_scoped(conn, tenant, webhook_id)?;
    let mut query = d::table
        .filter(d::webhook_id.eq(webhook_id))
        .select(LOG_COLUMNS)
        .into_boxed();
    crate::keyset!(query, d, page, no_updates);
    if let Some(status) = status {
        query = query.filter(d::status.eq(status.as_str()));
    }
    let rows = query
        .load::<LogRow>(conn)?
        .into_iter()
        .map(dto)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(into_page(rows, page, |r| r.id.clone(), |r| r))
}

fn get(conn: &mut DbConnection, id: &str) -> Result<WebhookDelivery, ApiError> {
    dto(d::table
        .find(id)
        .select(LOG_COLUMNS)
        .first::<LogRow>(conn)?)
}

/// Takes the webhook's row lock (a write that changes nothing) so that two requests queueing
/// for one webhook check and insert one after the other, in every process: PostgreSQL holds
/// the row until commit; SQLite's transactions take the write lock anyway.
fn lock_webhook(conn: &mut DbConnection, webhook_id: &str) -> Result<(), ApiError> {
    diesel::update(webhooks::table.find(webhook_id))
        .set(webhooks::events.eq(webhooks::events))
        .execute(conn)?;
    Ok(())
}

fn still_pending(detail: &'static str) -> ApiError {
    ApiError::conflict("delivery_pending", detail)
}

/// Queues the same payload again, due now, as a new delivery that names the one it repeats.
/// A delivery still pending (waiting or in flight) is retried on its own: 409, as while a
/// redelivery of it is pending.
pub fn redeliver(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    webhook_id: &str,
    delivery_id: &str,
) -> Result<WebhookDelivery, ApiError> {
    let webhook_id = super::get_scoped(conn, tenant, webhook_id)?;
    lock_webhook(conn, &webhook_id)?;
    let (event, payload, status): (String, String, String) = d::table
        .filter(d::id.eq(delivery_id))
        .filter(d::webhook_id.eq(&webhook_id))
        .select((d::event, d::payload, d::status))
        .first(conn)
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    if status == pending() {
        return Err(still_pending(
            "This delivery is still pending: it is retried on its own. Redeliver it once it has been delivered or has failed.",
        ));
    }
    let queued: i64 = d::table
        .filter(d::redelivery_of.eq(delivery_id))
        .filter(d::status.eq(pending()))
        .count()
        .get_result(conn)?;
    if queued > 0 {
        return Err(still_pending(
            "A redelivery of this delivery is already pending.",
        ));
    }
    let id = new_id();
    insert(
        conn,
        &id,
        &webhook_id,
        &event,
        &payload,
        Some(delivery_id),
        now(),
    )?;
    audit::record(
        conn,
        actor,
        "webhook.redelivered",
        ("webhook", &webhook_id),
        super::audit_scope(tenant),
        serde_json::json!({ "delivery_id": id, "redelivery_of": delivery_id, "event": event }),
    )?;
    get(conn, &id)
}

/// Queues a `ping` to one webhook (whatever events it subscribes to), so its owner can check
/// the endpoint and the signature. One at a time: 409 while a ping to it is pending.
pub fn send_test(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    webhook_id: &str,
) -> Result<WebhookDelivery, ApiError> {
    let webhook_id = super::get_scoped(conn, tenant, webhook_id)?;
    lock_webhook(conn, &webhook_id)?;
    let queued: i64 = d::table
        .filter(d::webhook_id.eq(&webhook_id))
        .filter(d::event.eq(PING))
        .filter(d::status.eq(pending()))
        .count()
        .get_result(conn)?;
    if queued > 0 {
        return Err(still_pending(
            "A test event to this webhook is still pending.",
        ));
    }
    let id = queue_event(
        conn,
        &webhook_id,
        PING,
        serde_json::to_value(PingEvent {
            webhook_id: webhook_id.clone(),
            message: "A test event from Credence: your endpoint is reachable.".into(),
        })
        .map_err(ApiError::internal)?,
    )?;
    audit::record(
        conn,
        actor,
        "webhook.tested",
        ("webhook", &webhook_id),
        super::audit_scope(tenant),
        serde_json::json!({ "delivery_id": id }),
    )?;
    get(conn, &id)
}

/// A claimed delivery: what to POST where, signed with the webhook's secret (`None` when the
/// stored secret does not open with this installation's key).
#[derive(Debug)]
pub struct DueDelivery {
    pub id: String,
    pub url: String,
    pub secret: Option<String>,
    pub attempts: i32,
    pub payload: String,
}

/// Claims up to `limit` due deliveries for `claim_for`. Each claim is a conditional UPDATE that
/// only one process can win; run it inside `Db::transaction`.
pub fn claim_due_deliveries(
    conn: &mut DbConnection,
    limit: i64,
    claim_for: Duration,
) -> Result<Vec<DueDelivery>, ApiError> {
    let at = now();
    let due: Vec<String> = d::table
        .filter(d::status.eq(pending()))
        .filter(d::next_attempt_at.le(at))
        .filter(d::locked_until.is_null().or(d::locked_until.lt(at)))
        .select(d::id)
        .order((d::next_attempt_at.asc(), d::id.asc()))
        .limit(limit)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in due {
        let won = diesel::update(
            d::table
                .find(&id)
                .filter(d::status.eq(pending()))
                .filter(d::locked_until.is_null().or(d::locked_until.lt(at))),
        )
        .set(d::locked_until.eq(Some(at + claim_for)))
        .execute(conn)?;
        if won == 1 {
            let row: Option<(String, String, String, i32, String)> = d::table
                .inner_join(webhooks::table)
                .filter(d::id.eq(&id))
                .filter(webhooks::deleted_at.is_null())
                .select((
                    d::id,
                    webhooks::url,
                    webhooks::secret,
                    d::attempts,
                    d::payload,
                ))
                .first(conn)
                .optional()?;
            claimed.extend(row);
        }
    }
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let key = settings::webhook_key(conn)?;
    Ok(claimed
        .into_iter()
        .map(|(id, url, stored, attempts, payload)| DueDelivery {
            id,
            url,
            secret: key.open(&stored),
            attempts,
            payload,
        })
        .collect())
}

/// How a delivery attempt ended.
#[derive(Debug)]
pub enum DeliveryOutcome {
    /// The receiver answered 2xx.
    Sent,
    /// It failed with `error`; try again in `retry_in`.
    RetryLater { error: String, retry_in: Duration },
    /// It failed with `error` and was the last attempt.
    Failed { error: String },
}

/// Records the `attempts`-th attempt of a delivery, with the receiver's HTTP status if any,
/// and releases the claim. `error` is what the delivery log shows: a sentence without
/// internals (`jobs::webhooks` words it).
pub fn record_delivery_attempt(
    conn: &mut DbConnection,
    id: &str,
    attempts: i32,
    response_status: Option<i32>,
    outcome: DeliveryOutcome,
) -> Result<(), ApiError> {
    let at = now();
    let (status, error, next) = match outcome {
        DeliveryOutcome::Sent => (WebhookDeliveryStatus::Delivered, None, at),
        DeliveryOutcome::RetryLater { error, retry_in } => {
            (WebhookDeliveryStatus::Pending, Some(error), at + retry_in)
        }
        DeliveryOutcome::Failed { error } => (WebhookDeliveryStatus::Failed, Some(error), at),
    };
    let sent_at = (status == WebhookDeliveryStatus::Delivered).then_some(at);
    // Only a pending delivery: one cancelled meanwhile (its webhook deleted) stays cancelled.
    diesel::update(d::table.find(id).filter(d::status.eq(pending())))
        .set((
            d::status.eq(status.as_str()),
            d::attempts.eq(attempts),
            d::response_status.eq(response_status),
            d::last_error.eq(&error),
            d::locked_until.eq(None::<NaiveDateTime>),
            d::next_attempt_at.eq(next),
            d::last_attempt_at.eq(Some(at)),
            d::sent_at.eq(sent_at),
        ))
        .execute(conn)?;
    Ok(())
}
