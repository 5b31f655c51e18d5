//! The error answers an operation's shape implies, added to every operation of the document in
//! one place, so a new route cannot forget them: a bearer token → 401 and 403, a path id → 404,
//! query parameters → 400, a JSON body → 400, 413, 415 and 422, an `Idempotency-Key` → 400, 409
//! and 422, and 500 everywhere. What only some routes answer (402, 404 of a referenced object,
//! 409, 429) stays on their `#[utoipa::path]`. Every 4xx and 5xx is `application/problem+json`.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{
    ContentBuilder, Object, OpenApi, Ref, RefOr, Response, ResponseBuilder, Type,
};
use utoipa::Modify;

use crate::routes::problem::PROBLEM_JSON;

/// The header that makes a POST idempotent (`routes::idempotency`).
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Adds the implied error answers to every operation (see the module documentation).
pub struct StandardErrors;

/// What an operation looks like from outside, as far as its possible errors go.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub authenticated: bool,
    pub path_id: bool,
    pub query: bool,
    pub json_body: bool,
    pub other_body: bool,
    pub idempotency_key: bool,
}

impl Shape {
    pub fn of(path: &str, operation: &Operation) -> Shape {
        let parameters = operation.parameters.as_deref().unwrap_or_default();
        let body_types: Vec<&String> = operation
            .request_body
            .iter()
            .flat_map(|b| b.content.keys())
            .collect();
        Shape {
            authenticated: operation.security.as_ref().is_some_and(|alternatives| {
                !alternatives.is_empty() && !alternatives.contains(&SecurityRequirement::default())
            }),
            path_id: path.contains('{'),
            query: parameters
                .iter()
                .any(|p| p.parameter_in == ParameterIn::Query),
            json_body: body_types.iter().any(|t| t.as_str() == "application/json"),
            other_body: body_types.iter().any(|t| t.as_str() != "application/json"),
            idempotency_key: parameters.iter().any(|p| {
                p.parameter_in == ParameterIn::Header
                    && p.name.eq_ignore_ascii_case(IDEMPOTENCY_KEY)
            }),
        }
    }

    /// Each status this shape can answer, with the problem codes behind it.
    pub fn implied(self) -> Vec<(u16, String)> {
        let mut implied: Vec<(u16, Vec<&str>)> = Vec::new();
        let mut add = |status: u16, codes: &[&'static str]| match implied
            .iter_mut()
            .find(|(s, _)| *s == status)
        {
            Some((_, existing)) => existing.extend_from_slice(codes),
            None => implied.push((status, codes.to_vec())),
        };
        if self.json_body {
            add(
                400,
                &["malformed_json", "json_object_expected", "invalid_body"],
            );
        }
        if self.query {
            add(400, &["invalid_query"]);
        }
        if self.idempotency_key {
            add(400, &["invalid_idempotency_key"]);
        }
        if self.authenticated {
            add(401, &["missing_token", "invalid_token", "session_ended"]);
            add(403, &["forbidden"]);
        }
        if self.path_id {
            add(404, &["not_found"]);
        }
        if self.idempotency_key {
            add(409, &["conflict", "idempotency_replay_unavailable"]);
        }
        if self.json_body || self.other_body {
            add(413, &["payload_too_large"]);
        }
        if self.json_body {
            add(415, &["unsupported_media_type"]);
            add(422, &["validation_failed"]);
        }
        if self.idempotency_key {
            add(422, &["idempotency_key_reused"]);
        }
        add(500, &["internal_error"]);
        implied.sort_by_key(|(status, _)| *status);
        implied
            .into_iter()
            .map(|(status, codes)| {
                let codes: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
                (status, codes.join(", "))
            })
            .collect()
    }
}

/// A problem+json answer with the shared `Problem` schema.
pub fn problem_response(description: impl Into<String>) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

fn retry_after() -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Object::with_type(Type::Integer))
        .description(Some("Seconds to wait before trying again."))
        .build()
}

fn is_error(status: &str) -> bool {
    status.starts_with('4') || status.starts_with('5')
}

/// Makes an error answer a route declared itself look like the implied ones: problem+json with
/// the `Problem` schema and a description (`Retry-After` on a 429).
fn normalise(status: &str, response: &mut Response) {
    if response.content.is_empty() {
        response.content.insert(
            PROBLEM_JSON.to_string(),
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        );
    }
    if response.description.trim().is_empty() {
        response.description = standard_description(status).to_string();
    }
    if status == "429" && !response.headers.contains_key("Retry-After") {
        response
            .headers
            .insert("Retry-After".to_string(), retry_after());
    }
}

fn standard_description(status: &str) -> &'static str {
    match status {
        "400" => "The request could not be read",
        "401" => "No valid bearer token, or its session has ended",
        "402" => "`insufficient_credits`",
        "403" => "This role may never do this",
        "404" => "`not_found`: no such object in the caller's tenant",
        "409" => "The object's state does not allow this",
        "413" => "`payload_too_large`",
        "415" => "`unsupported_media_type`",
        "422" => "`validation_failed`: one entry in `errors` per bad field",
        "429" => "`rate_limited`: try again after `Retry-After` seconds",
        "500" => "`internal_error`: never carries internal details",
        _ => "An error",
    }
}

fn title(status: u16) -> &'static str {
    actix_web::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error")
}

fn add_implied(path: &str, operation: &mut Operation) {
    let shape = Shape::of(path, operation);
    for (status, codes) in shape.implied() {
        let key = status.to_string();
        operation.responses.responses.entry(key).or_insert_with(|| {
            RefOr::T(problem_response(format!("{}: {codes}", title(status))).build())
        });
    }
    for (status, response) in operation.responses.responses.iter_mut() {
        if let (true, RefOr::T(response)) = (is_error(status), response) {
            normalise(status, response);
        }
    }
}

impl Modify for StandardErrors {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
                &mut item.trace,
            ]
            .into_iter()
            .flatten()
            {
                add_implied(path, operation);
            }
        }
    }
}
