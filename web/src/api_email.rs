//! `POST /auth/email/confirm`: the one call behind the `/confirm-email?token=` page. Kept apart
//! from `api.rs`; like the set-password call it needs no bearer token (the link is the proof).

use credence_shared::problem::Problem;
use credence_shared::reseller::EmailConfirm;
use gloo_net::http::Request;

use crate::api::{ApiError, ApiResult};

fn synthetic(status: u16, code: &str, title: &str) -> ApiError {
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

/// Confirms a change of sign-in email; the user's sessions end on success.
pub async fn confirm_email(token: &str) -> ApiResult<()> {
    let body = EmailConfirm {
        token: token.to_string(),
    };
    let resp = Request::post("/api/v1/auth/email/confirm")
        .header("Accept", "application/json")
        .json(&body)
        .map_err(|_| synthetic(0, "request_failed", "Could not prepare the request"))?
        .send()
        .await
        .map_err(|_| {
            synthetic(
                0,
                "network_error",
                "Could not reach the server. Check your connection and try again.",
            )
        })?;
    if resp.ok() {
        return Ok(());
    }
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    Err(match serde_json::from_str::<Problem>(&text) {
        Ok(problem) => ApiError {
            problem,
            retry_after: None,
        },
        Err(_) => synthetic(status, "http_error", "The request failed"),
    })
}
