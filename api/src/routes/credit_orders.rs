//! `/credit-orders` and `/invoices`: a reseller tops clients up and sees what it is invoiced.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use credence_shared::problem::Problem;
use credence_shared::reseller::{
    CreditOrder, CreditOrderCreate, CreditOrderPage, Invoice, InvoiceLine,
};
use credence_shared::{InvoiceKind, InvoiceStatus, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::ResellerStaff;
use crate::db::DbConnection;
use crate::domain::invoices;
use crate::domain::orders::{self, OrderFilter};
use crate::domain::PageRequest;
use crate::error::{ApiError, ApiResult};
use crate::routes::csv;
use crate::routes::extract::{CreatedSyncParams, Json, ListParams, PageParams, SyncParams};
use crate::routes::idempotency;
use crate::state::AppState;

/// The filters of the credit-order list and its CSV export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilterParams {
    pub client_id: Option<String>,
    /// First day included, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD` (UTC).
    pub to: Option<String>,
}

impl OrderFilterParams {
    fn filter(&self) -> ApiResult<OrderFilter> {
        let day = |name: &str, v: &Option<String>| -> ApiResult<Option<chrono::NaiveDate>> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| {
                        ApiError::bad_request(
                            "invalid_query",
                            format!("`{name}` must be a date like 2026-11-25."),
                        )
                    }),
            }
        };
        Ok(OrderFilter {
            client_id: self.client_id.clone().filter(|c| !c.is_empty()),
            from: day("from", &self.from)?.and_then(|d| d.and_hms_opt(0, 0, 0)),
            to: day("to", &self.to)?
                .and_then(|d| d.succ_opt())
                .and_then(|d| d.and_hms_opt(0, 0, 0)),
        })
    }
}

/// Credit orders, newest first, with the totals of everything the filters match.
#[utoipa::path(tag = "credits", params(CreatedSyncParams, PageParams, OrderFilterParams), responses(
    (status = 200, body = CreditOrderPage),
    (status = 400, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/credit-orders")]
pub async fn list_credit_orders(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    page: web::Query<PageParams>,
    params: web::Query<OrderFilterParams>,
    sync: web::Query<CreatedSyncParams>,
) -> ApiResult<web::Json<CreditOrderPage>> {
    let reseller_id = staff.reseller_id()?;
    let page = sync.apply(page.page()?)?;
    let filter = params.filter()?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| orders::list_orders(conn, &reseller_id, &filter, &page))
            .await?,
    ))
}

/// The same orders as CSV (all of them, not one page), streamed, with a total line.
#[utoipa::path(tag = "credits", params(OrderFilterParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/credit-orders/export.csv")]
pub async fn export_credit_orders(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<OrderFilterParams>,
) -> ApiResult<HttpResponse> {
    let reseller_id = staff.reseller_id()?;
    let filter = params.filter()?;
    let currency = {
        let reseller_id = reseller_id.clone();
        state
            .db
            .run(move |conn| orders::reseller_currency(conn, &reseller_id))
            .await?
    };
    let header = [
        "created_at",
        "client_code",
        "client_name",
        "kind",
        "credits",
        "list_price",
        "discount_percent",
        "amount",
        "currency",
        "po_reference",
        "note",
        "order_id",
    ];
    let export = OrdersExport {
        reseller_id,
        filter,
        currency,
        after: None,
        done: false,
        total_credits: 0,
        total_amount_minor: 0,
    };
    Ok(csv::stream(
        state.db.clone(),
        "credit-orders.csv",
        header.map(String::from).to_vec(),
        export,
    ))
}

/// `export.csv`, a batch of orders at a time; the totals add up as the rows go by.
struct OrdersExport {
    reseller_id: String,
    filter: OrderFilter,
    currency: String,
    after: Option<String>,
    done: bool,
    total_credits: i64,
    total_amount_minor: i64,
}

impl csv::Export for OrdersExport {
    fn next_batch(&mut self, conn: &mut DbConnection) -> Result<Vec<Vec<String>>, ApiError> {
        if self.done {
            return Ok(Vec::new());
        }
        let page = PageRequest {
            limit: csv::BATCH,
            after: self.after.take(),
            ..Default::default()
        };
        let orders = orders::orders_page(conn, &self.reseller_id, &self.filter, &page)?;
        self.done = orders.next_cursor.is_none();
        self.after = orders.next_cursor;
        Ok(orders
            .data
            .iter()
            .map(|o| {
                self.total_credits += o.credits;
                self.total_amount_minor += o.amount_minor;
                vec![
                    o.created_at.to_rfc3339(),
                    o.client_code.clone(),
                    o.client_name.clone(),
                    o.kind.to_string(),
                    o.credits.to_string(),
                    csv::money(o.list_price_minor),
                    format!("{:.2}", o.discount_percent),
                    csv::money(o.amount_minor),
                    o.currency.clone(),
                    o.po_reference.clone().unwrap_or_default(),
                    o.note.clone().unwrap_or_default(),
                    o.id.clone(),
                ]
            })
            .collect())
    }

    fn footer(&self) -> Option<Vec<String>> {
        let mut cells = vec![String::new(); 12];
        cells[0] = "TOTAL".into();
        cells[4] = self.total_credits.to_string();
        cells[7] = csv::money(self.total_amount_minor);
        cells[8] = self.currency.clone();
        Some(cells)
    }
}

