//! `/auth/*` and `/me`: sign in, refresh, sign out, set and reset passwords.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use credence_shared::admin::Branding;
use credence_shared::auth::{
    AccountChoiceProblem, Impersonator, LoginRequest, Me, PasswordForgotRequest,
    PasswordSetRequest, RefreshRequest, TokenResponse,
};
use credence_shared::problem::Problem;
use credence_shared::reseller::{EmailConfirm, PasswordChangeRequest};

use crate::auth::extract::client_ip;
use crate::auth::session::{self, Issued};
use crate::auth::{password, sign_in, AnyUser, Principal, RealUser};
use crate::domain::{sessions, users};
use crate::error::{ApiError, ApiResult, Validator};
use crate::routes::extract::Json;
use crate::state::AppState;

/// The refresh token also travels as an HttpOnly cookie so the SPA never stores it.
pub const REFRESH_COOKIE: &str = "credence_refresh";

fn refresh_cookie(state: &AppState, value: &str, max_age_days: i64) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value.to_string())
        .path("/api/v1/auth")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.public_url.is_https())
        .max_age(time::Duration::days(max_age_days))
        .finish()
}

fn token_response(state: &AppState, issued: Issued) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if let Some(token) = &issued.refresh_token {
        response.cookie(refresh_cookie(state, token, session::REFRESH_TOKEN_DAYS));
    }
    response
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token: issued.access_token,
            token_type: "Bearer".into(),
            expires_in: issued.expires_in,
            refresh_token: issued.refresh_token,
            user: issued.user.to_dto(),
        })
}

/// Sign in with email and password.
///
/// Unknown emails and wrong passwords get the same answer after the same work, and so does a
/// sign-in on a reseller's custom host by anyone but that reseller's staff and its clients'
/// users. One email may hold accounts in several tenants: when the password opens more than
/// one, the answer is 409 `account_choice_required` listing them (`accounts`: id and a label
/// such as "Client user at Acme Ltd"), and the client signs in again naming one as `account`.
/// An `account` the password does not open is a wrong password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; also sets the HttpOnly `credence_refresh` cookie", body = TokenResponse),
        (status = 401, description = "`invalid_credentials`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`account_choice_required`: the password opens several accounts of this email; sign in again with one of `accounts` as `account`", body = AccountChoiceProblem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let mut v = Validator::new();
    if body.email.trim().is_empty() {
        v.add("email", "required", "Enter your email.");
    }
    if body.password.is_empty() {
        v.add("password", "required", "Enter your password.");
    }
    v.finish()?;
    let ip = client_ip(&req);
    state
        .throttle
        .check(&state.db, ip.as_deref().unwrap_or("unknown"), &body.email)
        .await?;

    let verified = sign_in::verified_accounts(&state, &body.email, &body.password).await?;
    let keys = state.keys.clone();
    // Never `connection_info()`: it believes `X-Forwarded-Host` from anyone.
    let host = crate::auth::extract::client_host(&req);
    let issued = state
        .db
        .transaction(move |conn| {
            let user = sign_in::choose(conn, verified, body.account.as_deref(), host.as_deref())?;
            session::open(conn, &keys, user, ip, host.as_deref())
        })
        .await?;
    Ok(token_response(&state, issued))
}

/// Exchange a refresh token (body, or the `credence_refresh` cookie) for a new pair.
///
/// Each refresh token works once; presenting a used one ends its whole session.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "`invalid_refresh_token`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let presented = if body.refresh_token.trim().is_empty() {
        req.cookie(REFRESH_COOKIE)
            .map(|c| c.value().to_string())
            .unwrap_or_default()
    } else {
        body.refresh_token
    };
    if presented.is_empty() {
        return Err(ApiError::unauthorized(
            "invalid_refresh_token",
            "No refresh token was sent. Sign in again.",
        ));
    }
    let keys = state.keys.clone();
    let issued = state
        .db
        .transaction(move |conn| session::refresh(conn, &keys, &presented))
        .await??;
    Ok(token_response(&state, issued))
}

