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
use credence_shared::reseller::{
    Client, ClientCreate, ClientPatch, ClientUser, ClientUserCreate, ClientUserPatch,
    CreditAdjustmentCreate, CreditOrder, CreditOrderCreate, CreditOrderPage, ImpersonationResponse,
    Invoice, InvoiceLine, LedgerEntry, PasswordChangeRequest,
};
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
    /// The server refused the Login As token (expired or ended elsewhere).
    ImpersonationRefused,
}

type RefreshFuture = Shared<LocalBoxFuture<'static, ApiResult<TokenResponse>>>;
type Listener = Rc<dyn Fn(TokenEvent)>;

thread_local! {
    static ACCESS_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
    // A Login As token: while set, every bearer call acts as the client user. The reseller's
    // own token stays in ACCESS_TOKEN so that "Return to reseller" needs no new sign-in.
    static IMPERSONATION_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
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

/// True while there is an access token of one's own (the reseller's, during Login As).
pub fn has_own_session() -> bool {
    ACCESS_TOKEN.with(|t| t.borrow().is_some())
}

fn impersonation_token() -> Option<String> {
    IMPERSONATION_TOKEN.with(|t| t.borrow().clone())
}

pub fn is_impersonating() -> bool {
    IMPERSONATION_TOKEN.with(|t| t.borrow().is_some())
}

/// The Login As session kept in `sessionStorage`, so that a reload within its 30 minutes keeps
/// viewing as the client user. Short-lived and never refreshable, unlike the reseller's session.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredImpersonation {
    pub access_token: String,
    /// Milliseconds since the epoch.
    pub expires_at_ms: f64,
    pub client_name: String,
}

const IMPERSONATION_KEY: &str = "credence.impersonation";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Acts as the client user from now on (until `end_impersonation` or expiry).
pub fn begin_impersonation(stored: &StoredImpersonation) {
    IMPERSONATION_TOKEN.with(|t| *t.borrow_mut() = Some(stored.access_token.clone()));
    if let (Some(storage), Ok(json)) = (session_storage(), serde_json::to_string(stored)) {
        let _ = storage.set_item(IMPERSONATION_KEY, &json);
    }
}

/// Forgets the Login As token (memory and `sessionStorage`).
pub fn clear_impersonation() {
    IMPERSONATION_TOKEN.with(|t| *t.borrow_mut() = None);
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(IMPERSONATION_KEY);
    }
}

/// After a reload: the stored Login As session, if it has not run out yet (it is then active).
pub fn resume_impersonation() -> Option<StoredImpersonation> {
    let json = session_storage()?.get_item(IMPERSONATION_KEY).ok()??;
    match serde_json::from_str::<StoredImpersonation>(&json) {
        Ok(stored) if stored.expires_at_ms > js_sys::Date::now() + 1000.0 => {
            IMPERSONATION_TOKEN.with(|t| *t.borrow_mut() = Some(stored.access_token.clone()));
            Some(stored)
        }
        _ => {
            clear_impersonation();
            None
        }
    }
}

/// A marker in `localStorage` while this browser may hold a refresh cookie (set with every token
/// issued, removed when the session ends). It is not a secret: the refresh token itself stays in
/// its HttpOnly cookie. Without it a page load does not try to restore a session, so a
/// signed-out visitor's browser makes no refresh call that can only answer 401.
const SIGNED_IN_KEY: &str = "credence.signed_in";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// True when a session may be restored from the refresh cookie (see `SIGNED_IN_KEY`).
pub fn may_have_session() -> bool {
    local_storage()
        .and_then(|s| s.get_item(SIGNED_IN_KEY).ok().flatten())
        .is_some()
}

fn store_tokens(tokens: &TokenResponse) {
    ACCESS_TOKEN.with(|t| *t.borrow_mut() = Some(tokens.access_token.clone()));
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(SIGNED_IN_KEY, "1");
    }
    notify(TokenEvent::Issued(tokens.clone()));
}

