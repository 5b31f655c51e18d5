//! `/clients`: a reseller's clients (client users may read their own), logos, ledger,
//! credit adjustments.

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use credence_shared::problem::Problem;
use credence_shared::reseller::{
    Client, ClientClosureCreate, ClientCreate, ClientDefaults, ClientPatch, CreditAdjustmentCreate,
    LedgerEntry,
};
use credence_shared::{ApiKeyScope, ClientStatus, LedgerKind, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{ResellerStaff, TenantUser};
use crate::domain::clients::{self, closure, ClientFilter};
use crate::domain::credits::{self, Change};
use crate::domain::values::required_text;
use crate::domain::{audit, credit_notes, logos};
use crate::error::{ApiError, ApiResult, Validator};
use crate::routes::extract::{CreatedSyncParams, Json, ListParams, PageParams, SyncParams};
use crate::routes::idempotency;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientListParams {
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Searches name, code, contact name and email.
    pub q: Option<String>,
    #[param(value_type = Option<ClientStatus>)]
    pub status: Option<String>,
    /// Only clients with this brand skin.
    pub brand_id: Option<String>,
    /// `true`: only clients whose balance is below their threshold.
    pub below_threshold: Option<bool>,
    /// Exact client code (case-insensitive): 0 or 1 result.
    pub code: Option<String>,
}

impl ClientListParams {
    fn list(&self) -> ListParams {
        ListParams {
            limit: self.limit,
            cursor: self.cursor.clone(),
            q: self.q.clone(),
            status: self.status.clone(),
        }
    }
}

/// What a new client gets by default: the platform's credit threshold and the default skin.
#[utoipa::path(tag = "clients", responses((status = 200, body = ClientDefaults)), security(("bearer" = [])))]
#[get("/client-defaults")]
pub async fn client_defaults(
    state: web::Data<AppState>,
    _staff: ResellerStaff,
) -> ApiResult<web::Json<ClientDefaults>> {
    Ok(web::Json(
        state
            .db
            .run(|conn| {
                Ok(ClientDefaults {
                    credit_threshold: crate::domain::settings::get(conn)?.default_credit_threshold,
                    brand_id: crate::domain::brands::default_brand(conn)?.id,
                })
            })
            .await?,
    ))
}

/// The reseller's clients, newest first (archived ones only with `status=archived`).
#[utoipa::path(tag = "clients", params(SyncParams, ClientListParams), responses(
    (status = 200, body = Page<Client>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/clients")]
pub async fn list_clients(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    params: web::Query<ClientListParams>,
    sync: web::Query<SyncParams>,
) -> ApiResult<web::Json<Page<Client>>> {
    let reseller_id = staff.reseller_id()?;
    let list = params.list();
    let page = sync.apply(list.page()?)?;
    let filter = ClientFilter {
        q: list.q.clone(),
        status: list.status::<ClientStatus>()?,
        brand_id: params.brand_id.clone(),
        below_threshold: params.below_threshold.unwrap_or(false),
    };
    let code = params.code.clone();
    Ok(web::Json(
        state
            .db
            .run(move |conn| match code {
                Some(code) => {
                    let found = clients::by_code(conn, &reseller_id, &code)?;
                    Ok(Page {
                        data: found
                            .map(|c| clients::to_dto(conn, c))
                            .transpose()?
                            .into_iter()
                            .collect(),
                        next_cursor: None,
                    })
                }
                None => clients::list(conn, &reseller_id, &filter, &page),
            })
            .await?,
    ))
}

/// Create a client (with optional initial credits, invoiced like any credit order; with an API
/// key's token they need the `credits` scope as well as `clients`).
#[utoipa::path(tag = "clients", request_body = ClientCreate, params(("Idempotency-Key" = Option<String>, Header)), responses(
    (status = 201, body = Client),
    (status = 403, description = "Not a reseller user; or `insufficient_scope` for an API key without `clients` (or `credits` with initial credits)", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`no_price`: initial credits, but no price per credit applies in the reseller's currency", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/clients")]
pub async fn create_client(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: ResellerStaff,
    Json(body): Json<ClientCreate>,
) -> ApiResult<HttpResponse> {
    let reseller_id = staff.reseller_id()?;
    // Initial credits are a credit order: an API key needs `credits` for them too (the rest of
    // this operation's scope is in `auth::key_scopes`).
    if body.initial_credits.unwrap_or(0) > 0 {
        staff.0.require_scope(ApiKeyScope::Credits)?;
    }
    let actor = staff.0.audit_actor();
    let links = state.config.links();
    let clock = state.config.billing_clock;
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    idempotency::create(&state, &req, &staff.0.user_id, &value, move |conn| {
        let row = clients::create(conn, &links, &clock, &actor, &reseller_id, &body)?;
        serde_json::to_value(clients::to_dto(conn, row)?).map_err(ApiError::internal)
    })
    .await
}

/// One client: the reseller's, or the client user's own (without the reseller's `notes`).
#[utoipa::path(tag = "clients", params(("id" = String, Path)), responses(
    (status = 200, body = Client),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/clients/{id}")]
pub async fn get_client(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Client>> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| clients::view(conn, &user.tenant, &id))
            .await?,
    ))
}

