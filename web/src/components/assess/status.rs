//! Status badges and labels of candidates, invitations, assessments and projects.

use credence_shared::assess::Project;
use leptos::prelude::*;

use credence_shared::InvitationStatus;

use crate::components::widgets::Badge;
use crate::format;

/// The candidate list's status filter: every invitation status, by the API's word.
pub fn status_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), "All statuses".to_string()))
        .chain(
            InvitationStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), s.label())),
        )
        .collect()
}

/// A candidate, invitation or assessment status as a badge (`data-status` keeps the API word).
#[component]
pub fn CandidateStatus(
    #[prop(into)] status: Badge,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    view! {
        <span class=status.class data-testid=testid.unwrap_or_else(|| "candidate-status".into()) data-status=status.word>
            {status.label}
        </span>
    }
}

/// Active, Inactive, Locked (expired) or "Expires …".
pub fn project_state(p: &Project) -> (&'static str, String) {
    if !p.active {
        ("badge badge-warn", "Inactive".into())
    } else if p.locked {
        ("badge badge-warn", "Locked (expired)".into())
    } else if let Some(at) = &p.expires_at {
        ("badge badge-info", format!("Expires {}", format::date(at)))
    } else {
        ("badge badge-ok", "Active".into())
    }
}

#[component]
pub fn ProjectStatus(
    project: Project,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    let (class, label) = project_state(&project);
    view! { <span class=class data-testid=testid.unwrap_or_else(|| "project-status".into())>{label}</span> }
}
