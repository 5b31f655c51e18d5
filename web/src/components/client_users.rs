//! Client users as a table with their row actions (edit, deactivate/reactivate, resend welcome,
//! Login As, send the Quick Start Guide), shared by the reseller portal and the client portal's Users page.

use credence_shared::reseller::{ClientUser, ClientUserPatch};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::auth::use_session;
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, StatusBadge, TableScroll};
use crate::format;
use credence_shared::UserStatus;

#[component]
pub fn ClientUserTable(
    items: Vec<ClientUser>,
    /// Show the client column (the reseller's list across clients).
    #[prop(optional)]
    show_client: bool,
    /// Offer "Login As" and "Send the Quick Start Guide" (reseller users only).
    #[prop(optional)]
    login_as: bool,
    /// Base path of the edit page (`{base}/{id}`), when users can be edited there.
    #[prop(optional)]
    edit_base: Option<&'static str>,
    /// Run after a row changed (to reload the list).
    on_changed: Callback<()>,
) -> impl IntoView {
    view! {
        <TableScroll label="Client users">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        {show_client.then(|| view! { <th scope="col">"Client"</th> })}
                        <th scope="col">"Job title"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Last sign-in"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|u| view! { <ClientUserRow user=u show_client login_as edit_base on_changed /> })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

#[component]
fn ClientUserRow(
    user: ClientUser,
    show_client: bool,
    login_as: bool,
    edit_base: Option<&'static str>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    let id = StoredValue::new(user.id.clone());

    let set_status = Action::new_local(move |status: &UserStatus| {
        let status = *status;
        async move {
            let body = ClientUserPatch {
                status: Some(status.as_str().to_string()),
                ..Default::default()
            };
            match api::patch_client_user(&id.get_value(), &body).await {
                Ok(u) => {
                    let what = if status == UserStatus::Deactivated {
                        "deactivated"
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
    let email = user.email.clone();
    let resend = Action::new_local(move |_: &()| {
        let email = email.clone();
        async move {
            match api::resend_welcome(&id.get_value()).await {
                Ok(()) => toasts.success(format!("Welcome email sent again to {email}")),
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let email = user.email.clone();
    let send_guide = Action::new_local(move |_: &()| {
        let email = email.clone();
        async move {
            match api::send_guide(&id.get_value()).await {
                Ok(()) => toasts.success(format!("Quick Start Guide sent to {email}")),
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let client_name = user.client_name.clone();
    let start_login_as = Action::new_local(move |_: &()| {
        let client_name = client_name.clone();
        async move {
            match api::impersonate(&id.get_value()).await {
                Ok(resp) => session.start_impersonation(resp, client_name),
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let busy = Signal::derive(move || {
        set_status.pending().get()
            || resend.pending().get()
            || send_guide.pending().get()
            || start_login_as.pending().get()
    });

    let deactivated = user.status == UserStatus::Deactivated;
    let invited = user.status == UserStatus::Invited;
    let active = user.status == UserStatus::Active;
    let email = user.email.clone();
    view! {
        <tr data-testid="client-user-row" data-email=user.email.clone() data-status=user.status.as_str()>
            <td>{user.name.clone()}</td>
            <td class="email">{user.email.clone()}</td>
            {show_client.then(|| view! {
                <td>
                    <A href=format!("/reseller/clients/{}", user.client_id)>{user.client_name.clone()}</A>
                    " "
                    <code class="small muted">{user.client_code.clone()}</code>
                </td>
            })}
            <td>{user.job_title.clone().unwrap_or_default()}</td>
            <td><StatusBadge status=user.status /></td>
            <td class="nowrap">{user.last_login_at.as_ref().map(format::date_time).unwrap_or_else(|| "Never".into())}</td>
            <td>
                <div class="row-actions">
                    {edit_base.map(|base| view! {
                        <A href=format!("{base}/{}", user.id) attr:class="btn btn-small" attr:data-testid=format!("edit-{email}")>
                            "Edit"
                        </A>
                    })}
                    {if deactivated {
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
                                question=format!("Deactivate {}? They can no longer sign in.", user.name)
                                confirm_label="Deactivate"
                                danger=true
                                small=true
                                pending=busy
                                on_confirm=Callback::new(move |_| { set_status.dispatch_local(UserStatus::Deactivated); })
                            />
                        }
                            .into_any()
                    }}
                    {invited.then(|| view! {
                        <button
                            type="button"
                            class="btn btn-small"
                            data-testid=format!("resend-welcome-{email}")
                            disabled=move || busy.get()
                            on:click=move |_| { resend.dispatch_local(()); }
                        >
                            "Resend welcome"
                        </button>
                    })}
                    {(login_as && !deactivated).then(|| view! {
                        <button
                            type="button"
                            class="btn btn-small"
                            data-testid=format!("send-guide-{email}")
                            title="Email this user the Quick Start Guide"
                            disabled=move || busy.get()
                            on:click=move |_| { send_guide.dispatch_local(()); }
                        >
                            "Send the Quick Start Guide"
                        </button>
                    })}
                    // The API allows Login As only for users who can sign in (not invited ones).
                    {(login_as && active).then(|| view! {
                        <button
                            type="button"
                            class="btn btn-small btn-primary"
                            data-testid=format!("login-as-{email}")
                            disabled=move || busy.get()
                            on:click=move |_| { start_login_as.dispatch_local(()); }
                        >
                            "Login As"
                        </button>
                    })}
                </div>
            </td>
        </tr>
    }
}
