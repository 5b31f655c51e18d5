//! Request extractors shared by the handlers: JSON bodies and list parameters, with every
//! failure answered as a problem (400 malformed, 415 media type, 413 size, 422 field).

use std::future::Future;
use std::pin::Pin;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpRequest};
use credence_shared::Word;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::{Order, PageRequest};
use crate::error::ApiError;

/// A JSON request body. Missing fields are the DTOs' defaults (validation reports them);
/// a value of the wrong type is a 422 naming the field; broken JSON is a 400.
pub struct Json<T>(pub T);

pub fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            let essence = ct
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
        })
        .unwrap_or(false)
}

pub fn payload_error(e: actix_web::Error) -> ApiError {
    if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(
            "payload_too_large",
            "The request body is larger than this endpoint accepts.",
        )
    } else {
        ApiError::bad_request("invalid_body", "The request body could not be read.")
    }
}

/// No text the API takes may hold a null character: PostgreSQL cannot store one, and no person
/// types one. In the path it names no object (404), in the query it is a 400 `invalid_query`;
/// in a JSON body `parse_json` answers a 422 naming the field.
pub async fn refuse_null_characters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // A URI cannot carry a raw null byte; `%00` is its only spelling.
    if req.path().contains("%00") {
        return Ok(req.error_response(ApiError::not_found()));
    }
    if req.query_string().contains("%00") {
        return Ok(req.error_response(ApiError::bad_request(
            "invalid_query",
            "A query parameter holds a null character.",
        )));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// The path (`a.b[2]`) of the first string or key in `value` holding a null character.
fn null_character_at(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains('\0') => Some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| null_character_at(v, format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.contains('\0') {
                Some(here)
            } else {
                null_character_at(v, here)
            }
        }),
        _ => None,
    }
}

/// Parses a request body, which is always a JSON object: serde would otherwise fill a struct
/// from an array by position (`["email","password"]` signing in as a login form).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{')
        && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
    {
        return Err(ApiError::bad_request(
            "json_object_expected",
            "The body must be a JSON object.",
        ));
    }
    // JSON spells a null character only as the escape `\u0000`.
    if bytes.windows(6).any(|w| w == b"\\u0000") {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
            if let Some(field) = null_character_at(&value, String::new()) {
                return Err(ApiError::field(
                    &field,
                    "invalid_characters",
                    "Remove the special character (a null character) from this field.",
                ));
            }
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => {
            de.end().map_err(|e| {
                ApiError::bad_request(
                    "malformed_json",
                    format!("The body is not valid JSON: {e}."),
                )
            })?;
            Ok(value)
        }
        Err(e) => {
            let field = e.path().to_string();
            let inner = e.into_inner();
            if inner.classify() == serde_json::error::Category::Data && field != "." {
                Err(ApiError::field(
                    &field,
                    "invalid_type",
                    format!("This value has the wrong type: {inner}."),
                ))
            } else {
                Err(ApiError::bad_request(
                    "malformed_json",
                    format!("The body is not valid JSON: {inner}."),
                ))
            }
        }
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Json<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(ApiError::unsupported_media(
                    "unsupported_media_type",
                    "Send the body as application/json.",
                ));
            }
            let bytes = body.await.map_err(payload_error)?;
            parse_json(&bytes).map(Json)
        })
    }
}

/// `?limit=&cursor=` of a list with no filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        page_request(self.limit, self.cursor.as_deref())
    }
}

/// The bounds of `limit` (the OpenAPI document states them: `openapi::parameters`).
pub const LIMIT_MIN: i64 = 1;
pub const LIMIT_MAX: i64 = 200;

/// `limit` from 1 to 200 (default 50) and a cursor this API returned (an id).
fn page_request(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let limit = limit.unwrap_or(50);
    if !(LIMIT_MIN..=LIMIT_MAX).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "`limit` must be from 1 to 200.",
        ));
    }
    let after = match cursor {
        None | Some("") => None,
        Some(c) if c.len() == 36 && uuid::Uuid::parse_str(c).is_ok() => Some(c.to_string()),
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                "`cursor` is not a cursor this API returned.",
            ))
        }
    };
    Ok(PageRequest {
        limit,
        after,
        ..Default::default()
    })
}

/// `?limit=&cursor=&q=&status=` of every list endpoint.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1 to 200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Free-text search.
    pub q: Option<String>,
    /// Filter by status.
    pub status: Option<String>,
}

impl ListParams {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        page_request(self.limit, self.cursor.as_deref())
    }

    /// `status` as one of the enum's words; blank is no filter, anything else is a 400.
    pub fn status<S: Word>(&self) -> Result<Option<S>, ApiError> {
        match self.status.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => S::parse(s).map(Some).ok_or_else(|| {
                let allowed: Vec<&str> = S::ALL.iter().map(|v| v.as_str()).collect();
                ApiError::bad_request(
                    "invalid_query",
                    format!("`status` must be one of {}.", allowed.join(", ")),
                )
            }),
        }
    }
}

/// `?created_after=&updated_after=&order=`: what every list shares for incremental sync. A
/// partner notes the time, pages through `updated_after` its last time, and keeps the rows.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncParams {
    /// Only rows created after this instant (RFC 3339, e.g. `2026-12-01T09:30:00Z`).
    pub created_after: Option<String>,
    /// Only rows changed (or created) after this instant (RFC 3339).
    pub updated_after: Option<String>,
    /// `newest` first (the default) or `oldest` first; the cursor follows it.
    pub order: Option<String>,
}

/// `?created_after=&order=`: the same for lists whose rows keep no change time (append-only
/// logs, or rows whose changes the changes feed reports).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreatedSyncParams {
    /// Only rows created after this instant (RFC 3339, e.g. `2026-12-01T09:30:00Z`).
    pub created_after: Option<String>,
    /// `newest` first or `oldest` first; the cursor follows it.
    pub order: Option<String>,
    /// Not on these lists: a 400 says so rather than answering unfiltered.
    #[param(ignore)]
    pub updated_after: Option<String>,
}

impl SyncParams {
    pub fn apply(&self, page: PageRequest) -> Result<PageRequest, ApiError> {
        Ok(PageRequest {
            created_after: instant("created_after", self.created_after.as_deref())?,
            updated_after: instant("updated_after", self.updated_after.as_deref())?,
            order: order(self.order.as_deref())?,
            ..page
        })
    }
}

impl CreatedSyncParams {
    pub fn apply(&self, page: PageRequest) -> Result<PageRequest, ApiError> {
        if self.updated_after.is_some() {
            return Err(ApiError::bad_request(
                "invalid_query",
                "This list has no `updated_after`: use `created_after`, or the changes feed (`GET /changes`).",
            ));
        }
        Ok(PageRequest {
            created_after: instant("created_after", self.created_after.as_deref())?,
            order: order(self.order.as_deref())?,
            ..page
        })
    }
}

/// An RFC 3339 instant as UTC; blank is no filter.
fn instant(name: &str, raw: Option<&str>) -> Result<Option<chrono::NaiveDateTime>, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.naive_utc()))
            .map_err(|_| {
                ApiError::bad_request(
                    "invalid_query",
                    format!("`{name}` must be an RFC 3339 instant, e.g. 2026-12-01T09:30:00Z."),
                )
            }),
    }
}

fn order(raw: Option<&str>) -> Result<Option<Order>, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some("newest") => Ok(Some(Order::Newest)),
        Some("oldest") => Ok(Some(Order::Oldest)),
        Some(_) => Err(ApiError::bad_request(
            "invalid_query",
            "`order` must be newest or oldest.",
        )),
    }
}
