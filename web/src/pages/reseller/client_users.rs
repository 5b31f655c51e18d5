//! `/reseller/client-users…`: the people who sign in for the reseller's clients — list across
//! clients (edit, deactivate, resend welcome, Login As), create, edit.

use credence_shared::reseller::{ClientUser, ClientUserCreate, ClientUserPatch};
use credence_shared::UserStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{self, ClientUserFilter};
use crate::components::client_users::ClientUserTable;
use crate::components::form::{
    optional, settable_user_status, user_status_options, ErrorSummary, FieldErrors, SelectField,
    SubmitButton, TextField,
};
use crate::components::loaded::Loaded;
use crate::components::paged::Paged;
use crate::components::pickers::ClientPicker;
use crate::components::toast::use_toasts;
use crate::components::widgets::StatusBadge;

const USER_FIELDS: &[&str] = &["client_id", "name", "email", "job_title", "status"];

fn status_options() -> Vec<(String, String)> {
    std::iter::once((String::new(), "Any status".to_string()))
        .chain(
            UserStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), s.label())),
        )
        .collect()
}

#[component]
pub fn ClientUserList() -> impl IntoView {
    let query = use_query_map();
    let client_id = RwSignal::new(
        query
            .with_untracked(|q| q.get("client_id"))
            .unwrap_or_default(),
    );
    let status = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let no_errors: FieldErrors = RwSignal::new(Vec::new());
    let users = Paged::new(move |cursor: Option<String>| {
        let filter = ClientUserFilter {
            client_id: client_id.get(),
            q: q.get(),
            status: status.get(),
        };
        async move { api::list_client_users(&filter, cursor.as_deref()).await }
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        q.set(search.get_untracked());
    };
    view! {
        <section class="page" data-testid="client-user-list">
            <header class="page-header">
                <h1>"Client Users"</h1>
                <A href=move || {
                    let c = client_id.get();
                    if c.is_empty() { "/reseller/client-users/new".to_string() } else { format!("/reseller/client-users/new?client_id={}", api::enc(&c)) }
                } attr:class="btn btn-primary" attr:data-testid="client-user-create">"Create"</A>
                <A href="/reseller/quick-start" attr:class="btn" attr:data-testid="quick-start-preview-open">"Preview the Quick Start Guide"</A>
                <crate::components::widgets::ExportButton name="client-users.csv" path=Signal::derive(move || {
                    api::client_users_export_path(&ClientUserFilter {
                        client_id: client_id.get(),
                        q: q.get(),
                        status: status.get(),
                    })
                }) />
            </header>
            <div class="filters">
                <form class="search-bar" role="search" on:submit=on_search>
                    <label for="client-user-search">"Search users"</label>
                    <input id="client-user-search" type="search" data-testid="client-user-search" bind:value=search
                        placeholder="Name or email" />
                    <button type="submit" class="btn">"Search"</button>
                </form>
                <div class="filter-row">
                    <ClientPicker id="client-user-client-filter" name="client_id" label="Client" value=client_id
                        errors=no_errors blank_label="All clients" />
                    <SelectField id="client-user-status-filter" name="status" label="Status" value=status
                        errors=no_errors options=status_options() />
                </div>
            </div>
            {users.view("No client users match. Create one with the Create button.", move |items: Vec<ClientUser>| {
                view! {
                    <ClientUserTable items=items show_client=true login_as=true edit_base="/reseller/client-users"
                        on_changed=Callback::new(move |_| users.reload()) />
                }
            })}
        </section>
    }
}

#[component]
pub fn ClientUserNew() -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let query = use_query_map();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let client_id = RwSignal::new(
        query
            .with_untracked(|q| q.get("client_id"))
            .unwrap_or_default(),
    );
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let job_title = RwSignal::new(String::new());
    let create = Action::new_local(move |body: &ClientUserCreate| {
        let body = body.clone();
        let navigate = navigate.clone();
        async move {
            match api::create_client_user(&body).await {
                Ok(user) => {
                    toasts.success(format!("Welcome email sent to {}", user.email));
                    navigate(
                        &format!(
                            "/reseller/client-users?client_id={}",
                            api::enc(&user.client_id)
                        ),
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
        create.dispatch_local(ClientUserCreate {
            client_id: optional(&client_id),
            name: name.get_untracked().trim().to_string(),
            email: email.get_untracked().trim().to_string(),
            job_title: optional(&job_title),
        });
    };
    view! {
        <section class="page" data-testid="client-user-new-page">
            <header class="page-header"><h1>"Create client user"</h1></header>
            <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="client-user-form">
                <p class="muted">
                    "The client's contact, typically their recruitment manager or test administrator. "
                    "When you save, they get a welcome email with a link to choose their password."
                </p>
                <p class="mandatory-note">
                    "Only fields with " <span class="required" aria-hidden="true">"*"</span>
                    <span class="sr-only">"an asterisk"</span> " are mandatory."
                </p>
                <ErrorSummary errors=errors known=USER_FIELDS />
                <ClientPicker id="client-user-client" name="client_id" label="Client" value=client_id errors=errors
                    blank_label="Choose a client…" required=true />
                <TextField id="client-user-name" name="name" label="Name" required=true value=name errors=errors autocomplete="off" />
                <TextField id="client-user-email" name="email" label="Email" input_type="email" required=true value=email
                    errors=errors autocomplete="off" />
                <TextField id="client-user-job-title" name="job_title" label="Job title" value=job_title errors=errors
                    placeholder="Recruitment manager" />
                <div class="form-actions">
                    <SubmitButton testid="client-user-submit" label="Save" busy_label="Saving…" pending=create.pending() />
                    <A href="/reseller/client-users" attr:class="btn btn-ghost">"Cancel"</A>
                </div>
            </form>
        </section>
    }
}

#[component]
pub fn ClientUserEdit() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::get_client_user(&id).await }
    };
    view! {
        <section class="page" data-testid="client-user-edit-page">
            <Loaded fetch=load error_heading="Client user" let:u>
                <ClientUserEditor user=u />
            </Loaded>
        </section>
    }
}

#[component]
fn ClientUserEditor(user: ClientUser) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let name = RwSignal::new(user.name.clone());
    let email = RwSignal::new(user.email.clone());
    let job_title = RwSignal::new(user.job_title.clone().unwrap_or_default());
    let status = RwSignal::new(user.status.as_str().to_string());
    let shown_status = RwSignal::new(user.status);
    // A new email waits for its owner to confirm it; the sign-in email stays until then.
    let pending_email = RwSignal::new(user.pending_email.clone());
    let id = user.id.clone();
    let save = Action::new_local(move |body: &ClientUserPatch| {
        let body = body.clone();
        let id = id.clone();
        async move {
            match api::patch_client_user(&id, &body).await {
                Ok(u) => {
                    toasts.success(format!("{} saved", u.name));
                    shown_status.set(u.status);
                    status.set(u.status.as_str().to_string());
                    email.set(u.email.clone());
                    pending_email.set(u.pending_email.clone());
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
        save.dispatch_local(ClientUserPatch {
            name: Some(name.get_untracked().trim().to_string()),
            email: Some(email.get_untracked().trim().to_string()),
            // Empty clears the job title.
            job_title: Some(job_title.get_untracked().trim().to_string()),
            status: settable_user_status(status.get_untracked()),
        });
    };
    let options = user_status_options(user.status);
    view! {
        <header class="page-header">
            <h1 data-testid="client-user-title">{user.name.clone()}</h1>
            {move || view! { <StatusBadge status=shown_status.get() /> }}
        </header>
        <p class="muted">
            "Client: " <A href=format!("/reseller/clients/{}", user.client_id)>{user.client_name.clone()}</A>
            " " <code>{user.client_code.clone()}</code>
        </p>
        <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="client-user-edit-form">
            <ErrorSummary errors=errors known=USER_FIELDS />
            <TextField id="edit-user-name" name="name" label="Name" required=true value=name errors=errors />
            <TextField id="edit-user-email" name="email" label="Email" input_type="email" required=true value=email errors=errors />
            {move || pending_email.get().map(|to| view! {
                <p class="alert alert-warn" role="status" data-testid="pending-email">
                    "Confirmation sent to " <strong>{to}</strong>
                    ". The email changes once that address confirms it; until then they sign in as before."
                </p>
            })}
            <TextField id="edit-user-job-title" name="job_title" label="Job title" value=job_title errors=errors />
            <SelectField id="edit-user-status" name="status" label="Status" value=status errors=errors options=options />
            <div class="form-actions">
                <SubmitButton testid="client-user-save" label="Save changes" busy_label="Saving…" pending=save.pending() />
                <A href="/reseller/client-users" attr:class="btn btn-ghost">"Back to the list"</A>
            </div>
        </form>
    }
}
