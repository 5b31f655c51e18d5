//! The one typed client for the Credence JSON API: bearer token, problem+json errors, silent refresh.
//!
//! The access token lives only in this module's memory (never in web storage). The refresh token
//! is an HttpOnly cookie the browser sends to `/api/v1/auth/*`; JavaScript never sees it.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use credence_shared::admin::{
    AuditEvent, Brand, BrandCreate, BrandPatch, Branding, Reseller, ResellerCreate, ResellerPatch,
    ResellerUserCreate, Settings, SettingsPatch,
};
use credence_shared::auth::{
    LoginRequest, Me, PasswordForgotRequest, PasswordSetRequest, TokenResponse, User,
};
use credence_shared::problem::{FieldError, Problem};
use credence_shared::Page;
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

const BASE: &str = "/api/v1";

/// Every failure a call can end in, as an RFC 9457 problem (network failures get a synthetic one).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub problem: Problem,
    /// Seconds from the `Retry-After` header of a 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn synthetic(status: u16, code: &str, title: &str) -> Self {
        ApiError {
            problem: Problem {
                type_: "about:blank".into(),
                title: title.into(),
                status,
                detail: None,
                code: code.into(),
                errors: Vec::new(),
            },
            retry_after: None,
        }
    }

    pub fn status(&self) -> u16 {
        self.problem.status
    }

    pub fn is_validation(&self) -> bool {
        self.problem.status == 422 && !self.problem.errors.is_empty()
    }

    pub fn field_errors(&self) -> Vec<FieldError> {
        self.problem.errors.clone()
    }

    /// What to tell a person: the problem's detail, else its title.
    pub fn message(&self) -> String {
        match &self.problem.detail {
            Some(d) if !d.trim().is_empty() => d.clone(),
            _ => self.problem.title.clone(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}

pub type ApiResult<T> = Result<T, ApiError>;

/// What the rest of the app hears about the session held here.
pub enum TokenEvent {
    /// A login or refresh produced a new access token.
    Issued(TokenResponse),
    /// The session is gone (logout, or a refresh the server refused).
    Cleared,
}

type RefreshFuture = Shared<LocalBoxFuture<'static, ApiResult<TokenResponse>>>;
type Listener = Rc<dyn Fn(TokenEvent)>;

thread_local! {
    static ACCESS_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    static LISTENER: RefCell<Option<Listener>> = const { RefCell::new(None) };
    // Refresh tokens rotate and a reused one revokes the whole family, so concurrent
    // refreshes must share one request.
    static REFRESH_IN_FLIGHT: RefCell<Option<RefreshFuture>> = const { RefCell::new(None) };
}

/// Registers the one listener told about new and cleared sessions (the session context).
pub fn set_token_listener(f: impl Fn(TokenEvent) + 'static) {
    LISTENER.with(|l| *l.borrow_mut() = Some(Rc::new(f)));
}

fn notify(event: TokenEvent) {
    let listener = LISTENER.with(|l| l.borrow().clone());
    if let Some(listener) = listener {
        listener(event);
    }
}

fn access_token() -> Option<String> {
    ACCESS_TOKEN.with(|t| t.borrow().clone())
}

fn store_tokens(tokens: &TokenResponse) {
    ACCESS_TOKEN.with(|t| *t.borrow_mut() = Some(tokens.access_token.clone()));
    notify(TokenEvent::Issued(tokens.clone()));
}

/// Forgets the access token and tells the session context.
pub fn clear_session() {
    ACCESS_TOKEN.with(|t| *t.borrow_mut() = None);
    notify(TokenEvent::Cleared);
}

enum Body {
    Empty,
    Json(String),
    Blob(web_sys::Blob, String),
}

impl Body {
    fn json<T: Serialize + ?Sized>(value: &T) -> ApiResult<Body> {
        serde_json::to_string(value)
            .map(Body::Json)
            .map_err(|_| ApiError::synthetic(0, "encode_failed", "Could not prepare the request"))
    }
}

async fn send_once(
    method: &Method,
    path: &str,
    body: &Body,
    token: Option<&str>,
) -> ApiResult<Response> {
    let url = format!("{BASE}{path}");
    let mut req = RequestBuilder::new(&url)
        .method(method.clone())
        .header("Accept", "application/json");
    if let Some(token) = token {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let req = match body {
        Body::Empty => req.build(),
        Body::Json(s) => req
            .header("Content-Type", "application/json")
            .body(s.as_str()),
        Body::Blob(blob, content_type) => req
            .header("Content-Type", content_type)
            .body(wasm_bindgen::JsValue::from(blob.clone())),
    }
    .map_err(|_| ApiError::synthetic(0, "request_failed", "Could not prepare the request"))?;
    req.send().await.map_err(|_| {
        ApiError::synthetic(
            0,
            "network_error",
            "Could not reach the server. Check your connection and try again.",
        )
    })
}

async fn problem_from(resp: Response) -> ApiError {
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get("Retry-After")
        .and_then(|v| v.trim().parse::<u64>().ok());
    let text = resp.text().await.unwrap_or_default();
    let problem = serde_json::from_str::<Problem>(&text).unwrap_or_else(|_| {
        let title = match status {
            401 => "Please sign in again",
            403 => "You do not have access to this",
            404 => "Not found",
            413 => "The file is too large",
            415 => "That file type is not supported",
            429 => "Too many requests",
            s if s >= 500 => "Something went wrong on our side. Please try again.",
            _ => "The request failed",
        };
        ApiError::synthetic(status, "http_error", title).problem
    });
    ApiError {
        problem,
        retry_after,
    }
}

/// Sends with the bearer token; on a 401 tries one silent refresh and then the request once more.
async fn send(method: Method, path: &str, body: Body, bearer: bool) -> ApiResult<Response> {
    let token = if bearer { access_token() } else { None };
    let resp = send_once(&method, path, &body, token.as_deref()).await?;
    if resp.status() == 401 && bearer {
        if refresh().await.is_ok() {
            let resp = send_once(&method, path, &body, access_token().as_deref()).await?;
            if resp.status() == 401 {
                clear_session();
            }
            return check(resp).await;
        }
        return check(resp).await;
    }
    check(resp).await
}

async fn check(resp: Response) -> ApiResult<Response> {
    if resp.ok() {
        Ok(resp)
    } else {
        Err(problem_from(resp).await)
    }
}

async fn decode<T: DeserializeOwned>(resp: Response) -> ApiResult<T> {
    let text = resp
        .text()
        .await
        .map_err(|_| ApiError::synthetic(0, "network_error", "The connection was interrupted"))?;
    serde_json::from_str(&text).map_err(|_| {
        ApiError::synthetic(
            resp.status(),
            "unexpected_response",
            "The server sent an answer this page does not understand",
        )
    })
}

async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    decode(send(Method::GET, path, Body::Empty, true).await?).await
}

async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    decode(send(Method::POST, path, Body::json(body)?, true).await?).await
}

async fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    decode(send(Method::PATCH, path, Body::json(body)?, true).await?).await
}

