//! Candidates in both portals: the list (search, client, project and status filters), the
//! candidate page (details, extra time, deactivate, invitations with resend and cancel, scores
//! for client users, invite to another project), and the client's printable report.

use credence_shared::assess::{Candidate, CandidatePatch, Invitation, InvitationCreate};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, CandidateFilter, ProjectFilter};
use crate::branding::use_brand;
use crate::components::assess::{
    balance_of, extra_time_choice, extra_time_value, humanise, insufficient_message, now, plural,
    BalanceRefresh, CandidateStatus, CandidateTable, ExtraTimeField, NoCreditsAlert, Portal,
    ProjectPicker, ScoresView, STATUS_OPTIONS,
};
use crate::components::form::{ErrorSummary, FieldErrors, SelectField, SubmitButton, TextField};
use crate::components::layout::ClientAccount;
use crate::components::loaded::Loaded;
use crate::components::paged::Paged;
use crate::components::pickers::ClientPicker;
use crate::components::states::EmptyState;
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, Fact, TableScroll};
use crate::format;

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

// ---------------------------------------------------------------- list

#[component]
pub fn CandidateListPage(portal: Portal) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    let project_id = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let no_errors: FieldErrors = RwSignal::new(Vec::new());
    let candidates = Paged::new(move |cursor: Option<String>| {
        let f = CandidateFilter {
            q: q.get(),
            client_id: client_id.get(),
            project_id: project_id.get(),
            status: status.get(),
        };
        async move { api::list_candidates(&f, 50, cursor.as_deref()).await }
    });
    // A project of another client would match nothing.
    Effect::new(move |prev: Option<String>| {
        let c = client_id.get();
        if prev.is_some_and(|p| p != c) {
            project_id.set(String::new());
        }
        c
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        q.set(search.get_untracked());
    };
    let intro = match portal {
        Portal::Client => "Everyone you invited, with their progress. Open a candidate for scores and the printable report.",
        Portal::Reseller => "Every candidate of every one of your clients, with their progress. Scores stay with your clients.",
    };
    view! {
        <section class="page" data-testid="candidate-list">
            <header class="page-header"><h1>"Candidates"</h1></header>
            <p class="muted">{intro}</p>
            <div class="filters">
                <form class="search-bar" role="search" on:submit=on_search>
                    <label for="candidate-search">"Search candidates"</label>
                    <input id="candidate-search" type="search" data-testid="candidate-search" bind:value=search
                        placeholder="Name or email" />
                    <button type="submit" class="btn">"Search"</button>
                </form>
                <div class="filter-row">
                    {portal.is_reseller().then(|| view! {
                        <ClientPicker id="candidate-client-filter" name="client_id" label="Client" value=client_id
                            errors=no_errors blank_label="All clients" />
                    })}
                    <ProjectPicker id="candidate-project-filter" name="project_id" label="Project" value=project_id
                        errors=no_errors blank_label="All projects" client_id=Signal::derive(move || client_id.get()) />
                    <SelectField id="candidate-status-filter" name="status" label="Status" value=status errors=no_errors
                        options=STATUS_OPTIONS.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect() />
                </div>
            </div>
            {candidates.view("No candidates match. Invite candidates from a project.", move |items| {
                view! { <CandidateTable items=items portal=portal /> }
            })}
        </section>
    }
}

