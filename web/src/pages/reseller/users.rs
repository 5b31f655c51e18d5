//! `/reseller/users`: the reseller's own users ("Reseller Users") — list and add a colleague.

use credence_shared::admin::ResellerUserCreate;
use credence_shared::auth::User;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;
use crate::components::widgets::{StatusBadge, TableScroll};
use crate::format;

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
    view! {
        <section class="page" data-testid="colleague-list">
            <header class="page-header"><h1>"Reseller Users"</h1></header>
            <div class="two-columns">
                <div>
                    {users.view("No users yet.", |items: Vec<User>| view! {
                        <TableScroll label="Colleagues">
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Email"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Last sign-in"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {items.into_iter().map(|u| view! {
                                        <tr data-testid="colleague-row" data-email=u.email.clone()>
                                            <td>{u.name.clone()}</td>
                                            <td class="email">{u.email.clone()}</td>
                                            <td><StatusBadge status=u.status /></td>
                                            <td class="nowrap">{u.last_login_at.as_ref().map(format::date_time).unwrap_or_else(|| "Never".into())}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </TableScroll>
                    })}
                </div>
                <form class="card stack" on:submit=on_submit novalidate=true data-testid="colleague-form">
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
