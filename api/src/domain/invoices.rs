//! The vendor's monthly invoices to resellers: one per reseller per calendar month (UTC),
//! built from its credit orders. Drafts while their month is open (`BillingClock` decides);
//! issuing gives the next gap-free number, after which an invoice never changes (only paid or
//! void).

use credence_shared::events::InvoiceEvent;
use credence_shared::reseller::{Invoice, InvoiceLine};
use credence_shared::{InvoiceKind, InvoiceStatus, WebhookEvent};
use diesel::prelude::*;

use crate::db::schema::{clients, counters, credit_orders, invoice_lines, invoices, resellers};
use crate::db::{new_id, now, DbConnection};
use crate::domain::audit::{self, AuditActor, AuditScope};
use crate::domain::calendar::BillingClock;
use crate::domain::resellers::ResellerRow;
use crate::domain::values::DiscountPercent;
use crate::domain::{into_page, PageRequest};
use crate::error::ApiError;

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
    #[diesel(deserialize_as = String)]
    pub kind: InvoiceKind,
}

/// The reseller's draft invoice (or credit note) for the open month, created when missing.
pub(super) fn open_document(
    conn: &mut DbConnection,
    reseller: &ResellerRow,
    clock: &BillingClock,
    kind: InvoiceKind,
) -> Result<InvoiceRow, ApiError> {
    let period = clock.open_period();
    let find = |conn: &mut DbConnection| -> Result<Option<InvoiceRow>, ApiError> {
        Ok(invoices::table
            .filter(invoices::reseller_id.eq(&reseller.id))
            .filter(invoices::period.eq(&period))
            .filter(invoices::kind.eq(kind.as_str()))
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
                invoices::kind.eq(kind.as_str()),
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

/// A line for [`add_line`]: an order billed (positive credits and amount) or credits of an
/// order credited back (negative).
pub struct NewLine<'a> {
    pub credit_order_id: &'a str,
    pub client_id: &'a str,
    pub description: String,
    pub credits: i64,
    pub unit_price_minor: i64,
    pub discount_bp: i32,
    pub amount_minor: i64,
}

/// Adds a line to a draft invoice or credit note and moves its total by the line's amount:
/// the one place a document's lines and total change together.
pub(super) fn add_line(
    conn: &mut DbConnection,
    invoice_id: &str,
    line: NewLine<'_>,
    at: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::insert_into(invoice_lines::table)
        .values((
            invoice_lines::id.eq(new_id()),
            invoice_lines::invoice_id.eq(invoice_id),
            invoice_lines::credit_order_id.eq(line.credit_order_id),
            invoice_lines::client_id.eq(line.client_id),
            invoice_lines::description.eq(&line.description),
            invoice_lines::credits.eq(line.credits),
            invoice_lines::unit_price_minor.eq(line.unit_price_minor),
            invoice_lines::discount_bp.eq(line.discount_bp),
            invoice_lines::amount_minor.eq(line.amount_minor),
            invoice_lines::created_at.eq(at),
        ))
        .execute(conn)?;
    diesel::update(invoices::table.find(invoice_id))
        .set((
            invoices::total_minor.eq(invoices::total_minor + line.amount_minor),
            invoices::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn invoice_dto(
    conn: &mut DbConnection,
    clock: &BillingClock,
    row: InvoiceRow,
) -> Result<Invoice, ApiError> {
    invoice_dtos(conn, clock, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("invoice vanished"))
}

/// Invoices as the API shows them: resellers' names and line counts of the whole list in two
/// queries (not two per invoice).
pub fn invoice_dtos(
    conn: &mut DbConnection,
    clock: &BillingClock,
    rows: Vec<InvoiceRow>,
) -> Result<Vec<Invoice>, ApiError> {
    use std::collections::HashMap;
    let reseller_ids: Vec<&String> = rows.iter().map(|r| &r.reseller_id).collect();
    let invoice_ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let names: HashMap<String, String> = resellers::table
        .filter(resellers::id.eq_any(&reseller_ids))
        .select((resellers::id, resellers::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let line_counts: HashMap<String, i64> = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq_any(&invoice_ids))
        .group_by(invoice_lines::invoice_id)
        .select((invoice_lines::invoice_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let open_period = clock.open_period();
    Ok(rows
        .into_iter()
        .map(|row| Invoice {
            period_open: row.period >= open_period,
            reseller_name: names.get(&row.reseller_id).cloned().unwrap_or_default(),
            line_count: line_counts.get(&row.id).copied().unwrap_or(0),
            id: row.id,
            reseller_id: row.reseller_id,
            period: row.period,
            currency: row.currency,
            kind: row.kind,
            status: row.status,
            number: row.number,
            total_minor: row.total_minor,
            issued_at: row.issued_at.map(|t| t.and_utc()),
            paid_at: row.paid_at.map(|t| t.and_utc()),
            created_at: row.created_at.and_utc(),
        })
        .collect())
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
    let mut query = invoices::table.into_boxed();
    if let Some(reseller_id) = reseller_id {
        query = query.filter(invoices::reseller_id.eq(reseller_id.to_string()));
    }
    if let Some(status) = status {
        query = query.filter(invoices::status.eq(status.as_str()));
    }
    crate::keyset!(query, invoices, page);
    let rows: Vec<InvoiceRow> = query.load(conn)?;
    let rows = into_page(rows, page, |r| r.id.clone(), |r| r);
    Ok(credence_shared::Page {
        data: invoice_dtos(conn, clock, rows.data)?,
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

/// One page of an invoice's lines, oldest first.
pub fn invoice_lines(
    conn: &mut DbConnection,
    invoice_id: &str,
    page: &PageRequest,
) -> Result<credence_shared::Page<InvoiceLine>, ApiError> {
    let mut query = invoice_lines::table
        .inner_join(clients::table)
        .filter(invoice_lines::invoice_id.eq(invoice_id))
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
        .into_boxed();
    crate::keyset!(query, invoice_lines, page, no_updates, oldest_first);
    let rows: Vec<LineRow> = query.load(conn)?;
    Ok(into_page(
        rows,
        page,
        |r| r.0.clone(),
        |r| InvoiceLine {
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
        },
    ))
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
    // The counter row is locked by this UPDATE until commit: numbers are unique and gap-free,
    // invoices and credit notes each in their own sequence.
    let (counter, prefix) = match invoice.kind {
        InvoiceKind::Invoice => ("invoice_number", "INV"),
        InvoiceKind::CreditNote => ("credit_note_number", "CN"),
    };
    diesel::update(counters::table.find(counter))
        .set(counters::value.eq(counters::value + 1))
        .execute(conn)?;
    let n: i64 = counters::table
        .find(counter)
        .select(counters::value)
        .first(conn)?;
    let number = format!("{prefix}-{n:06}");
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
    crate::domain::webhooks::emit(
        conn,
        WebhookEvent::InvoiceIssued,
        &invoice.reseller_id,
        None,
        &InvoiceEvent {
            invoice_id: invoice.id.clone(),
            kind: invoice.kind,
            number,
            period: invoice.period.clone(),
            currency: invoice.currency.clone(),
            total_minor: invoice.total_minor,
        },
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
        .filter(invoices::kind.eq(InvoiceKind::Invoice.as_str()))
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
    crate::domain::usage::rollup::rebuild_client_days(conn, client_id)?;
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
