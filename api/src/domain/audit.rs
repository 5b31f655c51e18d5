//! The audit log: who (and on whose behalf) did what to which object, when, from where.

use credence_shared::admin::AuditEvent;
use credence_shared::events::{Change, ChangeFeed};
use diesel::prelude::*;

use crate::db::schema::{audit_events, users};
use crate::db::{new_id, now, DbConnection};
use crate::domain::{into_page, PageRequest};
use crate::error::ApiError;

/// The identities behind a change. `user_id` is `None` for the system (CLI, jobs).
#[derive(Debug, Clone, Default)]
pub struct AuditActor {
    pub user_id: Option<String>,
    pub impersonator_id: Option<String>,
    pub ip: Option<String>,
}

impl AuditActor {
    pub fn system() -> AuditActor {
        AuditActor::default()
    }
}

/// The tenant an event belongs to, so each tenant sees only its own events.
#[derive(Debug, Clone, Default)]
pub struct AuditScope {
    pub reseller_id: Option<String>,
    pub client_id: Option<String>,
}

pub fn record(
    conn: &mut DbConnection,
    actor: &AuditActor,
    action: &str,
    object: (&str, &str),
    scope: AuditScope,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(new_id()),
            audit_events::actor_id.eq(&actor.user_id),
            audit_events::impersonator_id.eq(&actor.impersonator_id),
            audit_events::action.eq(action),
            audit_events::object_type.eq(object.0),
            audit_events::object_id.eq(object.1),
            audit_events::reseller_id.eq(scope.reseller_id),
            audit_events::client_id.eq(scope.client_id),
            audit_events::ip.eq(&actor.ip),
            audit_events::details.eq(details.to_string()),
            audit_events::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records one request made in a Login As session (`impersonation.request`): the client user
/// acted as, the reseller user acting, and the method and path (never the query or body). It
/// belongs to the client (its activity shows what was done as its users) and to the client's
/// reseller (its staff's trail).
pub fn record_login_as_request(
    conn: &mut DbConnection,
    actor: &AuditActor,
    session_id: &str,
    client_id: Option<&str>,
    method: &str,
    path: &str,
) -> Result<(), ApiError> {
    let reseller_id = match client_id {
        Some(client_id) => crate::domain::clients::reseller_of(conn, client_id)?,
        None => None,
    };
    record(
        conn,
        actor,
        "impersonation.request",
        ("session", session_id),
        AuditScope {
            reseller_id,
            client_id: client_id.map(str::to_string),
        },
        serde_json::json!({ "method": method, "path": path }),
    )
}

/// Keys of event details that are the reseller's business with the vendor: its cost (list
/// price, discount, amount), its invoices and its own notes and references. A client user
/// never sees them, whatever event carries them.
pub const RESELLER_ONLY_DETAILS: [&str; 12] = [
    "amount_minor",
    "list_price_minor",
    "unit_price_minor",
    "total_minor",
    "discount_percent",
    "discount_bp",
    "currency",
    "note",
    "po_reference",
    "invoice_id",
    "invoice_number",
    "number",
];

/// The details as a client user may read them: every reseller-only key removed, at any depth.
pub fn without_commercial_terms(details: serde_json::Value) -> serde_json::Value {
    match details {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .filter(|(k, _)| !RESELLER_ONLY_DETAILS.contains(&k.as_str()))
                .map(|(k, v)| (k, without_commercial_terms(v)))
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(without_commercial_terms).collect())
        }
        other => other,
    }
}

type EventRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    chrono::NaiveDateTime,
    Option<String>,
);

/// Whose events a reader may see.
pub enum AuditView {
    All,
    Reseller(String),
    Client(String),
}

