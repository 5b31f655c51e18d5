//! The extra-time field of the invite and edit forms.

use credence_shared::problem::FieldError;
use leptos::prelude::*;

use crate::components::form::{error_for, FieldErrorText, FieldErrors};

/// Extra time as chosen in a form: `0`, `25` or `custom` plus the typed percent.
pub fn extra_time_value(choice: &str, custom: &str) -> Result<i64, FieldError> {
    let bad = || FieldError {
        field: "extra_time_percent".into(),
        code: "invalid".into(),
        message: "Enter extra time as a whole number from 1 to 100.".into(),
    };
    match choice {
        "" | "0" => Ok(0),
        "25" => Ok(25),
        _ => match custom.trim().trim_end_matches('%').trim().parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n),
            _ => Err(bad()),
        },
    }
}

/// The select's choice for a stored percent.
pub fn extra_time_choice(percent: i64) -> (String, String) {
    match percent {
        0 => ("0".into(), String::new()),
        25 => ("25".into(), String::new()),
        n => ("custom".into(), n.to_string()),
    }
}

/// None / 25 % / Custom (1–100), disabled once the candidate has started a test.
#[component]
pub fn ExtraTimeField(
    #[prop(into)] id: String,
    choice: RwSignal<String>,
    custom: RwSignal<String>,
    errors: FieldErrors,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let message = error_for(errors, "extra_time_percent");
    let custom_id = format!("{id}-custom");
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>"Extra time"</label>
            <p class="field-hint">"For candidates who need adjustments; 25 % is typical. Fixed once a test has started."</p>
            <div class="extra-time">
                <select id=id.clone() data-testid=id.clone() disabled=move || disabled.get()
                    prop:value=move || choice.get()
                    on:change=move |ev| choice.set(event_target_value(&ev))>
                    <option value="0" selected=move || choice.get() == "0">"None"</option>
                    <option value="25" selected=move || choice.get() == "25">"25 %"</option>
                    <option value="custom" selected=move || choice.get() == "custom">"Custom…"</option>
                </select>
                <Show when=move || choice.get() == "custom">
                    <label for=custom_id.clone() class="sr-only">"Extra time in percent"</label>
                    <input type="number" id=custom_id.clone() data-testid=custom_id.clone() min="1" max="100" step="1"
                        placeholder="1–100" disabled=move || disabled.get() bind:value=custom />
                    <span aria-hidden="true">"%"</span>
                </Show>
            </div>
            <FieldErrorText id=err_id name="extra_time_percent" message=message />
        </div>
    }
}
