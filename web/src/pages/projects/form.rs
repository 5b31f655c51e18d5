//! The project form: create (tests from the catalogue with a norm group each) and edit.

use credence_shared::assess::{
    Project, ProjectCreate, ProjectPatch, ProjectTestInput, TestSummary,
};
use credence_shared::problem::FieldError;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::assess::{Portal, TestPicker};
use crate::components::form::{
    optional, parse_whole, ErrorSummary, FieldErrors, SubmitButton, TextAreaField, TextField,
};
use crate::components::pickers::ClientPicker;
use crate::components::toast::use_toasts;
use crate::format::{local_input_to_utc, plural, utc_to_local_input};

use super::PROJECT_FIELDS;

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
    /// Days before a reminder; blank: no reminders.
    reminder_days: RwSignal<String>,
    reminder_max: RwSignal<String>,
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
            reminder_days: RwSignal::new(String::new()),
            reminder_max: RwSignal::new("1".into()),
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
            reminder_days: RwSignal::new(
                p.reminder_after_days
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            reminder_max: RwSignal::new(p.reminder_max.to_string()),
            active: RwSignal::new(p.active),
        }
    }

    /// The reminder settings typed: (days, or `None` for no reminders; at most how many).
    fn reminders(&self) -> Result<(Option<i64>, Option<i64>), FieldError> {
        let days = parse_whole(
            &self.reminder_days.get_untracked(),
            "reminder_after_days",
            "the days before a reminder",
        )?;
        let max = parse_whole(
            &self.reminder_max.get_untracked(),
            "reminder_max",
            "the number of reminders",
        )?;
        Ok((days, max))
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
        <div class="field-row">
            <TextField id="project-reminder-days" name="reminder_after_days" label="Remind after (days)" input_type="number"
                min="1" max="30" step="1" value=draft.reminder_days errors=errors
                hint="Optional, 1 to 30: invited candidates who have not started get a reminder with a new link this many days after the last email. Blank: no reminders." />
            <TextField id="project-reminder-max" name="reminder_max" label="Reminders at most" input_type="number"
                min="1" max="5" step="1" value=draft.reminder_max errors=errors
                hint="1 to 5 per candidate; none after the invitation expires." />
        </div>
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
        let (reminder_after_days, reminder_max) = match draft.reminders() {
            Ok(r) => r,
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
            reminder_after_days,
            reminder_max,
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

#[component]
pub(super) fn ProjectEditForm(current: RwSignal<Project>, on_close: Callback<()>) -> impl IntoView {
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
        let (reminder_after_days, reminder_max) = match draft.reminders() {
            Ok(r) => r,
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
            self_registration_daily_cap: None,
            clear_reminder_after_days: reminder_after_days.is_none().then_some(true),
            reminder_after_days,
            reminder_max,
            regenerate_access_key: None,
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
