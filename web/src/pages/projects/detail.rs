//! The project page: header, panels (invite, import, settings, the invitation email),
//! self-registration key, candidates and results.

use credence_shared::assess::{Project, ProjectPatch, ProjectResult};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, TextOwner};
use crate::components::assess::{Portal, ProjectStatus};
use crate::components::loaded::Loaded;
use crate::components::mail_text_editor::MailTextEditor;
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, CopyButton, Fact};
use crate::format;
use crate::format::plural;

use super::form::ProjectEditForm;
use super::import::ImportPanel;
use super::invite::InvitePanel;
use super::results::ResultsTable;

#[component]
pub fn ProjectDetailPage(portal: Portal) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::get_project(&id).await }
    };
    view! {
        <section class="page" data-testid="project-detail">
            <Loaded fetch=load error_heading="Project" let:p>
                <ProjectPage project=p portal=portal />
            </Loaded>
        </section>
    }
}

/// Which panel under the header is open.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Panel {
    None,
    Invite,
    Import,
    Edit,
    Email,
}

#[component]
fn ProjectPage(project: Project, portal: Portal) -> impl IntoView {
    let toasts = use_toasts();
    let current = RwSignal::new(project.clone());
    let id = StoredValue::new(project.id.clone());
    let panel = RwSignal::new(Panel::None);
    let exporting = RwSignal::new(false);
    let results = Paged::new(move |cursor: Option<String>| {
        let id = id.get_value();
        async move { api::project_results(&id, cursor.as_deref()).await }
    });
    // After invites, imports and cancellations: the counts and the candidates.
    let reload = Callback::new(move |_: ()| {
        results.reload();
        leptos::task::spawn_local(async move {
            if let Ok(p) = api::get_project(&id.get_value()).await {
                current.set(p);
            }
        });
    });
    let export = move |_| {
        exporting.set(true);
        leptos::task::spawn_local(async move {
            if let Err(e) = api::download_project_results_csv(&id.get_value()).await {
                toasts.problem(&e);
            }
            exporting.set(false);
        });
    };
    let toggle = move |p: Panel| panel.update(|cur| *cur = if *cur == p { Panel::None } else { p });
    let locked = move || current.with(|p| p.locked);
    view! {
        <header class="page-header">
            <h1 data-testid="project-title">{move || current.with(|p| p.name.clone())}</h1>
            {move || view! { <ProjectStatus project=current.get() /> }}
            <button type="button" class="btn btn-primary" data-testid="invite-open"
                disabled=locked aria-expanded=move || (panel.get() == Panel::Invite).to_string()
                on:click=move |_| toggle(Panel::Invite)>
                "Invite candidate"
            </button>
            <button type="button" class="btn" data-testid="import-open" disabled=locked
                aria-expanded=move || (panel.get() == Panel::Import).to_string()
                on:click=move |_| toggle(Panel::Import)>
                "Import CSV"
            </button>
            <button type="button" class="btn" data-testid="project-edit-open"
                aria-expanded=move || (panel.get() == Panel::Edit).to_string()
                on:click=move |_| toggle(Panel::Edit)>
                "Edit settings"
            </button>
            <button type="button" class="btn" data-testid="project-email-open"
                aria-expanded=move || (panel.get() == Panel::Email).to_string()
                on:click=move |_| toggle(Panel::Email)>
                "Invitation email"
            </button>
        </header>
        <Show when=locked>
            <p class="alert alert-warn" role="status" data-testid="project-locked">
                "This project is locked (expired or inactive): it takes no new candidates, and candidates cannot start tests."
            </p>
        </Show>
        <div class="card summary-card">
            <p class="cost-note" data-testid="project-cost">
                {move || format!("Each invitation costs {}.", plural(current.with(|p| p.credit_cost), "credit", "credits"))}
            </p>
            <dl class="facts">
                {portal.is_reseller().then(|| view! {
                    <Fact label="Client">
                        <A href=move || format!("/reseller/clients/{}", current.with(|p| p.client_id.clone()))>
                            <span data-testid="project-client-name">{move || current.with(|p| p.client_name.clone())}</span>
                        </A>
                    </Fact>
                })}
                <Fact label="Tests">
                    <ul class="plain-list" data-testid="project-tests">
                        {move || current.with(|p| p.tests.iter().map(|t| {
                            let time = t.duration_seconds.map(|s| format!(", {} min", s / 60)).unwrap_or_else(|| ", untimed".into());
                            view! { <li>{t.test_name.clone()}<span class="muted small">{format!(" — {}{time}", t.norm_group_name)}</span></li> }
                        }).collect_view())}
                    </ul>
                </Fact>
                <Fact label="Candidates">
                    <span data-testid="project-counts">
                        {move || current.with(|p| format!("{} invited · {} completed", p.candidate_count, p.completed_count))}
                    </span>
                </Fact>
                <Fact label="Expires">
                    {move || current.with(|p| p.expires_at.as_ref().map(format::date_time).unwrap_or_else(|| "Never".into()))}
                </Fact>
                <Fact label="Support">
                    {move || current.with(|p| match (&p.support_name, &p.support_email) {
                        (Some(n), Some(e)) => format!("{n} <{e}>"),
                        (Some(n), None) => n.clone(),
                        (None, Some(e)) => e.clone(),
                        (None, None) => "—".into(),
                    })}
                </Fact>
                <Fact label="Reports to">
                    {move || current.with(|p| p.report_email.clone().unwrap_or_else(|| "—".into()))}
                </Fact>
                <Fact label="Reminders">
                    <span data-testid="project-reminders">
                        {move || current.with(|p| match p.reminder_after_days {
                            Some(d) => format!(
                                "After {}, at most {}",
                                plural(d, "day", "days"),
                                plural(p.reminder_max, "reminder", "reminders")
                            ),
                            None => "Off".into(),
                        })}
                    </span>
                </Fact>
            </dl>
            {move || current.with(|p| p.description.clone()).map(|d| view! {
                <div><h2 class="small-heading">"Description (shown to candidates)"</h2><p class="pre-line">{d}</p></div>
            })}
        </div>
        {move || match panel.get() {
            Panel::Invite => view! {
                <InvitePanel current=current portal=portal
                    on_close=Callback::new(move |_| panel.set(Panel::None)) on_done=reload />
            }.into_any(),
            Panel::Import => view! { <ImportPanel current=current portal=portal on_done=reload /> }.into_any(),
            Panel::Edit => view! {
                <ProjectEditForm current=current on_close=Callback::new(move |_| panel.set(Panel::None)) />
            }.into_any(),
            Panel::Email => view! {
                <section class="card stack" aria-labelledby="project-email-heading" data-testid="project-invitation-text">
                    <h2 id="project-email-heading">"Invitation email"</h2>
                    <p class="muted small">"What this project's invitations say. Without its own text, the project uses the text for the client's skin."</p>
                    <MailTextEditor owner=TextOwner::Project { project_id: id.get_value() } fallback_label="the text for the client's skin" />
                </section>
            }.into_any(),
            Panel::None => ().into_any(),
        }}
        <SelfRegistration current=current />
        <section class="stack" aria-labelledby="results-heading" data-testid="project-candidates">
            <div class="section-header">
                <h2 id="results-heading">"Candidates"</h2>
                <button type="button" class="btn btn-small" data-testid="results-export" disabled=move || exporting.get() on:click=export>
                    {move || if exporting.get() { "Exporting…" } else { "Export CSV" }}
                </button>
            </div>
            {results.view("No candidates yet: invite them one by one, or import a CSV file.",
                move |rows: Vec<ProjectResult>| view! { <ResultsTable rows=rows current=current portal=portal /> })}
        </section>
    }
}

