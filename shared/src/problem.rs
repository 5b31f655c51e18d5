//! RFC 9457 problem details: the one shape of every error the API returns.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: Option<String>,
    /// Stable snake_case machine code, e.g. `validation_failed`, `not_found`.
    pub code: String,
    #[serde(default)]
    pub errors: Vec<FieldError>,
}

/// One bad field of a 422 `validation_failed` problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}
