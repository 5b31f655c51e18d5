//! Credit orders (reseller → client) and the vendor's monthly invoices to resellers.
//!
//! An order adds credits to the client at once and a line to the reseller's open invoice for
//! the current calendar month (UTC): credits × list price − the reseller's discount, in integer
//! minor units. Invoices are drafts while their month is open; issuing gives them a gap-free
//! sequential number, after which they never change (only paid or void).

use credence_shared::reseller::{
    CreditOrder, CreditOrderCreate, CreditOrderPage, Invoice, InvoiceLine,
};
use credence_shared::{ClientStatus, CreditOrderKind, InvoiceStatus};
use diesel::prelude::*;

use crate::db::schema::{clients, counters, credit_orders, invoice_lines, invoices, resellers};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::calendar::BillingClock;
use crate::domain::clients::ClientRow;
use crate::domain::credits::{self, Change};
use crate::domain::links::Links;
use crate::domain::resellers::ResellerRow;
use crate::domain::values::{optional_text, DiscountPercent};
use crate::domain::{into_page, settings, PageRequest};
use crate::error::{ApiError, Validator};

/// credits × unit price × (1 − discount), rounded half up, in minor units.
pub fn amount_minor(credits: i64, unit_price_minor: i64, discount_bp: i32) -> i64 {
    let gross =
        i128::from(credits) * i128::from(unit_price_minor) * i128::from(10_000 - discount_bp);
    ((gross + 5_000) / 10_000) as i64
}

#[derive(Queryable, Debug, Clone)]
pub struct InvoiceRow {
    pub id: String,
    pub reseller_id: String,
    pub period: String,
    pub currency: String,
    #[diesel(deserialize_as = String)]
    pub status: InvoiceStatus,
    pub number: Option<String>,
    pub total_minor: i64,
    pub issued_at: Option<chrono::NaiveDateTime>,
    pub paid_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
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
}

