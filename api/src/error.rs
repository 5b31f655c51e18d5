//! One error type for every failure. It names what went wrong in the domain's words (a
//! [`Failure`] kind, a stable `code`, a detail for people); `routes::problem` alone decides the
//! HTTP status and renders RFC 9457 `application/problem+json`.
//!
//! Internal causes are logged with the request id and never shown to the caller.

use credence_shared::problem::FieldError;

/// What kind of failure a rule reports; the HTTP edge maps each to a status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The request itself cannot be understood (malformed body, path or query).
    BadRequest,
    /// No valid credentials.
    Unauthenticated,
    /// The client lacks the credits this needs.
    InsufficientCredits,
    /// This principal may never do this.
    Forbidden,
    /// No such object for this principal (another tenant's objects included).
    NotFound,
    /// The object's state forbids this now.
    Conflict,
    /// The request body is larger than allowed.
    TooLarge,
    /// The body's media type (or content) is not one this accepts.
    UnsupportedMedia,
    /// Well-formed, but refused as a whole (not one field), e.g. a reused idempotency key.
    Unprocessable,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{code}: {detail}")]
    Problem {
        kind: Failure,
        code: &'static str,
        detail: String,
    },
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("rate limited for {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    /// A quota with its own code (429 with `Retry-After`), e.g. a project's daily cap.
    #[error("{code}: quota reached for {retry_after_secs}s")]
    QuotaReached {
        code: &'static str,
        detail: String,
        retry_after_secs: u64,
    },
    /// The email has several accounts with this password: which one (409
    /// `account_choice_required`, the choices in `accounts`).
    #[error("account choice required")]
    AccountChoice(Vec<credence_shared::auth::AccountChoice>),
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(kind: Failure, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::Problem {
            kind,
            code,
            detail: detail.into(),
        }
    }

    pub fn not_found() -> ApiError {
        Self::new(
            Failure::NotFound,
            "not_found",
            "The requested resource does not exist.",
        )
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> ApiError {
        Self::new(Failure::Unauthenticated, code, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        Self::new(Failure::Forbidden, "forbidden", detail)
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> ApiError {
        Self::new(Failure::BadRequest, code, detail)
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> ApiError {
        Self::new(Failure::Conflict, code, detail)
    }

    pub fn too_large(code: &'static str, detail: impl Into<String>) -> ApiError {
        Self::new(Failure::TooLarge, code, detail)
    }

    pub fn unsupported_media(code: &'static str, detail: impl Into<String>) -> ApiError {
        Self::new(Failure::UnsupportedMedia, code, detail)
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
            ApiError::QuotaReached { code, .. } => code,
            ApiError::AccountChoice(_) => "account_choice_required",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Internal(_) => "internal_error",
        }
    }

    /// What a person is told: the detail (never an internal cause) and the bad fields.
    pub fn explanation(&self) -> (String, Vec<FieldError>) {
        match self {
            ApiError::Problem { detail, .. } => (detail.clone(), vec![]),
            ApiError::Validation(errors) => (
                format!("{} field(s) are invalid.", errors.len()),
                errors.clone(),
            ),
            ApiError::RateLimited { retry_after_secs } => (
                format!("Too many attempts. Try again in {retry_after_secs} seconds."),
                vec![],
            ),
            ApiError::QuotaReached { detail, .. } => (detail.clone(), vec![]),
            ApiError::AccountChoice(_) => (
                "This email has several accounts with this password: choose the one to open."
                    .into(),
                vec![],
            ),
            ApiError::MethodNotAllowed { allow } => {
                (format!("This path supports {}.", allow.join(", ")), vec![])
            }
            ApiError::Internal(_) => ("Something went wrong on our side.".into(), vec![]),
        }
    }
}

/// A column held a word its enum does not know: the CHECK constraints make this a bug, not input.
impl From<credence_shared::UnknownWord> for ApiError {
    fn from(e: credence_shared::UnknownWord) -> ApiError {
        ApiError::internal(e)
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
