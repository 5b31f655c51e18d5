//! Status badges and labels of candidates, invitations, assessments and projects.

use credence_shared::assess::Project;
use leptos::prelude::*;

use crate::format::{self, humanise};

pub fn status_label(status: &str) -> String {
    match status {
        "invited" => "Invited".into(),
        "in_progress" => "In progress".into(),
        "submitted" => "Completed".into(),
        "cancelled" => "Cancelled".into(),
        "expired" => "Expired".into(),
        "not_started" => "Not started".into(),
        "refunded" => "Refunded".into(),
        "" => "—".into(),
        other => humanise(other),
    }
}

pub const STATUS_OPTIONS: &[(&str, &str)] = &[
    ("", "All statuses"),
    ("invited", "Invited"),
    ("in_progress", "In progress"),
    ("submitted", "Completed"),
    ("cancelled", "Cancelled"),
    ("expired", "Expired"),
];

/// A candidate, invitation or assessment status as a badge (`data-status` keeps the API word).
#[component]
pub fn CandidateStatus(
    #[prop(into)] status: String,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    let class = match status.as_str() {
        "submitted" => "badge badge-ok",
        "in_progress" => "badge badge-accent",
        "invited" | "not_started" => "badge badge-info",
        "cancelled" | "expired" | "refunded" => "badge badge-muted",
        _ => "badge",
    };
    let label = status_label(&status);
    view! {
        <span class=class data-testid=testid.unwrap_or_else(|| "candidate-status".into()) data-status=status>
            {label}
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
