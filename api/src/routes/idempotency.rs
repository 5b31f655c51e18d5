//! `Idempotency-Key` for every POST that creates something: the same key with the same body
//! from the same principal within 24 h replays the first response and does nothing again; the
//! same key with another body is 422 `idempotency_key_reused`.
//!
//! The key is stored in the same transaction as the creation, so a crash cannot leave one
//! without the other, and two concurrent requests with one key create one object.
//!
//! An answer that carries a secret shown once (a new API key's secret) is never stored:
//! `create_with_secret` keeps only the fact that the key was used, and a replay is 409
//! `idempotency_replay_unavailable` (the object exists; list it to find it).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::domain::idempotency::{self, Stored};
use crate::error::{ApiError, Failure};
use crate::state::AppState;

const HEADER: &str = "Idempotency-Key";
/// The longest key accepted (the OpenAPI document states it: `openapi::parameters`).
pub const MAX_KEY_LEN: usize = 255;

fn key_of(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key must be printable ASCII.",
            )
        })?
        .trim()
        .to_string();
    if key.chars().any(|c| c.is_ascii_control()) {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be printable ASCII.",
        ));
    }
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 255 characters.",
        ));
    }
    Ok(Some(key))
}

fn replay(status: i32, body: &str) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(status as u16).unwrap_or(StatusCode::CREATED))
        .content_type("application/json")
        .insert_header(("Idempotent-Replayed", "true"))
        .body(body.to_string())
}

/// What is stored instead of an answer that carries a secret.
const UNREPLAYABLE: (i32, &str) = (409, "");

fn replay_or_refuse(status: i32, body: &str) -> Result<HttpResponse, ApiError> {
    if (status, body) == UNREPLAYABLE {
        return Err(ApiError::conflict(
            "idempotency_replay_unavailable",
            "This Idempotency-Key already created the object, but its answer carried a secret that is shown only once and is not stored. List the objects to find it.",
        ));
    }
    Ok(replay(status, body))
}

fn reused() -> ApiError {
    ApiError::new(
        Failure::Unprocessable,
        "idempotency_key_reused",
        "This Idempotency-Key was used with a different request body.",
    )
}

/// Runs `create` (inside a transaction) once per (principal, key, body); answers 201.
pub async fn create<F>(
    state: &AppState,
    req: &HttpRequest,
    principal: &str,
    body: &serde_json::Value,
    create: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<serde_json::Value, ApiError> + Send + 'static,
{
    create_once(state, req, principal, body, true, create).await
}

/// As `create`, for answers that carry a secret: the answer is not stored, and a replay is
/// 409 `idempotency_replay_unavailable`.
pub async fn create_with_secret<F>(
    state: &AppState,
    req: &HttpRequest,
    principal: &str,
    body: &serde_json::Value,
    create: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<serde_json::Value, ApiError> + Send + 'static,
{
    create_once(state, req, principal, body, false, create).await
}

async fn create_once<F>(
    state: &AppState,
    req: &HttpRequest,
    principal: &str,
    body: &serde_json::Value,
    replayable: bool,
    create: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<serde_json::Value, ApiError> + Send + 'static,
{
    let Some(key) = key_of(req)? else {
        let value = state.db.transaction(create).await?;
        return Ok(HttpResponse::Created().json(value));
    };
    let hash = hex::encode(Sha256::digest(
        format!("{} {}\n{}", req.method(), req.path(), body).as_bytes(),
    ));
    let principal = principal.to_string();
    let (p, k, h) = (principal.clone(), key.clone(), hash.clone());
    let expired = match state
        .db
        .run(move |conn| idempotency::lookup(conn, &p, &k, &h))
        .await?
    {
        Stored::Same(status, body) => return replay_or_refuse(status, &body),
        Stored::Other => return Err(reused()),
        Stored::None { expired } => expired,
    };
    let (p, k, h) = (principal.clone(), key.clone(), hash.clone());
    let outcome = state
        .db
        .transaction(move |conn| {
            let value = create(conn)?;
            let text = value.to_string();
            let answer = if replayable {
                (201, text.as_str())
            } else {
                UNREPLAYABLE
            };
            idempotency::remember(conn, &p, &k, &h, answer, expired)?;
            Ok(value)
        })
        .await;
    match outcome {
        Ok(value) => Ok(HttpResponse::Created().json(value)),
        // A concurrent request with the same key committed first: answer as it did.
        Err(ApiError::Problem {
            code: "conflict", ..
        }) => {
            match state
                .db
                .run(move |conn| idempotency::lookup(conn, &principal, &key, &hash))
                .await?
            {
                Stored::Same(status, body) => replay_or_refuse(status, &body),
                Stored::Other => Err(reused()),
                Stored::None { .. } => Err(ApiError::conflict(
                    "conflict",
                    "A concurrent request conflicted with this one; retry it.",
                )),
            }
        }
        Err(e) => Err(e),
    }
}
