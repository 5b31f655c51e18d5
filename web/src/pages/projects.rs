//! Projects in both portals: the list (all the reseller's clients, or the client's own), the
//! create form (tests from the catalogue with a norm group each), and the project page (settings,
//! self-registration key, candidates and results, invite, CSV import, CSV export).

use credence_shared::assess::{
    CandidateCreate, ImportReport, Project, ProjectCreate, ProjectPatch, ProjectResult,
    ProjectTestInput, TestSummary,
};
use credence_shared::problem::FieldError;
use credence_shared::ImportOutcome;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use wasm_bindgen::JsCast;

use crate::api::{self, ProjectFilter};
use crate::components::assess::{
    balance_of, extra_time_value, insufficient_message, local_input_to_utc, plural,
    score_sort_value, score_summary, utc_to_local_input, BalanceRefresh, CandidateStatus,
    ExtraTimeField, NoCreditsAlert, Portal, ProjectStatus, ProjectTable, TestPicker,
};
use crate::components::form::{
    optional, ErrorSummary, FieldErrors, SelectField, SubmitButton, TextAreaField, TextField,
};
use crate::components::paged::Paged;
use crate::components::pickers::ClientPicker;
use crate::components::states::{EmptyState, ErrorState, Loading};
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, CopyButton, Fact, TableScroll};
use crate::format;

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

// ---------------------------------------------------------------- list

#[component]
pub fn ProjectListPage(portal: Portal) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    let active = RwSignal::new(String::new());
    let no_errors: FieldErrors = RwSignal::new(Vec::new());
    let projects = Paged::new(move |cursor: Option<String>| {
        let f = ProjectFilter {
            q: q.get(),
            client_id: client_id.get(),
            active: active.get(),
        };
        async move { api::list_projects(&f, 50, cursor.as_deref()).await }
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        q.set(search.get_untracked());
    };
    let intro = match portal {
        Portal::Client => "A project groups the tests you invite candidates to. Each invitation uses the project's credits at once.",
        Portal::Reseller => "Every project of every one of your clients. You can also set one up for a client.",
    };
    view! {
        <section class="page" data-testid="project-list">
            <header class="page-header">
                <h1>"Projects"</h1>
                <A href=format!("{}/projects/new", portal.base()) attr:class="btn btn-primary" attr:data-testid="project-create">
                    "Create project"
                </A>
            </header>
            <p class="muted">{intro}</p>
            <div class="filters">
                <form class="search-bar" role="search" on:submit=on_search>
                    <label for="project-search">"Search projects"</label>
                    <input id="project-search" type="search" data-testid="project-search" bind:value=search placeholder="Project name" />
                    <button type="submit" class="btn">"Search"</button>
                </form>
                <div class="filter-row">
                    {portal.is_reseller().then(|| view! {
                        <ClientPicker id="project-client-filter" name="client_id" label="Client" value=client_id
                            errors=no_errors blank_label="All clients" />
                    })}
                    <SelectField id="project-active-filter" name="active" label="Status" value=active errors=no_errors
                        options=vec![
                            (String::new(), "All".into()),
                            ("true".into(), "Active".into()),
                            ("false".into(), "Inactive".into()),
                        ] />
                </div>
            </div>
            {projects.view("No projects yet. Create one with the Create project button.", move |items| {
                view! { <ProjectTable items=items portal=portal /> }
            })}
        </section>
    }
}

// ---------------------------------------------------------------- the form (create and edit)

/// The editable fields of a project.
#[derive(Clone, Copy)]
struct ProjectDraft {
    client_id: RwSignal<String>,
    name: RwSignal<String>,
    description: RwSignal<String>,
    tests: RwSignal<Vec<ProjectTestInput>>,
    access_key_enabled: RwSignal<bool>,
    expires_local: RwSignal<String>,
    support_name: RwSignal<String>,
    support_email: RwSignal<String>,
    report_email: RwSignal<String>,
    active: RwSignal<bool>,
}

