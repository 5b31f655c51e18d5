//! Who is calling: the bearer-token extractor and the role guards built on it.
//!
//! Handlers never check roles by hand: they ask for `PlatformAdmin`, `ResellerStaff` or
//! `AnyUser`, and the extractor answers 401/403 before the handler runs.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};
use credence_shared::{ApiKeyScope, Role};

use super::key_scopes::{self, KeyAccess};
use crate::domain::audit::{self, AuditActor};
use crate::domain::key_limits::{self, Allowance};
use crate::domain::reseller_users::StaffView;
use crate::domain::sessions;
use crate::error::{ApiError, Failure};
use crate::state::AppState;

/// A caller with a valid access token for a live session of an active user.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: String,
    /// The user's name and email as the session check found them (cached with the session).
    pub name: String,
    pub email: String,
    pub role: Role,
    pub reseller_id: Option<String>,
    pub client_id: Option<String>,
    pub session_id: String,
    /// Set in a Login As session: the reseller user acting as `user_id`.
    pub impersonator_id: Option<String>,
    pub ip: Option<String>,
    /// Set for a token from `POST /auth/token`: the API key behind it and its scopes.
    pub api_key: Option<KeyGrant>,
}

/// The API key a token was exchanged for, as the session row says (never the token's word).
#[derive(Debug, Clone)]
pub struct KeyGrant {
    pub api_key_id: String,
    pub scopes: Vec<ApiKeyScope>,
}

impl Principal {
    pub fn audit_actor(&self) -> AuditActor {
        AuditActor {
            user_id: Some(self.user_id.clone()),
            impersonator_id: self.impersonator_id.clone(),
            ip: self.ip.clone(),
        }
    }

    /// Refuses a key's token that may not do `access` (a person's token may do anything its
    /// role allows): 403 `api_key_not_allowed` or `insufficient_scope`, naming the scope.
    pub fn allow(&self, access: KeyAccess) -> Result<(), ApiError> {
        let Some(key) = &self.api_key else {
            return Ok(());
        };
        match access {
            KeyAccess::AnyKey => Ok(()),
            KeyAccess::Scope(scope) if key.scopes.contains(&scope) => Ok(()),
            KeyAccess::Scope(scope) => Err(ApiError::new(
                Failure::Forbidden,
                "insufficient_scope",
                format!(
                    "This API key lacks the `{scope}` scope. Create a key with it (its owner \
                     may, on the Integrations page)."
                ),
            )),
            KeyAccess::Never => Err(ApiError::new(
                Failure::Forbidden,
                "api_key_not_allowed",
                "API keys may never do this, whatever their scopes: a person must sign in.",
            )),
        }
    }

    /// Needs `scope` when the token is a key's (see `auth::key_scopes`; for a need that only
    /// the request body shows).
    pub fn require_scope(&self, scope: ApiKeyScope) -> Result<(), ApiError> {
        self.allow(KeyAccess::Scope(scope))
    }
}

/// The client's IP address, for throttling and the audit trail: the one place that decides it
/// (behind trusted proxies, from their forwarding header; see `auth::peer`).
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    let peer = req.peer_addr().map(|addr| addr.ip());
    match req.app_data::<web::Data<AppState>>() {
        Some(state) => super::peer::client_ip(
            peer,
            req.headers(),
            &state.config.trusted_proxies,
            state.config.proxy_header,
        ),
        None => peer,
    }
    .map(|ip| ip.to_string())
}

