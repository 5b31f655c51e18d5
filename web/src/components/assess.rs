//! Pieces of the projects and candidates pages both portals share: status badges, the test
//! picker, score displays, the "not enough credits" message, and local ↔ UTC times.

use chrono::{DateTime, Utc};
use credence_shared::assess::{
    Assessment, Candidate, Project, ProjectTestInput, Score, TestSummary,
};
use credence_shared::problem::FieldError;
use credence_shared::{AssessmentStatus, InvitationStatus, TestKind};
use leptos::prelude::*;
use leptos_router::components::A;
use wasm_bindgen::JsValue;

use crate::api::{self, ProjectFilter};
use crate::components::form::{error_for, FieldErrorText, FieldErrors, SelectField};
use crate::components::layout::ClientAccount;
use crate::components::states::{ErrorState, Loading};
use crate::components::widgets::{Badge, TableScroll};
use crate::format;

/// Which portal a shared page is shown in: where its links go, and whether scores exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Portal {
    Client,
    Reseller,
}

impl Portal {
    pub fn base(self) -> &'static str {
        match self {
            Portal::Client => "/client",
            Portal::Reseller => "/reseller",
        }
    }

    /// Client users see scores; resellers see status only (the API sends no scores to them).
    pub fn scores(self) -> bool {
        self == Portal::Client
    }

    pub fn is_reseller(self) -> bool {
        self == Portal::Reseller
    }
}

