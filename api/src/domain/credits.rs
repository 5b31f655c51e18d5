//! The credit ledger: every change of a client's balance, applied atomically, never below zero,
//! and the low-credit email when the balance falls below the client's threshold.

use std::collections::HashMap;

use credence_shared::events::CreditsLowEvent;
use credence_shared::reseller::{LedgerEntry, LedgerReferenceKind};
use credence_shared::{InvitationStatus, LedgerKind, UserStatus, WebhookEvent};
use diesel::prelude::*;

use crate::db::schema::{
    candidates, clients, credit_orders, invitations, ledger_entries, projects, users,
};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::AuditActor;
use crate::domain::clients::ClientRow;
use crate::domain::links::Links;
use crate::domain::{brands, into_page, outbox, senders, PageRequest};
use crate::error::ApiError;
use crate::mail::templates;

#[derive(Queryable, Debug, Clone)]
pub struct LedgerRow {
    pub id: String,
    pub client_id: String,
    #[diesel(deserialize_as = String)]
    pub kind: LedgerKind,
    pub delta: i64,
    pub balance_after: i64,
    pub reference: Option<String>,
    pub reason: Option<String>,
    pub actor_id: Option<String>,
    pub impersonator_id: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

impl LedgerRow {
    /// The entry, described from its own row (`ledger` adds names of candidates and projects).
    pub fn to_dto(self) -> LedgerEntry {
        let mut entry = LedgerEntry {
            id: self.id,
            client_id: self.client_id,
            kind: self.kind,
            delta: self.delta,
            balance_after: self.balance_after,
            reference: self.reference,
            reason: self.reason,
            actor_id: self.actor_id,
            actor_name: None,
            description: String::new(),
            reference_kind: None,
            reference_id: None,
            created_at: self.created_at.and_utc(),
        };
        describe(
            &mut entry,
            LedgerViewer::Reseller,
            &HashMap::new(),
            &HashMap::new(),
        );
        entry
    }
}

/// One change to apply.
pub struct Change<'a> {
    pub client_id: &'a str,
    pub kind: LedgerKind,
    pub delta: i64,
    pub reference: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// Applies a change; `None` when it would take the balance below zero (nothing changes then).
///
/// The balance moves in one conditional UPDATE, so concurrent changes can never overdraw it,
/// and the ledger row records the balance that UPDATE produced.
pub fn apply(
    conn: &mut DbConnection,
    links: &Links,
    actor: &AuditActor,
    change: Change<'_>,
) -> Result<Option<LedgerRow>, ApiError> {
    // RETURNING: the balance this UPDATE produced, in the same round trip.
    let moved: Option<ClientRow> = diesel::update(
        clients::table
            .find(change.client_id)
            .filter((clients::credit_balance + change.delta).ge(0i64)),
    )
    .set((
        clients::credit_balance.eq(clients::credit_balance + change.delta),
        clients::updated_at.eq(now()),
    ))
    .get_result(conn)
    .optional()?;
    let Some(client) = moved else {
        // Either the client is gone (a real 404) or the balance is too low.
        clients::table
            .find(change.client_id)
            .select(clients::id)
            .first::<String>(conn)?;
        return Ok(None);
    };
    let entry: LedgerRow = diesel::insert_into(ledger_entries::table)
        .values((
            ledger_entries::id.eq(new_id()),
            ledger_entries::client_id.eq(change.client_id),
            ledger_entries::kind.eq(change.kind.as_str()),
            ledger_entries::delta.eq(change.delta),
            ledger_entries::balance_after.eq(client.credit_balance),
            ledger_entries::reference.eq(change.reference),
            ledger_entries::reason.eq(change.reason),
            ledger_entries::actor_id.eq(&actor.user_id),
            ledger_entries::impersonator_id.eq(&actor.impersonator_id),
            ledger_entries::created_at.eq(now()),
        ))
        .get_result(conn)?;
    // The day's rollup, in this transaction: the UPDATE above holds the client row.
    crate::domain::usage::rollup::ledger_entry(
        conn,
        &client.id,
        &client.reseller_id,
        change.kind,
        change.delta,
        entry.created_at,
    )?;
    check_threshold(conn, links, &client)?;
    Ok(Some(entry))
}

/// Sends one low-credit email per fall below the threshold; re-arms once back at or above it.
fn check_threshold(
    conn: &mut DbConnection,
    links: &Links,
    client: &ClientRow,
) -> Result<(), ApiError> {
    let below = client.credit_balance < client.credit_threshold;
    if !below {
        if client.low_credit_notified {
            diesel::update(clients::table.find(&client.id))
                .set(clients::low_credit_notified.eq(false))
                .execute(conn)?;
        }
        return Ok(());
    }
    // Only the change that flips the flag sends the email, however many run at once.
    let armed = diesel::update(
        clients::table
            .find(&client.id)
            .filter(clients::low_credit_notified.eq(false)),
    )
    .set(clients::low_credit_notified.eq(true))
    .execute(conn)?;
    if armed == 0 {
        return Ok(());
    }
    let brand = brands::get(conn, &client.brand_id)?;
    let recipients: Vec<(String, String, Option<String>)> = users::table
        .filter(users::status.eq(UserStatus::Active.as_str()))
        .filter(
            users::client_id.eq(&client.id).or(users::reseller_id
                .eq(&client.reseller_id)
                .and(users::role.eq("reseller"))),
        )
        .select((users::email, users::name, users::client_id))
        .load(conn)?;
    // Client users hear from the client's brand, the reseller's staff from the reseller's.
    let to_client = senders::for_client_user(conn, links, client)?;
    let to_staff = senders::for_reseller_staff(conn, links, &client.reseller_id)?;
    for (email, name, client_id) in recipients {
        let (sender, link) = if client_id.is_some() {
            let base = &to_client.links.public_url;
            (&to_client, format!("{base}/client/credits"))
        } else {
            let base = &to_staff.links.public_url;
            (&to_staff, format!("{base}/reseller/clients/{}", client.id))
        };
        let message = templates::low_credit(
            &brand.skin(),
            &sender.links.public_url,
            &name,
            &client.name,
            &client.code,
            client.credit_balance,
            client.credit_threshold,
            &link,
        );
        outbox::enqueue(conn, "low_credit", &email, sender, &message)?;
    }
    crate::domain::webhooks::emit(
        conn,
        WebhookEvent::ClientCreditsLow,
        &client.reseller_id,
        Some(&client.id),
        &CreditsLowEvent {
            client_id: client.id.clone(),
            client_code: client.code.clone(),
            credit_balance: client.credit_balance,
            credit_threshold: client.credit_threshold,
        },
    )?;
    tracing::info!(client_id = %client.id, balance = client.credit_balance, "low-credit emails queued");
    Ok(())
}

/// Who reads a ledger: a reseller sees its order details (note, PO reference) and links to
/// the invoice; a client user never sees the reseller's notes, PO references or invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerViewer {
    Reseller,
    ClientUser,
}

