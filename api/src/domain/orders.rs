//! Credit orders (reseller → client). An order adds credits to the client at once and a line
//! to the reseller's open invoice (`domain::invoices`) for the open calendar month (UTC):
//! credits × the price per credit that applies to the reseller in the invoice's currency
//! (`domain::prices`) − the reseller's discount, in integer minor units. The order also copies
//! the client's resale price (`domain::resale`) for the client's statement.

use credence_shared::events::CreditOrderEvent;
use credence_shared::reseller::{CreditOrder, CreditOrderCreate, CreditOrderPage};
use credence_shared::{ClientStatus, CreditOrderKind, InvoiceKind, WebhookEvent};
use diesel::prelude::*;

use crate::db::schema::{clients, credit_orders, resellers};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::calendar::BillingClock;
use crate::domain::clients::ClientRow;
use crate::domain::credits::{self, Change};
use crate::domain::invoices::NewLine;
use crate::domain::links::Links;
use crate::domain::resellers::ResellerRow;
use crate::domain::values::{optional_text, DiscountPercent};
use crate::domain::{into_page, prices, resale, PageRequest};
use crate::error::{ApiError, Validator};

/// credits × unit price × (1 − discount), in minor units, rounded once for the whole line,
/// half up: an exact half of a minor unit (0.5 of a penny or a cent) rounds up, anything less
/// down. Amounts are never negative here, so "half up" and "half away from zero" agree.
pub fn amount_minor(credits: i64, unit_price_minor: i64, discount_bp: i32) -> i64 {
    let gross =
        i128::from(credits) * i128::from(unit_price_minor) * i128::from(10_000 - discount_bp);
    ((gross + 5_000) / 10_000) as i64
}

#[derive(Queryable, Debug, Clone)]
pub struct OrderRow {
    pub id: String,
    pub reseller_id: String,
    pub client_id: String,
    #[diesel(deserialize_as = String)]
    pub kind: CreditOrderKind,
    pub credits: i64,
    pub list_price_minor: i64,
    pub discount_bp: i32,
    pub amount_minor: i64,
    pub currency: String,
    pub note: Option<String>,
    pub po_reference: Option<String>,
    pub invoice_id: String,
    pub actor_id: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    /// How many of its credits were taken back and credited (`domain::credit_notes`).
    pub credits_returned: i64,
    /// The resale price per credit in effect when the order was placed (`domain::resale`).
    pub resale_price_minor: Option<i64>,
}

/// `POST /credit-orders`: checks every field (one 422 naming each bad one), finds the client
/// by its code among the reseller's clients, and places the order.
pub fn place_by_code(
    conn: &mut DbConnection,
    links: &Links,
    clock: &BillingClock,
    actor: &AuditActor,
    reseller_id: &str,
    input: &CreditOrderCreate,
) -> Result<OrderRow, ApiError> {
    let mut v = Validator::new();
    let client = if input.client_code.trim().is_empty() {
        v.add(
            "client_code",
            "required",
            "Enter the client's code (see Clients).",
        );
        None
    } else {
        match crate::domain::clients::by_code(conn, reseller_id, &input.client_code)? {
            Some(c) if c.status == ClientStatus::Archived => {
                v.add("client_code", "client_archived", "This client is archived.");
                None
            }
            Some(c) if c.closes_at.is_some() => {
                v.add(
                    "client_code",
                    "client_closing",
                    "This client is being closed: it takes no more credits.",
                );
                None
            }
            Some(c) => Some(c),
            None => {
                v.add(
                    "client_code",
                    "unknown_client",
                    "None of your clients has this code.",
                );
                None
            }
        }
    };
    let credits = v.check("credits", crate::domain::clients::credits(input.credits, 1));
    let note = v.check(
        "note",
        optional_text(input.note.as_deref().unwrap_or_default(), 500),
    );
    let po = v.check(
        "po_reference",
        optional_text(input.po_reference.as_deref().unwrap_or_default(), 100),
    );
    v.finish()?;
    let (Some(client), Some(credits), Some(note), Some(po)) = (client, credits, note, po) else {
        return Err(ApiError::internal("validated order fields missing"));
    };
    let reseller = crate::domain::resellers::get(conn, reseller_id)?;
    place(
        conn,
        links,
        clock,
        actor,
        &reseller,
        &client,
        CreditOrderKind::Order,
        credits,
        note.as_deref(),
        po.as_deref(),
    )
}

