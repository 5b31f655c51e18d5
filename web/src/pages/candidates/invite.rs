//! Inviting the candidate to another project (charging its credits).

use credence_shared::assess::{Candidate, InvitationCreate};
use leptos::prelude::*;

use crate::api::{self, ProjectFilter};
use crate::components::assess::{
    balance_of, insufficient_message, BalanceRefresh, NoCreditsAlert, Portal,
};
use crate::components::form::{FieldErrors, SelectField, SubmitButton};
use crate::components::loaded::Loaded;
use crate::components::toast::use_toasts;
use crate::format::plural;

/// Invites the candidate to another open project of the same client (charging its credits).
#[component]
pub(super) fn InviteAnother(
    current: RwSignal<Candidate>,
    portal: Portal,
    on_done: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let balance = BalanceRefresh::new();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let project_id = RwSignal::new(String::new());
    let no_credits = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let client_id = current.with_untracked(|c| c.client_id.clone());
    // The projects offered, as last loaded (the submit reads the chosen one's cost).
    let offered = StoredValue::new(Vec::<credence_shared::assess::Project>::new());
    let load_projects = move || {
        let filter = ProjectFilter {
            client_id: if portal.is_reseller() {
                current.with_untracked(|c| c.client_id.clone())
            } else {
                String::new()
            },
            active: "true".into(),
            ..Default::default()
        };
        async move { api::list_projects(&filter, 200, None).await }
    };
    let invite = Action::new_local(move |input: &(InvitationCreate, String, i64)| {
        let (body, key, cost) = input.clone();
        let candidate_id = current.with_untracked(|c| c.id.clone());
        async move {
            match api::invite_candidate(&candidate_id, &body, &key).await {
                Ok(inv) => {
                    toasts.success(format!("Invited to {}", inv.project_name));
                    project_id.set(String::new());
                    balance.run();
                    on_done.run(());
                }
                Err(e) if e.status() == 402 => {
                    let client_id = current.with_untracked(|c| c.client_id.clone());
                    let b = balance_of(&client_id).await;
                    no_credits.set(Some(insufficient_message(cost, b, portal)));
                    balance.run();
                }
                Err(e) if e.is_validation() => errors.set(e.field_errors()),
                Err(e) => problem.set(Some(e.message())),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Vec::new());
        no_credits.set(None);
        problem.set(None);
        let chosen = project_id.get_untracked();
        let cost = offered.with_value(|projects| {
            projects
                .iter()
                .find(|p| p.id == chosen)
                .map(|p| p.credit_cost)
                .unwrap_or(0)
        });
        invite.dispatch_local((
            InvitationCreate { project_id: chosen },
            api::new_idempotency_key(),
            cost,
        ));
    };
    view! {
        <form class="card stack" on:submit=on_submit novalidate=true data-testid="invite-another-form">
            <h2>"Invite to another project"</h2>
            {move || no_credits.get().map(|m| view! { <NoCreditsAlert message=m portal=portal client_id=client_id.clone() /> })}
            {move || problem.get().map(|m| view! { <p class="alert alert-error" role="alert" data-testid="invite-another-error">{m}</p> })}
            <Loaded fetch=load_projects loading_label="Loading projects…" keep_while_reloading=true let:page>
                {
                    offered.set_value(page.data.clone());
                    let invited: Vec<String> = current.with(|c| c.invitations.iter().map(|i| i.project_id.clone()).collect());
                    let mut options = vec![(String::new(), "Choose a project…".to_string())];
                    options.extend(
                        page.data
                            .into_iter()
                            .filter(|p| !p.locked && !invited.contains(&p.id))
                            .map(|p| (p.id, format!("{} ({})", p.name, plural(p.credit_cost, "credit", "credits")))),
                    );
                    if options.len() == 1 {
                        view! { <p class="muted" data-testid="no-other-projects">"There is no other open project to invite this candidate to."</p> }.into_any()
                    } else {
                        view! {
                            <SelectField id="invite-another-project" name="project_id" label="Project" value=project_id
                                errors=errors options=options required=true />
                            <div class="form-actions">
                                <SubmitButton testid="invite-another-submit" label="Invite" busy_label="Inviting…" pending=invite.pending() />
                            </div>
                        }.into_any()
                    }
                }
            </Loaded>
        </form>
    }
}