impl ProjectDraft {
    fn new(client_id: String) -> Self {
        ProjectDraft {
            client_id: RwSignal::new(client_id),
            name: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            tests: RwSignal::new(Vec::new()),
            access_key_enabled: RwSignal::new(false),
            expires_local: RwSignal::new(String::new()),
            support_name: RwSignal::new(String::new()),
            support_email: RwSignal::new(String::new()),
            report_email: RwSignal::new(String::new()),
            active: RwSignal::new(true),
        }
    }

    fn of(p: &Project) -> Self {
        ProjectDraft {
            client_id: RwSignal::new(p.client_id.clone()),
            name: RwSignal::new(p.name.clone()),
            description: RwSignal::new(p.description.clone().unwrap_or_default()),
            tests: RwSignal::new(
                p.tests
                    .iter()
                    .map(|t| ProjectTestInput {
                        test_id: t.test_id.clone(),
                        norm_group_id: t.norm_group_id.clone(),
                    })
                    .collect(),
            ),
            access_key_enabled: RwSignal::new(p.access_key_enabled),
            expires_local: RwSignal::new(
                p.expires_at
                    .as_ref()
                    .map(utc_to_local_input)
                    .unwrap_or_default(),
            ),
            support_name: RwSignal::new(p.support_name.clone().unwrap_or_default()),
            support_email: RwSignal::new(p.support_email.clone().unwrap_or_default()),
            report_email: RwSignal::new(p.report_email.clone().unwrap_or_default()),
            active: RwSignal::new(p.active),
        }
    }