/// Places an order: credits to the client, a line on the open invoice, a ledger entry.
#[allow(clippy::too_many_arguments)]
pub fn place(
    conn: &mut DbConnection,
    links: &Links,
    clock: &BillingClock,
    actor: &AuditActor,
    reseller: &ResellerRow,
    client: &ClientRow,
    kind: CreditOrderKind,
    credits: i64,
    note: Option<&str>,
    po_reference: Option<&str>,
) -> Result<OrderRow, ApiError> {
    let invoice =
        crate::domain::invoices::open_document(conn, reseller, clock, InvoiceKind::Invoice)?;
    let price = prices::unit_price_now(conn, &reseller.id, &invoice.currency)?;
    let amount = amount_minor(credits, price, reseller.discount_bp);
    let resale_price = resale::price_now(conn, client)?;
    let id = new_id();
    let at = now();
    diesel::insert_into(credit_orders::table)
        .values((
            credit_orders::id.eq(&id),
            credit_orders::reseller_id.eq(&reseller.id),
            credit_orders::client_id.eq(&client.id),
            credit_orders::kind.eq(kind.as_str()),
            credit_orders::credits.eq(credits),
            credit_orders::list_price_minor.eq(price),
            credit_orders::discount_bp.eq(reseller.discount_bp),
            credit_orders::amount_minor.eq(amount),
            credit_orders::currency.eq(&invoice.currency),
            credit_orders::note.eq(note),
            credit_orders::po_reference.eq(po_reference),
            credit_orders::invoice_id.eq(&invoice.id),
            credit_orders::actor_id.eq(&actor.user_id),
            credit_orders::created_at.eq(at),
            credit_orders::resale_price_minor.eq(resale_price),
        ))
        .execute(conn)?;
    crate::domain::invoices::add_line(
        conn,
        &invoice.id,
        NewLine {
            credit_order_id: &id,
            client_id: &client.id,
            description: format!("{credits} credits for {} ({})", client.name, client.code),
            credits,
            unit_price_minor: price,
            discount_bp: reseller.discount_bp,
            amount_minor: amount,
        },
        at,
    )?;
    credits::apply(
        conn,
        links,
        actor,
        Change {
            client_id: &client.id,
            kind: kind.into(),
            delta: credits,
            reference: Some(&id),
            reason: note,
        },
    )?
    .ok_or_else(|| ApiError::internal("adding credits cannot overdraw"))?;
    let event = CreditOrderEvent {
        credit_order_id: id.clone(),
        client_id: client.id.clone(),
        client_code: client.code.clone(),
        kind,
        credits,
        amount_minor: Some(amount),
        currency: Some(invoice.currency.clone()),
    };
    crate::domain::webhooks::emit_views(
        conn,
        WebhookEvent::CreditOrderCreated,
        &reseller.id,
        Some(&client.id),
        &event,
        &event.for_client(),
    )?;
    audit::record(
        conn,
        actor,
        "credit_order.created",
        ("credit_order", &id),
        AuditScope {
            reseller_id: Some(reseller.id.clone()),
            client_id: Some(client.id.clone()),
        },
        serde_json::json!({ "client_code": client.code, "credits": credits, "amount_minor": amount, "kind": kind }),
    )?;
    Ok(credit_orders::table.find(&id).first(conn)?)
}

pub fn order_dto(conn: &mut DbConnection, row: OrderRow) -> Result<CreditOrder, ApiError> {
    order_dtos(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("credit order vanished"))
}

/// Orders as the API shows them: their clients' codes and names in one query for the list.
pub fn order_dtos(
    conn: &mut DbConnection,
    rows: Vec<OrderRow>,
) -> Result<Vec<CreditOrder>, ApiError> {
    let mut client_ids: Vec<&String> = rows.iter().map(|r| &r.client_id).collect();
    client_ids.sort();
    client_ids.dedup();
    let clients: std::collections::HashMap<String, (String, String)> = clients::table
        .filter(clients::id.eq_any(&client_ids))
        .select((clients::id, (clients::code, clients::name)))
        .load::<(String, (String, String))>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| order_of(row, &clients))
        .collect())
}

fn order_of(
    row: OrderRow,
    clients: &std::collections::HashMap<String, (String, String)>,
) -> CreditOrder {
    let (code, name) = clients.get(&row.client_id).cloned().unwrap_or_default();
    CreditOrder {
        id: row.id,
        client_id: row.client_id,
        client_code: code,
        client_name: name,
        kind: row.kind,
        credits: row.credits,
        list_price_minor: row.list_price_minor,
        discount_percent: DiscountPercent::from_basis_points(row.discount_bp).as_percent(),
        amount_minor: row.amount_minor,
        currency: row.currency,
        note: row.note,
        po_reference: row.po_reference,
        invoice_id: row.invoice_id,
        created_at: row.created_at.and_utc(),
        resale_price_minor: row.resale_price_minor,
    }
}