/// A page of the client's ledger, newest first, each line described in words. The page's
/// actors, invitations and credit orders are loaded in one query per kind, never per row.
pub fn ledger(
    conn: &mut DbConnection,
    client_id: &str,
    viewer: LedgerViewer,
    page: &PageRequest,
) -> Result<credence_shared::Page<LedgerEntry>, ApiError> {
    let mut query = ledger_entries::table
        .filter(ledger_entries::client_id.eq(client_id))
        .into_boxed();
    crate::keyset!(query, ledger_entries, page, no_updates);
    let rows: Vec<LedgerRow> = query.load(conn)?;
    let mut page = into_page(rows, page, |r| r.id.clone(), LedgerRow::to_dto);
    let references = |kinds: &[LedgerKind]| -> Vec<String> {
        page.data
            .iter()
            .filter(|e| kinds.contains(&e.kind))
            .filter_map(|e| e.reference.clone())
            .collect()
    };
    let actor_ids: Vec<String> = page
        .data
        .iter()
        .filter_map(|e| e.actor_id.clone())
        .collect();
    let invitation_ids = references(&[LedgerKind::InviteCharge, LedgerKind::Refund]);
    let order_ids = references(&[LedgerKind::Initial, LedgerKind::Order]);
    let names = crate::domain::users::names(conn, &actor_ids)?;
    let invited = invitations_by_id(conn, client_id, &invitation_ids)?;
    let orders = orders_by_id(conn, client_id, &order_ids)?;
    for entry in &mut page.data {
        entry.actor_name = entry
            .actor_id
            .as_ref()
            .and_then(|id| names.get(id).cloned());
        describe(entry, viewer, &invited, &orders);
    }
    Ok(page)
}

