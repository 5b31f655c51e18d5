//! The vendor's bounds on every retention period (Settings → Data retention bounds): the
//! shortest and longest number of days after a candidate's last activity that a reseller's
//! default or a client's own period may be. Periods set earlier outside new bounds apply
//! clamped to them.

use credence_shared::privacy::RetentionBounds;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{parse_whole, ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::loaded::Loaded;
use crate::components::toast::use_toasts;

#[component]
pub fn RetentionBoundsCard() -> impl IntoView {
    view! {
        <section class="card stack" aria-labelledby="bounds-heading" data-testid="retention-bounds">
            <h2 id="bounds-heading">"Data retention bounds"</h2>
            <p class="muted small">
                "Candidates are anonymised a number of days after their last activity. Resellers set a default for their clients and a client may set its own, always within these bounds."
            </p>
            <Loaded fetch=api::get_retention_bounds loading_label="Loading the retention bounds" let:b>
                <BoundsForm bounds=b />
            </Loaded>
        </section>
    }
}

#[component]
fn BoundsForm(bounds: RetentionBounds) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let min = RwSignal::new(bounds.min_days.to_string());
    let max = RwSignal::new(bounds.max_days.to_string());
    let save = Action::new_local(move |body: &RetentionBounds| {
        let body = body.clone();
        async move {
            match api::set_retention_bounds(&body).await {
                Ok(b) => {
                    min.set(b.min_days.to_string());
                    max.set(b.max_days.to_string());
                    toasts.success("Retention bounds saved");
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
        let parsed = (
            parse_whole(&min.get_untracked(), "min_days", "the days"),
            parse_whole(&max.get_untracked(), "max_days", "the days"),
        );
        match parsed {
            (Ok(min_days), Ok(max_days)) => {
                save.dispatch_local(RetentionBounds {
                    // Blank is 0, which the API refuses with its own message.
                    min_days: min_days.unwrap_or_default(),
                    max_days: max_days.unwrap_or_default(),
                });
            }
            (a, b) => errors.set(a.err().into_iter().chain(b.err()).collect()),
        }
    };
    view! {
        <form class="stack" on:submit=on_submit novalidate=true data-testid="retention-bounds-form">
            <ErrorSummary errors=errors known=&["min_days", "max_days"] />
            <TextField id="bounds-min" name="min_days" label="Shortest period (days)" input_type="number"
                min="1" max="3650" step="1" required=true value=min errors=errors />
            <TextField id="bounds-max" name="max_days" label="Longest period (days)" input_type="number"
                min="1" max="3650" step="1" required=true value=max errors=errors />
            <div class="form-actions">
                <SubmitButton testid="retention-bounds-save" label="Save" busy_label="Saving…" pending=save.pending() />
            </div>
        </form>
    }
}