    /// The expiry typed, as UTC; a field error when the browser could not read it.
    fn expires_at(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>, FieldError> {
        let raw = self.expires_local.get_untracked();
        if raw.trim().is_empty() {
            return Ok(None);
        }
        local_input_to_utc(&raw)
            .map(Some)
            .ok_or_else(|| FieldError {
                field: "expires_at".into(),
                code: "invalid".into(),
                message: "Enter a date and time.".into(),
            })
    }
}

fn cost_of(tests: &[ProjectTestInput], catalogue: &[TestSummary]) -> i64 {
    tests
        .iter()
        .filter_map(|t| catalogue.iter().find(|c| c.id == t.test_id))
        .map(|c| c.credit_cost)
        .sum()
}

#[component]
fn ProjectFields(
    draft: ProjectDraft,
    errors: FieldErrors,
    catalogue: RwSignal<Vec<TestSummary>>,
    /// Candidates were invited: the tests cannot change any more.
    tests_locked: bool,
    /// The reseller picks the client (create only).
    pick_client: bool,
) -> impl IntoView {
    let cost = move || draft.tests.with(|t| catalogue.with(|c| cost_of(t, c)));
    view! {
        {pick_client.then(|| view! {
            <ClientPicker id="project-client" name="client_id" label="Client" value=draft.client_id errors=errors
                blank_label="Choose a client…" required=true />
        })}
        <TextField id="project-name" name="name" label="Project name" required=true value=draft.name errors=errors
            hint="Candidates see the name." />
        <TextAreaField id="project-description" name="description" label="Description" value=draft.description
            errors=errors hint="Shown to candidates before they start." />
        {if tests_locked {
            view! {
                <p class="alert alert-warn" data-testid="tests-locked">
                    "Candidates were invited already, so the tests cannot change. Create a new project to use other tests."
                </p>
            }.into_any()
        } else {
            view! {
                <TestPicker chosen=draft.tests catalogue=catalogue errors=errors />
                <p class="cost-note" data-testid="project-form-cost" aria-live="polite">
                    {move || format!("Each invitation costs {}.", plural(cost(), "credit", "credits"))}
                </p>
            }.into_any()
        }}
        <div class="checkbox">
            <input type="checkbox" id="project-access-key" data-testid="project-access-key"
                prop:checked=move || draft.access_key_enabled.get()
                on:change=move |ev| draft.access_key_enabled.set(event_target_checked(&ev)) />
            <label for="project-access-key">"Self-registration: candidates may sign up with the project's access key"</label>
        </div>
        <div class="field-row">
            <TextField id="project-expires" name="expires_at" label="Expires" input_type="datetime-local"
                value=draft.expires_local errors=errors
                hint="Optional, in your local time. After it the project locks: no new candidates, no new starts." />
        </div>
        <div class="field-row">
            <TextField id="project-support-name" name="support_name" label="Support name" value=draft.support_name errors=errors />
            <TextField id="project-support-email" name="support_email" label="Support email" input_type="email"
                value=draft.support_email errors=errors hint="Candidates' replies go here." />
        </div>
        <TextField id="project-report-email" name="report_email" label="Email reports to" input_type="email"
            value=draft.report_email errors=errors hint="Optional: gets a summary when a candidate completes." />
        <div class="checkbox">
            <input type="checkbox" id="project-active" data-testid="project-active"
                prop:checked=move || draft.active.get()
                on:change=move |ev| draft.active.set(event_target_checked(&ev)) />
            <label for="project-active">"Active (takes new candidates)"</label>
        </div>
    }
}

#[component]
pub fn ProjectNewPage(portal: Portal) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let query = use_query_map();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let catalogue = RwSignal::new(Vec::<TestSummary>::new());
    let draft = ProjectDraft::new(
        query
            .with_untracked(|q| q.get("client_id"))
            .unwrap_or_default(),
    );
    let create = Action::new_local(move |body: &ProjectCreate| {
        let body = body.clone();
        let navigate = navigate.clone();
        async move {
            match api::create_project(&body).await {
                Ok(p) => {
                    toasts.success(format!("Project “{}” created", p.name));
                    navigate(
                        &format!("{}/projects/{}", portal.base(), p.id),
                        Default::default(),
                    );
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
        let expires_at = match draft.expires_at() {
            Ok(e) => e,
            Err(e) => {
                errors.set(vec![e]);
                return;
            }
        };
        create.dispatch_local(ProjectCreate {
            client_id: portal
                .is_reseller()
                .then(|| draft.client_id.get_untracked()),
            name: draft.name.get_untracked().trim().to_string(),
            description: optional(&draft.description),
            tests: draft.tests.get_untracked(),
            access_key_enabled: Some(draft.access_key_enabled.get_untracked()),
            self_registration_daily_cap: None,
            expires_at,
            support_name: optional(&draft.support_name),
            support_email: optional(&draft.support_email),
            report_email: optional(&draft.report_email),
            active: Some(draft.active.get_untracked()),
        });
    };
    view! {
        <section class="page" data-testid="project-new-page">
            <header class="page-header"><h1>"Create project"</h1></header>
            <form class="card stack form-wide" on:submit=on_submit novalidate=true data-testid="project-form">
                <p class="mandatory-note muted">"Fields marked " <span class="required">"*"</span> " are mandatory."</p>
                <ErrorSummary errors=errors known=PROJECT_FIELDS />
                <ProjectFields draft=draft errors=errors catalogue=catalogue tests_locked=false pick_client=portal.is_reseller() />
                <div class="form-actions">
                    <SubmitButton testid="project-submit" label="Create project" busy_label="Creating…" pending=create.pending() />
                    <A href=format!("{}/projects", portal.base()) attr:class="btn btn-ghost">"Cancel"</A>
                </div>
            </form>
        </section>
    }
}

// ---------------------------------------------------------------- detail

#[component]
pub fn ProjectDetailPage(portal: Portal) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let project = LocalResource::new(move || {
        let id = id();
        async move { api::get_project(&id).await }
    });
    view! {
        <section class="page" data-testid="project-detail">
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match project.await {
                        Ok(p) => view! { <ProjectPage project=p portal=portal /> }.into_any(),
                        Err(e) => view! {
                            <header class="page-header"><h1>"Project"</h1></header>
                            <ErrorState error=e on_retry=Callback::new(move |_| project.refetch()) />
                        }.into_any(),
                    }
                })}
            </Suspense>
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
}

#[component]
fn ProjectPage(project: Project, portal: Portal) -> impl IntoView {
    let toasts = use_toasts();
    let current = RwSignal::new(project.clone());
    let id = StoredValue::new(project.id.clone());
    let panel = RwSignal::new(Panel::None);
    let exporting = RwSignal::new(false);
    let results = LocalResource::new(move || {
        let id = id.get_value();
        async move { api::project_results(&id).await }
    });
    // After invites, imports and cancellations: the counts and the candidates.
    let reload = Callback::new(move |_: ()| {
        results.refetch();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(p) = api::get_project(&id.get_value()).await {
                current.set(p);
            }
        });
    });
    let export = move |_| {
        exporting.set(true);
        wasm_bindgen_futures::spawn_local(async move {
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
            {move || match results.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorState error=e on_retry=Callback::new(move |_| results.refetch()) /> }.into_any(),
                Some(Ok(page)) if page.data.is_empty() => view! {
                    <EmptyState title="No candidates yet." body="Invite candidates one by one, or import a CSV file." />
                }.into_any(),
                Some(Ok(page)) => view! { <ResultsTable rows=page.data current=current portal=portal /> }.into_any(),
            }}
        </section>
    }
}

