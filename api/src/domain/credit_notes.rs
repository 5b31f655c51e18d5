//! Credit notes: credits a reseller takes back from a client are credited to the reseller at the
//! price it paid for them.
//!
//! The returned credits are matched to the client's orders oldest first (FIFO), each order
//! crediting at most the credits it added (`credit_orders.credits_returned` counts what it has
//! credited already). Each match is a negative line — credits × that order's unit price minus
//! that order's discount, rounded like the order (`orders::amount_minor`) — on the order's own
//! invoice while that is still a draft, else on the reseller's credit note for the open month
//! (created when missing; issued like an invoice, numbered `CN-…`). Credits of a void invoice
//! were never billed, so nothing is credited for them. Every match is also kept in
//! `credit_returns`, from which the client's statement refunds the order's resale price.

use credence_shared::{InvoiceKind, InvoiceStatus};
use diesel::prelude::*;

use crate::db::schema::{credit_orders, credit_returns};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::calendar::BillingClock;
use crate::domain::clients::ClientRow;
use crate::domain::invoices::{self as documents, InvoiceRow, NewLine};
use crate::domain::orders::{amount_minor, OrderRow};
use crate::error::ApiError;

/// One order's share of returned credits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub order_id: String,
    pub credits: i64,
}

/// Matches `returned` credits to orders (oldest first) by what each has left to credit.
pub fn allocate(orders: &[(String, i64)], returned: i64) -> Vec<Share> {
    let mut left = returned;
    let mut shares = Vec::new();
    for (order_id, creditable) in orders {
        if left == 0 {
            break;
        }
        let take = left.min(*creditable);
        if take > 0 {
            shares.push(Share {
                order_id: order_id.clone(),
                credits: take,
            });
            left -= take;
        }
    }
    shares
}

/// Credits `returned` credits taken back from `client` (called after the ledger took them).
pub fn credit_returned(
    conn: &mut DbConnection,
    clock: &BillingClock,
    actor: &AuditActor,
    client: &ClientRow,
    returned: i64,
) -> Result<(), ApiError> {
    let orders: Vec<OrderRow> = credit_orders::table
        .filter(credit_orders::client_id.eq(&client.id))
        .filter(credit_orders::credits_returned.lt(credit_orders::credits))
        .order((credit_orders::created_at.asc(), credit_orders::id.asc()))
        .load(conn)?;
    let creditable: Vec<(String, i64)> = orders
        .iter()
        .map(|o| (o.id.clone(), o.credits - o.credits_returned))
        .collect();
    let reseller = crate::domain::resellers::get(conn, &client.reseller_id)?;
    // The month's credit note, opened at most once however many orders it credits.
    let mut credit_note: Option<InvoiceRow> = None;
    for share in allocate(&creditable, returned) {
        let Some(order) = orders.iter().find(|o| o.id == share.order_id) else {
            continue;
        };
        // Conditional: a concurrent return that credited this order first makes this one fail
        // (and roll back) rather than credit a credit twice.
        let claimed = diesel::update(
            credit_orders::table
                .find(&order.id)
                .filter(credit_orders::credits_returned.eq(order.credits_returned)),
        )
        .set(credit_orders::credits_returned.eq(order.credits_returned + share.credits))
        .execute(conn)?;
        if claimed == 0 {
            return Err(ApiError::conflict(
                "concurrent_change",
                "The client's credits changed at the same time: try again.",
            ));
        }
        record_return(conn, clock, client, order, share.credits)?;
        let billed_on = documents::get_invoice(conn, None, &order.invoice_id)?;
        let document = match billed_on.status {
            InvoiceStatus::Void => continue,
            InvoiceStatus::Draft => billed_on,
            InvoiceStatus::Issued | InvoiceStatus::Paid => match &credit_note {
                Some(note) => note.clone(),
                None => {
                    let note =
                        documents::open_document(conn, &reseller, clock, InvoiceKind::CreditNote)?;
                    credit_note.insert(note).clone()
                }
            },
        };
        if document.currency != order.currency {
            return Err(ApiError::conflict(
                "currency_changed",
                format!(
                    "These credits were billed in {} but the reseller is now billed in {}: the vendor must credit them by hand.",
                    order.currency, document.currency
                ),
            ));
        }
        add_line(conn, actor, &document, order, client, share.credits)?;
    }
    Ok(())
}

/// What the client's statement refunds (`domain::statements`): the share, whatever the vendor
/// credits for it.
fn record_return(
    conn: &mut DbConnection,
    clock: &BillingClock,
    client: &ClientRow,
    order: &OrderRow,
    credits: i64,
) -> Result<(), ApiError> {
    diesel::insert_into(credit_returns::table)
        .values((
            credit_returns::id.eq(new_id()),
            credit_returns::client_id.eq(&client.id),
            credit_returns::credit_order_id.eq(&order.id),
            credit_returns::credits.eq(credits),
            credit_returns::period.eq(clock.open_period()),
            credit_returns::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

fn add_line(
    conn: &mut DbConnection,
    actor: &AuditActor,
    document: &InvoiceRow,
    order: &OrderRow,
    client: &ClientRow,
    credits: i64,
) -> Result<(), ApiError> {
    let amount = -amount_minor(credits, order.list_price_minor, order.discount_bp);
    documents::add_line(
        conn,
        &document.id,
        NewLine {
            credit_order_id: &order.id,
            client_id: &client.id,
            description: format!(
                "{credits} credits taken back from {} ({}), ordered {}",
                client.name,
                client.code,
                order.created_at.format("%Y-%m-%d")
            ),
            credits: -credits,
            unit_price_minor: order.list_price_minor,
            discount_bp: order.discount_bp,
            amount_minor: amount,
        },
        now(),
    )?;
    audit::record(
        conn,
        actor,
        "credit_note.line_added",
        ("invoice", &document.id),
        AuditScope {
            reseller_id: Some(client.reseller_id.clone()),
            client_id: None,
        },
        serde_json::json!({
            "client_code": client.code,
            "credits": -credits,
            "credit_order_id": order.id,
            "amount_minor": amount,
            "kind": document.kind,
        }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orders() -> Vec<(String, i64)> {
        vec![("a".into(), 3), ("b".into(), 0), ("c".into(), 5)]
    }

    #[test]
    fn returns_take_the_oldest_orders_first() {
        assert_eq!(
            allocate(&orders(), 4),
            [
                Share {
                    order_id: "a".into(),
                    credits: 3
                },
                Share {
                    order_id: "c".into(),
                    credits: 1
                }
            ]
        );
        assert_eq!(
            allocate(&orders(), 2),
            [Share {
                order_id: "a".into(),
                credits: 2
            }]
        );
        assert_eq!(allocate(&orders(), 0), []);
        // More than the orders hold: only what they hold is credited.
        assert_eq!(
            allocate(&orders(), 20)
                .iter()
                .map(|s| s.credits)
                .sum::<i64>(),
            8
        );
    }
}
