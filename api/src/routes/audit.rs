//! `GET /audit-events`: the vendor sees every event, a reseller its own, a client user its
//! client's (the activity page, which shows when the reseller used Login As).

use actix_web::{get, web};
use credence_shared::admin::AuditEvent;
use credence_shared::problem::Problem;
use credence_shared::{Page, Role};

use crate::auth::AnyUser;
use crate::domain::audit::{self, AuditView};
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::PageParams;
use crate::state::AppState;

#[utoipa::path(tag = "audit", params(PageParams), responses(
    (status = 200, body = Page<AuditEvent>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/audit-events")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    user: AnyUser,
    params: web::Query<PageParams>,
) -> ApiResult<web::Json<Page<AuditEvent>>> {
    let page = params.page()?;
    let view = match (user.0.role, &user.0.reseller_id, &user.0.client_id) {
        (Role::PlatformAdmin, _, _) => AuditView::All,
        (Role::Reseller, Some(reseller_id), _) => AuditView::Reseller(reseller_id.clone()),
        (Role::ClientUser, _, Some(client_id)) => AuditView::Client(client_id.clone()),
        _ => return Err(ApiError::forbidden("Candidates have no audit log.")),
    };
    Ok(web::Json(
        state
            .db
            .run(move |conn| audit::list(conn, &view, &page))
            .await?,
    ))
}