/// What the results table is sorted by.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SortKey {
    Name,
    Email,
    Status,
    Submitted,
    Test(usize),
}

#[component]
fn ResultsTable(
    rows: Vec<ProjectResult>,
    current: RwSignal<Project>,
    portal: Portal,
) -> impl IntoView {
    let tests = current.with_untracked(|p| p.tests.clone());
    let sort = RwSignal::new((SortKey::Name, true));
    let rows = StoredValue::new(rows);
    let tests_sv = StoredValue::new(tests.clone());
    let sorted = move || {
        let (key, asc) = sort.get();
        let tests = tests_sv.get_value();
        let mut rows = rows.get_value();
        let name = |r: &ProjectResult| format!("{} {}", r.last_name, r.first_name).to_lowercase();
        rows.sort_by(|a, b| {
            let ord = match key {
                SortKey::Name => name(a).cmp(&name(b)),
                SortKey::Email => a.email.cmp(&b.email),
                SortKey::Status => a.status.as_str().cmp(b.status.as_str()),
                SortKey::Submitted => a.submitted_at.cmp(&b.submitted_at),
                SortKey::Test(i) => {
                    let v = |r: &ProjectResult| {
                        tests
                            .get(i)
                            .and_then(|t| r.assessments.iter().find(|x| x.test_id == t.test_id))
                            .and_then(score_sort_value)
                            .unwrap_or(-1.0)
                    };
                    v(a).partial_cmp(&v(b)).unwrap_or(std::cmp::Ordering::Equal)
                }
            };
            if asc {
                ord
            } else {
                ord.reverse()
            }
        });
        rows
    };
    let header = move |key: SortKey, label: String, testid: String| {
        let aria = move || {
            let (k, asc) = sort.get();
            if k == key {
                if asc {
                    "ascending"
                } else {
                    "descending"
                }
            } else {
                "none"
            }
        };
        let arrow = move || {
            let (k, asc) = sort.get();
            if k == key {
                if asc {
                    " ▲"
                } else {
                    " ▼"
                }
            } else {
                ""
            }
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button type="button" class="th-sort" data-testid=testid
                    on:click=move |_| sort.update(|(k, asc)| {
                        if *k == key {
                            *asc = !*asc;
                        } else {
                            *k = key;
                            *asc = true;
                        }
                    })>
                    {label}<span aria-hidden="true">{arrow}</span>
                </button>
            </th>
        }
    };
    let base = portal.base();
    let test_headers = tests
        .iter()
        .enumerate()
        .map(|(i, t)| {
            header(
                SortKey::Test(i),
                t.test_name.clone(),
                format!("sort-test-{i}"),
            )
        })
        .collect_view();
    view! {
        <TableScroll label="Results">
            <table class="table" data-testid="results-table">
                <thead>
                    <tr>
                        {header(SortKey::Name, "Name".into(), "sort-name".into())}
                        {header(SortKey::Email, "Email".into(), "sort-email".into())}
                        {header(SortKey::Status, "Status".into(), "sort-status".into())}
                        {header(SortKey::Submitted, "Completed".into(), "sort-submitted".into())}
                        {test_headers}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let tests = tests_sv.get_value();
                        sorted().into_iter().map(|r| {
                            let cells = tests.iter().map(|t| {
                                let a = r.assessments.iter().find(|x| x.test_id == t.test_id).cloned();
                                // Each score stays whole; a personality's traits wrap between scores.
                                let parts = match &a {
                                    Some(a) if portal.scores() => score_summary(a)
                                        .unwrap_or_else(|| vec![a.status.label()]),
                                    Some(a) => vec![a.status.label()],
                                    None => vec!["—".into()],
                                };
                                let parts = parts.into_iter().map(|p| view! { <span class="nowrap">{p}</span> }).collect_view();
                                view! { <td class="small score-cell" data-testid="result-cell"><span class="score-line">{parts}</span></td> }
                            }).collect_view();
                            view! {
                                <tr data-testid="result-row" data-email=r.email.clone() data-status=r.status.as_str()>
                                    <td><A href=format!("{base}/candidates/{}", r.candidate_id)>{format!("{} {}", r.first_name, r.last_name)}</A></td>
                                    <td class="email">{r.email.clone()}</td>
                                    <td><CandidateStatus status=r.status testid="result-status" /></td>
                                    <td>{r.submitted_at.as_ref().map(format::date_time).unwrap_or_default()}</td>
                                    {cells}
                                </tr>
                            }
                        }).collect_view()
                    }}
                </tbody>
            </table>
        </TableScroll>
        {portal.scores().then(|| view! {
            <p class="muted small">"P = percentile (1–99) against the test's norm group; sten 1–10. Click a column heading to sort."</p>
        })}
    }
}

