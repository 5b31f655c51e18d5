//! The generated document tells the truth about its own shape: every operation lists the error
//! answers its shape implies, each as problem+json. Written against the serialised document (not
//! `errors::Shape`), so a route added anywhere — or a change to the modifier — is caught here.

use serde_json::Value;

fn document() -> Value {
    serde_json::to_value(super::spec()).expect("the document serialises")
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// `(method, path, operation)` of every operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                all.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    all
}

fn params<'a>(op: &'a Value, location: &str) -> Vec<&'a Value> {
    op["parameters"]
        .as_array()
        .map(|ps| ps.iter().filter(|p| p["in"] == location).collect())
        .unwrap_or_default()
}

fn is_secured(op: &Value) -> bool {
    op["security"].as_array().is_some_and(|alternatives| {
        !alternatives.is_empty()
            && alternatives
                .iter()
                .all(|a| a.as_object().is_some_and(|o| !o.is_empty()))
    })
}

fn has_json_body(op: &Value) -> bool {
    op["requestBody"]["content"]
        .get("application/json")
        .is_some()
}

#[test]
fn every_operation_lists_the_errors_its_shape_implies() {
    let doc = document();
    let mut missing = Vec::new();
    for (method, path, op) in operations(&doc) {
        let responses = op["responses"].as_object().expect("responses");
        let mut expect = |status: &str, why: &str| {
            if !responses.contains_key(status) {
                missing.push(format!("{method} {path}: no {status} ({why})"));
            }
        };
        if is_secured(&op) {
            expect("401", "it needs a bearer token");
            expect("403", "it needs a bearer token of some role");
        }
        if path.contains('{') {
            expect("404", "it names an object in its path");
        }
        if !params(&op, "query").is_empty() {
            expect("400", "it takes query parameters");
        }
        if has_json_body(&op) {
            for status in ["400", "413", "415", "422"] {
                expect(status, "it takes a JSON body");
            }
        }
        if params(&op, "header")
            .iter()
            .any(|p| p["name"] == "Idempotency-Key")
        {
            for status in ["400", "409", "422"] {
                expect(status, "it takes an Idempotency-Key");
            }
        }
        expect("500", "anything can fail inside");
        if !responses
            .keys()
            .any(|s| s.starts_with('2') || s.starts_with('3'))
        {
            missing.push(format!("{method} {path}: no success answer"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// `Problem`, or a schema that extends it (`allOf` with `Problem`, e.g. the choices of
/// `account_choice_required`).
fn is_problem(doc: &Value, reference: &Value) -> bool {
    let problem = Value::from("#/components/schemas/Problem");
    let Some(name) = reference
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    else {
        return false;
    };
    name == "Problem"
        || doc["components"]["schemas"][name]["allOf"]
            .as_array()
            .is_some_and(|parts| parts.iter().any(|p| p["$ref"] == problem))
}

#[test]
fn every_error_answer_is_a_described_problem() {
    let doc = document();
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    let mut wrong = Vec::new();
    for (method, path, op) in operations(&doc) {
        for (status, response) in op["responses"].as_object().expect("responses") {
            if !(status.starts_with('4') || status.starts_with('5')) {
                continue;
            }
            let content = response["content"].as_object();
            let problem_only = content.is_some_and(|c| {
                c.len() == 1 && is_problem(&doc, &c["application/problem+json"]["schema"]["$ref"])
            });
            if !problem_only {
                wrong.push(format!(
                    "{method} {path} {status}: not problem+json `Problem`"
                ));
            }
            if response["description"]
                .as_str()
                .unwrap_or("")
                .trim()
                .is_empty()
            {
                wrong.push(format!("{method} {path} {status}: no description"));
            }
            if status == "429" && response["headers"].get("Retry-After").is_none() {
                wrong.push(format!("{method} {path} 429: no Retry-After header"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn operation_ids_are_unique_and_path_parameters_declared() {
    let doc = document();
    let mut seen = std::collections::BTreeMap::new();
    let mut wrong = Vec::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap_or_default().to_string();
        if id.is_empty() {
            wrong.push(format!("{method} {path}: no operationId"));
        } else if let Some(other) = seen.insert(id.clone(), format!("{method} {path}")) {
            wrong.push(format!(
                "{method} {path}: operationId `{id}` also on {other}"
            ));
        }
        let declared: Vec<&str> = params(&op, "path")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for segment in path.split('/').filter(|s| s.starts_with('{')) {
            let name = segment.trim_start_matches('{').trim_end_matches('}');
            if !declared.contains(&name) {
                wrong.push(format!(
                    "{method} {path}: path parameter `{name}` undeclared"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_list_and_idempotent_create_states_the_bounds_the_server_checks() {
    let doc = document();
    let mut wrong = Vec::new();
    for (method, path, op) in operations(&doc) {
        for p in params(&op, "query") {
            let schema = &p["schema"];
            match p["name"].as_str() {
                Some("limit") if schema["minimum"] != 1.0 || schema["maximum"] != 200.0 => {
                    wrong.push(format!("{method} {path}: `limit` is not 1 to 200"))
                }
                Some("cursor") if schema["pattern"].as_str().is_none() => {
                    wrong.push(format!("{method} {path}: `cursor` has no pattern"))
                }
                Some("from" | "to") if schema["pattern"].as_str().is_none() => {
                    wrong.push(format!("{method} {path}: a day filter has no pattern"))
                }
                _ => {}
            }
        }
        for p in params(&op, "header") {
            if p["name"] == "Idempotency-Key"
                && (p["schema"]["minLength"] != 1 || p["schema"]["maxLength"] != 255)
            {
                wrong.push(format!("{method} {path}: Idempotency-Key is not 1 to 255"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn request_bodies_state_required_fields_formats_and_enums() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let required = |name: &str| -> Vec<String> {
        schemas[name]["required"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|f| f.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    // What each create must carry, as the server's validation requires it.
    for (schema, fields) in [
        ("LoginRequest", &["email", "password"][..]),
        (
            "CandidateCreate",
            &["project_id", "first_name", "last_name", "email"],
        ),
        ("ClientCreate", &["name", "contact_name", "contact_email"]),
        ("ClientUserCreate", &["name", "email"]),
        ("CreditOrderCreate", &["client_code", "credits"]),
        ("ProjectCreate", &["name", "tests"]),
        ("WebhookCreate", &["url", "events"]),
    ] {
        let have = required(schema);
        for field in fields {
            assert!(
                have.iter().any(|f| f == field),
                "{schema}.{field} is not required"
            );
        }
    }
    // Every email a create takes says so.
    for (schema, field) in [
        ("CandidateCreate", "email"),
        ("ClientCreate", "contact_email"),
        ("ClientUserCreate", "email"),
        ("ResellerCreate", "contact_email"),
        ("ResellerUserCreate", "email"),
    ] {
        assert_eq!(
            schemas[schema]["properties"][field]["format"], "email",
            "{schema}.{field}"
        );
    }
    assert_eq!(
        schemas["WebhookCreate"]["properties"]["url"]["format"],
        "uri"
    );
    // The events a webhook may name are the enum the server checks against.
    let events: Vec<&str> = schemas["WebhookEvent"]["enum"]
        .as_array()
        .expect("WebhookEvent is an enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let words: Vec<&str> = credence_shared::WebhookEvent::ALL
        .iter()
        .map(|e| e.as_str())
        .collect();
    assert_eq!(events, words);
    // Names are bounded as `domain::values::required_text` bounds them.
    let first_name = &schemas["CandidateCreate"]["properties"]["first_name"];
    assert_eq!(first_name["minLength"], 1);
    assert_eq!(first_name["maxLength"], 100);
}

/// Every POST that creates something (answers 201) takes an `Idempotency-Key`, so a partner
/// can retry any create safely; a new create endpoint without it fails here. The ATS
/// connectors' endpoints follow each ATS's own contract (a repeat is recognised by the
/// application, not by a header).
#[test]
fn every_create_takes_an_idempotency_key() {
    let doc = document();
    let missing: Vec<String> = operations(&doc)
        .into_iter()
        .filter(|(method, path, op)| {
            method == "POST"
                && op["responses"].get("201").is_some()
                && !path.starts_with("/api/v1/ats/")
        })
        .filter(|(_, _, op)| {
            !params(op, "header")
                .iter()
                .any(|p| p["name"] == "Idempotency-Key")
        })
        .map(|(_, path, _)| path)
        .collect();
    assert!(
        missing.is_empty(),
        "creates without Idempotency-Key: {missing:?}"
    );
}
