//! What a webhook delivery carries: the envelope and each event's `data`, typed so that what is
//! sent is what the OpenAPI document's `webhooks` section describes. A client's own webhooks
//! never receive the reseller's money (`CreditOrderEvent` without its amount) nor the
//! reseller-only events (`WebhookEvent::for_clients`); no event carries scores.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{CreditOrderKind, InvoiceKind};

/// The body of every delivery, signed as described for webhooks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventEnvelope<T> {
    /// The delivery's id (a redelivery has its own).
    pub id: String,
    /// The event, e.g. `candidate.completed`.
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub data: T,
}

/// `candidate.invited`, `candidate.started`, `candidate.completed`, `invitation.cancelled`,
/// `invitation.expired`: which invitation, of which candidate, project and client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationEvent {
    pub candidate_id: String,
    pub invitation_id: String,
    pub project_id: String,
    pub client_id: String,
}

/// `client.created` (reseller webhooks only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientEvent {
    pub client_id: String,
    pub client_code: String,
    pub client_name: String,
}

/// `client.credits_low`: the balance that fell below the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditsLowEvent {
    pub client_id: String,
    pub client_code: String,
    pub credit_balance: i64,
    pub credit_threshold: i64,
}

/// `credit_order.created`. `amount_minor` and `currency` (what the vendor bills the reseller)
/// go to the reseller's webhooks only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditOrderEvent {
    pub credit_order_id: String,
    pub client_id: String,
    pub client_code: String,
    pub kind: CreditOrderKind,
    pub credits: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_minor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl CreditOrderEvent {
    /// What a client's own webhooks get: the credits, not the reseller's cost.
    pub fn for_client(&self) -> CreditOrderEvent {
        CreditOrderEvent {
            amount_minor: None,
            currency: None,
            ..self.clone()
        }
    }
}

/// `invoice.issued` (reseller webhooks only): an invoice or credit note with its number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceEvent {
    pub invoice_id: String,
    pub kind: InvoiceKind,
    pub number: String,
    /// `YYYY-MM`.
    pub period: String,
    pub currency: String,
    pub total_minor: i64,
}

/// `ping`: the test event (`POST /webhooks/{id}/test`), sent whatever the webhook subscribes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PingEvent {
    pub webhook_id: String,
    pub message: String,
}

/// One change in `GET /changes`: what happened to which object, from the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// Also the cursor: pass the last one seen as `after`.
    pub id: String,
    /// e.g. `invitation.created`, `candidate.updated`, `project.created`.
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A page of the changes feed, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeFeed {
    pub data: Vec<Change>,
    /// Pass as `after` next time: the last change's id, or the `after` given when there was
    /// nothing new. None only when the feed is empty.
    pub next_after: Option<String>,
}
