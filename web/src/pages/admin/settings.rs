//! `/admin/settings`: the main currency and its list price per credit, the default credit
//! threshold, the price lists of every currency (`prices::PricesCard`) and the bounds on every
//! data retention period (`retention::RetentionBoundsCard`).

use credence_shared::admin::{Settings, SettingsPatch};
use credence_shared::problem::FieldError;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{ErrorSummary, FieldErrors, SelectField, SubmitButton, TextField};
use crate::components::loaded::Loaded;
use crate::components::toast::use_toasts;
use crate::format;
use crate::pages::admin::prices::PricesCard;
use crate::pages::admin::retention::RetentionBoundsCard;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <section class="page" data-testid="settings-page">
            <header class="page-header"><h1>"Settings"</h1></header>
            <Loaded fetch=api::get_settings let:s>
                <SettingsForm settings=s />
            </Loaded>
            <PricesCard />
            <RetentionBoundsCard />
        </section>
    }
}

#[component]
fn SettingsForm(settings: Settings) -> impl IntoView {
    let toasts = use_toasts();
    let currency = RwSignal::new(settings.currency.clone());
    let price = RwSignal::new(format::minor_to_major(
        settings.list_price_minor,
        &settings.currency,
    ));
    let threshold = RwSignal::new(settings.default_credit_threshold.to_string());
    let updated = RwSignal::new(settings.updated_at);
    let errors: FieldErrors = RwSignal::new(Vec::new());

    let save = Action::new_local(move |body: &SettingsPatch| {
        let body = body.clone();
        async move {
            match api::patch_settings(&body).await {
                Ok(s) => {
                    price.set(format::minor_to_major(s.list_price_minor, &s.currency));
                    currency.set(s.currency);
                    threshold.set(s.default_credit_threshold.to_string());
                    updated.set(s.updated_at);
                    toasts.success("Settings saved");
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
        let cur = currency.get_untracked();
        let mut bad = Vec::new();
        let list_price_minor = format::major_to_minor(&price.get_untracked(), &cur);
        if list_price_minor.is_none() {
            bad.push(FieldError {
                field: "list_price_minor".into(),
                code: "invalid".into(),
                message: format!(
                    "Enter an amount in {cur} with at most {} decimals, e.g. 12.50.",
                    format::minor_digits(&cur)
                ),
            });
        }
        let default_credit_threshold = threshold.get_untracked().trim().parse::<i64>().ok();
        if default_credit_threshold.is_none() {
            bad.push(FieldError {
                field: "default_credit_threshold".into(),
                code: "invalid".into(),
                message: "Enter a whole number of credits.".into(),
            });
        }
        errors.set(bad.clone());
        if !bad.is_empty() {
            return;
        }
        save.dispatch_local(SettingsPatch {
            list_price_minor,
            currency: Some(cur),
            default_credit_threshold,
        });
    };

    let currencies = format::currency_options();

    view! {
        <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="settings-form">
            <ErrorSummary errors=errors known=&["list_price_minor", "currency", "default_credit_threshold"] />
            <div class="field-row">
                <TextField id="settings-list-price" name="list_price_minor" label="List price per credit"
                    input_type="text" required=true value=price errors=errors
                    hint="The list price in the main currency, in major units, e.g. 12.50. Saving adds it to the price lists below from now." />
                <SelectField id="settings-currency" name="currency" label="Currency" required=true
                    value=currency errors=errors options=currencies />
            </div>
            <p class="muted small" data-testid="settings-price-display">
                {move || {
                    format::major_to_minor(&price.get(), &currency.get())
                        .map(|m| format!("One credit costs {}.", format::money(m, &currency.get())))
                        .unwrap_or_default()
                }}
            </p>
            <TextField id="settings-threshold" name="default_credit_threshold" label="Default credit threshold"
                input_type="number" step="1" min="0" required=true value=threshold errors=errors
                hint="New clients get a low-credit email when their balance falls below this." />
            <div class="form-actions">
                <SubmitButton testid="settings-save" label="Save settings" busy_label="Saving…" pending=save.pending() />
                <span class="muted small">{move || format!("Last changed {}", format::date_time(&updated.get()))}</span>
            </div>
        </form>
    }
}
