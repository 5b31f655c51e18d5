//! Inviting one candidate to the project.

use credence_shared::assess::{CandidateCreate, Project};
use leptos::prelude::*;

use crate::api;
use crate::components::assess::{
    balance_of, extra_time_value, insufficient_message, BalanceRefresh, ExtraTimeField,
    NoCreditsAlert, Portal,
};
use crate::components::form::{optional, ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::toast::use_toasts;
use crate::format::plural;

use super::INVITE_FIELDS;

#[component]
pub(super) fn InvitePanel(
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
