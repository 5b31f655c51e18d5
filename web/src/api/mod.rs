//! The one typed client for the Credence JSON API: bearer token, problem+json errors, silent refresh.
//!
//! The access token lives only in `session`'s memory (never in web storage). The refresh token
//! is an HttpOnly cookie the browser sends to `/api/v1/auth/*`; JavaScript never sees it.
//! This file is the transport; the endpoints live in one file per area.

mod admin;
mod analytics;
mod auth;
pub mod candidate;
mod candidates;
mod client_users;
mod clients;
mod colleagues;
mod custom_hosts;
mod integrations;
mod mail_texts;
mod orders;
mod privacy;
mod projects;
mod resale;
mod session;

pub use admin::*;
pub use analytics::*;
pub use auth::*;
pub use candidates::*;
pub use client_users::*;
pub use clients::*;
pub use colleagues::*;
pub use custom_hosts::*;
pub use integrations::*;
pub use mail_texts::*;
pub use orders::*;
pub use privacy::*;
pub use projects::*;
pub use resale::*;
pub use session::*;

use std::fmt;

use session::{access_token, impersonation_token, notify};

use credence_shared::problem::{FieldError, Problem};
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

/// Fetches a file with the bearer token and hands it to the browser as a download.
/// Saves the CSV at `path` (under `/api/v1`) as a file: a list's export.
pub async fn download_csv(path: &str, fallback_name: &str) -> ApiResult<()> {
    download(path, fallback_name).await
}

async fn download(path: &str, fallback_name: &str) -> ApiResult<()> {
    save_response(
        send(Method::GET, path, Body::Empty, true).await?,
        fallback_name,
    )
    .await
}

/// Hands a response's body to the browser as a download (its `Content-Disposition` name, else
/// `fallback_name`).
async fn save_response(resp: Response, fallback_name: &str) -> ApiResult<()> {
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