/// `emotional_stability` → `Emotional stability`.
pub fn humanise(s: &str) -> String {
    let spaced = s.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

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

pub fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The projects table of the list pages (both portals; the Client column for resellers).
#[component]
pub fn ProjectTable(items: Vec<Project>, portal: Portal) -> impl IntoView {
    let base = portal.base();
    view! {
        <TableScroll label="Projects">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        {portal.is_reseller().then(|| view! { <th scope="col">"Client"</th> })}
                        <th scope="col">"Tests"</th>
                        <th scope="col" class="num">"Credits per invitation"</th>
                        <th scope="col" class="num">"Candidates"</th>
                        <th scope="col" class="num">"Completed"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Created"</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|p| {
                            let tests = p.tests.iter().map(|t| t.test_name.clone()).collect::<Vec<_>>().join(", ");
                            let client = p.client_name.clone();
                            let name = p.name.clone();
                            let data_name = p.name.clone();
                            let href = format!("{base}/projects/{}", p.id);
                            view! {
                                <tr data-testid="project-row" data-name=data_name>
                                    <td><A href=href>{name}</A></td>
                                    {portal.is_reseller().then(|| view! { <td data-testid="project-client">{client}</td> })}
                                    <td class="small">{tests}</td>
                                    <td class="num" data-testid="project-row-cost">{p.credit_cost}</td>
                                    <td class="num">{p.candidate_count}</td>
                                    <td class="num">{p.completed_count}</td>
                                    <td><ProjectStatus project=p.clone() testid="project-row-status" /></td>
                                    <td class="nowrap">{format::date(&p.created_at)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

/// The candidates table of the list pages. Never shows scores (the detail page does, for clients).
#[component]
pub fn CandidateTable(items: Vec<Candidate>, portal: Portal) -> impl IntoView {
    let base = portal.base();
    view! {
        <TableScroll label="Candidates">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        {portal.is_reseller().then(|| view! { <th scope="col">"Client"</th> })}
                        <th scope="col">"Projects"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Added"</th>
                        <th scope="col">"Last change"</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|c| {
                            let mut projects: Vec<String> = Vec::new();
                            for i in &c.invitations {
                                if !projects.contains(&i.project_name) {
                                    projects.push(i.project_name.clone());
                                }
                            }
                            let client = c.client_name.clone();
                            view! {
                                <tr data-testid="candidate-row" data-email=c.email.clone()>
                                    <td class="nowrap">
                                        <A href=format!("{base}/candidates/{}", c.id)>{format!("{} {}", c.first_name, c.last_name)}</A>
                                        {(!c.active).then(|| view! { <span class="badge badge-warn">"Deactivated"</span> })}
                                    </td>
                                    <td class="email">{c.email.clone()}</td>
                                    {portal.is_reseller().then(|| view! { <td data-testid="candidate-client">{client}</td> })}
                                    <td class="small">{projects.join(", ")}</td>
                                    <td><CandidateStatus status=c.status /></td>
                                    <td class="nowrap">{format::date(&c.created_at)}</td>
                                    <td class="nowrap">{format::date_time(&c.updated_at)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

/// A select of projects (optionally of one client only); blank is `blank_label`.
#[component]
pub fn ProjectPicker(
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FieldErrors,
    #[prop(into)] blank_label: String,
    /// Only this client's projects (blank: all).
    #[prop(optional, into)]
    client_id: Signal<String>,
) -> impl IntoView {
    let projects = LocalResource::new(move || {
        let filter = ProjectFilter {
            client_id: client_id.get(),
            ..Default::default()
        };
        async move { api::list_projects(&filter, 200, None).await }
    });
    view! {
        <Suspense fallback=|| view! { <Loading label="Loading projects…" /> }>
            {move || {
                let id = id.clone();
                let label = label.clone();
                let blank_label = blank_label.clone();
                Suspend::new(async move {
                    match projects.await {
                        Ok(page) => {
                            let mut options = vec![(String::new(), blank_label)];
                            options.extend(page.data.into_iter().map(|p| (p.id, p.name)));
                            view! { <SelectField id=id name=name label=label value=value errors=errors options=options /> }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorState error=e on_retry=Callback::new(move |_| projects.refetch()) /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The catalogue as cards: a checkbox per test and a norm-group select (the first by default).
#[component]
pub fn TestPicker(
    chosen: RwSignal<Vec<ProjectTestInput>>,
    /// Filled once the catalogue has loaded (the form reads costs from it).
    catalogue: RwSignal<Vec<TestSummary>>,
    errors: FieldErrors,
) -> impl IntoView {
    let tests = LocalResource::new(api::list_tests);
    let message = error_for(errors, "tests");
    view! {
        <fieldset class="field test-picker" data-testid="test-picker" class:field-invalid=move || message.get().is_some()>
            <legend>"Tests" <span class="required" aria-hidden="true">" *"</span></legend>
            <p class="field-hint">"Pick one or more tests, and the norm group each candidate is compared with."</p>
            <Suspense fallback=|| view! { <Loading label="Loading the test catalogue…" /> }>
                {move || Suspend::new(async move {
                    match tests.await {
                        Ok(page) => {
                            catalogue.set(page.data.clone());
                            view! {
                                <div class="test-cards">
                                    {page.data.into_iter().map(|t| view! { <TestCard test=t chosen=chosen /> }).collect_view()}
                                </div>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorState error=e on_retry=Callback::new(move |_| tests.refetch()) /> }.into_any(),
                    }
                })}
            </Suspense>
            <FieldErrorText id="project-tests-error" name="tests" message=message />
        </fieldset>
    }
}

#[component]
fn TestCard(test: TestSummary, chosen: RwSignal<Vec<ProjectTestInput>>) -> impl IntoView {
    let test_id = StoredValue::new(test.id.clone());
    let first_group = test
        .norm_groups
        .first()
        .map(|g| g.id.clone())
        .unwrap_or_default();
    // The norm group shown in the select, kept while the test is unticked.
    let group = RwSignal::new(
        chosen
            .with_untracked(|c| {
                c.iter()
                    .find(|x| x.test_id == test.id)
                    .map(|x| x.norm_group_id.clone())
            })
            .unwrap_or(first_group),
    );
    let is_chosen = move || chosen.with(|c| c.iter().any(|x| x.test_id == test_id.get_value()));
    let toggle = move |on: bool| {
        let id = test_id.get_value();
        chosen.update(|c| {
            c.retain(|x| x.test_id != id);
            if on {
                c.push(ProjectTestInput {
                    test_id: id.clone(),
                    norm_group_id: group.get_untracked(),
                });
            }
        });
    };
    let set_group = move |g: String| {
        group.set(g.clone());
        let id = test_id.get_value();
        chosen.update(|c| {
            if let Some(x) = c.iter_mut().find(|x| x.test_id == id) {
                x.norm_group_id = g;
            }
        });
    };
    let check_id = format!("test-{}", test.id);
    let norm_id = format!("norm-{}", test.id);
    let meta = match (test.timed, test.duration_seconds) {
        (true, Some(s)) => format!(
            "{} · {} minutes · {} questions",
            humanise(&test.category),
            s / 60,
            test.question_count
        ),
        _ => format!(
            "{} · untimed · {} questions",
            humanise(&test.category),
            test.question_count
        ),
    };
    view! {
        <div class="test-card" class:test-card-selected=is_chosen data-testid="test-card" data-test-name=test.name.clone()>
            <div class="checkbox">
                <input type="checkbox" id=check_id.clone() data-testid="test-check"
                    prop:checked=is_chosen on:change=move |ev| toggle(event_target_checked(&ev)) />
                <label for=check_id class="test-name">{test.name.clone()}</label>
            </div>
            <p class="small muted">{meta}</p>
            <p class="small">{test.description.clone()}</p>
            <p class="small"><strong>{plural(test.credit_cost, "credit", "credits")}</strong>" per candidate"</p>
            <div class="field">
                <label for=norm_id.clone() class="small">"Norm group"</label>
                <select id=norm_id data-testid="test-norm-group"
                    prop:value=move || group.get()
                    on:change=move |ev| set_group(event_target_value(&ev))>
                    {test.norm_groups.iter().map(|g| {
                        let gid = g.id.clone();
                        view! { <option value=g.id.clone() selected=move || group.get() == gid>{g.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
        </div>
    }
}

/// Percentile, sten and T-score of aptitude tests; a sten bar per trait for personality.
#[component]
pub fn ScoresView(assessment: Assessment) -> impl IntoView {
    let Some(scores) = assessment.scores.clone().filter(|s| !s.is_empty()) else {
        return view! { <span class="muted small">{match assessment.status {
            AssessmentStatus::Submitted => "Submitted",
            AssessmentStatus::NotStarted | AssessmentStatus::InProgress | AssessmentStatus::Refunded => "No scores yet",
        }}</span> }.into_any();
    };
    if assessment.kind == TestKind::Personality || scores.iter().any(|s| s.scale != "total") {
        view! {
            <ul class="trait-list" data-testid="trait-scores">
                {scores.into_iter().map(|s| view! { <StenBar score=s /> }).collect_view()}
            </ul>
        }
        .into_any()
    } else {
        let s = scores[0].clone();
        view! {
            <span class="score-line" data-testid="aptitude-scores">
                <span>"Percentile "<strong data-testid="score-percentile">{s.percentile}</strong></span>
                <span>"Sten "<strong data-testid="score-sten">{s.sten}</strong></span>
                <span>"T "<strong data-testid="score-t">{format!("{:.1}", s.t_score)}</strong></span>
            </span>
        }
        .into_any()
    }
}

#[component]
fn StenBar(score: Score) -> impl IntoView {
    let name = humanise(&score.scale);
    let sten = score.sten.clamp(1, 10);
    view! {
        <li class="trait" data-testid="trait-score" data-trait=score.scale.clone()>
            <span class="trait-name">{name.clone()}</span>
            <span class="sten-bar" role="img" aria-label=format!("{name}: sten {sten} of 10")>
                <span class="sten-fill" style=format!("width: {}%", sten * 10)></span>
            </span>
            <span class="sten-value">{sten}</span>
        </li>
    }
}

/// A short text for a results-table cell.
pub fn score_summary(a: &Assessment) -> Option<Vec<String>> {
    let scores = a.scores.as_ref().filter(|s| !s.is_empty())?;
    if scores.len() == 1 && scores[0].scale == "total" {
        let s = &scores[0];
        Some(vec![format!("P{} · sten {}", s.percentile, s.sten)])
    } else {
        Some(
            scores
                .iter()
                .map(|s| format!("{} {}", humanise(&s.scale), s.sten))
                .collect(),
        )
    }
}

/// What a results column sorts by: the percentile, or ten times the mean trait sten.
pub fn score_sort_value(a: &Assessment) -> Option<f64> {
    let scores = a.scores.as_ref().filter(|s| !s.is_empty())?;
    if scores.len() == 1 && scores[0].scale == "total" {
        Some(scores[0].percentile as f64)
    } else {
        Some(scores.iter().map(|s| s.sten as f64).sum::<f64>() / scores.len() as f64 * 10.0)
    }
}

/// The 402 `insufficient_credits` message, with the way to more credits.
pub fn insufficient_message(cost: i64, balance: Option<i64>, portal: Portal) -> String {
    let balance = balance
        .map(|b| format!(" and the balance is {}", plural(b, "credit", "credits")))
        .unwrap_or_default();
    let what = if cost > 0 {
        format!(
            "this invitation needs {}{balance}",
            plural(cost, "credit", "credits")
        )
    } else {
        "the balance is too low".to_string()
    };
    match portal {
        Portal::Client => format!(
            "Not enough credits: {what}. Nothing was charged — ask your reseller for more credits."
        ),
        Portal::Reseller => format!(
            "Not enough credits: {what}. Nothing was charged — order more credits for this client."
        ),
    }
}

#[component]
pub fn NoCreditsAlert(
    #[prop(into)] message: String,
    portal: Portal,
    #[prop(into)] client_id: String,
) -> impl IntoView {
    let (href, label) = match portal {
        Portal::Client => ("/client/credits".to_string(), "Go to Credits"),
        Portal::Reseller => (
            format!("/reseller/clients/{client_id}"),
            "Open the client to order credits",
        ),
    };
    view! {
        <div class="alert alert-error" role="alert" data-testid="insufficient-credits">
            <p>{message}</p>
            <p><A href=href attr:data-testid="credits-link">{label}</A></p>
        </div>
    }
}

/// The client's balance now (for the 402 message), if it can be read.
pub async fn balance_of(client_id: &str) -> Option<i64> {
    api::get_client(client_id)
        .await
        .ok()
        .map(|c| c.credit_balance)
}

/// Refreshes the client portal header's balance (a no-op in the reseller portal).
#[derive(Clone, Copy)]
pub struct BalanceRefresh(Option<ClientAccount>);

impl BalanceRefresh {
    /// Call while building a component (it reads the context).
    pub fn new() -> Self {
        BalanceRefresh(use_context::<ClientAccount>())
    }

    pub fn run(&self) {
        if let Some(a) = self.0 {
            a.client.refetch();
        }
    }
}

/// Extra time as chosen in a form: `0`, `25` or `custom` plus the typed percent.
pub fn extra_time_value(choice: &str, custom: &str) -> Result<i64, FieldError> {
    let bad = || FieldError {
        field: "extra_time_percent".into(),
        code: "invalid".into(),
        message: "Enter extra time as a whole number from 1 to 100.".into(),
    };
    match choice {
        "" | "0" => Ok(0),
        "25" => Ok(25),
        _ => match custom.trim().trim_end_matches('%').trim().parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n),
            _ => Err(bad()),
        },
    }
}

/// The select's choice for a stored percent.
pub fn extra_time_choice(percent: i64) -> (String, String) {
    match percent {
        0 => ("0".into(), String::new()),
        25 => ("25".into(), String::new()),
        n => ("custom".into(), n.to_string()),
    }
}

/// None / 25 % / Custom (1–100), disabled once the candidate has started a test.
#[component]
pub fn ExtraTimeField(
    #[prop(into)] id: String,
    choice: RwSignal<String>,
    custom: RwSignal<String>,
    errors: FieldErrors,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let message = error_for(errors, "extra_time_percent");
    let custom_id = format!("{id}-custom");
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>"Extra time"</label>
            <p class="field-hint">"For candidates who need adjustments; 25 % is typical. Fixed once a test has started."</p>
            <div class="extra-time">
                <select id=id.clone() data-testid=id.clone() disabled=move || disabled.get()
                    prop:value=move || choice.get()
                    on:change=move |ev| choice.set(event_target_value(&ev))>
                    <option value="0" selected=move || choice.get() == "0">"None"</option>
                    <option value="25" selected=move || choice.get() == "25">"25 %"</option>
                    <option value="custom" selected=move || choice.get() == "custom">"Custom…"</option>
                </select>
                <Show when=move || choice.get() == "custom">
                    <label for=custom_id.clone() class="sr-only">"Extra time in percent"</label>
                    <input type="number" id=custom_id.clone() data-testid=custom_id.clone() min="1" max="100" step="1"
                        placeholder="1–100" disabled=move || disabled.get() bind:value=custom />
                    <span aria-hidden="true">"%"</span>
                </Show>
            </div>
            <FieldErrorText id=err_id name="extra_time_percent" message=message />
        </div>
    }
}

/// A `datetime-local` value (the browser's time zone) as a UTC instant.
pub fn local_input_to_utc(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let d = js_sys::Date::new(&JsValue::from_str(s));
    let ms = d.get_time();
    if ms.is_nan() {
        return None;
    }
    DateTime::<Utc>::from_timestamp_millis(ms as i64)
}

/// A UTC instant as a `datetime-local` value in the browser's time zone.
pub fn utc_to_local_input(t: &DateTime<Utc>) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(t.timestamp_millis() as f64));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// Now, from the browser's clock.
pub fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}
