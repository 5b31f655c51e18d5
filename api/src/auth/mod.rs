//! Authentication and authorisation: passwords, tokens, sessions, throttling, and the
//! extractors that check role and tenant scope in one place.

pub mod ats;
pub mod client_credentials;
pub mod extract;
pub mod impersonation;
pub mod key_scopes;
pub mod password;
pub mod peer;
pub mod session;
pub mod sign_in;
pub mod throttle;
pub mod tokens;

pub use extract::{
    AnyUser, CandidateUser, PlatformAdmin, Principal, RealUser, ResellerStaff, Tenant, TenantUser,
};