/// The reseller's draft invoice for the open month, created when missing.
fn open_invoice(
    conn: &mut DbConnection,
    reseller: &ResellerRow,
    clock: &BillingClock,
) -> Result<InvoiceRow, ApiError> {
    let period = clock.open_period();
    let find = |conn: &mut DbConnection| -> Result<Option<InvoiceRow>, ApiError> {
        Ok(invoices::table
            .filter(invoices::reseller_id.eq(&reseller.id))
            .filter(invoices::period.eq(&period))
            .first(conn)
            .optional()?)
    };
    if let Some(invoice) = find(conn)? {
        return Ok(invoice);
    }
    let at = now();
    // A savepoint: if a concurrent order created it first, fall back to reading it.
    let created = conn.transaction(|conn| {
        diesel::insert_into(invoices::table)
            .values((
                invoices::id.eq(new_id()),
                invoices::reseller_id.eq(&reseller.id),
                invoices::period.eq(&period),
                invoices::currency.eq(&reseller.currency),
                invoices::status.eq(InvoiceStatus::Draft.as_str()),
                invoices::total_minor.eq(0i64),
                invoices::created_at.eq(at),
                invoices::updated_at.eq(at),
            ))
            .execute(conn)
    });
    if let Err(e) = created {
        if !matches!(
            e,
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            )
        ) {
            return Err(e.into());
        }
    }
    find(conn)?.ok_or_else(|| ApiError::internal("open invoice vanished"))
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
    let price = settings::get(conn)?.list_price_minor;
    let amount = amount_minor(credits, price, reseller.discount_bp);
    let invoice = open_invoice(conn, reseller, clock)?;
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
        ))
        .execute(conn)?;
    diesel::insert_into(invoice_lines::table)
        .values((
            invoice_lines::id.eq(new_id()),
            invoice_lines::invoice_id.eq(&invoice.id),
            invoice_lines::credit_order_id.eq(&id),
            invoice_lines::client_id.eq(&client.id),
            invoice_lines::description.eq(format!(
                "{credits} credits for {} ({})",
                client.name, client.code
            )),
            invoice_lines::credits.eq(credits),
            invoice_lines::unit_price_minor.eq(price),
            invoice_lines::discount_bp.eq(reseller.discount_bp),
            invoice_lines::amount_minor.eq(amount),
            invoice_lines::created_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(invoices::table.find(&invoice.id))
        .set((
            invoices::total_minor.eq(invoices::total_minor + amount),
            invoices::updated_at.eq(at),
        ))
        .execute(conn)?;
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
    let (code, name): (String, String) = clients::table
        .find(&row.client_id)
        .select((clients::code, clients::name))
        .first(conn)?;
    Ok(CreditOrder {
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
    })
}

#[derive(Debug, Default, Clone)]
pub struct OrderFilter {
    pub client_id: Option<String>,
    pub from: Option<chrono::NaiveDateTime>,
    pub to: Option<chrono::NaiveDateTime>,
}

pub fn list_orders(
    conn: &mut DbConnection,
    reseller_id: &str,
    filter: &OrderFilter,
    page: Option<&PageRequest>,
) -> Result<CreditOrderPage, ApiError> {
    macro_rules! scoped {
        () => {{
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
        }};
    }
    let totals: Vec<(i64, i64)> = scoped!()
        .select((credit_orders::credits, credit_orders::amount_minor))
        .load(conn)?;
    let total_credits = totals.iter().map(|t| t.0).sum();
    let total_amount_minor = totals.iter().map(|t| t.1).sum();
    let mut query = scoped!().order(credit_orders::id.desc());
    if let Some(page) = page {
        query = query.limit(page.limit + 1);
        if let Some(after) = &page.after {
            query = query.filter(credit_orders::id.lt(after.clone()));
        }
    }
    let rows: Vec<OrderRow> = query.load(conn)?;
    let (rows, next_cursor) = match page {
        Some(page) => {
            let p = into_page(rows, page, |r| r.id.clone(), |r| r);
            (p.data, p.next_cursor)
        }
        None => (rows, None),
    };
    let currency = resellers::table
        .find(reseller_id)
        .select(resellers::currency)
        .first::<String>(conn)?;
    Ok(CreditOrderPage {
        data: rows
            .into_iter()
            .map(|r| order_dto(conn, r))
            .collect::<Result<_, _>>()?,
        next_cursor,
        total_credits,
        total_amount_minor,
        currency,
    })
}

pub fn invoice_dto(
    conn: &mut DbConnection,
    clock: &BillingClock,
    row: InvoiceRow,
) -> Result<Invoice, ApiError> {
    let reseller_name: String = resellers::table
        .find(&row.reseller_id)
        .select(resellers::name)
        .first(conn)?;
    let line_count: i64 = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(&row.id))
        .count()
        .get_result(conn)?;
    Ok(Invoice {
        period_open: row.period >= clock.open_period(),
        id: row.id,
        reseller_id: row.reseller_id,
        reseller_name,
        period: row.period,
        currency: row.currency,
        status: row.status,
        number: row.number,
        total_minor: row.total_minor,
        line_count,
        issued_at: row.issued_at.map(|t| t.and_utc()),
        paid_at: row.paid_at.map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
    })
}

/// An invoice visible to this reseller (`None`: the vendor, who sees all).
pub fn get_invoice(
    conn: &mut DbConnection,
    reseller_id: Option<&str>,
    id: &str,
) -> Result<InvoiceRow, ApiError> {
    let invoice: InvoiceRow = invoices::table.find(id).first(conn)?;
    match reseller_id {
        Some(r) if r != invoice.reseller_id => Err(ApiError::not_found()),
        _ => Ok(invoice),
    }
}

