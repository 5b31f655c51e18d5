//! `/reseller/users…`: the reseller's own users ("Reseller Users") — list, add a colleague,
//! edit one, deactivate (their sessions and Login As sessions end at once) or reactivate.

use credence_shared::admin::{ResellerUserCreate, ResellerUserPatch};
use credence_shared::auth::User;
use credence_shared::UserStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::auth::use_session;
use crate::components::form::{
    settable_user_status, user_status_options, ErrorSummary, FieldErrors, SelectField,
    SubmitButton, TextField,
};
use crate::components::loaded::Loaded;
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, StatusBadge, TableScroll};
use crate::format;

const EDIT_FIELDS: &[&str] = &["name", "status"];

#[component]
pub fn ColleagueList() -> impl IntoView {
    let toasts = use_toasts();
    let users = Paged::new(|cursor: Option<String>| async move {
        api::list_colleagues(cursor.as_deref()).await
    });
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let add = Action::new_local(move |body: &ResellerUserCreate| {
        let body = body.clone();
        async move {
            match api::create_colleague(&body).await {
                Ok(user) => {
                    toasts.success(format!("Welcome email sent to {}", user.email));
                    name.set(String::new());
                    email.set(String::new());
                    users.reload();
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
        add.dispatch_local(ResellerUserCreate {
            name: name.get_untracked().trim().to_string(),
            email: email.get_untracked().trim().to_string(),
        });
    };
    let on_changed = Callback::new(move |_| users.reload());
    view! {
        <section class="page" data-testid="colleague-list">
            <header class="page-header"><h1>"Reseller Users"</h1></header>
            <div class="stack">
                {users.view("No users yet.", move |items: Vec<User>| view! {
                    <TableScroll label="Colleagues">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Email"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Last sign-in"</th>
                                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {items.into_iter().map(|u| view! { <ColleagueRow user=u on_changed /> }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                })}
                <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="colleague-form">
                    <h2>"Add a colleague"</h2>
                    <p class="muted small">"They get a welcome email with a link to choose their password."</p>
                    <ErrorSummary errors=errors known=&["name", "email"] />
                    <TextField id="colleague-name" name="name" label="Name" required=true value=name errors=errors />
                    <TextField id="colleague-email" name="email" label="Email" input_type="email" required=true value=email errors=errors />
                    <div class="form-actions">
                        <SubmitButton testid="colleague-submit" label="Add user" busy_label="Adding…" pending=add.pending() />
                    </div>
                </form>
            </div>
        </section>
    }
}

/// One colleague with Edit and Deactivate or Reactivate (never on one's own row: nobody
/// deactivates themselves).
#[component]
fn ColleagueRow(user: User, on_changed: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    let id = StoredValue::new(user.id.clone());
    let set_status = Action::new_local(move |status: &UserStatus| {
        let status = *status;
        async move {
            let body = ResellerUserPatch {
                status: Some(status.as_str().to_string()),
                ..Default::default()
            };
            match api::patch_colleague(&id.get_value(), &body).await {
                Ok(u) => {
                    let what = if status == UserStatus::Deactivated {
                        "deactivated: their sessions have ended"
                    } else {
                        "reactivated"
                    };
                    toasts.success(format!("{} {what}", u.name));
                    on_changed.run(());
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let busy = Signal::derive(move || set_status.pending().get());
    let is_me = session
        .user
        .with_untracked(|me| me.as_ref().is_some_and(|me| me.id == user.id));
    let email = user.email.clone();
    let status_action = if is_me {
        view! { <span class="muted small" data-testid="colleague-is-me">"You"</span> }.into_any()
    } else if user.status == UserStatus::Deactivated {
        view! {
            <button
                type="button"
                class="btn btn-small"
                data-testid=format!("reactivate-{email}")
                disabled=move || busy.get()
                on:click=move |_| { set_status.dispatch_local(UserStatus::Active); }
            >
                "Reactivate"
            </button>
        }
        .into_any()
    } else {
        view! {
            <ConfirmButton
                testid=format!("deactivate-{email}")
                label="Deactivate"
                question=format!("Deactivate {}? They are signed out everywhere, including Login As.", user.name)
                confirm_label="Deactivate"
                danger=true
                small=true
                pending=busy
                on_confirm=Callback::new(move |_| { set_status.dispatch_local(UserStatus::Deactivated); })
            />
        }
        .into_any()
    };
    view! {
        <tr data-testid="colleague-row" data-email=user.email.clone() data-status=user.status.as_str()>
            <td data-testid="colleague-name">{user.name.clone()}</td>
            <td class="email">{user.email.clone()}</td>
            <td><StatusBadge status=user.status /></td>
            <td class="nowrap">{user.last_login_at.as_ref().map(format::date_time).unwrap_or_else(|| "Never".into())}</td>
            <td>
                <div class="row-actions">
                    <A href=format!("/reseller/users/{}", user.id) attr:class="btn btn-small" attr:data-testid=format!("edit-{email}")>
                        "Edit"
                    </A>
                    {status_action}
                </div>
            </td>
        </tr>
    }
}

#[component]
pub fn ColleagueEdit() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::get_colleague(&id).await }
    };
    view! {
        <section class="page" data-testid="colleague-edit-page">
            <Loaded fetch=load error_heading="Reseller user" let:u>
                <ColleagueEditor user=u />
            </Loaded>
        </section>
    }
}

#[component]
fn ColleagueEditor(user: User) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let name = RwSignal::new(user.name.clone());
    let status = RwSignal::new(user.status.as_str().to_string());
    let shown_status = RwSignal::new(user.status);
    let id = user.id.clone();
    let save = Action::new_local(move |body: &ResellerUserPatch| {
        let body = body.clone();
        let id = id.clone();
        async move {
            match api::patch_colleague(&id, &body).await {
                Ok(u) => {
                    toasts.success(format!("{} saved", u.name));
                    shown_status.set(u.status);
                    status.set(u.status.as_str().to_string());
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
        save.dispatch_local(ResellerUserPatch {
            name: Some(name.get_untracked().trim().to_string()),
            status: settable_user_status(status.get_untracked()),
        });
    };
    let options = user_status_options(user.status);
    view! {
        <header class="page-header">
            <h1 data-testid="colleague-title">{user.name.clone()}</h1>
            {move || view! { <StatusBadge status=shown_status.get() /> }}
        </header>
        <p class="muted">{user.email.clone()}</p>
        <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="colleague-edit-form">
            <ErrorSummary errors=errors known=EDIT_FIELDS />
            <TextField id="edit-colleague-name" name="name" label="Name" required=true value=name errors=errors />
            <SelectField id="edit-colleague-status" name="status" label="Status" value=status errors=errors options=options />
            <p class="muted small">"Deactivating signs them out everywhere at once, ends any Login As session they started and stops their API keys."</p>
            <div class="form-actions">
                <SubmitButton testid="colleague-save" label="Save changes" busy_label="Saving…" pending=save.pending() />
                <A href="/reseller/users" attr:class="btn btn-ghost">"Back to the list"</A>
            </div>
        </form>
    }
}