/// Events newest first, limited to what the reader may see.
pub fn list(
    conn: &mut DbConnection,
    view: &AuditView,
    page: &PageRequest,
) -> Result<credence_shared::Page<AuditEvent>, ApiError> {
    let mut query = audit_events::table
        .left_join(users::table.on(users::id.nullable().eq(audit_events::actor_id)))
        .select((
            audit_events::id,
            audit_events::actor_id,
            audit_events::impersonator_id,
            audit_events::action,
            audit_events::object_type,
            audit_events::object_id,
            audit_events::ip,
            audit_events::details,
            audit_events::created_at,
            users::name.nullable(),
        ))
        .into_boxed();
    match view {
        AuditView::All => {}
        AuditView::Reseller(id) => query = query.filter(audit_events::reseller_id.eq(id.clone())),
        // Including the Login As trail on the client's users: when the reseller's staff logged
        // in as them, each request they made, and when they left.
        AuditView::Client(id) => query = query.filter(audit_events::client_id.eq(id.clone())),
    }
    crate::keyset!(query, audit_events, page, no_updates);
    let rows: Vec<EventRow> = query.load(conn)?;
    let for_client = matches!(view, AuditView::Client(_));
    let impersonators: Vec<String> = rows.iter().filter_map(|r| r.2.clone()).collect();
    let names = crate::domain::users::names(conn, &impersonators)?;
    Ok(into_page(
        rows,
        page,
        |r| r.0.clone(),
        |r| AuditEvent {
            id: r.0,
            actor_id: r.1,
            action: r.3,
            object_type: r.4,
            object_id: r.5,
            ip: r.6,
            details: {
                let details = serde_json::from_str(&r.7).unwrap_or(serde_json::Value::Null);
                if for_client {
                    without_commercial_terms(details)
                } else {
                    details
                }
            },
            created_at: r.8.and_utc(),
            actor_name: r.9,
            impersonator_name: r.2.as_ref().and_then(|id| names.get(id).cloned()),
            impersonator_id: r.2,
        },
    ))
}

/// How old a change must be before the feed lists it: a transaction that took an id earlier
/// but committed later than another must not be skipped by a reader already past it.
pub const CHANGES_SETTLE_SECONDS: i64 = 10;

/// The changes feed: what the reader may see of the audit log after `after`, oldest first,
/// without the Login As request trail, and only once settled (`CHANGES_SETTLE_SECONDS`).
pub fn changes(
    conn: &mut DbConnection,
    view: &AuditView,
    after: Option<&str>,
    limit: i64,
) -> Result<ChangeFeed, ApiError> {
    let settled = crate::db::now() - chrono::TimeDelta::seconds(CHANGES_SETTLE_SECONDS);
    let mut query = audit_events::table
        .filter(audit_events::created_at.le(settled))
        .filter(audit_events::action.ne("impersonation.request"))
        .select((
            audit_events::id,
            audit_events::action,
            audit_events::object_type,
            audit_events::object_id,
            audit_events::created_at,
        ))
        .order(audit_events::id.asc())
        .limit(limit)
        .into_boxed();
    match view {
        AuditView::All => {}
        AuditView::Reseller(id) => query = query.filter(audit_events::reseller_id.eq(id.clone())),
        AuditView::Client(id) => query = query.filter(audit_events::client_id.eq(id.clone())),
    }
    if let Some(after) = after {
        query = query.filter(audit_events::id.gt(after.to_string()));
    }
    let rows: Vec<(
        String,
        String,
        String,
        Option<String>,
        chrono::NaiveDateTime,
    )> = query.load(conn)?;
    let data: Vec<Change> = rows
        .into_iter()
        .map(|r| Change {
            id: r.0,
            action: r.1,
            object_type: r.2,
            object_id: r.3,
            created_at: r.4.and_utc(),
        })
        .collect();
    let next_after = data
        .last()
        .map(|c| c.id.clone())
        .or_else(|| after.map(str::to_string));
    Ok(ChangeFeed { data, next_after })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_users_never_read_the_resellers_terms() {
        let details = serde_json::json!({
            "client_code": "ACME",
            "credits": 37,
            "amount_minor": 138182,
            "before": { "note": "internal", "name": "x" },
            "lines": [{ "invoice_id": "i", "credits": 1 }],
        });
        assert_eq!(
            without_commercial_terms(details),
            serde_json::json!({
                "client_code": "ACME",
                "credits": 37,
                "before": { "name": "x" },
                "lines": [{ "credits": 1 }],
            })
        );
    }
}
