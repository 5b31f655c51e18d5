//! Vendor-side objects: brand skins, resellers, platform settings, audit events.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{HostStatus, PriceStatus, ResellerStatus};

/// A brand skin: the colours, logo and product name a portal and test area are shown in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Brand {
    pub id: String,
    pub name: String,
    /// Product name shown to users and candidates, e.g. "Test Partnership".
    pub product_name: String,
    /// `#rrggbb`
    pub primary_color: String,
    pub accent_color: String,
    pub background_color: String,
    pub text_color: String,
    /// `/api/v1/logos/{id}` when the skin has a logo.
    pub logo_url: Option<String>,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BrandCreate {
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub product_name: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub primary_color: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub accent_color: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub background_color: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub text_color: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BrandPatch {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub product_name: Option<String>,
    pub primary_color: Option<String>,
    pub accent_color: Option<String>,
    pub background_color: Option<String>,
    pub text_color: Option<String>,
}

/// `GET /branding`: the skin for the request's host (a reseller's custom host) or the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Branding {
    pub brand: Brand,
    /// Set when the host is a reseller's custom host.
    pub reseller_name: Option<String>,
    /// For a client user (`GET /me/branding`): their client's name and logo.
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub client_logo_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reseller {
    pub id: String,
    pub name: String,
    pub contact_email: String,
    /// Agreed discount off the list price per credit, percent with at most two decimals.
    pub discount_percent: f64,
    /// ISO 4217, e.g. `GBP`.
    pub currency: String,
    /// Host on which the portals show this reseller's default skin, e.g. `assess.partner.example`.
    pub custom_host: Option<String>,
    /// The From address of this reseller's mail (a domain it has verified with its mail
    /// provider), set by the vendor; without it mail comes from the platform address.
    #[serde(default)]
    pub mail_from: Option<String>,
    /// Where the reseller's custom host request stands (`requested`: waiting for the vendor).
    #[serde(default)]
    pub host_status: HostStatus,
    /// The host the reseller asked for, while `requested` or `rejected`.
    #[serde(default)]
    pub requested_host: Option<String>,
    /// Skins this reseller may give its clients; the first is its default skin.
    pub brand_ids: Vec<String>,
    pub status: ResellerStatus,
    pub user_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ResellerCreate {
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1, format = Email, max_length = 254))]
    pub contact_email: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub discount_percent: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub currency: String,
    pub custom_host: Option<String>,
    /// The From address of the reseller's mail; none: the platform address.
    pub mail_from: Option<String>,
    pub brand_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ResellerPatch {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub contact_email: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub discount_percent: Option<f64>,
    pub currency: Option<String>,
    /// An empty string removes the custom host.
    pub custom_host: Option<String>,
    /// The From address of the reseller's mail; an empty string goes back to the platform
    /// address.
    pub mail_from: Option<String>,
    pub brand_ids: Option<Vec<String>>,
    /// A word of the enum; any other word is a 422 with the other bad fields (not a serde error).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ResellerStatus>))]
    pub status: Option<String>,
}

/// `POST /admin/resellers/{id}/users` and `POST /reseller-users`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ResellerUserCreate {
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1, format = Email, max_length = 254))]
    pub email: String,
}

/// `PATCH /reseller-users/{id}`: rename, deactivate (ends their sessions, their Login As
/// sessions and their API keys' tokens) or reactivate a reseller user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ResellerUserPatch {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: Option<String>,
    /// `active` or `deactivated` (re-activating an invited user keeps them invited).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::UserStatus>))]
    pub status: Option<String>,
}

/// A price per credit in one currency: the list price (no `reseller_id`) or one reseller's
/// own price, which overrides the list price for that reseller while it applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditPrice {
    pub id: String,
    pub currency: String,
    pub reseller_id: Option<String>,
    /// The reseller's name, for a reseller's own price.
    pub reseller_name: Option<String>,
    /// One credit, in minor units of `currency`, before the reseller's discount.
    pub unit_price_minor: i64,
    pub valid_from: DateTime<Utc>,
    /// When it stops applying; none while no newer price replaces it.
    pub valid_until: Option<DateTime<Utc>>,
    pub status: PriceStatus,
    pub created_at: DateTime<Utc>,
}

/// A new price. It applies from `valid_from` (now when left out; never in the past) and
/// replaces the price of the same currency (and reseller) that applies at that time. Only a
/// reseller's own price may end on its own (`valid_until`); the list price then applies again.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditPriceCreate {
    pub currency: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000000))]
    pub unit_price_minor: i64,
    pub reseller_id: Option<String>,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    /// The list price of one credit in `currency` that applies now, in minor units (the price
    /// lists hold every currency's; setting this adds a list price from now).
    pub list_price_minor: i64,
    /// The platform's main currency: the one a new reseller is offered first.
    pub currency: String,
    /// Credit threshold a new client starts with.
    pub default_credit_threshold: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SettingsPatch {
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000000))]
    pub list_price_minor: Option<i64>,
    pub currency: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub default_credit_threshold: Option<i64>,
}

/// Who (and on whose behalf) did what to which object, when, from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    /// The reseller user behind a Login As session.
    pub impersonator_id: Option<String>,
    #[serde(default)]
    pub impersonator_name: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub ip: Option<String>,
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// A test of the catalogue as the vendor manages it, active or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogueTest {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub kind: crate::TestKind,
    /// `numerical`, `verbal`, `inductive` or `personality`.
    pub category: String,
    pub description: String,
    /// Credits charged per invitation from now on; invitations made before keep their charge.
    pub credit_cost: i64,
    /// An inactive test is not offered for new projects; existing projects keep it.
    pub active: bool,
    pub position: i64,
}

/// Changes to a catalogue test; absent fields are left as they are.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CatalogueTestPatch {
    pub name: Option<String>,
    /// `numerical`, `verbal`, `inductive` or `personality`.
    pub category: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000))]
    pub credit_cost: Option<i64>,
    pub active: Option<bool>,
}
