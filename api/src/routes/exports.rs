//! CSV exports of whole lists, with the list's own filters, streamed a page at a time
//! (`csv::paged`), so memory does not grow with the rows: a client's candidates (client users
//! and their reseller), a reseller's clients and client users, the vendor's resellers. Each
//! holds only what the caller's list holds.

use actix_web::{get, web, HttpResponse};
use credence_shared::problem::Problem;
use credence_shared::{ClientStatus, InvitationStatus, ResellerStatus, UserStatus, Word};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{PlatformAdmin, ResellerStaff, TenantUser};
use crate::domain::candidates::{self, CandidateFilter};
use crate::domain::client_users::{self, UserFilter};
use crate::domain::clients::{self, ClientFilter};
use crate::domain::{into_page, resellers};
use crate::error::{ApiError, ApiResult};
use crate::routes::csv;
use crate::state::AppState;

fn status<S: Word>(raw: &Option<String>) -> Result<Option<S>, ApiError> {
    crate::routes::extract::ListParams {
        limit: None,
        cursor: None,
        q: None,
        status: raw.clone(),
    }
    .status::<S>()
}

fn date(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339()
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateExportParams {
    /// Searches name and email.
    pub q: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    /// Candidates with an invitation in this status.
    #[param(value_type = Option<InvitationStatus>)]
    pub status: Option<String>,
}

/// Every candidate the list shows with these filters, as CSV (no scores: those are in each
/// project's `results.csv`).
#[utoipa::path(tag = "candidates", params(CandidateExportParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/candidates/export.csv")]
pub async fn export_candidates(
    state: web::Data<AppState>,
    user: TenantUser,
    params: web::Query<CandidateExportParams>,
) -> ApiResult<HttpResponse> {
    let params = params.into_inner();
    let filter = CandidateFilter {
        client_id: params.client_id,
        project_id: params.project_id,
        q: params.q,
        status: status::<InvitationStatus>(&params.status)?,
    };
    let tenant = user.tenant.clone();
    let header = [
        "id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "client",
        "status",
        "invitations",
        "created_at",
        "updated_at",
    ];
    let export = csv::paged(move |conn, page| {
        let rows = candidates::list(conn, &tenant, &filter, page)?;
        let rows = into_page(rows, page, |r| r.0.id.clone(), |r| r);
        let dtos = candidates::to_dtos(conn, rows.data, false)?;
        let cells = dtos
            .into_iter()
            .map(|c| {
                vec![
                    c.id,
                    c.first_name,
                    c.last_name,
                    c.email,
                    c.phone.unwrap_or_default(),
                    c.client_name,
                    c.status.as_str().to_string(),
                    c.invitations.len().to_string(),
                    date(&c.created_at),
                    date(&c.updated_at),
                ]
            })
            .collect();
        Ok((cells, rows.next_cursor))
    });
    Ok(csv::stream(
        state.db.clone(),
        "candidates.csv",
        header.map(String::from).to_vec(),
        export,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientExportParams {
    /// Searches name, code, contact name and email.
    pub q: Option<String>,
    #[param(value_type = Option<ClientStatus>)]
    pub status: Option<String>,
    pub brand_id: Option<String>,
    /// `true`: only clients below their threshold.
    pub below_threshold: Option<bool>,
}

/// The reseller's clients as CSV, with the list's filters.
#[utoipa::path(tag = "clients", params(ClientExportParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/clients/export.csv")]
pub async fn export_clients(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<ClientExportParams>,
) -> ApiResult<HttpResponse> {
    let reseller_id = staff.reseller_id()?;
    let params = params.into_inner();
    let filter = ClientFilter {
        q: params.q,
        status: status::<ClientStatus>(&params.status)?,
        brand_id: params.brand_id,
        below_threshold: params.below_threshold.unwrap_or(false),
    };
    let header = [
        "code",
        "name",
        "contact_name",
        "contact_email",
        "phone",
        "address",
        "skin",
        "credit_balance",
        "credit_threshold",
        "users",
        "status",
        "notes",
        "created_at",
        "id",
    ];
    let export = csv::paged(move |conn, page| {
        let list = clients::list(conn, &reseller_id, &filter, page)?;
        let cells = list
            .data
            .into_iter()
            .map(|c| {
                vec![
                    c.code,
                    c.name,
                    c.contact_name,
                    c.contact_email,
                    c.phone.unwrap_or_default(),
                    c.address.unwrap_or_default(),
                    c.brand_name,
                    c.credit_balance.to_string(),
                    c.credit_threshold.to_string(),
                    c.user_count.to_string(),
                    c.status.as_str().to_string(),
                    c.notes.unwrap_or_default(),
                    date(&c.created_at),
                    c.id,
                ]
            })
            .collect();
        Ok((cells, list.next_cursor))
    });
    Ok(csv::stream(
        state.db.clone(),
        "clients.csv",
        header.map(String::from).to_vec(),
        export,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientUserExportParams {
    /// Searches name and email.
    pub q: Option<String>,
    #[param(value_type = Option<UserStatus>)]
    pub status: Option<String>,
    /// Only this client's users.
    pub client_id: Option<String>,
}

/// Client users as CSV: a reseller's, of all its clients; a client user's, their colleagues.
#[utoipa::path(tag = "client users", params(ClientUserExportParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/client-users/export.csv")]
pub async fn export_client_users(
    state: web::Data<AppState>,
    user: TenantUser,
    params: web::Query<ClientUserExportParams>,
) -> ApiResult<HttpResponse> {
    let params = params.into_inner();
    let filter = UserFilter {
        client_id: params.client_id,
        q: params.q,
        status: status::<UserStatus>(&params.status)?,
    };
    let tenant = user.tenant.clone();
    let header = [
        "name",
        "email",
        "job_title",
        "client_code",
        "client",
        "status",
        "last_login_at",
        "created_at",
        "id",
    ];
    let export = csv::paged(move |conn, page| {
        let list = client_users::list(conn, &tenant, &filter, page)?;
        let cells = list
            .data
            .into_iter()
            .map(|u| {
                vec![
                    u.name,
                    u.email,
                    u.job_title.unwrap_or_default(),
                    u.client_code,
                    u.client_name,
                    u.status.as_str().to_string(),
                    u.last_login_at.as_ref().map(date).unwrap_or_default(),
                    date(&u.created_at),
                    u.id,
                ]
            })
            .collect();
        Ok((cells, list.next_cursor))
    });
    Ok(csv::stream(
        state.db.clone(),
        "client-users.csv",
        header.map(String::from).to_vec(),
        export,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResellerExportParams {
    /// Searches the reseller's name.
    pub q: Option<String>,
    #[param(value_type = Option<ResellerStatus>)]
    pub status: Option<String>,
}

/// Every reseller as CSV, with the list's filters.
#[utoipa::path(tag = "admin", params(ResellerExportParams), responses(
    (status = 200, description = "CSV", content_type = "text/csv"),
    (status = 400, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/admin/resellers/export.csv")]
pub async fn export_resellers(
    state: web::Data<AppState>,
    _admin: PlatformAdmin,
    params: web::Query<ResellerExportParams>,
) -> ApiResult<HttpResponse> {
    let params = params.into_inner();
    let status = status::<ResellerStatus>(&params.status)?;
    let q = params.q;
    let header = [
        "name",
        "contact_email",
        "currency",
        "discount_percent",
        "custom_host",
        "status",
        "created_at",
        "id",
    ];
    let export = csv::paged(move |conn, page| {
        let list = resellers::list(conn, q.as_deref(), status, page)?;
        let cells = list
            .data
            .into_iter()
            .map(|r| {
                vec![
                    r.name,
                    r.contact_email,
                    r.currency,
                    format!("{:.2}", r.discount_percent),
                    r.custom_host.unwrap_or_default(),
                    r.status.as_str().to_string(),
                    date(&r.created_at),
                    r.id,
                ]
            })
            .collect();
        Ok((cells, list.next_cursor))
    });
    Ok(csv::stream(
        state.db.clone(),
        "resellers.csv",
        header.map(String::from).to_vec(),
        export,
    ))
}
