//! Editing a candidate (name, email, extra time).

use credence_shared::assess::{Candidate, CandidatePatch};
use leptos::prelude::*;

use crate::api::{self};
use crate::components::assess::{extra_time_choice, extra_time_value, ExtraTimeField};
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::toast::use_toasts;

use super::CANDIDATE_FIELDS;

#[component]
pub(super) fn CandidateEditForm(current: RwSignal<Candidate>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let c = current.get_untracked();
    let first_name = RwSignal::new(c.first_name.clone());
    let last_name = RwSignal::new(c.last_name.clone());
    let email = RwSignal::new(c.email.clone());
    let phone = RwSignal::new(c.phone.clone().unwrap_or_default());
    let (choice, custom) = extra_time_choice(c.extra_time_percent);
    let extra_choice = RwSignal::new(choice);
    let extra_custom = RwSignal::new(custom);
    let locked = Signal::derive(move || current.with(|c| c.extra_time_locked));
    let save = Action::new_local(move |body: &CandidatePatch| {
        let body = body.clone();
        let id = current.with_untracked(|c| c.id.clone());
        async move {
            match api::patch_candidate(&id, &body).await {
                Ok(c) => {
                    toasts.success("Candidate saved");
                    current.set(c);
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
        let extra = if locked.get_untracked() {
            None
        } else {
            match extra_time_value(&extra_choice.get_untracked(), &extra_custom.get_untracked()) {
                Ok(n) => Some(n),
                Err(e) => {
                    errors.set(vec![e]);
                    return;
                }
            }
        };
        save.dispatch_local(CandidatePatch {
            first_name: Some(first_name.get_untracked().trim().to_string()),
            last_name: Some(last_name.get_untracked().trim().to_string()),
            email: Some(email.get_untracked().trim().to_string()),
            phone: Some(phone.get_untracked().trim().to_string()),
            extra_time_percent: extra,
            active: None,
        });
    };
    view! {
        <form class="card stack" on:submit=on_submit novalidate=true data-testid="candidate-edit-form">
            <h2>"Details"</h2>
            <ErrorSummary errors=errors known=CANDIDATE_FIELDS />
            <TextField id="candidate-first-name" name="first_name" label="First name" required=true value=first_name errors=errors />
            <TextField id="candidate-last-name" name="last_name" label="Last name" required=true value=last_name errors=errors />
            <TextField id="candidate-email-input" name="email" label="Email" input_type="email" required=true value=email errors=errors />
            <TextField id="candidate-phone" name="phone" label="Phone" input_type="tel" value=phone errors=errors />
            <ExtraTimeField id="candidate-extra-time" choice=extra_choice custom=extra_custom errors=errors disabled=locked />
            <Show when=move || locked.get()>
                <p class="muted small" data-testid="extra-time-locked">"Extra time is fixed: the candidate has started a test."</p>
            </Show>
            <div class="form-actions">
                <SubmitButton testid="candidate-save" label="Save changes" busy_label="Saving…" pending=save.pending() />
            </div>
        </form>
    }
}
