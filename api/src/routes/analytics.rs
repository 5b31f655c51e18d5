//! Usage analytics for the charts: JSON for the SPA, each with a `.csv` sibling holding the
//! same numbers. Resellers see their clients, client users their own client, the vendor every
//! reseller's revenue. No endpoint here answers with a reseller's cost, discount or invoice to a
//! client user.

use actix_web::{get, web, HttpResponse};
use credence_shared::analytics::{
    ForecastReport, FunnelReport, FunnelRow, RevenueReport, ScoreReport, UsageReport,
};
use credence_shared::problem::Problem;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{PlatformAdmin, ResellerStaff, TenantUser};
use crate::domain::tenant::Tenant;
use crate::domain::usage::{self, forecast, reports};
use crate::error::{ApiError, ApiResult};
use crate::routes::csv;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthsParams {
    /// How many months, ending with the current one (1–24, default 12).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 24)]
    pub months: Option<String>,
}

impl MonthsParams {
    fn months(&self) -> ApiResult<Vec<String>> {
        let n = usage::parse_months(self.months.as_deref())?;
        Ok(usage::months_ending(usage::today(), n))
    }

    /// Invoice months end with the billing calendar's open month.
    fn invoice_months(&self, state: &AppState) -> ApiResult<Vec<String>> {
        let n = usage::parse_months(self.months.as_deref())?;
        Ok(usage::months_ending(
            state.config.billing_clock.now().date(),
            n,
        ))
    }
}

/// The client of a client user (or of a Login As session); reseller staff are refused.
fn own_client(user: &TenantUser) -> ApiResult<String> {
    match &user.tenant {
        Tenant::Client { client_id } => Ok(client_id.clone()),
        Tenant::Reseller { .. } => Err(ApiError::forbidden("Only client users may do this.")),
    }
}

async fn usage_of(state: &AppState, tenant: Tenant, months: Vec<String>) -> ApiResult<UsageReport> {
    state
        .db
        .run(move |conn| reports::usage(conn, &tenant, &months))
        .await
}

async fn funnel_of(
    state: &AppState,
    tenant: Tenant,
    months: Vec<String>,
) -> ApiResult<FunnelReport> {
    state
        .db
        .run(move |conn| reports::funnel(conn, &tenant, &months))
        .await
}

fn usage_csv(report: &UsageReport) -> String {
    let rows = report.clients.iter().flat_map(|c| {
        c.months.iter().map(move |m| {
            vec![
                m.month.clone(),
                c.client_code.clone(),
                c.client_name.clone(),
                m.added.to_string(),
                m.used.to_string(),
                m.refunded.to_string(),
                m.adjusted.to_string(),
                m.net_used.to_string(),
            ]
        })
    });
    csv::document(
        &[
            "month",
            "client_code",
            "client_name",
            "added",
            "used",
            "refunded",
            "adjusted",
            "net_used",
        ],
        rows,
    )
}

fn funnel_csv(report: &FunnelReport) -> String {
    let groups = [
        ("total", std::slice::from_ref(&report.total)),
        ("client", report.by_client.as_slice()),
        ("project", report.by_project.as_slice()),
        ("test", report.by_test.as_slice()),
    ];
    let rows = groups.into_iter().flat_map(|(by, rows)| {
        rows.iter().map(move |r: &FunnelRow| {
            vec![
                by.to_string(),
                r.id.clone(),
                r.label.clone(),
                r.invited.to_string(),
                r.started.to_string(),
                r.completed.to_string(),
                r.completion_percent
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                r.median_completion.clone().unwrap_or_default(),
            ]
        })
    });
    csv::document(
        &[
            "by",
            "id",
            "name",
            "invited",
            "started",
            "completed",
            "completion_percent",
            "median_completion_within",
        ],
        rows,
    )
}

/// Credits used per client per month (a stacked bar per month), with credits added, refunded
/// and adjusted.
#[utoipa::path(tag = "analytics", params(MonthsParams), responses(
    (status = 200, body = UsageReport),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller/analytics/usage")]
pub async fn reseller_usage(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<MonthsParams>,
) -> ApiResult<web::Json<UsageReport>> {
    let months = params.months()?;
    Ok(web::Json(usage_of(&state, staff.tenant()?, months).await?))
}

