//! Webhooks: a tenant's subscriptions, and `emit`, which queues a delivery per subscribed
//! webhook in the caller's transaction (like mail): no event for a change that rolled back.
//! `jobs::webhooks` claims due deliveries here (a conditional UPDATE, so several processes
//! never deliver one event twice) and records each attempt.

use chrono::Duration;
use credence_shared::reseller::{Webhook, WebhookCreate};
use credence_shared::DeliveryStatus;
use diesel::prelude::*;

use crate::db::schema::{webhook_deliveries, webhooks};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::tenant::Tenant;
use crate::error::{ApiError, FieldIssue, Validator};
use crate::net_guard::{self, AllowList};
use crate::secrets::random_token;

pub const EVENTS: [&str; 2] = ["client.credits_low", "candidate.completed"];

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

fn dto(r: Row, secret: bool) -> Webhook {
    Webhook {
        id: r.0,
        url: r.3,
        secret: secret.then_some(r.4),
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

pub fn list(conn: &mut DbConnection, tenant: &Tenant) -> Result<Vec<Webhook>, ApiError> {
    let mut query = webhooks::table
        .filter(webhooks::deleted_at.is_null())
        .order(webhooks::id.desc())
        .into_boxed();
    match scoped(tenant) {
        (Some(r), _) => query = query.filter(webhooks::reseller_id.eq(r)),
        (_, Some(c)) => query = query.filter(webhooks::client_id.eq(c)),
        _ => {}
    }
    Ok(query
        .load::<Row>(conn)?
        .into_iter()
        .map(|r| dto(r, false))
        .collect())
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
    if input.events.is_empty() {
        v.add(
            "events",
            "required",
            format!("Choose one or more of {}.", EVENTS.join(", ")),
        );
    } else if input.events.iter().any(|e| !EVENTS.contains(&e.as_str())) {
        v.add(
            "events",
            "unknown_event",
            format!("Events are {}.", EVENTS.join(", ")),
        );
    }
    v.finish()?;
    let (reseller_id, client_id) = scoped(tenant);
    let id = new_id();
    let mut events = input.events.clone();
    events.sort();
    events.dedup();
    diesel::insert_into(webhooks::table)
        .values((
            webhooks::id.eq(&id),
            webhooks::reseller_id.eq(&reseller_id),
            webhooks::client_id.eq(&client_id),
            webhooks::url.eq(url.unwrap_or_default()),
            webhooks::secret.eq(format!("whsec_{}", random_token(24))),
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
        AuditScope {
            reseller_id,
            client_id,
        },
        serde_json::json!({ "events": events }),
    )?;
    Ok(dto(webhooks::table.find(&id).first::<Row>(conn)?, true))
}

pub fn delete(
    conn: &mut DbConnection,
    actor: &AuditActor,
    tenant: &Tenant,
    id: &str,
) -> Result<(), ApiError> {
    if !list(conn, tenant)?.iter().any(|w| w.id == id) {
        return Err(ApiError::not_found());
    }
    diesel::update(webhooks::table.find(id))
        .set(webhooks::deleted_at.eq(Some(now())))
        .execute(conn)?;
    // A deleted webhook receives nothing more: its pending deliveries end here.
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(id))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str())),
    )
    .set((
        webhook_deliveries::status.eq(DeliveryStatus::Failed.as_str()),
        webhook_deliveries::last_error.eq(Some(CANCELLED)),
        webhook_deliveries::locked_until.eq(None::<chrono::NaiveDateTime>),
    ))
    .execute(conn)?;
    let (reseller_id, client_id) = scoped(tenant);
    audit::record(
        conn,
        actor,
        "webhook.deleted",
        ("webhook", id),
        AuditScope {
            reseller_id,
            client_id,
        },
        serde_json::json!({}),
    )
}