/// Sign out: ends this session (its access and refresh tokens) and clears the cookie.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, principal: Principal) -> ApiResult<HttpResponse> {
    let actor = principal.audit_actor();
    let session_id = principal.session_id.clone();
    state
        .db
        .transaction(move |conn| {
            sessions::revoke(conn, &session_id)?;
            crate::domain::audit::record(
                conn,
                &actor,
                "auth.logout",
                ("session", &session_id),
                Default::default(),
                serde_json::json!({}),
            )
        })
        .await?;
    let mut gone = refresh_cookie(&state, "", 0);
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// Set a password with the one-time token from a welcome or reset link.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordSetRequest,
    responses(
        (status = 204, description = "Password set; the user can sign in"),
        (status = 422, description = "`validation_failed`: bad or used token, or a password that breaks the policy", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password/set")]
pub async fn password_set(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<PasswordSetRequest>,
) -> ApiResult<HttpResponse> {
    let mut v = Validator::new();
    if body.token.trim().is_empty() {
        v.add(
            "token",
            "required",
            "The link has no token. Open the link from your email again.",
        );
    }
    if body.password.is_empty() {
        v.add("password", "required", "Choose a password.");
    }
    v.finish()?;
    let token = body.token.clone();
    let user = state
        .db
        .run(move |conn| users::user_for_token(conn, &token))
        .await?;
    let mut v = Validator::new();
    v.check(
        "password",
        password::check_policy(&body.password, &user.email),
    );
    v.finish()?;
    let cost = state.config.password_hashing;
    let password = body.password.clone();
    let hash = web::block(move || password::hash(&password, cost))
        .await
        .map_err(ApiError::internal)?;
    let ip = client_ip(&req);
    state
        .db
        .transaction(move |conn| {
            users::set_password_with_token(conn, &body.token, &user.id, &hash, ip)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Confirm a change of sign-in email with the token from the link mailed to the new address.
///
/// Only then does the email change; every session of the user ends and the old address is told.
#[utoipa::path(
    tag = "auth",
    request_body = EmailConfirm,
    responses(
        (status = 204, description = "The new email is the sign-in email; the user signs in again"),
        (status = 422, description = "`validation_failed`: `invalid_token` (bad, used or expired link) or `email_taken`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/email/confirm")]
pub async fn email_confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<EmailConfirm>,
) -> ApiResult<HttpResponse> {
    if body.token.trim().is_empty() {
        return Err(ApiError::field(
            "token",
            "required",
            "The link has no token. Open the link from your email again.",
        ));
    }
    let ip = client_ip(&req);
    let links = state.config.links();
    state
        .db
        .transaction(move |conn| users::confirm_email_change(conn, &links, &body.token, ip))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ask for a password reset link. Always 202, whether or not the email has an account.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordForgotRequest,
    responses(
        (status = 202, description = "If the email has an account, a reset link is on its way"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password/forgot")]
pub async fn password_forgot(
    state: web::Data<AppState>,
    req: HttpRequest,
    Json(body): Json<PasswordForgotRequest>,
) -> ApiResult<HttpResponse> {
    let ip = client_ip(&req);
    state
        .throttle
        .check_reset(&state.db, ip.as_deref().unwrap_or("unknown"), &body.email)
        .await?;
    let links = state.config.links();
    state
        .db
        .transaction(move |conn| users::request_password_reset(conn, &links, &body.email))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// The signed-in user, the reseller user behind a Login As session, and for an API key's
/// token the key's scopes.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, body = Me),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, principal: Principal) -> ApiResult<web::Json<Me>> {
    // The user's name and email came with the session check (usually from this process's
    // session cache); only a Login As needs the database, for the reseller user acting.
    let impersonator = match principal.impersonator_id.clone() {
        Some(id) => {
            let by = state.db.run(move |conn| users::get(conn, &id)).await?;
            Some(Impersonator {
                id: by.id,
                name: by.name,
                email: by.email,
            })
        }
        None => None,
    };
    Ok(web::Json(Me {
        id: principal.user_id,
        email: principal.email,
        name: principal.name,
        role: principal.role,
        reseller_id: principal.reseller_id,
        client_id: principal.client_id,
        impersonator,
        api_key_scopes: principal.api_key.map(|key| key.scopes),
    }))
}

/// Change one's own password (never inside a Login As session). Other sessions end.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordChangeRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 403, description = "During Login As", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    user: RealUser,
    Json(body): Json<PasswordChangeRequest>,
) -> ApiResult<HttpResponse> {
    let user_id = user.0.user_id.clone();
    let account = state.db.run(move |conn| users::get(conn, &user_id)).await?;
    let stored = account
        .password_hash
        .clone()
        .unwrap_or_else(|| state.dummy_password_hash.clone());
    let current = body.current_password.clone();
    let matches = web::block(move || password::verify(&current, &stored))
        .await
        .map_err(ApiError::internal)?;
    let mut v = Validator::new();
    if !matches {
        v.add(
            "current_password",
            "incorrect",
            "This is not your current password.",
        );
    }
    v.check(
        "new_password",
        password::check_policy(&body.new_password, &account.email),
    );
    v.finish()?;
    let cost = state.config.password_hashing;
    let new_password = body.new_password.clone();
    let hash = web::block(move || password::hash(&new_password, cost))
        .await
        .map_err(ApiError::internal)?;
    let principal = user.0.clone();
    state
        .db
        .transaction(move |conn| {
            users::change_password(
                conn,
                &principal.audit_actor(),
                &principal.user_id,
                &principal.session_id,
                &hash,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The skin the signed-in user's portal is shown in; for client users also their client's
/// name and logo.
#[utoipa::path(tag = "auth", responses((status = 200, body = Branding)), security(("bearer" = [])))]
#[get("/me/branding")]
pub async fn my_branding(
    state: web::Data<AppState>,
    user: AnyUser,
) -> ApiResult<web::Json<Branding>> {
    let user_id = user.0.user_id.clone();
    Ok(web::Json(
        state
            .db
            .run(move |conn| {
                let account = users::get(conn, &user_id)?;
                let brand = users::brand_for_user(conn, &account)?;
                let client = match &account.client_id {
                    Some(client_id) => Some(crate::domain::clients::get_scoped(
                        conn,
                        &crate::auth::Tenant::Client {
                            client_id: client_id.clone(),
                        },
                        client_id,
                    )?),
                    None => None,
                };
                Ok(Branding {
                    brand: brand.to_dto(),
                    reseller_name: None,
                    client_name: client.as_ref().map(|c| c.name.clone()),
                    client_logo_url: client
                        .and_then(|c| c.logo_id)
                        .map(|id| crate::domain::logos::url(&id)),
                })
            })
            .await?,
    ))
}