/// The same numbers as CSV: one line per client per month.
#[utoipa::path(tag = "analytics", params(MonthsParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller/analytics/usage.csv")]
pub async fn reseller_usage_csv(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<MonthsParams>,
) -> ApiResult<HttpResponse> {
    let months = params.months()?;
    let report = usage_of(&state, staff.tenant()?, months).await?;
    Ok(csv::download("credits-per-month.csv", usage_csv(&report)))
}

/// Each active client's balance, threshold and when it runs out at the pace of its last 30
/// days (balance ÷ (credits used in the last 30 days ÷ 30), rounded down; none without use).
#[utoipa::path(tag = "analytics", responses(
    (status = 200, body = ForecastReport),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller/analytics/forecast")]
pub async fn reseller_forecast(
    state: web::Data<AppState>,
    staff: ResellerStaff,
) -> ApiResult<web::Json<ForecastReport>> {
    let reseller_id = staff.reseller_id()?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| forecast::for_reseller(conn, &reseller_id, usage::today()))
            .await?,
    ))
}

/// The forecast as CSV.
#[utoipa::path(tag = "analytics", responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller/analytics/forecast.csv")]
pub async fn reseller_forecast_csv(
    state: web::Data<AppState>,
    staff: ResellerStaff,
) -> ApiResult<HttpResponse> {
    let reseller_id = staff.reseller_id()?;
    let report = state
        .db
        .run(move |conn| forecast::for_reseller(conn, &reseller_id, usage::today()))
        .await?;
    let rows = report.clients.iter().map(|c| {
        vec![
            c.client_code.clone(),
            c.client_name.clone(),
            c.balance.to_string(),
            c.threshold.to_string(),
            c.below_threshold.to_string(),
            c.used_last_30_days.to_string(),
            c.days_left.map(|d| d.to_string()).unwrap_or_default(),
            c.runs_out_on.map(|d| d.to_string()).unwrap_or_default(),
        ]
    });
    Ok(csv::download(
        "run-out-forecast.csv",
        csv::document(
            &[
                "client_code",
                "client_name",
                "balance",
                "threshold",
                "below_threshold",
                "used_last_30_days",
                "days_left",
                "runs_out_on",
            ],
            rows,
        ),
    ))
}

/// Invited → started → completed tests per client and per test, by the month of invitation.
#[utoipa::path(tag = "analytics", params(MonthsParams), responses(
    (status = 200, body = FunnelReport),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller/analytics/funnel")]
pub async fn reseller_funnel(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<MonthsParams>,
) -> ApiResult<web::Json<FunnelReport>> {
    let months = params.months()?;
    Ok(web::Json(funnel_of(&state, staff.tenant()?, months).await?))
}

/// The funnel as CSV: the total, then one line per client and per test.
#[utoipa::path(tag = "analytics", params(MonthsParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/reseller/analytics/funnel.csv")]
pub async fn reseller_funnel_csv(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<MonthsParams>,
) -> ApiResult<HttpResponse> {
    let months = params.months()?;
    let report = funnel_of(&state, staff.tenant()?, months).await?;
    Ok(csv::download("invitation-funnel.csv", funnel_csv(&report)))
}

/// The client's own credits per month (added, used, refunded, adjusted; no money).
#[utoipa::path(tag = "analytics", params(MonthsParams), responses(
    (status = 200, body = UsageReport),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/client/analytics/usage")]
pub async fn client_usage(
    state: web::Data<AppState>,
    user: TenantUser,
    params: web::Query<MonthsParams>,
) -> ApiResult<web::Json<UsageReport>> {
    let client_id = own_client(&user)?;
    let months = params.months()?;
    Ok(web::Json(
        usage_of(&state, Tenant::Client { client_id }, months).await?,
    ))
}

/// The client's credits per month as CSV.
#[utoipa::path(tag = "analytics", params(MonthsParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/client/analytics/usage.csv")]
pub async fn client_usage_csv(
    state: web::Data<AppState>,
    user: TenantUser,
    params: web::Query<MonthsParams>,
) -> ApiResult<HttpResponse> {
    let client_id = own_client(&user)?;
    let months = params.months()?;
    let report = usage_of(&state, Tenant::Client { client_id }, months).await?;
    Ok(csv::download("credits-per-month.csv", usage_csv(&report)))
}