/// Edit, suspend (`status: suspended`: its users cannot sign in), reactivate or archive. A
/// closed client's status cannot change (409 `client_closed`).
#[utoipa::path(tag = "clients", params(("id" = String, Path)), request_body = ClientPatch, responses(
    (status = 200, body = Client),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`client_closed`", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[patch("/clients/{id}")]
pub async fn update_client(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
    Json(body): Json<ClientPatch>,
) -> ApiResult<web::Json<Client>> {
    let tenant = staff.tenant()?;
    let actor = staff.0.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let row = clients::update(conn, &actor, &tenant, &id, &body)?;
                clients::to_dto(conn, row)
            })
            .await?,
    ))
}

/// Close the client, with a reason, after a grace period (`grace_days`, default 30; 0 closes
/// it at the next housekeeping round). Until then its users can still sign in and export their
/// data, but nothing new is invited, ordered or added (409 `client_closing`). Then its
/// candidates are anonymised, its users deactivated and the client archived; invoices, orders
/// and the credit ledger stay. Reseller staff only.
#[utoipa::path(tag = "clients", params(("id" = String, Path)), request_body = ClientClosureCreate, responses(
    (status = 200, description = "The client, with its `closure`", body = Client),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`already_closing` or `client_closed`", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/clients/{id}/closure")]
pub async fn close_client(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
    Json(body): Json<ClientClosureCreate>,
) -> ApiResult<web::Json<Client>> {
    let tenant = staff.tenant()?;
    let actor = staff.0.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let row = closure::request(conn, &actor, &tenant, &id, &body)?;
                clients::to_dto(conn, row)
            })
            .await?,
    ))
}

/// Withdraw a pending closure: the client goes on as before. Reseller staff only.
#[utoipa::path(tag = "clients", params(("id" = String, Path)), responses(
    (status = 200, body = Client),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`not_closing` or `client_closed`", body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/clients/{id}/closure")]
pub async fn withdraw_client_closure(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
) -> ApiResult<web::Json<Client>> {
    let tenant = staff.tenant()?;
    let actor = staff.0.audit_actor();
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let row = closure::withdraw(conn, &actor, &tenant, &id)?;
                clients::to_dto(conn, row)
            })
            .await?,
    ))
}

/// Upload the client's logo (shown in the candidates' test area): raw PNG, JPEG or WebP bytes.
#[utoipa::path(tag = "clients", params(("id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "image/png", description = "PNG, JPEG or WebP bytes, at most 1 MiB, recognised by content; as the raw body or a multipart field `logo`"),
    responses(
    (status = 200, body = Client),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 415, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/clients/{id}/logo")]
pub async fn put_client_logo(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<web::Json<Client>> {
    let tenant = staff.tenant()?;
    let id = id.into_inner();
    let (t, i) = (tenant.clone(), id.clone());
    state
        .db
        .run(move |conn| clients::get_scoped(conn, &t, &i).map(|_| ()))
        .await?;
    let bytes = crate::routes::upload::read_image(&req, body).await?;
    let logo = web::block(move || logos::clean(&bytes))
        .await
        .map_err(ApiError::internal)??;
    let actor = staff.0.audit_actor();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                let row = clients::set_logo(conn, &actor, &tenant, &id, Some(&logo))?;
                clients::to_dto(conn, row)
            })
            .await?,
    ))
}