// ---------------------------------------------------------------- invite one candidate

#[component]
fn InvitePanel(
    current: RwSignal<Project>,
    portal: Portal,
    on_close: Callback<()>,
    on_done: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let balance = BalanceRefresh::new();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let extra_choice = RwSignal::new("0".to_string());
    let extra_custom = RwSignal::new(String::new());
    let no_credits = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    // One Idempotency-Key per body: a retry of the same invitation never charges twice.
    let attempt = StoredValue::new(None::<(CandidateCreate, String)>);
    let invite = Action::new_local(move |input: &(CandidateCreate, String)| {
        let (body, key) = input.clone();
        async move {
            match api::create_candidate(&body, &key).await {
                Ok(c) => {
                    attempt.set_value(None);
                    toasts.success(format!("Invitation sent to {}", c.email));
                    first_name.set(String::new());
                    last_name.set(String::new());
                    email.set(String::new());
                    phone.set(String::new());
                    extra_choice.set("0".into());
                    extra_custom.set(String::new());
                    balance.run();
                    on_done.run(());
                }
                Err(err) if err.status() == 402 => {
                    attempt.set_value(None);
                    let (cost, client_id) =
                        current.with_untracked(|p| (p.credit_cost, p.client_id.clone()));
                    let b = balance_of(&client_id).await;
                    no_credits.set(Some(insufficient_message(cost, b, portal)));
                    balance.run();
                }
                Err(err) if err.is_validation() => {
                    errors.set(err.field_errors());
                    toasts.problem(&err);
                }
                Err(err) => problem.set(Some(err.message())),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Vec::new());
        no_credits.set(None);
        problem.set(None);
        let extra =
            match extra_time_value(&extra_choice.get_untracked(), &extra_custom.get_untracked()) {
                Ok(n) => n,
                Err(e) => {
                    errors.set(vec![e]);
                    return;
                }
            };
        let body = CandidateCreate {
            project_id: current.with_untracked(|p| p.id.clone()),
            first_name: first_name.get_untracked().trim().to_string(),
            last_name: last_name.get_untracked().trim().to_string(),
            email: email.get_untracked().trim().to_string(),
            phone: optional(&phone),
            extra_time_percent: Some(extra),
        };
        let key = match attempt.get_value() {
            Some((same, key)) if same == body => key,
            _ => api::new_idempotency_key(),
        };
        attempt.set_value(Some((body.clone(), key.clone())));
        invite.dispatch_local((body, key));
    };
    let client_id = move || current.with(|p| p.client_id.clone());
    view! {
        <form class="card stack form-wide" role="group" aria-labelledby="invite-heading" on:submit=on_submit
            novalidate=true data-testid="invite-form">
            <div class="section-header">
                <h2 id="invite-heading">"Invite a candidate"</h2>
                <button type="button" class="btn btn-ghost btn-small" data-testid="invite-close" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
            <p class="muted small">
                {move || format!(
                    "The candidate gets an email with a personal link. This uses {} at once; tests never started are refunded if you cancel.",
                    plural(current.with(|p| p.credit_cost), "credit", "credits")
                )}
            </p>
            {move || no_credits.get().map(|m| view! { <NoCreditsAlert message=m portal=portal client_id=client_id() /> })}
            {move || problem.get().map(|m| view! { <p class="alert alert-error" role="alert" data-testid="invite-error">{m}</p> })}
            <ErrorSummary errors=errors known=INVITE_FIELDS />
            <div class="field-row">
                <TextField id="invite-first-name" name="first_name" label="First name" required=true value=first_name errors=errors autocomplete="off" />
                <TextField id="invite-last-name" name="last_name" label="Last name" required=true value=last_name errors=errors autocomplete="off" />
            </div>
            <div class="field-row">
                <TextField id="invite-email" name="email" label="Email" input_type="email" required=true value=email errors=errors autocomplete="off" />
                <TextField id="invite-phone" name="phone" label="Phone" input_type="tel" value=phone errors=errors />
            </div>
            <ExtraTimeField id="invite-extra-time" choice=extra_choice custom=extra_custom errors=errors />
            <div class="form-actions">
                <SubmitButton testid="invite-submit" label="Send invitation" busy_label="Inviting…" pending=invite.pending() />
            </div>
        </form>
    }
}

// ---------------------------------------------------------------- CSV import

#[component]
fn ImportPanel(current: RwSignal<Project>, portal: Portal, on_done: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let balance = BalanceRefresh::new();
    let file = RwSignal::new_local(None::<web_sys::File>);
    let busy = RwSignal::new(false);
    let report = RwSignal::new(None::<ImportReport>);
    let no_credits = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let on_file = move |ev: leptos::ev::Event| {
        let picked = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|fs| fs.get(0));
        file.set(picked);
        report.set(None);
        no_credits.set(None);
        problem.set(None);
    };
    let template = move |_| {
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = api::download_import_template().await {
                toasts.problem(&e);
            }
        });
    };
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(f) = file.get_untracked() else {
            problem.set(Some("Choose a CSV file first.".into()));
            return;
        };
        busy.set(true);
        report.set(None);
        no_credits.set(None);
        problem.set(None);
        let (project_id, client_id) =
            current.with_untracked(|p| (p.id.clone(), p.client_id.clone()));
        wasm_bindgen_futures::spawn_local(async move {
            match api::import_candidates(&project_id, &f).await {
                Ok(r) => {
                    toasts.success(format!("{} invited, {} rejected", r.invited, r.rejected));
                    report.set(Some(r));
                    balance.run();
                    on_done.run(());
                }
                Err(e) if e.status() == 402 => {
                    let b = balance_of(&client_id).await;
                    let detail = e.message();
                    no_credits.set(Some(format!(
                        "{} ({detail})",
                        insufficient_message(0, b, portal).replace(
                            "the balance is too low",
                            "this file needs more credits than the balance"
                        )
                    )));
                }
                Err(e) => {
                    let msgs: Vec<String> =
                        e.field_errors().into_iter().map(|f| f.message).collect();
                    problem.set(Some(if msgs.is_empty() {
                        e.message()
                    } else {
                        msgs.join(" ")
                    }));
                }
            }
            busy.set(false);
        });
    };
    let client_id = move || current.with(|p| p.client_id.clone());
    view! {
        <form class="card stack form-wide" aria-labelledby="import-heading" on:submit=upload data-testid="import-form">
            <h2 id="import-heading">"Import candidates from a CSV file"</h2>
            <p class="muted small">
                "Columns: first_name, last_name, email, and optionally phone and extra_time_percent. "
                "Every valid row is invited at once and uses the project's credits; if the file needs more credits "
                "than the balance, nothing is charged. "
                <button type="button" class="link-button" data-testid="import-template" on:click=template>
                    "Download the template"
                </button>
            </p>
            <div class="field">
                <label for="import-file">"CSV file"</label>
                <input type="file" id="import-file" data-testid="import-file" accept=".csv,text/csv" on:change=on_file />
            </div>
            {move || no_credits.get().map(|m| view! { <NoCreditsAlert message=m portal=portal client_id=client_id() /> })}
            {move || problem.get().map(|m| view! { <p class="alert alert-error" role="alert" data-testid="import-error">{m}</p> })}
            <div class="form-actions">
                <SubmitButton testid="import-submit" label="Import and invite" busy_label="Importing…" pending=busy />
            </div>
            {move || report.get().map(|r| view! { <ImportResult report=r /> })}
        </form>
    }
}

