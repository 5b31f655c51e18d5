//! The ATS connector extractors: the credential a client's connector gave its ATS, sent the
//! way that ATS sends it — Greenhouse: HTTP Basic with the credential as the username (the
//! password empty); Workable: `Authorization: Bearer`. The connector found is the tenant.
//! Anything else (no header, another scheme, an unknown or disabled credential, another
//! ATS's credential, a suspended client) is one 401 `invalid_credential`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use credence_shared::AtsKind;

use crate::domain::ats::{self, Connector};
use crate::error::ApiError;
use crate::state::AppState;

/// The credential in the request's `Authorization` header, read as `kind` sends it.
fn credential(req: &HttpRequest, kind: AtsKind) -> Option<String> {
    let header = req.headers().get("authorization")?.to_str().ok()?.trim();
    let (scheme, value) = header.split_once(' ')?;
    let value = value.trim();
    match kind {
        AtsKind::Greenhouse if scheme.eq_ignore_ascii_case("basic") => {
            let decoded = String::from_utf8(STANDARD.decode(value).ok()?).ok()?;
            let user = decoded.split_once(':').map_or(decoded.as_str(), |(u, _)| u);
            Some(user.to_string())
        }
        AtsKind::Workable if scheme.eq_ignore_ascii_case("bearer") => Some(value.to_string()),
        _ => None,
    }
}

fn extract(
    req: &HttpRequest,
    kind: AtsKind,
) -> Pin<Box<dyn Future<Output = Result<Connector, ApiError>>>> {
    let found = credential(req, kind);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    Box::pin(async move {
        let Some(credential) = found else {
            return Err(ats::missing_credential());
        };
        let state = state.ok_or_else(|| ApiError::internal("no application state"))?;
        state
            .db
            .run(move |conn| ats::authenticate(conn, kind, &credential))
            .await
    })
}

/// A request from Greenhouse for one client's connector.
pub struct GreenhouseConnector(pub Connector);

impl FromRequest for GreenhouseConnector {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let connector = extract(req, AtsKind::Greenhouse);
        Box::pin(async move { connector.await.map(GreenhouseConnector) })
    }
}

/// A request from Workable for one client's connector.
pub struct WorkableConnector(pub Connector);

impl FromRequest for WorkableConnector {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let connector = extract(req, AtsKind::Workable);
        Box::pin(async move { connector.await.map(WorkableConnector) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn each_ats_sends_the_credential_its_own_way() {
        let basic = TestRequest::default()
            .insert_header((
                "authorization",
                format!("Basic {}", STANDARD.encode("ats_key:")),
            ))
            .to_http_request();
        assert_eq!(
            credential(&basic, AtsKind::Greenhouse).as_deref(),
            Some("ats_key")
        );
        assert_eq!(credential(&basic, AtsKind::Workable), None);
        let bearer = TestRequest::default()
            .insert_header(("authorization", "Bearer ats_key"))
            .to_http_request();
        assert_eq!(
            credential(&bearer, AtsKind::Workable).as_deref(),
            Some("ats_key")
        );
        assert_eq!(credential(&bearer, AtsKind::Greenhouse), None);
    }
}