#[utoipa::path(tag = "clients", params(("id" = String, Path)), responses(
    (status = 204, description = "Logo removed"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/clients/{id}/logo")]
pub async fn delete_client_logo(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let tenant = staff.tenant()?;
    let actor = staff.0.audit_actor();
    let id = id.into_inner();
    state
        .db
        .transaction(move |conn| clients::set_logo(conn, &actor, &tenant, &id, None))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Every change of the client's balance, newest first, each with a `description` of what it was
/// for and, where the caller may open it, a link target (`reference_kind`, `reference_id`).
/// Client users never see the reseller's order notes, PO references or invoices.
#[utoipa::path(tag = "clients", params(CreatedSyncParams, ("id" = String, Path), PageParams), responses(
    (status = 200, body = Page<LedgerEntry>),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/clients/{id}/ledger")]
pub async fn client_ledger(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
    params: web::Query<PageParams>,
    sync: web::Query<CreatedSyncParams>,
) -> ApiResult<web::Json<Page<LedgerEntry>>> {
    let page = sync.apply(params.page()?)?;
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                clients::get_scoped(conn, &user.tenant, &id)?;
                let viewer = match user.tenant.reseller_id() {
                    Some(_) => credits::LedgerViewer::Reseller,
                    None => credits::LedgerViewer::ClientUser,
                };
                credits::ledger(conn, &id, viewer, &page)
            })
            .await?,
    ))
}

/// Take back unused credits, with a reason; never below zero. The reseller is credited what it
/// paid for them (oldest orders first): a negative line on the order's invoice while that is a
/// draft, else on the reseller's credit note for the month.
#[utoipa::path(tag = "clients", params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = CreditAdjustmentCreate, responses(
    (status = 201, body = LedgerEntry),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`concurrent_change` (try again) or `currency_changed` (the credits were billed in another currency)", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/clients/{id}/credit-adjustments")]
pub async fn create_credit_adjustment(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: ResellerStaff,
    id: web::Path<String>,
    Json(body): Json<CreditAdjustmentCreate>,
) -> ApiResult<HttpResponse> {
    let tenant = staff.tenant()?;
    let actor = staff.0.audit_actor();
    let links = state.config.links();
    let clock = state.config.billing_clock;
    let id = id.into_inner();
    let value = serde_json::to_value(&body).map_err(ApiError::internal)?;
    idempotency::create(&state, &req, &staff.0.user_id, &value, move |conn| {
        let client = clients::get_scoped(conn, &tenant, &id)?;
        let mut v = Validator::new();
        let credits_back = v.check("credits", clients::credits(body.credits, 1));
        let reason = v.check("reason", required_text(&body.reason, 500));
        v.finish()?;
        let (Some(n), Some(reason)) = (credits_back, reason) else {
            return Err(ApiError::internal("validated fields missing"));
        };
        let entry = credits::apply(
            conn,
            &links,
            &actor,
            Change {
                client_id: &client.id,
                kind: LedgerKind::Adjustment,
                delta: -n,
                reference: None,
                reason: Some(&reason),
            },
        )?
        .ok_or_else(|| {
            ApiError::field(
                "credits",
                "exceeds_balance",
                format!(
                    "The client has only {} unused credits.",
                    client.credit_balance
                ),
            )
        })?;
        audit::record(
            conn,
            &actor,
            "credit.adjusted",
            ("client", &client.id),
            audit::AuditScope {
                reseller_id: Some(client.reseller_id.clone()),
                client_id: Some(client.id.clone()),
            },
            serde_json::json!({ "credits": -n, "reason": reason }),
        )?;
        credit_notes::credit_returned(conn, &clock, &actor, &client, n)?;
        serde_json::to_value(entry.to_dto()).map_err(ApiError::internal)
    })
    .await
}
