//! `GET /audit-events`: the vendor sees every event, a reseller its own, a client user its
//! client's (the activity page, which shows when the reseller used Login As). `GET /changes`:
//! the same events as a feed for partners to sync from.

use actix_web::{get, web};
use credence_shared::admin::AuditEvent;
use credence_shared::events::ChangeFeed;
use credence_shared::problem::Problem;
use credence_shared::{Page, Role};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AnyUser;
use crate::domain::audit::{self, AuditView};
use crate::error::{ApiError, ApiResult, Validator};
use crate::routes::extract::{CreatedSyncParams, PageParams};
use crate::state::AppState;

fn view_of(user: &AnyUser) -> Result<AuditView, ApiError> {
    Ok(
        match (user.0.role, &user.0.reseller_id, &user.0.client_id) {
            (Role::PlatformAdmin, _, _) => AuditView::All,
            (Role::Reseller, Some(reseller_id), _) => AuditView::Reseller(reseller_id.clone()),
            (Role::ClientUser, _, Some(client_id)) => AuditView::Client(client_id.clone()),
            _ => return Err(ApiError::forbidden("Candidates have no audit log.")),
        },
    )
}

#[utoipa::path(tag = "audit", params(CreatedSyncParams, PageParams), responses(
    (status = 200, body = Page<AuditEvent>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/audit-events")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    user: AnyUser,
    params: web::Query<PageParams>,
    sync: web::Query<CreatedSyncParams>,
) -> ApiResult<web::Json<Page<AuditEvent>>> {
    let page = sync.apply(params.page()?)?;
    let view = view_of(&user)?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| audit::list(conn, &view, &page))
            .await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeParams {
    /// The `next_after` of the previous page; absent: from the beginning.
    pub after: Option<String>,
    /// 1 to 200, default 100.
    pub limit: Option<i64>,
}

/// The changes feed, for syncing without webhooks: every change the caller may see (what the
/// audit log records, without the Login As request trail), oldest first, each listed once it is
/// 10 seconds old so that none committed late is skipped. Keep `next_after` and pass it as
/// `after` to get what changed since; then read the objects that changed.
#[utoipa::path(tag = "audit", params(ChangeParams), responses(
    (status = 200, body = ChangeFeed),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/changes")]
pub async fn list_changes(
    state: web::Data<AppState>,
    user: AnyUser,
    params: web::Query<ChangeParams>,
) -> ApiResult<web::Json<ChangeFeed>> {
    let view = view_of(&user)?;
    let params = params.into_inner();
    let limit = params.limit.unwrap_or(100);
    let mut v = Validator::new();
    if !(1..=200).contains(&limit) {
        v.add("limit", "out_of_range", "Ask for 1 to 200 changes.");
    }
    v.finish()?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| audit::changes(conn, &view, params.after.as_deref(), limit))
            .await?,
    ))
}
