//! The HTTP edge of errors: each domain [`Failure`] becomes a status here (and nowhere else),
//! and every error is rendered as RFC 9457 `application/problem+json`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use credence_shared::auth::AccountChoiceProblem;
use credence_shared::problem::{FieldError, Problem};

use crate::error::{ApiError, Failure};

pub const PROBLEM_JSON: &str = "application/problem+json";

fn status_of(kind: Failure) -> StatusCode {
    match kind {
        Failure::BadRequest => StatusCode::BAD_REQUEST,
        Failure::Unauthenticated => StatusCode::UNAUTHORIZED,
        Failure::InsufficientCredits => StatusCode::PAYMENT_REQUIRED,
        Failure::Forbidden => StatusCode::FORBIDDEN,
        Failure::NotFound => StatusCode::NOT_FOUND,
        Failure::Conflict => StatusCode::CONFLICT,
        Failure::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Failure::UnsupportedMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Failure::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Builds a problem document; `type` points at the code's documentation anchor.
pub fn problem(
    status: StatusCode,
    code: &str,
    detail: Option<String>,
    errors: Vec<FieldError>,
) -> Problem {
    Problem {
        type_: format!("/api/docs#problem-{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail,
        code: code.to_string(),
        errors,
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Problem { kind, .. } => status_of(*kind),
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } | ApiError::QuotaReached { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::AccountChoice(_) => StatusCode::CONFLICT,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(%cause, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            ApiError::RateLimited { retry_after_secs }
            | ApiError::QuotaReached {
                retry_after_secs, ..
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            _ => {}
        }
        let (detail, errors) = self.explanation();
        let problem = problem(self.status_code(), self.code(), Some(detail), errors);
        match self {
            ApiError::AccountChoice(accounts) => response.json(AccountChoiceProblem {
                problem,
                accounts: accounts.clone(),
            }),
            _ => response.json(problem),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_has_its_status_and_internal_causes_stay_inside() {
        let credits = ApiError::new(Failure::InsufficientCredits, "insufficient_credits", "x");
        assert_eq!(credits.status_code(), StatusCode::PAYMENT_REQUIRED);
        assert_eq!(ApiError::not_found().status_code(), StatusCode::NOT_FOUND);
        let internal = ApiError::internal("database exploded at /secret/path");
        assert_eq!(internal.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        let (detail, _) = internal.explanation();
        assert!(!detail.contains("secret"));
    }
}