// ---------------------------------------------------------------- detail

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
    let busy = RwSignal::new(false);
    let reload = Callback::new(move |_: ()| {
        leptos::task::spawn_local(async move {
            match api::get_candidate(&id.get_value()).await {
                Ok(c) => current.set(c),
                Err(e) => toasts.problem(&e),
            }
        });
    });
    let set_active = move |active: bool| {
        busy.set(true);
        leptos::task::spawn_local(async move {
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
            busy.set(false);
        });
    };
    let name = move || current.with(|c| format!("{} {}", c.first_name, c.last_name));
    let active = move || current.with(|c| c.active);
    let base = portal.base();
    view! {
        <header class="page-header">
            <h1 data-testid="candidate-title">{name}</h1>
            {move || view! { <CandidateStatus status=current.with(|c| c.status.clone()) testid="candidate-detail-status" /> }}
            {move || (!active()).then(|| view! { <span class="badge badge-warn" data-testid="candidate-deactivated">"Deactivated"</span> })}
            {portal.scores().then(|| view! {
                <A href=format!("/client/candidates/{}/report", candidate.id) attr:class="btn" attr:data-testid="report-link">
                    "Printable report"
                </A>
            })}
            {move || if active() {
                view! {
                    <ConfirmButton testid="candidate-deactivate" label="Deactivate"
                        question="Deactivate this candidate? They cannot be invited again until reactivated."
                        confirm_label="Deactivate" danger=true pending=busy
                        on_confirm=Callback::new(move |_| set_active(false)) />
                }.into_any()
            } else {
                view! {
                    <ConfirmButton testid="candidate-reactivate" label="Reactivate" question="Reactivate this candidate?"
                        confirm_label="Reactivate" pending=busy on_confirm=Callback::new(move |_| set_active(true)) />
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
                        .map(|i| view! { <InvitationCard invitation=i portal=portal on_changed=reload /> })
                        .collect_view()
                        .into_any()
                }
            }}
        </section>
        <div class="two-columns">
            <CandidateEditForm current=current />
            <InviteAnother current=current portal=portal on_done=reload />
        </div>
        <p><A href=format!("{base}/candidates")>"Back to candidates"</A></p>
    }
}