/// The host the client asked for (`Host`, or a trusted proxy's forwarded host).
pub fn client_host(req: &HttpRequest) -> Option<String> {
    let peer = req.peer_addr().map(|addr| addr.ip());
    let state = req.app_data::<web::Data<AppState>>()?;
    super::peer::client_host(
        peer,
        req.headers(),
        req.uri().host(),
        &state.config.trusted_proxies,
        state.config.proxy_header,
    )
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// What a request is, for the Login As trail and the API-key table: method, path, and the
/// route pattern under `/api/v1`.
struct RequestLine {
    method: String,
    path: String,
    route: String,
}

impl RequestLine {
    fn of(req: &HttpRequest) -> RequestLine {
        let path = req.path().to_string();
        let pattern = req.match_pattern().unwrap_or_else(|| path.clone());
        RequestLine {
            method: req.method().to_string(),
            route: pattern
                .strip_prefix("/api/v1")
                .unwrap_or(&pattern)
                .to_string(),
            path,
        }
    }
}

async fn authenticate(
    state: Option<web::Data<AppState>>,
    token: Option<String>,
    ip: Option<String>,
    request: RequestLine,
    http: HttpRequest,
) -> Result<Principal, ApiError> {
    let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
    let token = token.ok_or_else(|| {
        ApiError::unauthorized(
            "missing_token",
            "Sign in: this endpoint needs a bearer token.",
        )
    })?;
    let claims = state.keys.decode(&token)?;
    // A session this process vouches for from memory costs no database work at all (never a
    // Login As session: each of its requests is audit-logged).
    let known = match &claims.act {
        None => sessions::cached(&state.sessions, &claims.sid, &claims.sub),
        Some(_) => None,
    };
    let live = match known {
        Some(access) => Some(access),
        None => {
            let (sid, sub) = (claims.sid.clone(), claims.sub.clone());
            let impersonator = claims.act.as_ref().map(|a| a.sub.clone());
            let audit_ip = ip.clone();
            let trail = (request.method.clone(), request.path.clone());
            let cached = state.clone();
            state
                .db
                .run(move |conn| {
                    let Some(access) = sessions::check(conn, &cached.sessions, &sid, &sub)? else {
                        return Ok(None);
                    };
                    // Login As: every request is audit-logged with both identities.
                    if let Some(impersonator) = impersonator {
                        audit::record_login_as_request(
                            conn,
                            &AuditActor {
                                user_id: Some(sub.clone()),
                                impersonator_id: Some(impersonator),
                                ip: audit_ip,
                            },
                            &sid,
                            access.client_id.as_deref(),
                            &trail.0,
                            &trail.1,
                        )?;
                    }
                    Ok(Some(access))
                })
                .await?
        }
    };
    let Some(access) = live else {
        return Err(ApiError::unauthorized(
            "session_ended",
            "This session has ended. Sign in again.",
        ));
    };
    let principal = Principal {
        user_id: claims.sub,
        name: access.name,
        email: access.email,
        role: claims.role,
        reseller_id: claims.reseller_id,
        client_id: claims.client_id,
        session_id: claims.sid,
        impersonator_id: claims.act.map(|a| a.sub),
        ip,
        api_key: access
            .api_key
            .map(|(api_key_id, scopes)| KeyGrant { api_key_id, scopes }),
    };
    // Authorisation of keys in one place: the scope this operation needs, from one table.
    principal.allow(key_scopes::required(&request.method, &request.route))?;
    if let Some(key) = &principal.api_key {
        limit_key(&state, &http, &key.api_key_id).await?;
    }
    Ok(principal)
}

/// A key's token spends one token of the key's bucket per request (however many extractors
/// ask), and is refused with 429 once the bucket is empty; the headers say where it stands.
async fn limit_key(
    state: &web::Data<AppState>,
    http: &HttpRequest,
    api_key_id: &str,
) -> Result<(), ApiError> {
    let known = http.extensions().get::<Allowance>().copied();
    let allowance = match known {
        Some(a) => a,
        None => {
            let id = api_key_id.to_string();
            let a = state
                .db
                .run(move |conn| key_limits::take(conn, &id))
                .await?;
            http.extensions_mut().insert(a);
            a
        }
    };
    match allowance.retry_after_secs {
        Some(retry_after_secs) => Err(ApiError::RateLimited { retry_after_secs }),
        None => Ok(()),
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Principal, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(
            req.app_data::<web::Data<AppState>>().cloned(),
            bearer(req),
            client_ip(req),
            RequestLine::of(req),
            req.clone(),
        ))
    }
}

/// Declares a guard extractor: a `Principal` that passes `allowed`, else 403.
macro_rules! role_guard {
    ($(#[$doc:meta])* $name:ident, $allowed:expr, $refusal:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Principal);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Pin<Box<dyn Future<Output = Result<$name, ApiError>>>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let principal = Principal::from_request(req, payload);
                Box::pin(async move {
                    let principal = principal.await?;
                    let allowed: fn(&Principal) -> bool = $allowed;
                    if allowed(&principal) {
                        Ok($name(principal))
                    } else {
                        Err(ApiError::forbidden($refusal))
                    }
                })
            }
        }
    };
}

