//! The OpenAPI document: `ApiDoc` holds what is not on a handler (title, bearer scheme, tags);
//! the paths are collected from the handlers registered in `routes::configure`, and `errors`
//! adds the error answers each operation's shape implies.

pub mod errors;
pub mod events;
pub mod parameters;

use actix_web::App;
use credence_shared::problem::{FieldError, Problem};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Credence API",
        description = "White-label online assessment platform: vendor admin, resellers, clients, candidates. \
                       Every error is an RFC 9457 `application/problem+json` document with a stable `code`.",
        license(name = "MIT"),
    ),
    modifiers(&BearerScheme),
    components(schemas(
        Problem,
        FieldError,
        credence_shared::events::InvitationEvent,
        credence_shared::events::ClientEvent,
        credence_shared::events::CreditsLowEvent,
        credence_shared::events::CreditOrderEvent,
        credence_shared::events::InvoiceEvent,
        credence_shared::events::PingEvent,
    )),
    tags(
        (name = "auth", description = "Sign in, tokens, passwords"),
        (name = "admin", description = "Vendor administration [platform_admin]"),
        (name = "audit", description = "Audit log"),
        (name = "reseller", description = "The reseller's own account [reseller]"),
        (name = "clients", description = "Clients, logos, the credit ledger [reseller; client users read their own]"),
        (name = "client users", description = "Client users and Login As [reseller; client users for their colleagues]"),
        (name = "credits", description = "Credit orders and invoices [reseller]"),
        (name = "projects", description = "The test catalogue, projects, results, CSV import [reseller: all its clients; client users: own client]"),
        (name = "candidates", description = "Candidates and invitations [reseller: status only; client users: scores]"),
        (name = "candidate", description = "The candidates' test area [candidate]"),
        (name = "webhooks", description = "Event subscriptions (every event and its payload: the `webhooks` section); each webhook's delivery log, redelivery and a `ping` test event [reseller; client users]"),
        (name = "analytics", description = "Usage analytics with CSV siblings: credits per month, the invitation funnel, run-out forecast, score distributions, revenue [reseller: its clients; client users: own client; platform_admin: revenue]"),
        (name = "ats", description = "ATS connectors: a client user enables one per applicant tracking system (`/ats-connectors`); Greenhouse (`/ats/greenhouse/…`, HTTP Basic: the credential as the username) and Workable (`/ats/workable/…`, Bearer: the credential) call their assessment-partner endpoints with it, in their own field names [client users; the connector's credential]"),
        (name = "public", description = "No authentication"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "greenhouse",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "An ATS connector's credential as the username, the password empty",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "workable",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An ATS connector's credential"))
                    .build(),
            ),
        );
    }
}

/// The whole document: `ApiDoc` plus every path registered under `/api/v1`.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, mut spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::routes::configure))
        .split_for_parts();
    document_key_scopes(&mut spec);
    // After the paths are in: `ApiDoc`'s own modifiers run before any path is collected.
    errors::StandardErrors.modify(&mut spec);
    parameters::SharedParameters.modify(&mut spec);
    events::document(&mut spec);
    spec
}

/// Every operation that takes a bearer token says what an API key's token needs for it
/// (`x-api-key-scope` and a sentence), read from `auth::key_scopes` so the document cannot
/// drift from the check, and lists the 403 a key without it gets.
fn document_key_scopes(spec: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::extensions::ExtensionsBuilder;
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

    use crate::auth::key_scopes::{self, KeyAccess};

    for (path, item) in spec.paths.paths.iter_mut() {
        let route = path.strip_prefix("/api/v1").unwrap_or(path).to_string();
        for (method, operation) in [
            ("GET", &mut item.get),
            ("POST", &mut item.post),
            ("PUT", &mut item.put),
            ("PATCH", &mut item.patch),
            ("DELETE", &mut item.delete),
        ] {
            let Some(operation) = operation else { continue };
            if operation.security.as_ref().is_none_or(|s| s.is_empty()) {
                continue;
            }
            // An ATS connector's credential is not an API key: nothing to say about keys.
            if path.starts_with("/api/v1/ats/") {
                continue;
            }
            let access = key_scopes::required(method, &route);
            let sentence = match access {
                KeyAccess::Scope(scope) => format!("API keys: needs the `{scope}` scope."),
                KeyAccess::AnyKey => "API keys: any key's token.".to_string(),
                KeyAccess::Never => {
                    "API keys: never, whatever their scopes (a person must sign in).".to_string()
                }
            };
            operation.description = Some(match operation.description.take() {
                Some(text) if !text.is_empty() => format!("{text}\n\n{sentence}"),
                _ => sentence,
            });
            let extension = ExtensionsBuilder::new()
                .add("x-api-key-scope", access.as_str())
                .build();
            match &mut operation.extensions {
                Some(extensions) => extensions.merge(extension),
                None => operation.extensions = Some(extension),
            }
            if access != KeyAccess::Never {
                operation
                    .responses
                    .responses
                    .entry("429".to_string())
                    .or_insert_with(|| {
                        ResponseBuilder::new()
                            .description(
                                "`rate_limited`: an API key's requests per minute are used up \
                                 (its answers carry `RateLimit-Limit`, `RateLimit-Remaining` and \
                                 `RateLimit-Reset`); try again after `Retry-After` seconds",
                            )
                            .build()
                            .into()
                    });
            }
            if access != KeyAccess::AnyKey {
                operation
                    .responses
                    .responses
                    .entry("403".to_string())
                    .or_insert_with(|| {
                        ResponseBuilder::new()
                            .description(
                                "`insufficient_scope` or `api_key_not_allowed`: an API key's \
                                 token that may not do this",
                            )
                            .content(
                                "application/problem+json",
                                ContentBuilder::new()
                                    .schema(Some(Ref::from_schema_name("Problem")))
                                    .build(),
                            )
                            .build()
                            .into()
                    });
            }
        }
    }
}

/// What `credence openapi` prints and `openapi.yaml` holds.
pub fn yaml() -> String {
    spec()
        .to_yaml()
        .expect("the OpenAPI document serialises to YAML")
}

impl ApiDoc {
    /// The base document handlers are merged into when the server builds its routes.
    pub fn openapi_base() -> utoipa::openapi::OpenApi {
        <ApiDoc as OpenApi>::openapi()
    }
}

#[cfg(test)]
mod tests;
