//! Resale: the reseller's resale prices (its default and a client's own), a client's monthly
//! statement (JSON and CSV) and the reseller's revenue, cost and margin. Reseller staff only.

use actix_web::{get, put, web, HttpResponse};
use credence_shared::problem::Problem;
use credence_shared::resale::{ClientStatement, MarginReport, ResalePrice, ResalePriceSet};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::ResellerStaff;
use crate::domain::statements::{self, Month};
use crate::domain::{clients, resale, usage};
use crate::error::{ApiError, ApiResult, Validator};
use crate::routes::csv;
use crate::routes::extract::Json;
use crate::state::AppState;

/// The reseller's default resale price per credit.
#[utoipa::path(tag = "credits", responses(
    (status = 200, body = ResalePrice),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller/resale-price")]
pub async fn get_default_price(
    state: web::Data<AppState>,
    staff: ResellerStaff,
) -> ApiResult<web::Json<ResalePrice>> {
    let reseller_id = staff.reseller_id()?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| resale::reseller_view(conn, &reseller_id))
            .await?,
    ))
}

/// Sets the default resale price per credit (`null` removes it). New orders copy it; existing
/// orders and statements keep the price they had.
#[utoipa::path(tag = "credits", request_body = ResalePriceSet, responses(
    (status = 200, body = ResalePrice),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/reseller/resale-price")]
pub async fn set_default_price(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    Json(body): Json<ResalePriceSet>,
) -> ApiResult<web::Json<ResalePrice>> {
    let reseller_id = staff.reseller_id()?;
    let actor = staff.0.audit_actor();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| resale::set_default(conn, &actor, &reseller_id, &body))
            .await?,
    ))
}

/// A client's resale price: its own, the reseller's default, and the one new orders use.
#[utoipa::path(tag = "credits", params(("id" = String, Path)), responses(
    (status = 200, body = ResalePrice),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/clients/{id}/resale-price")]
pub async fn get_client_price(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
) -> ApiResult<web::Json<ResalePrice>> {
    let tenant = staff.tenant()?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                let client = clients::get_scoped(conn, &tenant, &id)?;
                resale::client_view(conn, &client)
            })
            .await?,
    ))
}

/// Sets a client's own resale price per credit (`null`: the reseller's default applies again).
#[utoipa::path(tag = "credits", params(("id" = String, Path)), request_body = ResalePriceSet, responses(
    (status = 200, body = ResalePrice),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/clients/{id}/resale-price")]
pub async fn set_client_price(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
    Json(body): Json<ResalePriceSet>,
) -> ApiResult<web::Json<ResalePrice>> {
    let tenant = staff.tenant()?;
    let actor = staff.0.audit_actor();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let client = clients::get_scoped(conn, &tenant, &id)?;
                resale::set_for_client(conn, &actor, &client, &body)
            })
            .await?,
    ))
}

fn month(raw: &str) -> Result<Month, ApiError> {
    let mut v = Validator::new();
    let month = v.check("period", Month::parse(raw));
    v.finish()?;
    month.ok_or_else(|| ApiError::internal("validated period missing"))
}

async fn load_statement(
    state: &AppState,
    staff: &ResellerStaff,
    id: String,
    period: String,
) -> Result<ClientStatement, ApiError> {
    let tenant = staff.tenant()?;
    let month = month(&period)?;
    state
        .db
        .run(move |conn| {
            let client = clients::get_scoped(conn, &tenant, &id)?;
            statements::statement(conn, &client, &month)
        })
        .await
}

/// A client's statement for a calendar month (UTC): balances, credits added, used, refunded
/// and taken back, and what the reseller charges for them at its resale prices.
#[utoipa::path(tag = "credits", params(("id" = String, Path), ("period" = String, Path, description = "`YYYY-MM`")), responses(
    (status = 200, body = ClientStatement),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/clients/{id}/statements/{period}")]
