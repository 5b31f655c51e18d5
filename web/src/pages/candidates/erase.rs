//! An erasure request on the candidate page: "Erase…" asks for the reason, then the candidate
//! is anonymised at once (details replaced, answers removed, scores kept as statistics).

use credence_shared::assess::Candidate;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextAreaField};
use crate::components::toast::use_toasts;

#[component]
pub(super) fn EraseCandidate(current: RwSignal<Candidate>) -> impl IntoView {
    let toasts = use_toasts();
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let erase = Action::new_local(move |reason: &String| {
        let reason = reason.clone();
        let id = current.with_untracked(|c| c.id.clone());
        async move {
            match api::erase_candidate(&id, &reason).await {
                Ok(c) => {
                    toasts.success("The candidate's data was erased");
                    open.set(false);
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
        erase.dispatch_local(reason.get_untracked().trim().to_string());
    };
    view! {
        <Show when=move || open.get() fallback=move || view! {
            <button type="button" class="btn btn-danger" data-testid="candidate-erase" on:click=move |_| open.set(true)>"Erase…"</button>
        }>
            <form class="card stack erase-form" on:submit=on_submit novalidate=true data-testid="erase-form">
                <h2>"Erase this candidate's data"</h2>
                <p class="small">"Their name, email, phone and answers are removed for good; scores stay as anonymous statistics. Credits are not refunded."</p>
                <ErrorSummary errors=errors known=&["reason"] />
                <TextAreaField id="erase-reason" name="reason" label="Reason" value=reason errors=errors rows=2
                    hint="For the audit log, e.g. the candidate's request and its date." />
                <div class="form-actions">
                    <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                    <SubmitButton testid="erase-confirm" label="Erase permanently" busy_label="Erasing…" pending=erase.pending() />
                </div>
            </form>
        </Show>
    }
}