/// Forgets the access token and tells the session context.
pub fn clear_session() {
    ACCESS_TOKEN.with(|t| *t.borrow_mut() = None);
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(SIGNED_IN_KEY);
    }
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
    headers: &[(&str, &str)],
) -> ApiResult<Response> {
    let url = format!("{BASE}{path}");
    let mut req = RequestBuilder::new(&url)
        .method(method.clone())
        .header("Accept", "application/json");
    if let Some(token) = token {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    for (name, value) in headers {
        req = req.header(name, value);
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
    send_with(method, path, body, bearer, &[]).await
}

async fn send_with(
    method: Method,
    path: &str,
    body: Body,
    bearer: bool,
    headers: &[(&str, &str)],
) -> ApiResult<Response> {
    if bearer {
        if let Some(token) = impersonation_token() {
            // A Login As session is never refreshed: a 401 ends it.
            let resp = send_once(&method, path, &body, Some(&token), headers).await?;
            if resp.status() == 401 && impersonation_token().as_deref() == Some(token.as_str()) {
                notify(TokenEvent::ImpersonationRefused);
            }
            return check(resp).await;
        }
    }
    let token = if bearer { access_token() } else { None };
    let resp = send_once(&method, path, &body, token.as_deref(), headers).await?;
    if resp.status() == 401 && bearer {
        if refresh().await.is_ok() {
            let resp = send_once(&method, path, &body, access_token().as_deref(), headers).await?;
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
                            &[],
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

/// Ends the Login As session on the server (with its own token) and forgets it here, whatever
/// the answer: an expired token has ended anyway.
pub async fn end_impersonation() -> ApiResult<()> {
    let Some(token) = impersonation_token() else {
        return Ok(());
    };
    let resp = send_once(
        &Method::POST,
        "/auth/impersonation/end",
        &Body::Empty,
        Some(&token),
        &[],
    )
    .await;
    clear_impersonation();
    match resp {
        Ok(r) if r.ok() || r.status() == 401 => Ok(()),
        Ok(r) => Err(problem_from(r).await),
        Err(e) => Err(e),
    }
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

/// An audit event and, when the API names them, the person behind a Login As session.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub event: AuditEvent,
    pub impersonator_name: Option<String>,
}

/// Reads the Login As user's name (`impersonator_name`, or `details.reseller_user.name`) next to
/// the typed event, so the page can say who used Login As where it cannot look reseller users up.
pub async fn list_audit_events(cursor: Option<&str>) -> ApiResult<Page<AuditRow>> {
    let page: Page<serde_json::Value> =
        get(&format!("/audit-events?{}", page_query(50, cursor))).await?;
    let data = page
        .data
        .into_iter()
        .filter_map(|v| {
            let name = |v: &serde_json::Value| {
                v.get("impersonator_name")
                    .and_then(|n| n.as_str())
                    .map(str::to_string)
            };
            let details = v.get("details");
            let impersonator_name = name(&v).or_else(|| details.and_then(name)).or_else(|| {
                // Login As start and end name the reseller user in their details.
                details
                    .and_then(|d| d.get("reseller_user"))
                    .and_then(|r| r.get("name"))
                    .and_then(|n| n.as_str())
                    .map(str::to_string)
            });
            serde_json::from_value::<AuditEvent>(v)
                .ok()
                .map(|event| AuditRow {
                    event,
                    impersonator_name,
                })
        })
        .collect();
    Ok(Page {
        data,
        next_cursor: page.next_cursor,
    })
}

// ---------------------------------------------------------------- reseller and client portals

/// Appends `&key=value` when the value is not blank.
fn push_param(path: &mut String, key: &str, value: &str) {
    let value = value.trim();
    if !value.is_empty() {
        path.push('&');
        path.push_str(key);
        path.push('=');
        path.push_str(&enc(value));
    }
}

/// A fresh UUID (v4) for an `Idempotency-Key`.
pub fn new_idempotency_key() -> String {
    if let Some(uuid) = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
    {
        return uuid;
    }
    // Outside a secure context `randomUUID` is missing; Math.random is enough for a key.
    let hex = |n: usize| -> String {
        (0..n)
            .map(|_| {
                let d = (js_sys::Math::random() * 16.0) as u32 % 16;
                char::from_digit(d, 16).unwrap_or('0')
            })
            .collect()
    };
    format!("{}-{}-4{}-a{}-{}", hex(8), hex(4), hex(3), hex(3), hex(12))
}

/// The skins this reseller may give its clients (the platform default first).
pub async fn list_reseller_brands() -> ApiResult<Page<Brand>> {
    get("/brands?limit=200").await
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientFilter {
    pub q: String,
    pub status: String,
    pub brand_id: String,
    pub below_threshold: bool,
}

pub async fn list_clients(
    filter: &ClientFilter,
    limit: u32,
    cursor: Option<&str>,
) -> ApiResult<Page<Client>> {
    let mut path = format!("/clients?{}", page_query(limit, cursor));
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "status", &filter.status);
    push_param(&mut path, "brand_id", &filter.brand_id);
    if filter.below_threshold {
        path.push_str("&below_threshold=true");
    }
    get(&path).await
}

/// The client with this code (exact, case-insensitive), if there is one.
pub async fn find_client_by_code(code: &str) -> ApiResult<Option<Client>> {
    let page: Page<Client> = get(&format!("/clients?limit=1&code={}", enc(code.trim()))).await?;
    Ok(page.data.into_iter().next())
}

pub async fn create_client(body: &ClientCreate) -> ApiResult<Client> {
    post("/clients", body).await
}

pub async fn get_client(id: &str) -> ApiResult<Client> {
    get(&format!("/clients/{}", enc(id))).await
}

pub async fn patch_client(id: &str, body: &ClientPatch) -> ApiResult<Client> {
    patch(&format!("/clients/{}", enc(id)), body).await
}

/// The file's bytes as the body, typed with the file's own content type.
pub async fn upload_client_logo(id: &str, file: &web_sys::File) -> ApiResult<Client> {
    let content_type = file.type_();
    let blob: web_sys::Blob = file.clone().into();
    decode(
        send(
            Method::PUT,
            &format!("/clients/{}/logo", enc(id)),
            Body::Blob(blob, content_type),
            true,
        )
        .await?,
    )
    .await
}

pub async fn delete_client_logo(id: &str) -> ApiResult<()> {
    send(
        Method::DELETE,
        &format!("/clients/{}/logo", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

pub async fn list_ledger(client_id: &str, cursor: Option<&str>) -> ApiResult<Page<LedgerEntry>> {
    get(&format!(
        "/clients/{}/ledger?{}",
        enc(client_id),
        page_query(50, cursor)
    ))
    .await
}

pub async fn create_credit_adjustment(
    client_id: &str,
    body: &CreditAdjustmentCreate,
) -> ApiResult<LedgerEntry> {
    post(
        &format!("/clients/{}/credit-adjustments", enc(client_id)),
        body,
    )
    .await
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientUserFilter {
    pub client_id: String,
    pub q: String,
    pub status: String,
}

pub async fn list_client_users(
    filter: &ClientUserFilter,
    cursor: Option<&str>,
) -> ApiResult<Page<ClientUser>> {
    let mut path = format!("/client-users?{}", page_query(50, cursor));
    push_param(&mut path, "client_id", &filter.client_id);
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "status", &filter.status);
    get(&path).await
}

pub async fn create_client_user(body: &ClientUserCreate) -> ApiResult<ClientUser> {
    post("/client-users", body).await
}

pub async fn get_client_user(id: &str) -> ApiResult<ClientUser> {
    get(&format!("/client-users/{}", enc(id))).await
}

pub async fn patch_client_user(id: &str, body: &ClientUserPatch) -> ApiResult<ClientUser> {
    patch(&format!("/client-users/{}", enc(id)), body).await
}

/// Emails the Quick Start Guide to one of the reseller's clients' users.
pub async fn send_guide(id: &str) -> ApiResult<()> {
    send(
        Method::POST,
        &format!("/client-users/{}/send-guide", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

pub async fn resend_welcome(id: &str) -> ApiResult<()> {
    send(
        Method::POST,
        &format!("/client-users/{}/resend-welcome", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

/// Login As: a short-lived token acting as the client user (kept by `auth`, not here).
pub async fn impersonate(id: &str) -> ApiResult<ImpersonationResponse> {
    decode(
        send(
            Method::POST,
            &format!("/client-users/{}/impersonate", enc(id)),
            Body::Empty,
            true,
        )
        .await?,
    )
    .await
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreditOrderFilter {
    pub client_id: String,
    /// `YYYY-MM-DD`
    pub from: String,
    pub to: String,
}

impl CreditOrderFilter {
    fn query(&self) -> String {
        let mut q = String::new();
        push_param(&mut q, "client_id", &self.client_id);
        push_param(&mut q, "from", &self.from);
        push_param(&mut q, "to", &self.to);
        q
    }
}

pub async fn list_credit_orders(
    filter: &CreditOrderFilter,
    cursor: Option<&str>,
) -> ApiResult<CreditOrderPage> {
    get(&format!(
        "/credit-orders?{}{}",
        page_query(50, cursor),
        filter.query()
    ))
    .await
}

/// `key` is made once per form submission and sent again on a retry, so nothing is added twice.
pub async fn create_credit_order(body: &CreditOrderCreate, key: &str) -> ApiResult<CreditOrder> {
    decode(
        send_with(
            Method::POST,
            "/credit-orders",
            Body::json(body)?,
            true,
            &[("Idempotency-Key", key)],
        )
        .await?,
    )
    .await
}

pub async fn download_credit_orders_csv(filter: &CreditOrderFilter) -> ApiResult<()> {
    let q = filter.query();
    let q = q.strip_prefix('&').unwrap_or(&q);
    download(
        &format!("/credit-orders/export.csv?{q}"),
        "credit-orders.csv",
    )
    .await
}

pub async fn list_invoices(cursor: Option<&str>) -> ApiResult<Page<Invoice>> {
    get(&format!("/invoices?{}", page_query(50, cursor))).await
}

pub async fn get_invoice(id: &str) -> ApiResult<Invoice> {
    get(&format!("/invoices/{}", enc(id))).await
}

pub async fn list_invoice_lines(id: &str, cursor: Option<&str>) -> ApiResult<Page<InvoiceLine>> {
    get(&format!(
        "/invoices/{}/lines?{}",
        enc(id),
        page_query(200, cursor)
    ))
    .await
}

pub async fn download_invoice_lines_csv(id: &str, filename: &str) -> ApiResult<()> {
    download(&format!("/invoices/{}/lines.csv", enc(id)), filename).await
}

/// The signed-in reseller user's colleagues.
pub async fn list_colleagues(cursor: Option<&str>) -> ApiResult<Page<User>> {
    get(&format!("/reseller-users?{}", page_query(50, cursor))).await
}

pub async fn create_colleague(body: &ResellerUserCreate) -> ApiResult<User> {
    post("/reseller-users", body).await
}

/// A client user's skin, client name and client logo.
pub async fn me_branding() -> ApiResult<Branding> {
    get("/me/branding").await
}

pub async fn change_password(body: &PasswordChangeRequest) -> ApiResult<()> {
    send(Method::POST, "/me/password", Body::json(body)?, true)
        .await
        .map(|_| ())
}

/// Fetches a file with the bearer token and hands it to the browser as a download.
async fn download(path: &str, fallback_name: &str) -> ApiResult<()> {
    let resp = send(Method::GET, path, Body::Empty, true).await?;
    let name = resp
        .headers()
        .get("Content-Disposition")
        .and_then(|d| {
            d.split(';')
                .map(str::trim)
                .find_map(|p| p.strip_prefix("filename="))
                .map(|n| n.trim_matches('"').to_string())
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| fallback_name.to_string());
    let failed = || ApiError::synthetic(0, "download_failed", "The file could not be saved");
    let raw: web_sys::Response = resp.into();
    let promise = raw.blob().map_err(|_| failed())?;
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| failed())?
        .into();
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| failed())?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(failed)?;
    let a = document.create_element("a").map_err(|_| failed())?;
    let _ = a.set_attribute("href", &url);
    let _ = a.set_attribute("download", &name);
    let _ = a.set_attribute("hidden", "");
    if let Some(body) = document.body() {
        let _ = body.append_child(&a);
    }
    if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(a) {
        el.click();
        el.remove();
    }
    // Revoke once the browser has started the download.
    gloo_timers::callback::Timeout::new(1000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

// ---------------------------------------------------------------- candidate test area

/// A call with an explicit bearer token and no silent refresh: the candidate test area's own
/// session (`pages::test_area`). The staff session held in this module is neither used nor touched.
pub async fn send_as<B: Serialize + ?Sized>(
    method: Method,
    path: &str,
    body: Option<&B>,
    token: Option<&str>,
) -> ApiResult<Response> {
    let body = match body {
        Some(b) => Body::json(b)?,
        None => Body::Empty,
    };
    check(send_once(&method, path, &body, token, &[]).await?).await
}

/// Decodes a JSON answer of `send_as`.
pub async fn decode_as<T: DeserializeOwned>(resp: Response) -> ApiResult<T> {
    decode(resp).await
}

// ---------------------------------------------------------------- projects and candidates

use credence_shared::assess::{
    Candidate, CandidateCreate, CandidatePatch, ImportReport, Invitation, InvitationCreate,
    Project, ProjectCreate, ProjectPatch, ProjectResult, TestSummary,
};

/// The test catalogue (every test with its norm groups).
pub async fn list_tests() -> ApiResult<Page<TestSummary>> {
    get("/tests").await
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFilter {
    pub q: String,
    pub client_id: String,
    /// `true`, `false` or blank (all).
    pub active: String,
}

pub async fn list_projects(
    filter: &ProjectFilter,
    limit: u32,
    cursor: Option<&str>,
) -> ApiResult<Page<Project>> {
    let mut path = format!("/projects?{}", page_query(limit, cursor));
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "client_id", &filter.client_id);
    push_param(&mut path, "active", &filter.active);
    get(&path).await
}

pub async fn create_project(body: &ProjectCreate) -> ApiResult<Project> {
    post("/projects", body).await
}

pub async fn get_project(id: &str) -> ApiResult<Project> {
    get(&format!("/projects/{}", enc(id))).await
}

pub async fn patch_project(id: &str, body: &ProjectPatch) -> ApiResult<Project> {
    patch(&format!("/projects/{}", enc(id)), body).await
}

/// One row per invitation of the project (scores for client users only).
pub async fn project_results(id: &str) -> ApiResult<Page<ProjectResult>> {
    get(&format!("/projects/{}/results", enc(id))).await
}

pub async fn download_project_results_csv(id: &str) -> ApiResult<()> {
    download(&format!("/projects/{}/results.csv", enc(id)), "results.csv").await
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CandidateFilter {
    pub q: String,
    pub client_id: String,
    pub project_id: String,
    pub status: String,
}

pub async fn list_candidates(
    filter: &CandidateFilter,
    limit: u32,
    cursor: Option<&str>,
) -> ApiResult<Page<Candidate>> {
    let mut path = format!("/candidates?{}", page_query(limit, cursor));
    push_param(&mut path, "q", &filter.q);
    push_param(&mut path, "client_id", &filter.client_id);
    push_param(&mut path, "project_id", &filter.project_id);
    push_param(&mut path, "status", &filter.status);
    get(&path).await
}

/// Creates (or finds) the candidate and invites them, charging the project's credits at once.
/// `key` is made once per submission, so a retry never charges twice.
pub async fn create_candidate(body: &CandidateCreate, key: &str) -> ApiResult<Candidate> {
    decode(
        send_with(
            Method::POST,
            "/candidates",
            Body::json(body)?,
            true,
            &[("Idempotency-Key", key)],
        )
        .await?,
    )
    .await
}

pub async fn get_candidate(id: &str) -> ApiResult<Candidate> {
    get(&format!("/candidates/{}", enc(id))).await
}

pub async fn patch_candidate(id: &str, body: &CandidatePatch) -> ApiResult<Candidate> {
    patch(&format!("/candidates/{}", enc(id)), body).await
}

/// Invites an existing candidate to another project (charging its credits).
pub async fn invite_candidate(
    candidate_id: &str,
    body: &InvitationCreate,
    key: &str,
) -> ApiResult<Invitation> {
    decode(
        send_with(
            Method::POST,
            &format!("/candidates/{}/invitations", enc(candidate_id)),
            Body::json(body)?,
            true,
            &[("Idempotency-Key", key)],
        )
        .await?,
    )
    .await
}

pub async fn resend_invitation(id: &str) -> ApiResult<()> {
    send(
        Method::POST,
        &format!("/invitations/{}/resend", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

/// Cancels an open invitation; its unstarted tests are refunded.
pub async fn cancel_invitation(id: &str) -> ApiResult<Invitation> {
    decode(
        send(
            Method::POST,
            &format!("/invitations/{}/cancel", enc(id)),
            Body::Empty,
            true,
        )
        .await?,
    )
    .await
}

pub async fn download_import_template() -> ApiResult<()> {
    download("/candidates/import-template.csv", "candidates-template.csv").await
}

/// Sends the picked CSV file's text as `text/csv` (whatever type the browser guessed for it).
pub async fn import_candidates(project_id: &str, file: &web_sys::File) -> ApiResult<ImportReport> {
    let blob: web_sys::Blob = file.clone().into();
    decode(
        send(
            Method::POST,
            &format!("/projects/{}/candidates/import", enc(project_id)),
            Body::Blob(blob, "text/csv".into()),
            true,
        )
        .await?,
    )
    .await
}

// ---------------------------------------------------------------- vendor invoices

/// Every reseller's invoices (vendor admin), optionally of one status.
pub async fn admin_list_invoices(
    status: Option<&str>,
    cursor: Option<&str>,
) -> ApiResult<Page<Invoice>> {
    let mut q = page_query(50, cursor);
    if let Some(s) = status.filter(|s| !s.is_empty()) {
        q.push_str("&status=");
        q.push_str(&enc(s));
    }
    get(&format!("/admin/invoices?{q}")).await
}

/// `issue`, `mark-paid` or `void`.
pub async fn admin_invoice_action(id: &str, action: &str) -> ApiResult<Invoice> {
    post(
        &format!("/admin/invoices/{}/{action}", enc(id)),
        &serde_json::json!({}),
    )
    .await
}

// ---------------------------------------------------------------- integrations

pub async fn list_api_keys() -> ApiResult<Page<credence_shared::auth::ApiKey>> {
    get("/api-keys").await
}

pub async fn create_api_key(name: &str) -> ApiResult<credence_shared::auth::ApiKey> {
    post(
        "/api-keys",
        &credence_shared::auth::ApiKeyCreate {
            name: name.to_string(),
        },
    )
    .await
}

pub async fn revoke_api_key(id: &str) -> ApiResult<()> {
    send(
        Method::DELETE,
        &format!("/api-keys/{}", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

pub async fn list_webhooks() -> ApiResult<Page<credence_shared::reseller::Webhook>> {
    get("/webhooks").await
}

pub async fn create_webhook(
    body: &credence_shared::reseller::WebhookCreate,
) -> ApiResult<credence_shared::reseller::Webhook> {
    post("/webhooks", body).await
}

pub async fn delete_webhook(id: &str) -> ApiResult<()> {
    send(
        Method::DELETE,
        &format!("/webhooks/{}", enc(id)),
        Body::Empty,
        true,
    )
    .await
    .map(|_| ())
}

/// What a new client gets by default (the platform's credit threshold, the default skin).
pub async fn client_defaults() -> ApiResult<credence_shared::reseller::ClientDefaults> {
    get("/client-defaults").await
}