/// Percent-encodes one query or path component.
pub fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

fn page_query(limit: u32, cursor: Option<&str>) -> String {
    let mut q = format!("limit={limit}");
    if let Some(c) = cursor {
        q.push_str("&cursor=");
        q.push_str(&enc(c));
    }
    q
}

// ---------------------------------------------------------------- public and session

pub async fn branding() -> ApiResult<Branding> {
    decode(send(Method::GET, "/branding", Body::Empty, false).await?).await
}

pub async fn login(req: &LoginRequest) -> ApiResult<TokenResponse> {
    let resp = send(Method::POST, "/auth/login", Body::json(req)?, false).await?;
    let tokens: TokenResponse = decode(resp).await?;
    store_tokens(&tokens);
    Ok(tokens)
}

/// Trades the refresh cookie for a new access token; one request at a time however many ask.
pub async fn refresh() -> ApiResult<TokenResponse> {
    let fut = REFRESH_IN_FLIGHT.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                async {
                    let result = async {
                        let resp = send_once(
                            &Method::POST,
                            "/auth/refresh",
                            &Body::Json("{}".into()),
                            None,
                        )
                        .await?;
                        decode::<TokenResponse>(check(resp).await?).await
                    }
                    .await;
                    REFRESH_IN_FLIGHT.with(|slot| *slot.borrow_mut() = None);
                    match &result {
                        Ok(tokens) => store_tokens(tokens),
                        Err(e) if e.status() == 401 || e.status() == 403 => clear_session(),
                        Err(_) => {}
                    }
                    result
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    fut.await
}

pub async fn logout() -> ApiResult<()> {
    let result = send(Method::POST, "/auth/logout", Body::Empty, true)
        .await
        .map(|_| ());
    clear_session();
    result
}

pub async fn me() -> ApiResult<Me> {
    get("/me").await
}

pub async fn end_impersonation() -> ApiResult<()> {
    send(Method::POST, "/auth/impersonation/end", Body::Empty, true)
        .await
        .map(|_| ())
}

pub async fn password_set(req: &PasswordSetRequest) -> ApiResult<()> {
    send(Method::POST, "/auth/password/set", Body::json(req)?, false)
        .await
        .map(|_| ())
}

pub async fn password_forgot(req: &PasswordForgotRequest) -> ApiResult<()> {
    send(
        Method::POST,
        "/auth/password/forgot",
        Body::json(req)?,
        false,
    )
    .await
    .map(|_| ())
}

// ---------------------------------------------------------------- vendor admin

pub async fn list_brands(cursor: Option<&str>) -> ApiResult<Page<Brand>> {
    get(&format!("/admin/brands?{}", page_query(200, cursor))).await
}

pub async fn get_brand(id: &str) -> ApiResult<Brand> {
    get(&format!("/admin/brands/{}", enc(id))).await
}

pub async fn create_brand(body: &BrandCreate) -> ApiResult<Brand> {
    post("/admin/brands", body).await
}

pub async fn patch_brand(id: &str, body: &BrandPatch) -> ApiResult<Brand> {
    patch(&format!("/admin/brands/{}", enc(id)), body).await
}

/// Sends the file's bytes as the body, typed with the file's own content type.
pub async fn upload_brand_logo(id: &str, file: &web_sys::File) -> ApiResult<()> {
    let content_type = file.type_();
    let blob: web_sys::Blob = file.clone().into();
    send(
        Method::PUT,
        &format!("/admin/brands/{}/logo", enc(id)),
        Body::Blob(blob, content_type),
        true,
    )
    .await
    .map(|_| ())
}

pub async fn list_resellers(q: &str, cursor: Option<&str>) -> ApiResult<Page<Reseller>> {
    let mut path = format!("/admin/resellers?{}", page_query(50, cursor));
    if !q.trim().is_empty() {
        path.push_str("&q=");
        path.push_str(&enc(q.trim()));
    }
    get(&path).await
}

pub async fn get_reseller(id: &str) -> ApiResult<Reseller> {
    get(&format!("/admin/resellers/{}", enc(id))).await
}

pub async fn create_reseller(body: &ResellerCreate) -> ApiResult<Reseller> {
    post("/admin/resellers", body).await
}

pub async fn patch_reseller(id: &str, body: &ResellerPatch) -> ApiResult<Reseller> {
    patch(&format!("/admin/resellers/{}", enc(id)), body).await
}

pub async fn list_reseller_users(id: &str, cursor: Option<&str>) -> ApiResult<Page<User>> {
    get(&format!(
        "/admin/resellers/{}/users?{}",
        enc(id),
        page_query(50, cursor)
    ))
    .await
}

pub async fn create_reseller_user(id: &str, body: &ResellerUserCreate) -> ApiResult<User> {
    post(&format!("/admin/resellers/{}/users", enc(id)), body).await
}

pub async fn get_settings() -> ApiResult<Settings> {
    get("/admin/settings").await
}

pub async fn patch_settings(body: &SettingsPatch) -> ApiResult<Settings> {
    patch("/admin/settings", body).await
}

pub async fn list_audit_events(cursor: Option<&str>) -> ApiResult<Page<AuditEvent>> {
    get(&format!("/audit-events?{}", page_query(50, cursor))).await
}
