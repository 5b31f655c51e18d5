//! The OpenAPI document: `ApiDoc` holds what is not on a handler (title, bearer scheme, tags);
//! the paths are collected from the handlers registered in `routes::configure`.

use actix_web::App;
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
        (name = "webhooks", description = "Event subscriptions: `client.credits_low`, `candidate.completed`; each webhook's delivery log, redelivery and a `ping` test event [reseller; client users]"),
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
    }
}

/// The whole document: `ApiDoc` plus every path registered under `/api/v1`.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::routes::configure))
        .split_for_parts();
    spec
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