#[derive(Debug, Default, Clone)]
pub struct OrderFilter {
    pub client_id: Option<String>,
    pub from: Option<chrono::NaiveDateTime>,
    pub to: Option<chrono::NaiveDateTime>,
}

/// The orders the filter matches, newest first, one page, with the totals of all of them.
pub fn list_orders(
    conn: &mut DbConnection,
    reseller_id: &str,
    filter: &OrderFilter,
    page: &PageRequest,
) -> Result<CreditOrderPage, ApiError> {
    let (total_credits, total_amount_minor) = order_totals(conn, reseller_id, filter)?;
    let orders = orders_page(conn, reseller_id, filter, page)?;
    Ok(CreditOrderPage {
        data: orders.data,
        next_cursor: orders.next_cursor,
        total_credits,
        total_amount_minor,
        currency: reseller_currency(conn, reseller_id)?,
    })
}

pub fn reseller_currency(conn: &mut DbConnection, reseller_id: &str) -> Result<String, ApiError> {
    Ok(resellers::table
        .find(reseller_id)
        .select(resellers::currency)
        .first::<String>(conn)?)
}

fn scoped<'a>(
    reseller_id: &str,
    filter: &OrderFilter,
) -> credit_orders::BoxedQuery<'a, crate::db::MultiBackend> {
    let mut q = credit_orders::table
        .filter(credit_orders::reseller_id.eq(reseller_id.to_string()))
        .into_boxed();
    if let Some(client_id) = &filter.client_id {
        q = q.filter(credit_orders::client_id.eq(client_id.clone()));
    }
    if let Some(from) = filter.from {
        q = q.filter(credit_orders::created_at.ge(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(credit_orders::created_at.lt(to));
    }
    q
}

/// (credits, amount) summed over every order the filter matches, in the database.
fn order_totals(
    conn: &mut DbConnection,
    reseller_id: &str,
    filter: &OrderFilter,
) -> Result<(i64, i64), ApiError> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    Ok(scoped(reseller_id, filter)
        .select((
            sql::<BigInt>("CAST(COALESCE(SUM(credits), 0) AS BIGINT)"),
            sql::<BigInt>("CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT)"),
        ))
        .first(conn)?)
}

/// One page of the orders the filter matches, newest first (an export reads them all this
/// way, a page at a time).
pub fn orders_page(
    conn: &mut DbConnection,
    reseller_id: &str,
    filter: &OrderFilter,
    page: &PageRequest,
) -> Result<credence_shared::Page<CreditOrder>, ApiError> {
    let mut query = scoped(reseller_id, filter);
    crate::keyset!(query, credit_orders, page, no_updates);
    let rows: Vec<OrderRow> = query.load(conn)?;
    let rows = into_page(rows, page, |r| r.id.clone(), |r| r);
    Ok(credence_shared::Page {
        data: order_dtos(conn, rows.data)?,
        next_cursor: rows.next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_integer_minor_units_with_the_discount() {
        assert_eq!(amount_minor(200, 500, 2000), 80_000);
        assert_eq!(amount_minor(1, 500, 0), 500);
        assert_eq!(amount_minor(1, 333, 3333), 222); // 221.99 rounds half up to 222
        assert_eq!(amount_minor(3, 199, 1250), 522); // 522.375
        assert_eq!(amount_minor(1_000_000, 100_000_000, 0), 100_000_000_000_000);
    }

    #[test]
    fn an_exact_half_cent_rounds_up_and_less_rounds_down() {
        assert_eq!(amount_minor(1, 5, 5000), 3); // 2.5 → 3
        assert_eq!(amount_minor(1, 1, 5000), 1); // 0.5 → 1
        assert_eq!(amount_minor(1, 3, 5000), 2); // 1.5 → 2
        assert_eq!(amount_minor(1, 999, 5005), 499); // 499.0005 → 499
        assert_eq!(amount_minor(1, 999, 4995), 500); // 500.0005 → 500
        assert_eq!(amount_minor(7, 15, 5000), 53); // 52.5 → 53: the line rounds once, not each credit
        assert_eq!(amount_minor(1, 1, 5001), 0); // 0.4999 → 0
        assert_eq!(amount_minor(5, 0, 0), 0);
    }
}