pub fn list_invoices(
    conn: &mut DbConnection,
    clock: &BillingClock,
    reseller_id: Option<&str>,
    status: Option<InvoiceStatus>,
    page: &PageRequest,
) -> Result<credence_shared::Page<Invoice>, ApiError> {
    let mut query = invoices::table
        .order(invoices::id.desc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(reseller_id) = reseller_id {
        query = query.filter(invoices::reseller_id.eq(reseller_id.to_string()));
    }
    if let Some(status) = status {
        query = query.filter(invoices::status.eq(status.as_str()));
    }
    if let Some(after) = &page.after {
        query = query.filter(invoices::id.lt(after.clone()));
    }
    let rows: Vec<InvoiceRow> = query.load(conn)?;
    let rows = into_page(rows, page, |r| r.id.clone(), |r| r);
    Ok(credence_shared::Page {
        data: rows
            .data
            .into_iter()
            .map(|r| invoice_dto(conn, clock, r))
            .collect::<Result<_, _>>()?,
        next_cursor: rows.next_cursor,
    })
}

type LineRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i32,
    i64,
    chrono::NaiveDateTime,
    String,
);

pub fn invoice_lines(
    conn: &mut DbConnection,
    invoice_id: &str,
) -> Result<Vec<InvoiceLine>, ApiError> {
    let rows: Vec<LineRow> = invoice_lines::table
        .inner_join(clients::table)
        .filter(invoice_lines::invoice_id.eq(invoice_id))
        .order(invoice_lines::id.asc())
        .select((
            invoice_lines::id,
            invoice_lines::invoice_id,
            invoice_lines::credit_order_id,
            invoice_lines::client_id,
            invoice_lines::description,
            invoice_lines::credits,
            invoice_lines::unit_price_minor,
            invoice_lines::discount_bp,
            invoice_lines::amount_minor,
            invoice_lines::created_at,
            clients::code,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| InvoiceLine {
            id: r.0,
            invoice_id: r.1,
            credit_order_id: r.2,
            client_id: r.3,
            description: r.4,
            credits: r.5,
            unit_price_minor: r.6,
            discount_percent: DiscountPercent::from_basis_points(r.7).as_percent(),
            amount_minor: r.8,
            created_at: r.9.and_utc(),
            client_code: r.10,
        })
        .collect())
}

/// Issues a draft whose month has ended: the next gap-free number, then it never changes.
pub fn issue(
    conn: &mut DbConnection,
    clock: &BillingClock,
    actor: &AuditActor,
    id: &str,
) -> Result<InvoiceRow, ApiError> {
    let invoice = get_invoice(conn, None, id)?;
    let not_draft = |status: InvoiceStatus| {
        ApiError::conflict(
            "invalid_state",
            format!("Only draft invoices can be issued; this one is {status}."),
        )
    };
    if invoice.status != InvoiceStatus::Draft {
        return Err(not_draft(invoice.status));
    }
    if invoice.period >= clock.open_period() {
        return Err(ApiError::conflict(
            "period_open",
            "The invoice's month is still open: it can be issued from the 1st of next month.",
        ));
    }
    // Claim the draft first: of concurrent issuers only one changes the row, and only that one
    // takes a number, so a lost race never burns one.
    let claimed = diesel::update(
        invoices::table
            .find(id)
            .filter(invoices::status.eq(InvoiceStatus::Draft.as_str())),
    )
    .set((
        invoices::status.eq(InvoiceStatus::Issued.as_str()),
        invoices::issued_at.eq(Some(now())),
        invoices::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Err(not_draft(InvoiceStatus::Issued));
    }
    // The counter row is locked by this UPDATE until commit: numbers are unique and gap-free.
    diesel::update(counters::table.find("invoice_number"))
        .set(counters::value.eq(counters::value + 1))
        .execute(conn)?;
    let n: i64 = counters::table
        .find("invoice_number")
        .select(counters::value)
        .first(conn)?;
    let number = format!("INV-{n:06}");
    diesel::update(invoices::table.find(id))
        .set(invoices::number.eq(Some(&number)))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "invoice.issued",
        ("invoice", id),
        AuditScope {
            reseller_id: Some(invoice.reseller_id.clone()),
            client_id: None,
        },
        serde_json::json!({ "number": number, "total_minor": invoice.total_minor }),
    )?;
    get_invoice(conn, None, id)
}

