//! One error type for every failure, rendered as RFC 9457 `application/problem+json`.
//!
//! Internal causes are logged with the request id and never shown to the caller.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use credence_shared::problem::{FieldError, Problem};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{code}: {detail}")]
    Problem {
        status: StatusCode,
        code: &'static str,
        detail: String,
    },
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("rate limited for {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::Problem {
            status,
            code,
            detail: detail.into(),
        }
    }

    pub fn not_found() -> ApiError {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "The requested resource does not exist.",
        )
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> ApiError {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> ApiError {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// A 422 naming one bad field.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message: message.into(),
        }])
    }

    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(cause.to_string())
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Problem { code, .. } => code,
            ApiError::Validation(_) => "validation_failed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Internal(_) => "internal_error",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let (detail, errors) = match self {
            ApiError::Problem { detail, .. } => (Some(detail.clone()), vec![]),
            ApiError::Validation(errors) => (
                Some(format!("{} field(s) are invalid.", errors.len())),
                errors.clone(),
            ),
            ApiError::RateLimited { retry_after_secs } => (
                Some(format!(
                    "Too many attempts. Try again in {retry_after_secs} seconds."
                )),
                vec![],
            ),
            ApiError::MethodNotAllowed { allow } => (
                Some(format!("This path supports {}.", allow.join(", "))),
                vec![],
            ),
            ApiError::Internal(_) => (Some("Something went wrong on our side.".into()), vec![]),
        };
        problem(status, self.code(), detail, errors)
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
            ApiError::Problem { status, .. } => *status,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
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
            ApiError::RateLimited { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> ApiError {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => ApiError::not_found(),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::conflict("conflict", "An object with these values already exists.")
            }
            other => ApiError::internal(other),
        }
    }
}

/// Collects every bad field of a request before answering one 422.
#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Validator {
        Validator::default()
    }

    pub fn add(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message: message.into(),
        });
    }

    /// Keeps the parsed value, or records the field's error and gives `None`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, FieldIssue>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(issue) => {
                self.add(field, issue.code, issue.message);
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

/// Why one value did not parse; the field name is added by [`Validator::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct FieldIssue {
    pub code: &'static str,
    pub message: String,
}

impl FieldIssue {
    pub fn new(code: &'static str, message: impl Into<String>) -> FieldIssue {
        FieldIssue {
            code,
            message: message.into(),
        }
    }

    pub fn required() -> FieldIssue {
        FieldIssue::new("required", "This field is required.")
    }
}
