//! The document's `webhooks` section (OpenAPI 3.1): one entry per event a webhook may subscribe
//! to, plus `ping`, each with its envelope, the `$ref` of its `data` schema (the payload types
//! of `credence_shared::events`, which the server serializes), who receives it and an example.
//! utoipa 5 has no builder for this section, so it is written as JSON into the document's
//! top-level fields.

use chrono::{TimeZone, Utc};
use credence_shared::events::{
    ClientEvent, CreditOrderEvent, CreditsLowEvent, EventEnvelope, InvitationEvent, InvoiceEvent,
    PingEvent,
};
use credence_shared::{CreditOrderKind, InvoiceKind, WebhookEvent};
use serde::Serialize;
use serde_json::{json, Value};

/// `data`'s schema and an example of it, for each event.
fn payload(event: WebhookEvent) -> (&'static str, Value) {
    let invitation = || {
        to_value(InvitationEvent {
            candidate_id: "0194f3a2-6c1e-7a10-9d2b-3c4d5e6f7a81".into(),
            invitation_id: "0194f3a2-6c1e-7a10-9d2b-3c4d5e6f7a82".into(),
            project_id: "0194f3a2-6c1e-7a10-9d2b-3c4d5e6f7a83".into(),
            client_id: "0194f3a2-6c1e-7a10-9d2b-3c4d5e6f7a84".into(),
        })
    };
    match event {
        WebhookEvent::CandidateInvited
        | WebhookEvent::CandidateStarted
        | WebhookEvent::CandidateCompleted
        | WebhookEvent::InvitationCancelled
        | WebhookEvent::InvitationExpired => ("InvitationEvent", invitation()),
        WebhookEvent::ClientCreated => (
            "ClientEvent",
            to_value(ClientEvent {
                client_id: "0194f3a2-6c1e-7a10-9d2b-3c4d5e6f7a84".into(),
                client_code: "ACME-7K2Q".into(),
                client_name: "Acme Recruitment".into(),
            }),
        ),
        WebhookEvent::ClientCreditsLow => (
            "CreditsLowEvent",
            to_value(CreditsLowEvent {
                client_id: "0194f3a2-6c1e-7a10-9d2b-3c4d5e6f7a84".into(),
                client_code: "ACME-7K2Q".into(),
                credit_balance: 8,
                credit_threshold: 10,
            }),
        ),
        WebhookEvent::CreditOrderCreated => (
            "CreditOrderEvent",
            to_value(CreditOrderEvent {
                credit_order_id: "0194f3a2-6c1e-7a10-9d2b-3c4d5e6f7a85".into(),
                client_id: "0194f3a2-6c1e-7a10-9d2b-3c4d5e6f7a84".into(),
                client_code: "ACME-7K2Q".into(),
                kind: CreditOrderKind::Order,
                credits: 200,
                amount_minor: Some(80_000),
                currency: Some("GBP".into()),
            }),
        ),
        WebhookEvent::InvoiceIssued => (
            "InvoiceEvent",
            to_value(InvoiceEvent {
                invoice_id: "0194f3a2-6c1e-7a10-9d2b-3c4d5e6f7a86".into(),
                kind: InvoiceKind::Invoice,
                number: "INV-000042".into(),
                period: "2026-11".into(),
                currency: "GBP".into(),
                total_minor: 80_000,
            }),
        ),
    }
}

fn to_value<T: Serialize>(data: T) -> Value {
    serde_json::to_value(data).unwrap_or(Value::Null)
}

fn audience(event: WebhookEvent) -> &'static str {
    match event {
        WebhookEvent::CreditOrderCreated => {
            "Sent to the reseller's webhooks and the client's own; `amount_minor` and `currency` (what the vendor bills the reseller) to the reseller's only."
        }
        e if e.for_clients() => "Sent to the reseller's webhooks and the client's own.",
        _ => "Sent to the reseller's webhooks only.",
    }
}

/// One webhook entry: a POST the platform makes, with the envelope around `data`.
fn entry(name: &str, summary: &str, description: &str, schema: &str, data: Value) -> Value {
    let example = EventEnvelope {
        id: "0194f3a2-7000-7b20-8c3d-4e5f6a7b8c9d".into(),
        kind: name.to_string(),
        created_at: Utc
            .with_ymd_and_hms(2026, 11, 30, 9, 15, 0)
            .single()
            .unwrap_or_default(),
        data,
    };
    json!({
        "post": {
            "operationId": format!("webhook_{}", name.replace('.', "_")),
            "tags": ["webhooks"],
            "summary": summary,
            "description": format!(
                "{description} Signed with the webhook's secret: `Credence-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of \"t.body\">`; `Credence-Delivery` is the delivery's id (the envelope's `id`)."
            ),
            "requestBody": {
                "required": true,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["id", "type", "created_at", "data"],
                            "properties": {
                                "id": { "type": "string", "description": "The delivery's id; a redelivery has its own." },
                                "type": { "type": "string", "const": name },
                                "created_at": { "type": "string", "format": "date-time" },
                                "data": { "$ref": format!("#/components/schemas/{schema}") }
                            }
                        },
                        "example": to_value(example)
                    }
                }
            },
            "responses": {
                "2XX": { "description": "Received. Any other answer, or none within 10 s, is retried with backoff." }
            }
        }
    })
}

/// Writes the `webhooks` section.
pub fn document(spec: &mut utoipa::openapi::OpenApi) {
    let mut hooks = serde_json::Map::new();
    for &event in WebhookEvent::ALL {
        let (schema, data) = payload(event);
        hooks.insert(
            event.as_str().to_string(),
            entry(
                event.as_str(),
                event.description(),
                audience(event),
                schema,
                data,
            ),
        );
    }
    hooks.insert(
        "ping".into(),
        entry(
            "ping",
            "A test event",
            "Sent by `POST /webhooks/{id}/test` to that webhook only, whatever it subscribes to.",
            "PingEvent",
            to_value(PingEvent {
                webhook_id: "0194f3a2-6c1e-7a10-9d2b-3c4d5e6f7a87".into(),
                message: "A test event from Credence: your endpoint is reachable.".into(),
            }),
        ),
    );
    // The one top-level field written this way, so the document's order stays fixed.
    spec.extensions
        .get_or_insert_with(Default::default)
        .insert("webhooks".into(), Value::Object(hooks));
}