/// The client's funnel per project and per test, its completion rate and median time to
/// complete.
#[utoipa::path(tag = "analytics", params(MonthsParams), responses(
    (status = 200, body = FunnelReport),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/client/analytics/funnel")]
pub async fn client_funnel(
    state: web::Data<AppState>,
    user: TenantUser,
    params: web::Query<MonthsParams>,
) -> ApiResult<web::Json<FunnelReport>> {
    let client_id = own_client(&user)?;
    let months = params.months()?;
    Ok(web::Json(
        funnel_of(&state, Tenant::Client { client_id }, months).await?,
    ))
}

/// The client's funnel as CSV.
#[utoipa::path(tag = "analytics", params(MonthsParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/client/analytics/funnel.csv")]
pub async fn client_funnel_csv(
    state: web::Data<AppState>,
    user: TenantUser,
    params: web::Query<MonthsParams>,
) -> ApiResult<HttpResponse> {
    let client_id = own_client(&user)?;
    let months = params.months()?;
    let report = funnel_of(&state, Tenant::Client { client_id }, months).await?;
    Ok(csv::download("invitation-funnel.csv", funnel_csv(&report)))
}

/// How many completed tests scored each sten, per test (client users only: resellers never
/// get scores).
#[utoipa::path(tag = "analytics", responses(
    (status = 200, body = ScoreReport),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/client/analytics/scores")]
pub async fn client_scores(
    state: web::Data<AppState>,
    user: TenantUser,
) -> ApiResult<web::Json<ScoreReport>> {
    let client_id = own_client(&user)?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| reports::scores(conn, &client_id))
            .await?,
    ))
}

/// The score distributions as CSV: one line per test and sten.
#[utoipa::path(tag = "analytics", responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/client/analytics/scores.csv")]
pub async fn client_scores_csv(
    state: web::Data<AppState>,
    user: TenantUser,
) -> ApiResult<HttpResponse> {
    let client_id = own_client(&user)?;
    let report = state
        .db
        .run(move |conn| reports::scores(conn, &client_id))
        .await?;
    let rows = report.tests.iter().flat_map(|t| {
        t.counts
            .iter()
            .enumerate()
            .map(move |(i, n)| vec![t.test_name.clone(), (i + 1).to_string(), n.to_string()])
    });
    Ok(csv::download(
        "score-distribution.csv",
        csv::document(&["test", "sten", "completed"], rows),
    ))
}

/// Revenue per reseller per month (invoices and credit notes that are not void, in each
/// reseller's currency; the months end with the billing calendar's open month) and credits
/// outstanding per reseller.
#[utoipa::path(tag = "analytics", params(MonthsParams), responses(
    (status = 200, body = RevenueReport),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/analytics/revenue")]
pub async fn admin_revenue(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    params: web::Query<MonthsParams>,
) -> ApiResult<web::Json<RevenueReport>> {
    let months = params.invoice_months(&state)?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| reports::revenue(conn, &months))
            .await?,
    ))
}

/// Revenue as CSV: one line per reseller, currency and month, then credits outstanding.
#[utoipa::path(tag = "analytics", params(MonthsParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/analytics/revenue.csv")]
pub async fn admin_revenue_csv(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    params: web::Query<MonthsParams>,
) -> ApiResult<HttpResponse> {
    let months = params.invoice_months(&state)?;
    let report = state
        .db
        .run(move |conn| reports::revenue(conn, &months))
        .await?;
    let revenue = report.revenue.iter().flat_map(|r| {
        r.months.iter().map(move |m| {
            vec![
                m.month.clone(),
                r.reseller_name.clone(),
                r.currency.clone(),
                csv::money(m.amount_minor),
                String::new(),
            ]
        })
    });
    let outstanding = report.outstanding.iter().map(|o| {
        vec![
            String::new(),
            o.reseller_name.clone(),
            String::new(),
            String::new(),
            o.credits.to_string(),
        ]
    });
    Ok(csv::download(
        "revenue-per-reseller.csv",
        csv::document(
            &[
                "month",
                "reseller",
                "currency",
                "revenue",
                "credits_outstanding",
            ],
            revenue.chain(outstanding),
        ),
    ))
}