role_guard!(
    /// The vendor's staff.
    PlatformAdmin,
    |p| p.role == Role::PlatformAdmin,
    "Only the platform's administrators may do this."
);
role_guard!(
    /// A reseller's staff, acting for themselves (never inside a Login As session).
    ResellerStaff,
    |p| p.role == Role::Reseller && p.reseller_id.is_some() && p.impersonator_id.is_none(),
    "Only reseller users may do this."
);
impl ResellerStaff {
    /// The reseller this person works for (every reseller user has one; the guard checked it).
    pub fn reseller_id(&self) -> Result<String, ApiError> {
        self.0
            .reseller_id
            .clone()
            .ok_or_else(|| ApiError::forbidden("Only reseller users may do this."))
    }

    /// The tenant scope of a reseller's staff: all of the reseller's clients.
    pub fn tenant(&self) -> Result<Tenant, ApiError> {
        Ok(Tenant::Reseller {
            reseller_id: self.reseller_id()?,
        })
    }
}

role_guard!(
    /// Any signed-in user except candidates.
    AnyUser,
    |p| p.role != Role::Candidate,
    "Candidates may not do this."
);

role_guard!(
    /// Anyone but a Login As session: changing passwords, emails or API keys, or starting a
    /// Login As, needs the real person.
    RealUser,
    |p| p.role != Role::Candidate && p.impersonator_id.is_none(),
    "This is not allowed while viewing as another user (Login As)."
);

pub use crate::domain::tenant::Tenant;

/// A reseller user or client user, with the tenant their token scopes them to.
#[derive(Debug, Clone)]
pub struct TenantUser {
    pub principal: Principal,
    pub tenant: Tenant,
}

impl FromRequest for TenantUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<TenantUser, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        Box::pin(async move {
            let principal = principal.await?;
            let tenant = match (principal.role, &principal.reseller_id, &principal.client_id) {
                (Role::Reseller, Some(reseller_id), _) => Tenant::Reseller {
                    reseller_id: reseller_id.clone(),
                },
                (Role::ClientUser, _, Some(client_id)) => Tenant::Client {
                    client_id: client_id.clone(),
                },
                _ => {
                    return Err(ApiError::forbidden(
                        "Only reseller users and client users may do this.",
                    ))
                }
            };
            Ok(TenantUser { principal, tenant })
        })
    }
}

/// Who may manage reseller users: the vendor's staff (any reseller's) or a reseller's own staff
/// (their colleagues), never inside a Login As session.
#[derive(Debug, Clone)]
pub struct StaffManager {
    pub principal: Principal,
    pub view: StaffView,
}

impl FromRequest for StaffManager {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<StaffManager, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        Box::pin(async move {
            let principal = principal.await?;
            let view = match (principal.role, &principal.reseller_id) {
                _ if principal.impersonator_id.is_some() => None,
                (Role::PlatformAdmin, _) => Some(StaffView::All),
                (Role::Reseller, Some(reseller_id)) => {
                    Some(StaffView::Reseller(reseller_id.clone()))
                }
                _ => None,
            };
            match view {
                Some(view) => Ok(StaffManager { principal, view }),
                None => Err(ApiError::forbidden(
                    "Only reseller users and the platform's administrators may manage reseller users.",
                )),
            }
        })
    }
}

/// A candidate in the test area, signed in by magic link or access key.
#[derive(Debug, Clone)]
pub struct CandidateUser(pub crate::domain::test_area::CandidatePrincipal);

impl FromRequest for CandidateUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<CandidateUser, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let token = token.ok_or_else(|| {
                ApiError::unauthorized(
                    "missing_token",
                    "Open the link from your invitation to start.",
                )
            })?;
            let claims = state.keys.decode(&token)?;
            if claims.role != Role::Candidate {
                return Err(ApiError::forbidden("This is the candidates' test area."));
            }
            let who = state
                .db
                .run(move |conn| {
                    crate::domain::test_area::principal(conn, &claims.sub, &claims.sid)
                })
                .await?;
            Ok(CandidateUser(who))
        })
    }
}
