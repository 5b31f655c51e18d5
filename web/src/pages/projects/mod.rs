//! Projects in both portals: the list (all the reseller's clients, or the client's own), the
//! create form (tests from the catalogue with a norm group each), and the project page (settings,
//! self-registration key, candidates and results, invite, CSV import, CSV export).
//!
//! One file per screen: `list`, `form` (create and edit), `detail` (the project page and its
//! self-registration settings), `results`, `invite`, `import`.

mod detail;
mod form;
mod import;
mod invite;
mod list;
mod results;

pub use list::ProjectListPage;

use leptos::prelude::*;

use crate::components::assess::Portal;
use detail::ProjectDetailPage;
use form::ProjectNewPage;

const PROJECT_FIELDS: &[&str] = &[
    "client_id",
    "name",
    "description",
    "tests",
    "access_key_enabled",
    "expires_at",
    "support_name",
    "support_email",
    "report_email",
    "reminder_after_days",
    "reminder_max",
    "active",
];
const INVITE_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "phone",
    "extra_time_percent",
];

// ---------------------------------------------------------------- routes of the two portals

#[component]
pub fn ClientProjectNew() -> impl IntoView {
    view! { <ProjectNewPage portal=Portal::Client /> }
}

#[component]
pub fn ClientProjectDetail() -> impl IntoView {
    view! { <ProjectDetailPage portal=Portal::Client /> }
}

#[component]
pub fn ResellerProjectNew() -> impl IntoView {
    view! { <ProjectNewPage portal=Portal::Reseller /> }
}

#[component]
pub fn ResellerProjectDetail() -> impl IntoView {
    view! { <ProjectDetailPage portal=Portal::Reseller /> }
}