pub async fn get_statement(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<ClientStatement>> {
    let (id, period) = path.into_inner();
    Ok(web::Json(load_statement(&state, &staff, id, period).await?))
}

/// The statement as CSV: the opening balance, a row per line, the month's usage, the closing
/// balance and the total.
#[utoipa::path(tag = "credits", params(("id" = String, Path), ("period" = String, Path, description = "`YYYY-MM`")), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/clients/{id}/statements/{period}/lines.csv")]
pub async fn statement_csv(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, period) = path.into_inner();
    let s = load_statement(&state, &staff, id, period).await?;
    let header = [
        "date",
        "kind",
        "description",
        "credits",
        "unit_price",
        "amount",
        "currency",
    ];
    let row = |date: String, kind: &str, description: String, credits: i64, amount: String| {
        vec![
            date,
            kind.to_string(),
            description,
            credits.to_string(),
            String::new(),
            amount,
            s.currency.clone(),
        ]
    };
    let mut rows = vec![row(
        String::new(),
        "opening_balance",
        format!("Balance on {}-01", s.period),
        s.opening_balance,
        String::new(),
    )];
    for line in &s.lines {
        rows.push(vec![
            line.date.to_rfc3339(),
            line.kind.as_str().to_string(),
            line.description.clone(),
            line.credits.to_string(),
            line.unit_price_minor.map(csv::money).unwrap_or_default(),
            line.amount_minor.map(csv::money).unwrap_or_default(),
            s.currency.clone(),
        ]);
    }
    let usage = [
        ("used", "Credits used for invitations", -s.credits_used),
        (
            "refunded",
            "Credits refunded for cancelled or expired invitations",
            s.credits_refunded,
        ),
    ];
    for (kind, description, credits) in usage {
        rows.push(row(
            String::new(),
            kind,
            description.to_string(),
            credits,
            String::new(),
        ));
    }
    rows.push(row(
        String::new(),
        "closing_balance",
        "Balance at the end of the month".into(),
        s.closing_balance,
        String::new(),
    ));
    rows.push(row(
        String::new(),
        "total",
        "TOTAL".into(),
        s.credits_added + s.credits_granted - s.credits_taken_back,
        csv::money(s.resale_amount_minor),
    ));
    Ok(csv::download(
        &format!("statement-{}-{}.csv", s.client_code, s.period),
        csv::document(&header, rows),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MarginParams {
    /// 1 to 24 billing months up to the open one, default 12.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 24)]
    pub months: Option<String>,
}

async fn load_margins(
    state: &AppState,
    staff: &ResellerStaff,
    months: Option<&str>,
) -> Result<MarginReport, ApiError> {
    let reseller_id = staff.reseller_id()?;
    let months = usage::parse_months(months)?;
    let clock = state.config.billing_clock;
    state
        .db
        .run(move |conn| statements::margins(conn, &clock, &reseller_id, months))
        .await
}

/// Revenue (orders at their resale price less returns), cost (the vendor's invoice and credit
/// note) and margin per billing month, oldest first.
#[utoipa::path(tag = "credits", params(MarginParams), responses(
    (status = 200, body = MarginReport),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller/margins")]
pub async fn get_margins(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<MarginParams>,
) -> ApiResult<web::Json<MarginReport>> {
    Ok(web::Json(
        load_margins(&state, &staff, params.months.as_deref()).await?,
    ))
}

/// The margin report as CSV.
#[utoipa::path(tag = "credits", params(MarginParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller/margins.csv")]
pub async fn margins_csv(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<MarginParams>,
) -> ApiResult<HttpResponse> {
    let report = load_margins(&state, &staff, params.months.as_deref()).await?;
    let header = [
        "period",
        "credits_sold",
        "unpriced_credits",
        "revenue",
        "cost",
        "margin",
        "currency",
    ];
    let rows = report.months.iter().map(|m| {
        vec![
            m.period.clone(),
            m.credits_sold.to_string(),
            m.unpriced_credits.to_string(),
            csv::money(m.revenue_minor),
            csv::money(m.cost_minor),
            csv::money(m.margin_minor),
            report.currency.clone(),
        ]
    });
    Ok(csv::download("margins.csv", csv::document(&header, rows)))
}
