//! `/mail-texts`: a reseller's wording of the candidate mails per skin, previews and test
//! sends; `/projects/{id}/invitation-text`: a project's own invitation wording.
//! [reseller: its skins and all its clients' projects; client_user: own client's projects]

use actix_web::{delete, get, post, put, web, HttpResponse};
use credence_shared::mail_texts::{
    MailPreview, MailTestSent, MailText, MailTextDraft, MailTextUpdate, ProjectInvitationText,
};
use credence_shared::problem::Problem;
use credence_shared::MailTextKind;

use crate::auth::{ResellerStaff, TenantUser};
use crate::domain::mail_texts;
use crate::error::{ApiError, ApiResult};
use crate::routes::extract::Json;
use crate::state::AppState;

/// The kind in a path; an unknown word is a resource that does not exist.
fn kind_of(word: &str) -> Result<MailTextKind, ApiError> {
    MailTextKind::parse(word).ok_or_else(ApiError::not_found)
}

/// Every editable email text of every skin the reseller may use: its own wording, else the
/// default, with the variables each kind may use.
#[utoipa::path(tag = "reseller", responses(
    (status = 200, body = Vec<MailText>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/mail-texts")]
pub async fn list_mail_texts(
    state: web::Data<AppState>,
    staff: ResellerStaff,
) -> ApiResult<web::Json<Vec<MailText>>> {
    let reseller_id = staff.reseller_id()?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| mail_texts::list(conn, &reseller_id))
            .await?,
    ))
}

/// One skin's text for one kind of email (`invitation`, `reminder` or `completion`).
#[utoipa::path(tag = "reseller", params(("brand_id" = String, Path), ("kind" = MailTextKind, Path)), responses(
    (status = 200, body = MailText),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/mail-texts/{brand_id}/{kind}")]
pub async fn get_mail_text(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<MailText>> {
    let reseller_id = staff.reseller_id()?;
    let (brand_id, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    Ok(web::Json(
        state
            .db
            .run(move |conn| mail_texts::get(conn, &reseller_id, &brand_id, kind))
            .await?,
    ))
}

/// Word one kind of email for one skin. Variables are written `{name}` (see `variables`;
/// `{{` and `}}` for braces); an unknown variable, a lone brace or a body-only variable in the
/// subject is a 422. Values are plain text, escaped in the HTML part.
#[utoipa::path(tag = "reseller", params(("brand_id" = String, Path), ("kind" = MailTextKind, Path)), request_body = MailTextUpdate, responses(
    (status = 200, body = MailText),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/mail-texts/{brand_id}/{kind}")]
pub async fn set_mail_text(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    path: web::Path<(String, String)>,
    Json(body): Json<MailTextUpdate>,
) -> ApiResult<web::Json<MailText>> {
    let reseller_id = staff.reseller_id()?;
    let actor = staff.0.audit_actor();
    let (brand_id, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                mail_texts::set(conn, &actor, &reseller_id, &brand_id, kind, &body)
            })
            .await?,
    ))
}

/// Back to the default wording for this skin and kind.
#[utoipa::path(tag = "reseller", params(("brand_id" = String, Path), ("kind" = MailTextKind, Path)), responses(
    (status = 200, body = MailText),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/mail-texts/{brand_id}/{kind}")]
pub async fn reset_mail_text(
    state: web::Data<AppState>,
    staff: ResellerStaff,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<MailText>> {
    let reseller_id = staff.reseller_id()?;
    let actor = staff.0.audit_actor();
    let (brand_id, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| mail_texts::reset(conn, &actor, &reseller_id, &brand_id, kind))
            .await?,
    ))
}

/// Render a draft (not saved) as the recipient would see it: the skin's layout, the sender's
/// link host, sample values (or the named project's name and support contact).
#[utoipa::path(tag = "reseller", request_body = MailTextDraft, responses(
    (status = 200, body = MailPreview),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/mail-texts/preview")]
pub async fn preview_mail_text(
    state: web::Data<AppState>,
    user: TenantUser,
    Json(body): Json<MailTextDraft>,
) -> ApiResult<web::Json<MailPreview>> {
    let links = state.config.links();
    Ok(web::Json(
        state
            .db
            .run(move |conn| mail_texts::preview(conn, &links, &user.tenant, &body))
            .await?,
    ))
}

/// Send a draft to yourself (the person signed in, also inside a Login As session), marked
/// `[Test]`, with sample values.
#[utoipa::path(tag = "reseller", request_body = MailTextDraft, responses(
    (status = 202, body = MailTestSent),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[post("/mail-texts/test")]
pub async fn send_test_mail_text(
    state: web::Data<AppState>,
    user: TenantUser,
    Json(body): Json<MailTextDraft>,
) -> ApiResult<HttpResponse> {
    let links = state.config.links();
    let person = user
        .principal
        .impersonator_id
        .clone()
        .unwrap_or_else(|| user.principal.user_id.clone());
    let sent = state
        .db
        .transaction(move |conn| mail_texts::send_test(conn, &links, &user.tenant, &person, &body))
        .await?;
    Ok(HttpResponse::Accepted().json(sent))
}

/// The project's invitation text: its own, else its reseller's for the client's skin.
#[utoipa::path(tag = "projects", params(("id" = String, Path)), responses(
    (status = 200, body = ProjectInvitationText),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[get("/projects/{id}/invitation-text")]
pub async fn get_project_invitation_text(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ProjectInvitationText>> {
    Ok(web::Json(
        state
            .db
            .run(move |conn| mail_texts::project_text(conn, &user.tenant, &id))
            .await?,
    ))
}

/// Word this project's invitations (the same variables and rules as `/mail-texts`).
#[utoipa::path(tag = "projects", params(("id" = String, Path)), request_body = MailTextUpdate, responses(
    (status = 200, body = ProjectInvitationText),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[put("/projects/{id}/invitation-text")]
pub async fn set_project_invitation_text(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
    Json(body): Json<MailTextUpdate>,
) -> ApiResult<web::Json<ProjectInvitationText>> {
    let actor = user.principal.audit_actor();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                mail_texts::set_project_text(conn, &actor, &user.tenant, &id, &body)
            })
            .await?,
    ))
}

/// The project's invitations go back to the reseller's text.
#[utoipa::path(tag = "projects", params(("id" = String, Path)), responses(
    (status = 200, body = ProjectInvitationText),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
), security(("bearer" = [])))]
#[delete("/projects/{id}/invitation-text")]
pub async fn reset_project_invitation_text(
    state: web::Data<AppState>,
    user: TenantUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ProjectInvitationText>> {
    let actor = user.principal.audit_actor();
    Ok(web::Json(
        state
            .db
            .transaction(move |conn| {
                mail_texts::reset_project_text(conn, &actor, &user.tenant, &id)
            })
            .await?,
    ))
}
