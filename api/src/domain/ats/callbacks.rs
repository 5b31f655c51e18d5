//! Results pushed back to the ATS when a candidate completes: `on_completed` queues one
//! callback per link of the invitation (in the submitting transaction, so a rolled-back submit
//! pushes nothing; one per link, by a unique index), in the ATS's shape — Greenhouse: PATCH
//! the send's `url` with the `test_status` body; Workable: PUT the `callback_url` with the
//! results, Bearer the token the ATS gave. `jobs::ats` delivers them with the webhook rules:
//! `claim_due` is a conditional UPDATE (one process per callback), retried with backoff.

use chrono::{Duration, NaiveDateTime};
use credence_shared::{AtsKind, WebhookDeliveryStatus};
use diesel::prelude::*;

use crate::db::schema::{ats_callbacks as c, ats_connectors, ats_links, invitations};
use crate::db::{new_id, now, DbConnection};
use crate::domain::links::Links;
use crate::domain::settings;
use crate::error::ApiError;

use super::exchange::view_of;
use super::shapes;

fn pending() -> &'static str {
    WebhookDeliveryStatus::Pending.as_str()
}

/// Queues the result for every link of this (just completed) invitation whose connector is
/// enabled and that has somewhere to send it. Runs in the caller's transaction.
pub fn on_completed(
    conn: &mut DbConnection,
    links: &Links,
    invitation_id: &str,
) -> Result<(), ApiError> {
    let rows: Vec<(String, String, String, String, String, String)> = ats_links::table
        .inner_join(ats_connectors::table)
        .inner_join(invitations::table)
        .filter(ats_links::invitation_id.eq(invitation_id))
        .filter(ats_connectors::enabled.eq(true))
        .filter(ats_links::callback_url.is_not_null())
        .select((
            ats_links::id,
            ats_connectors::kind,
            ats_connectors::client_id,
            invitations::status,
            invitations::candidate_id,
            ats_links::callback_url.assume_not_null(),
        ))
        .load(conn)?;
    for (link_id, kind, client_id, status, candidate_id, url) in rows {
        let kind = AtsKind::try_from(kind).map_err(ApiError::internal)?;
        let view = view_of(
            conn,
            links,
            &client_id,
            link_id.clone(),
            status,
            &candidate_id,
        )?;
        let (method, payload) = match kind {
            AtsKind::Greenhouse => ("PATCH", serde_json::to_string(&shapes::greenhouse(&view))),
            AtsKind::Workable => ("PUT", serde_json::to_string(&shapes::workable(&view))),
        };
        let at = now();
        diesel::insert_into(c::table)
            .values((
                c::id.eq(new_id()),
                c::link_id.eq(&link_id),
                c::method.eq(method),
                c::url.eq(&url),
                c::payload.eq(payload.map_err(ApiError::internal)?),
                c::status.eq(pending()),
                c::attempts.eq(0),
                c::next_attempt_at.eq(at),
                c::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A claimed callback: what to send where, with the ATS's token if it gave one (`None` also
/// when a stored token does not open with this installation's key).
#[derive(Debug)]
pub struct DueCallback {
    pub id: String,
    pub method: String,
    pub url: String,
    pub payload: String,
    pub attempts: i32,
    pub bearer: Option<String>,
}

/// Claims up to `limit` due callbacks of enabled connectors for
/// `claim_for`; run it inside `Db::transaction`.
pub fn claim_due(
    conn: &mut DbConnection,
    limit: i64,
    claim_for: Duration,
) -> Result<Vec<DueCallback>, ApiError> {
    let at = now();
    let due: Vec<String> = c::table
        .filter(c::status.eq(pending()))
        .filter(c::next_attempt_at.le(at))
        .filter(c::locked_until.is_null().or(c::locked_until.lt(at)))
        .select(c::id)
        .order((c::next_attempt_at.asc(), c::id.asc()))
        .limit(limit)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in due {
        let won = diesel::update(
            c::table
                .find(&id)
                .filter(c::status.eq(pending()))
                .filter(c::locked_until.is_null().or(c::locked_until.lt(at))),
        )
        .set(c::locked_until.eq(Some(at + claim_for)))
        .execute(conn)?;
        if won == 1 {
            let row: Option<(String, String, String, String, i32, Option<String>)> = c::table
                .inner_join(ats_links::table.inner_join(ats_connectors::table))
                .filter(c::id.eq(&id))
                .filter(ats_connectors::enabled.eq(true))
                .select((
                    c::id,
                    c::method,
                    c::url,
                    c::payload,
                    c::attempts,
                    ats_connectors::callback_token,
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
        .map(|(id, method, url, payload, attempts, token)| DueCallback {
            id,
            method,
            url,
            payload,
            attempts,
            bearer: token.and_then(|t| key.open(&t)),
        })
        .collect())
}

pub use crate::domain::webhooks::DeliveryOutcome;

/// Records the `attempts`-th attempt and releases the claim (a cancelled callback stays so).
pub fn record_attempt(
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
    diesel::update(c::table.find(id).filter(c::status.eq(pending())))
        .set((
            c::status.eq(status.as_str()),
            c::attempts.eq(attempts),
            c::response_status.eq(response_status),
            c::last_error.eq(&error),
            c::locked_until.eq(None::<NaiveDateTime>),
            c::next_attempt_at.eq(next),
            c::sent_at.eq(sent_at),
        ))
        .execute(conn)?;
    Ok(())
}