/// Issues every draft whose month has ended (the month-end run of the housekeeping job).
pub fn issue_closed_months(
    conn: &mut DbConnection,
    clock: &BillingClock,
) -> Result<usize, ApiError> {
    let due: Vec<String> = invoices::table
        .filter(invoices::status.eq(InvoiceStatus::Draft.as_str()))
        .filter(invoices::period.lt(clock.open_period()))
        .order(invoices::period.asc())
        .select(invoices::id)
        .limit(100)
        .load(conn)?;
    let mut issued = 0;
    for id in &due {
        match issue(conn, clock, &AuditActor::system(), id) {
            Ok(_) => issued += 1,
            // Another process (or the vendor) issued it first.
            Err(e) if e.code() == "invalid_state" => {}
            Err(e) => return Err(e),
        }
    }
    Ok(issued)
}

/// Moves a reseller's first invoice, and the client's orders, invoice lines and ledger entries
/// on it, to an instant in an earlier month, then issues it as of `issued_at`: a month of past
/// business (the history `seed-demo` shows), whose numbers agree on every page.
pub fn record_past_month(
    conn: &mut DbConnection,
    clock: &BillingClock,
    reseller_id: &str,
    client_id: &str,
    at: chrono::NaiveDateTime,
    issued_at: chrono::NaiveDateTime,
) -> Result<InvoiceRow, ApiError> {
    use crate::db::schema::ledger_entries;
    let invoice: String = invoices::table
        .filter(invoices::reseller_id.eq(reseller_id))
        .order(invoices::id.asc())
        .select(invoices::id)
        .first(conn)?;
    diesel::update(invoices::table.find(&invoice))
        .set((
            invoices::period.eq(crate::domain::calendar::period_of(at)),
            invoices::created_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(clients::table.find(client_id))
        .set(clients::created_at.eq(at))
        .execute(conn)?;
    diesel::update(credit_orders::table.filter(credit_orders::invoice_id.eq(&invoice)))
        .set(credit_orders::created_at.eq(at))
        .execute(conn)?;
    diesel::update(invoice_lines::table.filter(invoice_lines::invoice_id.eq(&invoice)))
        .set(invoice_lines::created_at.eq(at))
        .execute(conn)?;
    diesel::update(ledger_entries::table.filter(ledger_entries::client_id.eq(client_id)))
        .set(ledger_entries::created_at.eq(at))
        .execute(conn)?;
    issue(conn, clock, &AuditActor::system(), &invoice)?;
    diesel::update(invoices::table.find(&invoice))
        .set(invoices::issued_at.eq(Some(issued_at)))
        .execute(conn)?;
    get_invoice(conn, None, &invoice)
}

/// Moves an issued invoice to `paid` or `void`.
pub fn settle(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &str,
    to: InvoiceStatus,
) -> Result<InvoiceRow, ApiError> {
    let invoice = get_invoice(conn, None, id)?;
    if invoice.status != InvoiceStatus::Issued {
        return Err(ApiError::conflict(
            "invalid_state",
            format!(
                "Only issued invoices can be marked {to}; this one is {}.",
                invoice.status
            ),
        ));
    }
    let paid_at = (to == InvoiceStatus::Paid).then(now);
    diesel::update(invoices::table.find(id))
        .set((
            invoices::status.eq(to.as_str()),
            invoices::paid_at.eq(paid_at),
            invoices::updated_at.eq(now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        &format!("invoice.{to}"),
        ("invoice", id),
        AuditScope {
            reseller_id: Some(invoice.reseller_id.clone()),
            client_id: None,
        },
        serde_json::json!({}),
    )?;
    get_invoice(conn, None, id)
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
}
