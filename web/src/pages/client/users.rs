//! `/client/users`: the client's own users — list, add a colleague, deactivate, resend welcome.

use credence_shared::reseller::{ClientUser, ClientUserCreate};
use leptos::prelude::*;

use crate::api::{self, ClientUserFilter};
use crate::components::client_users::ClientUserTable;
use crate::components::form::{optional, ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;

#[component]
pub fn ClientUsers() -> impl IntoView {
    let toasts = use_toasts();
    let users = Paged::new(|cursor: Option<String>| async move {
        api::list_client_users(&ClientUserFilter::default(), cursor.as_deref()).await
    });
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let job_title = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let add = Action::new_local(move |body: &ClientUserCreate| {
        let body = body.clone();
        async move {
            match api::create_client_user(&body).await {
                Ok(user) => {
                    toasts.success(format!("Welcome email sent to {}", user.email));
                    name.set(String::new());
                    email.set(String::new());
                    job_title.set(String::new());
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
        add.dispatch_local(ClientUserCreate {
            client_id: None,
            name: name.get_untracked().trim().to_string(),
            email: email.get_untracked().trim().to_string(),
            job_title: optional(&job_title),
        });
    };
    view! {
        <section class="page" data-testid="client-users-page">
            <header class="page-header"><h1>"Users"</h1></header>
            {users.view("No users yet.", move |items: Vec<ClientUser>| view! {
                <ClientUserTable items=items on_changed=Callback::new(move |_| users.reload()) />
            })}
            <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="client-add-user-form">
                <h2>"Add a colleague"</h2>
                <p class="muted small">"They get a welcome email with a link to choose their password."</p>
                <ErrorSummary errors=errors known=&["name", "email", "job_title"] />
                <TextField id="colleague-name" name="name" label="Name" required=true value=name errors=errors />
                <TextField id="colleague-email" name="email" label="Email" input_type="email" required=true value=email errors=errors />
                <TextField id="colleague-job-title" name="job_title" label="Job title" value=job_title errors=errors />
                <div class="form-actions">
                    <SubmitButton testid="client-add-user-submit" label="Add user" busy_label="Adding…" pending=add.pending() />
                </div>
            </form>
        </section>
    }
}
