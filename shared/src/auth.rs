//! Login, tokens, passwords and the signed-in user.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ApiKeyScope, Role, UserStatus};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub password: String,
    /// Which account to open when the email has several (an `id` from the choices of a 409
    /// `account_choice_required`). An account that is not this email's, or whose password is
    /// another, gets the same 401 as a wrong password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// One account a person may open: what the sign-in form shows when an email has several
/// accounts whose password matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountChoice {
    /// The account to send back as `account` (the user's id).
    pub id: String,
    pub role: Role,
    /// The reseller's or the client's name; none for the vendor's administrators.
    pub tenant_name: Option<String>,
    /// Role and tenant in words, e.g. "Client user at Acme Ltd".
    pub label: String,
}

/// 409 `account_choice_required`: the email has several accounts with this password; sign in
/// again with one of `accounts` as `account`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountChoiceProblem {
    #[serde(flatten)]
    pub problem: crate::problem::Problem,
    pub accounts: Vec<AccountChoice>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Answer of login and refresh: a short-lived access JWT and a rotating refresh token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Absent for sessions that cannot be refreshed (Login As, API keys).
    pub refresh_token: Option<String>,
    pub user: User,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordSetRequest {
    /// The one-time token from the welcome or reset link.
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub token: String,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 10, max_length = 256)
    )]
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordForgotRequest {
    pub email: String,
}

/// A person who can sign in: vendor staff, reseller staff or a client user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub reseller_id: Option<String>,
    pub client_id: Option<String>,
    pub job_title: Option<String>,
    /// `invited` until a password is set.
    pub status: UserStatus,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// `GET /me`: the signed-in user, and who is really acting during a Login As session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub reseller_id: Option<String>,
    pub client_id: Option<String>,
    pub impersonator: Option<Impersonator>,
    /// Only for a token from `POST /auth/token`: the scopes of the API key behind it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_scopes: Option<Vec<ApiKeyScope>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Impersonator {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// `POST /auth/token` (OAuth 2 client credentials with an API key).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ClientCredentialsRequest {
    /// Always `client_credentials`.
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, pattern = "^client_credentials$")
    )]
    pub grant_type: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub client_id: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub client_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientCredentialsResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    /// The key's scopes, space-separated (RFC 6749 `scope`), e.g. `read candidates`.
    #[serde(default)]
    pub scope: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// The public `client_id` for `POST /auth/token`.
    pub client_id: String,
    /// Only in the answer to `POST /api-keys`: store it, it is never shown again.
    pub client_secret: Option<String>,
    pub owner_name: String,
    /// What the key's tokens may do (see `ApiKeyScope`).
    #[serde(default)]
    pub scopes: Vec<ApiKeyScope>,
    pub created_at: DateTime<Utc>,
    /// When the key was last exchanged for a token or its token last made a request.
    pub last_used_at: Option<DateTime<Utc>>,
    /// The key's own rate limit: requests per minute (and at most that many at once).
    pub rate_per_minute: i32,
    /// Requests its tokens made that the limit allowed.
    pub request_count: i64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ApiKeyCreate {
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: String,
    /// What the key's tokens may do: `read`, `candidates`, `projects`, and for reseller users
    /// `credits` and `clients`. Absent: every scope the owner's role may hold. An empty list,
    /// an unknown word or a scope the owner's role may not hold is a 422 naming `scopes`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<ApiKeyScope>>))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Requests per minute its tokens may make, 1 to 6000 (and at most that many at once);
    /// absent: 120.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 6000))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_per_minute: Option<i64>,
}