/// The invitation behind a charge or refund: who was invited to what.
struct InvitedLine {
    candidate_id: String,
    candidate_name: String,
    project_name: String,
}

/// The credit order behind an `initial` or `order` line.
struct OrderLine {
    credits: i64,
    po_reference: Option<String>,
    invoice_id: String,
}

fn invitations_by_id(
    conn: &mut DbConnection,
    client_id: &str,
    ids: &[String],
) -> Result<HashMap<String, InvitedLine>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String, String, String, String)> = invitations::table
        .inner_join(candidates::table)
        .inner_join(projects::table)
        .filter(invitations::id.eq_any(ids))
        .filter(invitations::client_id.eq(client_id))
        .select((
            invitations::id,
            candidates::id,
            candidates::first_name,
            candidates::last_name,
            projects::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, candidate_id, first, last, project_name)| {
            let line = InvitedLine {
                candidate_id,
                candidate_name: format!("{first} {last}"),
                project_name,
            };
            (id, line)
        })
        .collect())
}

fn orders_by_id(
    conn: &mut DbConnection,
    client_id: &str,
    ids: &[String],
) -> Result<HashMap<String, OrderLine>, ApiError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64, Option<String>, String)> = credit_orders::table
        .filter(credit_orders::id.eq_any(ids))
        .filter(credit_orders::client_id.eq(client_id))
        .select((
            credit_orders::id,
            credit_orders::credits,
            credit_orders::po_reference,
            credit_orders::invoice_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, credits, po_reference, invoice_id)| {
            let line = OrderLine {
                credits,
                po_reference,
                invoice_id,
            };
            (id, line)
        })
        .collect())
}

/// Fills `description` and the link; hides what a client user must not see.
fn describe(
    entry: &mut LedgerEntry,
    viewer: LedgerViewer,
    invited: &HashMap<String, InvitedLine>,
    orders: &HashMap<String, OrderLine>,
) {
    let reference = entry.reference.as_deref().unwrap_or_default();
    match entry.kind {
        LedgerKind::InviteCharge | LedgerKind::Refund => {
            let about = invited.get(reference);
            let who = about
                .map(|i| format!("{} — {}", i.candidate_name, i.project_name))
                .unwrap_or_else(|| "a candidate".to_string());
            entry.description = if entry.kind == LedgerKind::Refund {
                // A refund's reason is the status that closed the invitation.
                let how = match entry.reason.as_deref().and_then(InvitationStatus::parse) {
                    Some(InvitationStatus::Expired) => InvitationStatus::Expired,
                    _ => InvitationStatus::Cancelled,
                };
                format!("Refund: {how} invitation of {who}")
            } else {
                format!("Invitation: {who}")
            };
            if let Some(i) = about {
                entry.reference_kind = Some(LedgerReferenceKind::Candidate);
                entry.reference_id = Some(i.candidate_id.clone());
            }
        }
        LedgerKind::Initial | LedgerKind::Order => {
            let what = if entry.kind == LedgerKind::Initial {
                "Initial credits"
            } else {
                "Credit order"
            };
            let order = orders.get(reference);
            let credits = order.map(|o| o.credits).unwrap_or(entry.delta);
            entry.description = format!("{what}: {credits} credits");
            match viewer {
                LedgerViewer::Reseller => {
                    if let Some(o) = order {
                        if let Some(po) = &o.po_reference {
                            entry.description.push_str(&format!(" (PO {po})"));
                        }
                        entry.reference_kind = Some(LedgerReferenceKind::Invoice);
                        entry.reference_id = Some(o.invoice_id.clone());
                    }
                }
                // The order's note is the reseller's own; its price is on the reseller's invoice.
                LedgerViewer::ClientUser => entry.reason = None,
            }
        }
        LedgerKind::Adjustment => entry.description = "Credits taken back".to_string(),
    }
}