#[component]
fn SelfRegistration(current: RwSignal<Project>) -> impl IntoView {
    let toasts = use_toasts();
    let save = Action::new_local(move |(body, done): &(ProjectPatch, &'static str)| {
        let (body, done) = (body.clone(), *done);
        let id = current.with_untracked(|p| p.id.clone());
        async move {
            match api::patch_project(&id, &body).await {
                Ok(p) => {
                    toasts.success(done);
                    current.set(p);
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let busy = save.pending();
    let change = move |body: ProjectPatch, done: &'static str| {
        save.dispatch_local((body, done));
    };
    let enabled = move || current.with(|p| p.access_key_enabled);
    let key = move || current.with(|p| p.access_key.clone().unwrap_or_default());
    let link = Signal::derive(move || {
        current.with(|p| p.self_registration_url.clone().unwrap_or_default())
    });
    view! {
        <section class="card stack" aria-labelledby="self-reg-heading" data-testid="self-registration">
            <h2 id="self-reg-heading">"Self-registration"</h2>
            {move || if enabled() {
                view! {
                    <p class="muted small">"Anyone with this link (or the access key) can register as a candidate. Each registration uses the project's credits."</p>
                    <dl class="facts">
                        <Fact label="Access key"><code class="client-code" data-testid="access-key">{key()}</code></Fact>
                        <Fact label="Daily cap"><span data-testid="self-registration-cap">{move || format!("{} registrations a day", current.with(|p| p.self_registration_daily_cap))}</span></Fact>
                    </dl>
                    <div class="copy-row">
                        <input type="text" readonly=true aria-label="Self-registration link" data-testid="self-registration-url"
                            prop:value=move || link.get() />
                        <CopyButton value=link label="Copy the self-registration link" testid="copy-self-registration" />
                    </div>
                    <div class="form-actions">
                        <ConfirmButton testid="access-key-regenerate" label="Regenerate key"
                            question="Make a new key? The old key and link stop working." confirm_label="Regenerate"
                            pending=busy small=true
                            on_confirm=Callback::new(move |_| change(ProjectPatch { regenerate_access_key: Some(true), ..Default::default() }, "A new access key was made")) />
                        <ConfirmButton testid="access-key-disable" label="Disable"
                            question="Turn self-registration off? The key stops working." confirm_label="Disable" danger=true
                            pending=busy small=true
                            on_confirm=Callback::new(move |_| change(ProjectPatch { access_key_enabled: Some(false), ..Default::default() }, "Self-registration is off")) />
                    </div>
                }.into_any()
            } else {
                view! {
                    <p class="muted" data-testid="self-registration-off">"Self-registration is off: only candidates you invite can take the tests."</p>
                    <div class="form-actions">
                        <button type="button" class="btn btn-small" data-testid="access-key-enable" disabled=move || busy.get()
                            on:click=move |_| change(ProjectPatch { access_key_enabled: Some(true), ..Default::default() }, "Self-registration is on")>
                            "Enable"
                        </button>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
