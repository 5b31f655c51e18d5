//! The candidate page: details, deactivate, invitations with resend and cancel, scores.

use credence_shared::assess::{Candidate, CandidatePatch, Invitation};
use credence_shared::AssessmentStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self};
use crate::components::assess::{BalanceRefresh, CandidateStatus, Portal, ScoresView};
use crate::components::loaded::Loaded;
use crate::components::states::EmptyState;
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, Fact, TableScroll};
use crate::format;
use crate::format::plural;

use super::edit::CandidateEditForm;
use super::erase::EraseCandidate;
use super::invite::InviteAnother;

#[component]
pub fn CandidateDetailPage(portal: Portal) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::get_candidate(&id).await }
    };
    view! {
        <section class="page" data-testid="candidate-detail">
            <Loaded fetch=load error_heading="Candidate" let:c>
                <CandidatePage candidate=c portal=portal />
            </Loaded>
        </section>
    }
}

#[component]
fn CandidatePage(candidate: Candidate, portal: Portal) -> impl IntoView {
    let toasts = use_toasts();
    let current = RwSignal::new(candidate.clone());
    let id = StoredValue::new(candidate.id.clone());
    let reload = Callback::new(move |_: ()| {
        leptos::task::spawn_local(async move {
            match api::get_candidate(&id.get_value()).await {
                Ok(c) => current.set(c),
                Err(e) => toasts.problem(&e),
            }
        });
    });
    let set_active = Action::new_local(move |active: &bool| {
        let active = *active;
        async move {
            let body = CandidatePatch {
                active: Some(active),
                ..Default::default()
            };
            match api::patch_candidate(&id.get_value(), &body).await {
                Ok(c) => {
                    toasts.success(if active {
                        "Candidate reactivated"
                    } else {
                        "Candidate deactivated"
                    });
                    current.set(c);
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let busy = set_active.pending();
    let name = move || current.with(|c| format!("{} {}", c.first_name, c.last_name));
    let active = move || current.with(|c| c.active);
    let anonymised = move || current.with(|c| c.anonymised_at.is_some());
    let base = portal.base();
    view! {
        <header class="page-header">
            <h1 data-testid="candidate-title">{name}</h1>
            {move || view! { <CandidateStatus status=current.with(|c| c.status) testid="candidate-detail-status" /> }}
            {move || if anonymised() {
                Some(view! { <span class="badge badge-muted" data-testid="candidate-anonymised">"Anonymised"</span> }.into_any())
            } else {
                (!active()).then(|| view! { <span class="badge badge-warn" data-testid="candidate-deactivated">"Deactivated"</span> }.into_any())
            }}
            <A href=format!("{base}/candidates/{}/export", candidate.id) attr:class="btn" attr:data-testid="export-link">"Export data"</A>
            {portal.scores().then(|| view! {
                <A href=format!("/client/candidates/{}/report", candidate.id) attr:class="btn" attr:data-testid="report-link">
                    "Printable report"
                </A>
            })}
            {move || if anonymised() {
                ().into_any()
            } else if active() {
                view! {
                    <ConfirmButton testid="candidate-deactivate" label="Deactivate"
                        question="Deactivate this candidate? They cannot be invited again until reactivated."
                        confirm_label="Deactivate" danger=true pending=busy
                        on_confirm=Callback::new(move |_| { set_active.dispatch_local(false); }) />
                }.into_any()
            } else {
                view! {
                    <ConfirmButton testid="candidate-reactivate" label="Reactivate" question="Reactivate this candidate?"
                        confirm_label="Reactivate" pending=busy on_confirm=Callback::new(move |_| { set_active.dispatch_local(true); }) />
                }.into_any()
            }}
        </header>
        <div class="card summary-card">
            <dl class="facts">
                <Fact label="Email"><span data-testid="candidate-email">{move || current.with(|c| c.email.clone())}</span></Fact>
                <Fact label="Phone">{move || current.with(|c| c.phone.clone().unwrap_or_else(|| "—".into()))}</Fact>
                <Fact label="Extra time">
                    <span data-testid="candidate-extra-time-value">
                        {move || current.with(|c| if c.extra_time_percent == 0 { "None".to_string() } else { format!("{} %", c.extra_time_percent) })}
                    </span>
                </Fact>
                {portal.is_reseller().then(|| view! {
                    <Fact label="Client">
                        <A href=move || format!("/reseller/clients/{}", current.with(|c| c.client_id.clone()))>
                            {move || current.with(|c| c.client_name.clone())}
                        </A>
                    </Fact>
                })}
                <Fact label="Added">{move || current.with(|c| format::date_time(&c.created_at))}</Fact>
                <Fact label="Privacy notice">
                    <span data-testid="candidate-consent">
                        {move || current.with(|c| consent_text(c.consented_at.as_ref()))}
                    </span>
                </Fact>
            </dl>
        </div>
        <section class="stack" aria-labelledby="invitations-heading" data-testid="candidate-invitations">
            <h2 id="invitations-heading">"Invitations"</h2>
            {move || {
                let invitations = current.with(|c| c.invitations.clone());
                if invitations.is_empty() {
                    view! { <EmptyState title="No invitations." /> }.into_any()
                } else {
                    invitations
                        .into_iter()
                        .map(|i| view! { <InvitationCard invitation=i portal=portal anonymised=anonymised() on_changed=reload /> })
                        .collect_view()
                        .into_any()
                }
            }}
        </section>
        <Show when=move || !anonymised()>
            <div class="two-columns">
                <CandidateEditForm current=current />
                <InviteAnother current=current portal=portal on_done=reload />
            </div>
            <EraseCandidate current=current />
        </Show>
        <p><A href=format!("{base}/candidates")>"Back to candidates"</A></p>
    }
}

/// Whether (and when) the candidate confirmed the privacy notice before their first test.
fn consent_text(at: Option<&chrono::DateTime<chrono::Utc>>) -> String {
    match at {
        Some(t) => format!("Consent given {}", format::date_time(t)),
        None => "Not yet".into(),
    }
}

#[component]
fn InvitationCard(
    invitation: Invitation,
    portal: Portal,
    /// An anonymised candidate's invitations are kept as they are: no resend, no cancel.
    anonymised: bool,
    on_changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let balance = BalanceRefresh::new();
    let id = StoredValue::new(invitation.id.clone());
    let open = invitation.status.is_open() && !anonymised;
    let resend = Action::new_local(move |_: &()| async move {
        match api::resend_invitation(&id.get_value()).await {
            Ok(()) => toasts.success("The invitation email was sent again"),
            Err(e) => toasts.problem(&e),
        }
    });
    let cancel = Action::new_local(move |_: &()| async move {
        match api::cancel_invitation(&id.get_value()).await {
            Ok(inv) => {
                let refunded = inv
                    .assessments
                    .iter()
                    .filter(|a| a.status == AssessmentStatus::Refunded)
                    .count();
                toasts.success(if refunded > 0 {
                    format!(
                        "Invitation cancelled; {} refunded",
                        plural(refunded as i64, "unstarted test", "unstarted tests")
                    )
                } else {
                    "Invitation cancelled".to_string()
                });
                balance.run();
                on_changed.run(());
            }
            Err(e) => toasts.problem(&e),
        }
    });
    let busy = Signal::derive(move || resend.pending().get() || cancel.pending().get());
    let base = portal.base();
    let project_name = invitation.project_name.clone();
    let status = invitation.status.as_str();
    view! {
        <article class="card stack invitation-card" data-testid="invitation" data-project=project_name
            data-status=status>
            <div class="section-header">
                <h3>
                    <A href=format!("{base}/projects/{}", invitation.project_id)>{invitation.project_name.clone()}</A>
                </h3>
                <CandidateStatus status=invitation.status testid="invitation-status" />
            </div>
            <dl class="facts">
                <Fact label="Invited">{format::date_time(&invitation.created_at)}</Fact>
                <Fact label="Expires">{format::date_time(&invitation.expires_at)}</Fact>
                <Fact label="Credits charged">{invitation.credits_charged}</Fact>
                <Fact label="Privacy notice">
                    <span data-testid="invitation-consent">{consent_text(invitation.consented_at.as_ref())}</span>
                </Fact>
            </dl>
            {(!invitation.reminded_at.is_empty()).then(|| view! {
                <ul class="plain-list small muted" data-testid="invitation-reminders">
                    {invitation.reminded_at.iter().map(|t| view! {
                        <li data-testid="invitation-reminder">{format!("Reminded on {}", format::date(t))}</li>
                    }).collect_view()}
                </ul>
            })}
            {open.then(|| view! {
                <div class="form-actions">
                    <ConfirmButton testid="invitation-resend" label="Resend email" question="Send the invitation email again?"
                        confirm_label="Resend" pending=busy small=true on_confirm=Callback::new(move |_| { resend.dispatch_local(()); }) />
                    <ConfirmButton testid="invitation-cancel" label="Cancel invitation"
                        question="Cancel this invitation? The link stops working and unstarted tests are refunded."
                        confirm_label="Cancel invitation" danger=true pending=busy small=true
                        on_confirm=Callback::new(move |_| { cancel.dispatch_local(()); }) />
                </div>
            })}
            <TableScroll label="Assessments">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Test"</th>
                            <th scope="col">"Norm group"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Started"</th>
                            <th scope="col">"Submitted"</th>
                            {portal.scores().then(|| view! { <th scope="col">"Scores"</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {invitation.assessments.into_iter().map(|a| {
                            let started = a.started_at.as_ref().map(format::date).unwrap_or_default();
                            let submitted = a.submitted_at.as_ref().map(format::date).unwrap_or_default();
                            view! {
                                <tr data-testid="assessment-row" data-test=a.test_name.clone()>
                                    <td>{a.test_name.clone()}</td>
                                    <td>{a.norm_group_name.clone()}</td>
                                    <td><CandidateStatus status=a.status testid="assessment-status" /></td>
                                    <td class="nowrap small">{started}</td>
                                    <td class="nowrap small">{submitted}</td>
                                    {portal.scores().then(|| view! { <td><ScoresView assessment=a.clone() /></td> })}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
        </article>
    }
}
