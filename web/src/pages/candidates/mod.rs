//! Candidates in both portals: the list (search, client, project and status filters), the
//! candidate page (details, extra time, deactivate, invitations with resend and cancel, scores
//! for client users, invite to another project, erase on request), the printable export of
//! a candidate's data (both portals), and the client's printable report.
//!
//! One file per screen: `list`, `detail` (the candidate page and its invitation cards), `edit`,
//! `invite` (to another project), `erase`, `export`, `report`.

mod detail;
mod edit;
mod erase;
mod export;
mod invite;
mod list;
mod report;

use detail::CandidateDetailPage;
pub use export::{ClientCandidateExport, ResellerCandidateExport};
pub use list::CandidateListPage;
pub use report::ClientCandidateReport;

use leptos::prelude::*;

use crate::components::assess::Portal;

const CANDIDATE_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "phone",
    "extra_time_percent",
    "active",
];

#[component]
pub fn ClientCandidateDetail() -> impl IntoView {
    view! { <CandidateDetailPage portal=Portal::Client /> }
}

#[component]
pub fn ResellerCandidateDetail() -> impl IntoView {
    view! { <CandidateDetailPage portal=Portal::Reseller /> }
}