#[component]
fn InvitationCard(
    invitation: Invitation,
    portal: Portal,
    on_changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let balance = BalanceRefresh::new();
    let busy = RwSignal::new(false);
    let id = StoredValue::new(invitation.id.clone());
    let open = matches!(invitation.status.as_str(), "invited" | "in_progress");
    let resend = move || {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::resend_invitation(&id.get_value()).await {
                Ok(()) => toasts.success("The invitation email was sent again"),
                Err(e) => toasts.problem(&e),
            }
            busy.set(false);
        });
    };
    let cancel = move || {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::cancel_invitation(&id.get_value()).await {
                Ok(inv) => {
                    let refunded = inv
                        .assessments
                        .iter()
                        .filter(|a| a.status == "refunded")
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
            busy.set(false);
        });
    };
    let base = portal.base();
    let project_name = invitation.project_name.clone();
    let status = invitation.status.clone();
    view! {
        <article class="card stack invitation-card" data-testid="invitation" data-project=project_name
            data-status=status>
            <div class="section-header">
                <h3>
                    <A href=format!("{base}/projects/{}", invitation.project_id)>{invitation.project_name.clone()}</A>
                </h3>
                <CandidateStatus status=invitation.status.clone() testid="invitation-status" />
            </div>
            <dl class="facts">
                <Fact label="Invited">{format::date_time(&invitation.created_at)}</Fact>
                <Fact label="Expires">{format::date_time(&invitation.expires_at)}</Fact>
                <Fact label="Credits charged">{invitation.credits_charged}</Fact>
            </dl>
            {open.then(|| view! {
                <div class="form-actions">
                    <ConfirmButton testid="invitation-resend" label="Resend email" question="Send the invitation email again?"
                        confirm_label="Resend" pending=busy small=true on_confirm=Callback::new(move |_| resend()) />
                    <ConfirmButton testid="invitation-cancel" label="Cancel invitation"
                        question="Cancel this invitation? The link stops working and unstarted tests are refunded."
                        confirm_label="Cancel invitation" danger=true pending=busy small=true
                        on_confirm=Callback::new(move |_| cancel()) />
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
                            <th scope="col">"Completed"</th>
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
                                    <td><CandidateStatus status=a.status.clone() testid="assessment-status" /></td>
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

#[component]
fn CandidateEditForm(current: RwSignal<Candidate>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let c = current.get_untracked();
    let first_name = RwSignal::new(c.first_name.clone());
    let last_name = RwSignal::new(c.last_name.clone());
    let email = RwSignal::new(c.email.clone());
    let phone = RwSignal::new(c.phone.clone().unwrap_or_default());
    let (choice, custom) = extra_time_choice(c.extra_time_percent);
    let extra_choice = RwSignal::new(choice);
    let extra_custom = RwSignal::new(custom);
    let locked = Signal::derive(move || current.with(|c| c.extra_time_locked));
    let save = Action::new_local(move |body: &CandidatePatch| {
        let body = body.clone();
        let id = current.with_untracked(|c| c.id.clone());
        async move {
            match api::patch_candidate(&id, &body).await {
                Ok(c) => {
                    toasts.success("Candidate saved");
                    current.set(c);
                }
                Err(err) => {
                    errors.set(err.field_errors());
                    toasts.problem(&err);
                }
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Vec::new());
        let extra = if locked.get_untracked() {
            None
        } else {
            match extra_time_value(&extra_choice.get_untracked(), &extra_custom.get_untracked()) {
                Ok(n) => Some(n),
                Err(e) => {
                    errors.set(vec![e]);
                    return;
                }
            }
        };
        save.dispatch_local(CandidatePatch {
            first_name: Some(first_name.get_untracked().trim().to_string()),
            last_name: Some(last_name.get_untracked().trim().to_string()),
            email: Some(email.get_untracked().trim().to_string()),
            phone: Some(phone.get_untracked().trim().to_string()),
            extra_time_percent: extra,
            active: None,
        });
    };
    view! {
        <form class="card stack" on:submit=on_submit novalidate=true data-testid="candidate-edit-form">
            <h2>"Details"</h2>
            <ErrorSummary errors=errors known=CANDIDATE_FIELDS />
            <TextField id="candidate-first-name" name="first_name" label="First name" required=true value=first_name errors=errors />
            <TextField id="candidate-last-name" name="last_name" label="Last name" required=true value=last_name errors=errors />
            <TextField id="candidate-email-input" name="email" label="Email" input_type="email" required=true value=email errors=errors />
            <TextField id="candidate-phone" name="phone" label="Phone" input_type="tel" value=phone errors=errors />
            <ExtraTimeField id="candidate-extra-time" choice=extra_choice custom=extra_custom errors=errors disabled=locked />
            <Show when=move || locked.get()>
                <p class="muted small" data-testid="extra-time-locked">"Extra time is fixed: the candidate has started a test."</p>
            </Show>
            <div class="form-actions">
                <SubmitButton testid="candidate-save" label="Save changes" busy_label="Saving…" pending=save.pending() />
            </div>
        </form>
    }
}

/// Invites the candidate to another open project of the same client (charging its credits).
#[component]
fn InviteAnother(
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

// ---------------------------------------------------------------- printable report

#[component]
pub fn ClientCandidateReport() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::get_candidate(&id).await }
    };
    view! {
        <section class="page report-page" data-testid="candidate-report">
            <Loaded fetch=load let:c>
                <Report candidate=c />
            </Loaded>
        </section>
    }
}

#[component]
fn Report(candidate: Candidate) -> impl IntoView {
    let brand = use_brand();
    let account = use_context::<ClientAccount>();
    let client_name = move || {
        brand
            .client_name()
            .or_else(|| account.and_then(|a| a.client.get().and_then(|r| r.ok()).map(|c| c.name)))
            .unwrap_or_else(|| candidate.client_name.clone())
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let assessments: Vec<_> = candidate
        .invitations
        .iter()
        .filter(|i| i.status != "cancelled")
        .flat_map(|i| {
            i.assessments
                .iter()
                .map(move |a| (i.project_name.clone(), a.clone()))
        })
        .collect();
    let any_scored = assessments
        .iter()
        .any(|(_, a)| a.scores.as_ref().is_some_and(|s| !s.is_empty()));
    view! {
        <div class="report-actions no-print">
            <A href=format!("/client/candidates/{}", candidate.id) attr:class="btn btn-ghost">"Back to the candidate"</A>
            <button type="button" class="btn btn-primary" data-testid="report-print" on:click=print>"Print"</button>
        </div>
        <article class="card report">
            <header class="report-header">
                {move || brand.client_logo_url().map(|src| view! { <img class="report-logo" src=src alt="" /> })}
                <div>
                    <p class="report-client" data-testid="report-client">{client_name}</p>
                    <h1>"Assessment report"</h1>
                </div>
            </header>
            <dl class="facts">
                <Fact label="Candidate"><span data-testid="report-candidate">{format!("{} {}", candidate.first_name, candidate.last_name)}</span></Fact>
                <Fact label="Email">{candidate.email.clone()}</Fact>
                <Fact label="Report date">{format::date(&now())}</Fact>
            </dl>
            {if assessments.is_empty() {
                view! { <p class="muted">"This candidate has no tests."</p> }.into_any()
            } else {
                assessments.into_iter().map(|(project, a)| {
                    let submitted = a.submitted_at.as_ref().map(format::date).unwrap_or_default();
                    let done = a.status == "submitted";
                    view! {
                        <section class="report-test" data-testid="report-test">
                            <h2>{a.test_name.clone()}</h2>
                            <p class="muted small">
                                {format!("{project} · compared with: {}", a.norm_group_name)}
                                {done.then(|| format!(" · completed {submitted}"))}
                            </p>
                            {if done {
                                view! { <ReportScores assessment=a.clone() /> }.into_any()
                            } else {
                                view! { <p class="muted">{format!("Not completed ({}).", crate::components::assess::status_label(&a.status).to_lowercase())}</p> }.into_any()
                            }}
                        </section>
                    }
                }).collect_view().into_any()
            }}
            {(!any_scored).then(|| view! { <p class="muted">"Scores appear here once the candidate completes a test."</p> })}
            <section class="report-explain">
                <h2>"Reading the scores"</h2>
                <p>
                    <strong>"Percentile"</strong>" (1–99): the percentage of the norm group who scored lower. "
                    "A percentile of 70 means the candidate did better than 70 % of that group."
                </p>
                <p>
                    <strong>"Sten"</strong>" (1–10): a standard ten scale with a mean of 5.5; "
                    "4–7 is the typical range, 1–3 is below and 8–10 above the norm group."
                </p>
                <p>
                    <strong>"T-score"</strong>": a standard score with a mean of 50 and a standard deviation of 10."
                </p>
                <p>
                    "For the personality questionnaire each trait has a sten: neither end is good or bad; "
                    "it describes a preferred way of working. Use scores together with interviews and other evidence."
                </p>
            </section>
        </article>
    }
}

#[component]
fn ReportScores(assessment: credence_shared::assess::Assessment) -> impl IntoView {
    let Some(scores) = assessment.scores.clone().filter(|s| !s.is_empty()) else {
        return view! { <p class="muted">"No scores available."</p> }.into_any();
    };
    let label = format!("Scores: {}", assessment.test_name);
    view! {
        // On a phone the table scrolls inside the report; printed, it is shown whole.
        <TableScroll label=label>
            <table class="table report-scores">
                <thead>
                    <tr>
                        <th scope="col">"Scale"</th>
                        <th scope="col" class="num">"Percentile"</th>
                        <th scope="col" class="num">"Sten"</th>
                        <th scope="col" class="num">"T-score"</th>
                        <th scope="col">"Sten 1–10"</th>
                    </tr>
                </thead>
                <tbody>
                    {scores.into_iter().map(|s| {
                        let label = if s.scale == "total" { "Overall".to_string() } else { humanise(&s.scale) };
                        let sten = s.sten.clamp(1, 10);
                        view! {
                            <tr data-testid="report-score">
                                <td>{label}</td>
                                <td class="num">{s.percentile}</td>
                                <td class="num">{s.sten}</td>
                                <td class="num">{format!("{:.1}", s.t_score)}</td>
                                <td>
                                    <span class="sten-bar" aria-hidden="true">
                                        <span class="sten-fill" style=format!("width: {}%", sten * 10)></span>
                                    </span>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}