/// Add credits to a client by its code. Each order is invoiced to the reseller at list price
/// minus its discount. Send an `Idempotency-Key` so a retry never adds twice.
#[utoipa::path(tag = "credits", request_body = CreditOrderCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = CreditOrder),
    (status = 409, description = "`no_price`: no price per credit applies in the reseller's currency", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`validation_failed` (unknown code, credits out of range) or `idempotency_key_reused`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/credit-orders")]
pub async fn create_credit_order(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: ResellerStaff,
    Json(body): Json<CreditOrderCreate>,
) -> ApiResult<HttpResponse> {
    let reseller_id = staff.reseller_id()?;
    let actor = staff.0.audit_actor();
    let links = state.config.links();
    let clock = state.config.billing_clock;
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    idempotency::create(&state, &req, &staff.0.user_id, &value, move |conn| {
        let row = orders::place_by_code(conn, &links, &clock, &actor, &reseller_id, &body)?;
        serde_json::to_value(orders::order_dto(conn, row)?).map_err(ApiError::internal)
    })
    .await
}

/// `?status=` of the reseller's invoice list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceStatusParams {
    #[param(value_type = Option<InvoiceStatus>)]
    pub status: Option<String>,
}

/// The reseller's invoices (one per calendar month), newest first.
#[utoipa::path(tag = "credits", params(SyncParams, PageParams, InvoiceStatusParams), responses((status = 200, body = Page<Invoice>)), security(("bearer" = [])))]
#[get("/invoices")]
pub async fn list_invoices(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    page: web::Query<PageParams>,
    params: web::Query<InvoiceStatusParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<Invoice>>> {
    let clock = state.config.billing_clock;
    let reseller_id = staff.reseller_id()?;
    let page = sync.apply(page.page()?)?;
    let status = ListParams {
        status: params.status.clone(),
        ..Default::default()
    }
    .status::<InvoiceStatus>()?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                invoices::list_invoices(conn, &clock, Some(&reseller_id), status, &page)
            })
            .await?,
    ))
}

#[utoipa::path(tag = "credits", params(("id" = String, Path)), responses(
    (status = 200, body = Invoice),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/invoices/{id}")]
pub async fn get_invoice(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
) -> ApiResult<web::Json<Invoice>> {
    let clock = state.config.billing_clock;
    let reseller_id = staff.reseller_id()?;
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                let row = invoices::get_invoice(conn, Some(&reseller_id), &id)?;
                invoices::invoice_dto(conn, &clock, row)
            })
            .await?,
    ))
}

/// The invoice's lines, oldest first, a page at a time.
#[utoipa::path(tag = "credits", params(CreatedSyncParams, ("id" = String, Path), PageParams), responses(
    (status = 200, body = Page<InvoiceLine>),
    (status = 400, description = "`invalid_query` (`limit` outside 1–200, a foreign cursor)", body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/invoices/{id}/lines")]
pub async fn invoice_lines(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
    params: web::Query<PageParams>,
    sync: web::Query<CreatedSyncParams>,
) -> ApiResult<web::Json<Page<InvoiceLine>>> {
    let reseller_id = staff.reseller_id()?;
    let id = id.into_inner();
    let page = sync.apply(params.page()?)?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                invoices::get_invoice(conn, Some(&reseller_id), &id)?;
                invoices::invoice_lines(conn, &id, &page)
            })
            .await?,
    ))
}

/// The invoice's lines and total as CSV.
#[utoipa::path(tag = "credits", params(("id" = String, Path)), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/invoices/{id}/lines.csv")]
pub async fn invoice_csv(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let clock = state.config.billing_clock;
    let reseller_id = staff.reseller_id()?;
    let invoice = {
        let id = id.clone();
        state
            .db
            .run(move |conn| {
                let row = invoices::get_invoice(conn, Some(&reseller_id), &id)?;
                invoices::invoice_dto(conn, &clock, row)
            })
            .await?
    };
    let name = format!(
        "{}-{}.csv",
        match invoice.kind {
            InvoiceKind::Invoice => "invoice",
            InvoiceKind::CreditNote => "credit-note",
        },
        invoice
            .number
            .clone()
            .unwrap_or_else(|| format!("draft-{}", invoice.period))
    );
    let header = [
        "date",
        "client_code",
        "description",
        "credits",
        "unit_price",
        "discount_percent",
        "amount",
        "currency",
    ];
    let export = LinesExport {
        invoice,
        after: None,
        done: false,
    };
    Ok(csv::stream(
        state.db.clone(),
        &name,
        header.map(String::from).to_vec(),
        export,
    ))
}

/// `lines.csv`, a batch of lines at a time, then the invoice's total.
struct LinesExport {
    invoice: Invoice,
    after: Option<String>,
    done: bool,
}

impl csv::Export for LinesExport {
    fn next_batch(&mut self, conn: &mut DbConnection) -> Result<Vec<Vec<String>>, ApiError> {
        if self.done {
            return Ok(Vec::new());
        }
        let page = PageRequest {
            limit: csv::BATCH,
            after: self.after.take(),
            ..Default::default()
        };
        let lines = invoices::invoice_lines(conn, &self.invoice.id, &page)?;
        self.done = lines.next_cursor.is_none();
        self.after = lines.next_cursor;
        Ok(lines
            .data
            .iter()
            .map(|l| {
                vec![
                    l.created_at.to_rfc3339(),
                    l.client_code.clone(),
                    l.description.clone(),
                    l.credits.to_string(),
                    csv::money(l.unit_price_minor),
                    format!("{:.2}", l.discount_percent),
                    csv::money(l.amount_minor),
                    self.invoice.currency.clone(),
                ]
            })
            .collect())
    }

    fn footer(&self) -> Option<Vec<String>> {
        let mut cells = vec![String::new(); 8];
        cells[0] = "TOTAL".into();
        cells[6] = csv::money(self.invoice.total_minor);
        cells[7] = self.invoice.currency.clone();
        Some(cells)
    }
}