#[component]
fn ImportResult(report: ImportReport) -> impl IntoView {
    view! {
        <div class="stack" data-testid="import-report" role="status">
            <p class="import-summary" data-testid="import-summary">
                <strong data-testid="import-invited">{report.invited}</strong>" invited, "
                <strong data-testid="import-rejected">{report.rejected}</strong>" rejected, "
                <strong data-testid="import-credits">{report.credits_charged}</strong>" credits used."
            </p>
            <TableScroll label="Import outcome">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"Line"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Outcome"</th>
                            <th scope="col">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {report.rows.into_iter().map(|row| {
                            let reason = row.errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join(" ");
                            let ok = row.outcome == ImportOutcome::Invited;
                            view! {
                                <tr data-testid="import-row" data-outcome=row.outcome.as_str()>
                                    <td class="num">{row.line}</td>
                                    <td class="email">{row.email.clone()}</td>
                                    <td>
                                        <span class=if ok { "badge badge-ok" } else { "badge badge-warn" }>
                                            {if ok { "Invited" } else { "Rejected" }}
                                        </span>
                                    </td>
                                    <td data-testid="import-reason">{reason}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
        </div>
    }
}

// ---------------------------------------------------------------- settings

#[component]
fn SelfRegistration(current: RwSignal<Project>) -> impl IntoView {
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let change = move |body: ProjectPatch, done: &'static str| {
        busy.set(true);
        let id = current.with_untracked(|p| p.id.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match api::patch_project(&id, &body).await {
                Ok(p) => {
                    toasts.success(done);
                    current.set(p);
                }
                Err(e) => toasts.problem(&e),
            }
            busy.set(false);
        });
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

#[component]
fn ProjectEditForm(current: RwSignal<Project>, on_close: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let catalogue = RwSignal::new(Vec::<TestSummary>::new());
    let project = current.get_untracked();
    let draft = ProjectDraft::of(&project);
    let tests_locked = project.candidate_count > 0;
    let had_expiry = project.expires_at.is_some();
    let save = Action::new_local(move |body: &ProjectPatch| {
        let body = body.clone();
        let id = current.with_untracked(|p| p.id.clone());
        async move {
            match api::patch_project(&id, &body).await {
                Ok(p) => {
                    toasts.success(format!("“{}” saved", p.name));
                    current.set(p);
                    on_close.run(());
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
        let expires_at = match draft.expires_at() {
            Ok(e) => e,
            Err(e) => {
                errors.set(vec![e]);
                return;
            }
        };
        // Empty strings clear the optional texts.
        save.dispatch_local(ProjectPatch {
            name: Some(draft.name.get_untracked().trim().to_string()),
            description: Some(draft.description.get_untracked().trim().to_string()),
            tests: (!tests_locked).then(|| draft.tests.get_untracked()),
            access_key_enabled: Some(draft.access_key_enabled.get_untracked()),
            regenerate_access_key: None,
            self_registration_daily_cap: None,
            clear_expires_at: (expires_at.is_none() && had_expiry).then_some(true),
            expires_at,
            support_name: Some(draft.support_name.get_untracked().trim().to_string()),
            support_email: Some(draft.support_email.get_untracked().trim().to_string()),
            report_email: Some(draft.report_email.get_untracked().trim().to_string()),
            active: Some(draft.active.get_untracked()),
        });
    };
    view! {
        <form class="card stack form-wide" on:submit=on_submit novalidate=true data-testid="project-edit-form">
            <div class="section-header">
                <h2>"Settings"</h2>
                <button type="button" class="btn btn-ghost btn-small" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
            <ErrorSummary errors=errors known=PROJECT_FIELDS />
            <ProjectFields draft=draft errors=errors catalogue=catalogue tests_locked=tests_locked pick_client=false />
            <div class="form-actions">
                <SubmitButton testid="project-save" label="Save changes" busy_label="Saving…" pending=save.pending() />
            </div>
        </form>
    }
}