/// Queues `event` for the client's webhooks and its reseller's.
pub fn emit(
    conn: &mut DbConnection,
    event: &str,
    reseller_id: &str,
    client_id: &str,
    data: serde_json::Value,
) -> Result<(), ApiError> {
    let targets: Vec<String> = webhooks::table
        .filter(webhooks::deleted_at.is_null())
        .filter(
            webhooks::reseller_id
                .eq(reseller_id)
                .or(webhooks::client_id.eq(client_id)),
        )
        .filter(webhooks::events.like(format!("%{event}%")))
        .select(webhooks::id)
        .order(webhooks::id.asc())
        .load(conn)?;
    let at = now();
    for webhook_id in targets {
        let id = new_id();
        let payload = serde_json::json!({ "id": id, "type": event, "created_at": at.and_utc(), "data": data });
        diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::id.eq(&id),
                webhook_deliveries::webhook_id.eq(&webhook_id),
                webhook_deliveries::event.eq(event),
                webhook_deliveries::payload.eq(payload.to_string()),
                webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(at),
                webhook_deliveries::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A claimed delivery: what to POST where, signed with the webhook's secret.
#[derive(Queryable, Debug)]
pub struct DueDelivery {
    pub id: String,
    pub url: String,
    pub secret: String,
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
    let due: Vec<String> = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .filter(webhook_deliveries::next_attempt_at.le(at))
        .filter(
            webhook_deliveries::locked_until
                .is_null()
                .or(webhook_deliveries::locked_until.lt(at)),
        )
        .select(webhook_deliveries::id)
        .order((
            webhook_deliveries::next_attempt_at.asc(),
            webhook_deliveries::id.asc(),
        ))
        .limit(limit)
        .load(conn)?;
    let mut claimed: Vec<Option<DueDelivery>> = Vec::new();
    for id in due {
        let won = diesel::update(
            webhook_deliveries::table
                .find(&id)
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
                .filter(
                    webhook_deliveries::locked_until
                        .is_null()
                        .or(webhook_deliveries::locked_until.lt(at)),
                ),
        )
        .set(webhook_deliveries::locked_until.eq(Some(at + claim_for)))
        .execute(conn)?;
        if won == 1 {
            claimed.push(
                webhook_deliveries::table
                    .inner_join(webhooks::table)
                    .filter(webhook_deliveries::id.eq(&id))
                    .filter(webhooks::deleted_at.is_null())
                    .select((
                        webhook_deliveries::id,
                        webhooks::url,
                        webhooks::secret,
                        webhook_deliveries::attempts,
                        webhook_deliveries::payload,
                    ))
                    .first::<DueDelivery>(conn)
                    .optional()?,
            );
        }
    }
    Ok(claimed.into_iter().flatten().collect())
}

/// How a delivery attempt ended.
#[derive(Debug)]
pub enum DeliveryOutcome {
    /// The receiver answered 2xx.
    Sent,
    /// It failed with `error`; try again in `retry_in`.
    RetryLater { error: String, retry_in: Duration },
    /// It failed with `error` and was the last attempt (`next_attempt_at` still moves on by
    /// `backoff`, as for a retry).
    Failed { error: String, backoff: Duration },
}

/// Records the `attempts`-th attempt of a delivery, with the receiver's HTTP status if any,
/// and releases the claim.
pub fn record_delivery_attempt(
    conn: &mut DbConnection,
    id: &str,
    attempts: i32,
    response_status: Option<i32>,
    outcome: DeliveryOutcome,
) -> Result<(), ApiError> {
    let at = now();
    let (status, error, wait, sent_at) = match outcome {
        DeliveryOutcome::Sent => (DeliveryStatus::Sent, None, Duration::seconds(0), Some(at)),
        DeliveryOutcome::RetryLater { error, retry_in } => {
            (DeliveryStatus::Pending, Some(error), retry_in, None)
        }
        DeliveryOutcome::Failed { error, backoff } => {
            (DeliveryStatus::Failed, Some(error), backoff, None)
        }
    };
    // Only a pending delivery: one cancelled meanwhile (its webhook deleted) stays cancelled.
    diesel::update(
        webhook_deliveries::table
            .find(id)
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str())),
    )
    .set((
        webhook_deliveries::status.eq(status.as_str()),
        webhook_deliveries::attempts.eq(attempts),
        webhook_deliveries::response_status.eq(response_status),
        webhook_deliveries::last_error.eq(&error),
        webhook_deliveries::locked_until.eq(None::<chrono::NaiveDateTime>),
        webhook_deliveries::next_attempt_at.eq(at + wait),
        webhook_deliveries::sent_at.eq(sent_at),
    ))
    .execute(conn)?;
    Ok(())
}
