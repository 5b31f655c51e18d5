//! The retention period field: the reseller's default (Settings) or a client's own (the
//! reseller's client page and the client's dashboard; blank follows the default). Candidates are anonymised this many
//! days after their last activity, within the vendor's bounds.

use leptos::prelude::*;

use crate::api;
use crate::components::form::{parse_whole, FieldErrors, SubmitButton, TextField};
use crate::components::loaded::Loaded;
use crate::components::toast::use_toasts;

/// (own days or the default's, the default, min, max) as loaded.
type Loaded4 = (Option<i64>, i64, i64, i64);

async fn load(client_id: Option<String>) -> api::ApiResult<Loaded4> {
    Ok(match client_id {
        Some(id) => {
            let r = api::get_client_retention(&id).await?;
            (r.days, r.default_days, r.min_days, r.max_days)
        }
        None => {
            let r = api::get_reseller_retention().await?;
            (Some(r.default_days), r.default_days, r.min_days, r.max_days)
        }
    })
}

#[component]
pub fn RetentionCard(#[prop(optional, into)] client_id: Option<String>) -> impl IntoView {
    let for_load = client_id.clone();
    let fetch = move || load(for_load.clone());
    view! {
        <section class="card stack" aria-labelledby="retention-heading" data-testid="retention">
            <h2 id="retention-heading">"Data retention"</h2>
            <Loaded fetch=fetch loading_label="Loading the retention period" let:r>
                <RetentionForm loaded=r client_id=client_id.clone() />
            </Loaded>
        </section>
    }
}

#[component]
fn RetentionForm(loaded: Loaded4, client_id: Option<String>) -> impl IntoView {
    let toasts = use_toasts();
    let (days, default, min, max) = loaded;
    let value = RwSignal::new(days.map(|d| d.to_string()).unwrap_or_default());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let client = StoredValue::new(client_id.clone());
    let save = Action::new_local(move |days: &Option<i64>| {
        let days = *days;
        async move {
            let result = match client.get_value() {
                Some(id) => api::set_client_retention(&id, days).await.map(|_| ()),
                None => api::set_reseller_retention(days.unwrap_or_default())
                    .await
                    .map(|_| ()),
            };
            match result {
                Ok(()) => toasts.success("Retention period saved"),
                Err(e) => {
                    errors.set(e.field_errors());
                    toasts.problem(&e);
                }
            }
        }
    });
    let field = if client_id.is_some() {
        "days"
    } else {
        "default_days"
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(Vec::new());
        match parse_whole(&value.get_untracked(), field, "the days") {
            Ok(d) => {
                save.dispatch_local(d);
            }
            Err(e) => errors.set(vec![e]),
        }
    };
    let hint = if client_id.is_some() {
        format!("Candidates are anonymised this many days after their last activity ({min}–{max}); blank: the default, {default} days.")
    } else {
        format!("Your clients' candidates are anonymised this many days after their last activity ({min}–{max}), unless a client has its own period.")
    };
    view! {
        <form class="stack" on:submit=on_submit novalidate=true data-testid="retention-form">
            <TextField id="retention-days" name=field label="Retention period (days)" input_type="number"
                min=min.to_string() value=value errors=errors hint=hint />
            <div class="form-actions">
                <SubmitButton testid="retention-save" label="Save" busy_label="Saving…" pending=save.pending() />
            </div>
        </form>
    }
}
