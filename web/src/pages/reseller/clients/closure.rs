//! Closing a client: a reason and a grace period; while it is pending, when it happens and a
//! way to withdraw it; once done, when it was closed.

use credence_shared::reseller::{Client, ClientClosureCreate};
use leptos::prelude::*;

use crate::api;
use crate::components::form::{
    parse_whole, ErrorSummary, FieldErrors, SubmitButton, TextAreaField, TextField,
};
use crate::components::toast::use_toasts;
use crate::components::widgets::ConfirmButton;
use crate::format;

#[component]
pub fn ClosureCard(current: RwSignal<Client>) -> impl IntoView {
    view! {
        <section class="card stack" aria-labelledby="closure-heading" data-testid="closure">
            <h2 id="closure-heading">"Close the client"</h2>
            {move || match current.with(|c| c.closure.clone()) {
                None => view! { <CloseForm current=current /> }.into_any(),
                Some(c) => match c.closed_at {
                    Some(closed_at) => view! {
                        <p data-testid="closure-done">
                            "Closed on " {format::date_time(&closed_at)}
                            ": its candidates are anonymised and its users deactivated. Invoices, orders and the credit ledger are kept."
                        </p>
                        <p class="muted small">"Reason: " {c.reason}</p>
                    }.into_any(),
                    None => view! { <Pending current=current closes_at=c.closes_at reason=c.reason /> }.into_any(),
                },
            }}
        </section>
    }
}

#[component]
fn Pending(
    current: RwSignal<Client>,
    closes_at: chrono::DateTime<chrono::Utc>,
    reason: String,
) -> impl IntoView {
    let toasts = use_toasts();
    let withdraw = Action::new_local(move |_: &()| {
        let id = current.with_untracked(|c| c.id.clone());
        async move {
            match api::withdraw_client_closure(&id).await {
                Ok(c) => {
                    toasts.success(format!("“{}” will not be closed", c.name));
                    current.set(c);
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    view! {
        <p class="alert alert-warn" role="status" data-testid="closure-pending">
            "This client closes on " <strong>{format::date_time(&closes_at)}</strong>
            ". Until then its users can sign in and export their data; nothing new can be invited or ordered."
        </p>
        <p class="muted small">"Reason: " {reason}</p>
        <div class="form-actions">
            <ConfirmButton testid="closure-withdraw" label="Withdraw the closure"
                question="Keep this client open?" confirm_label="Keep it open" pending=withdraw.pending()
                on_confirm=Callback::new(move |_| { withdraw.dispatch_local(()); }) />
        </div>
    }
}

#[component]
fn CloseForm(current: RwSignal<Client>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let reason = RwSignal::new(String::new());
    let grace = RwSignal::new("30".to_string());
    let close = Action::new_local(move |body: &ClientClosureCreate| {
        let body = body.clone();
        let id = current.with_untracked(|c| c.id.clone());
        async move {
            match api::close_client(&id, &body).await {
                Ok(c) => {
                    toasts.success(format!("“{}” will be closed", c.name));
                    current.set(c);
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    toasts.problem(&e);
                }
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Vec::new());
        match parse_whole(&grace.get_untracked(), "grace_days", "the days") {
            Ok(days) => {
                close.dispatch_local(ClientClosureCreate {
                    reason: reason.get_untracked().trim().to_string(),
                    grace_days: days,
                });
            }
            Err(e) => errors.set(vec![e]),
        }
    };
    view! {
        <p class="muted small">
            "After the grace period the client's candidates are anonymised and its users deactivated. "
            "Invoices, orders and the credit ledger are kept for accounting. You can withdraw it until then."
        </p>
        <form class="stack" on:submit=on_submit novalidate=true data-testid="closure-form">
            <ErrorSummary errors=errors known=&["reason", "grace_days"] />
            <TextAreaField id="closure-reason" name="reason" label="Reason" value=reason errors=errors rows=2
                hint="Kept in the activity log, e.g. “Contract ended 30 November”." />
            <TextField id="closure-grace" name="grace_days" label="Grace period (days)" input_type="number"
                min="0" max="365" step="1" value=grace errors=errors />
            <div class="form-actions">
                <SubmitButton testid="closure-submit" label="Close the client" busy_label="Saving…" pending=close.pending() />
            </div>
        </form>
    }
}
