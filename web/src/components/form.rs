//! Labelled form controls that show the API's 422 field errors next to the right input.

use credence_shared::problem::FieldError;
use leptos::prelude::*;

/// Field errors of the last submit, keyed by the API's field names.
pub type FieldErrors = RwSignal<Vec<FieldError>>;

fn matches_field(err_field: &str, name: &str) -> bool {
    err_field == name
        || err_field
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The message for one field, if the last submit failed on it.
pub fn error_for(errors: FieldErrors, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || {
        errors.with(|es| {
            let msgs: Vec<String> = es
                .iter()
                .filter(|e| matches_field(&e.field, name))
                .map(|e| e.message.clone())
                .collect();
            (!msgs.is_empty()).then(|| msgs.join(" "))
        })
    })
}

/// The error line under an input; its id is what the input's `aria-describedby` points at.
#[component]
pub fn FieldErrorText(
    #[prop(into)] id: String,
    name: &'static str,
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <p class="field-error" id=id.clone() data-testid=format!("field-error-{name}")>
                {move || message.get().unwrap_or_default()}
            </p>
        </Show>
    }
}

#[component]
pub fn TextField(
    /// DOM id, also the input's `data-testid`.
    #[prop(into)]
    id: String,
    /// The API field name errors are reported under.
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FieldErrors,
    #[prop(optional, into)] input_type: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] autocomplete: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] step: Option<String>,
    #[prop(optional, into)] min: Option<String>,
    #[prop(optional, into)] max: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
) -> impl IntoView {
    let message = error_for(errors, name);
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let err_id = err_id.clone();
        let hint_id = hint_id.clone();
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if message.get().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>
                {label}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id.clone()
                name=name
                data-testid=id.clone()
                type=input_type.unwrap_or_else(|| "text".into())
                required=required
                autocomplete=autocomplete
                step=step
                min=min
                max=max
                placeholder=placeholder
                aria-invalid=move || if message.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
                bind:value=value
            />
            <FieldErrorText id=err_id name=name message=message />
        </div>
    }
}

#[component]
pub fn SelectField(
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FieldErrors,
    /// `(value, label)` pairs.
    options: Vec<(String, String)>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let message = error_for(errors, name);
    let err_id = format!("{id}-error");
    let described = err_id.clone();
    view! {
        <div class="field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>
                {label}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            <select
                id=id.clone()
                name=name
                data-testid=id.clone()
                required=required
                aria-invalid=move || if message.get().is_some() { "true" } else { "false" }
                aria-describedby=move || message.get().map(|_| described.clone())
                on:change=move |ev| value.set(event_target_value(&ev))
                prop:value=move || value.get()
            >
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let selected_v = v.clone();
                        view! {
                            <option value=v selected=move || value.get() == selected_v>
                                {l}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <FieldErrorText id=err_id name=name message=message />
        </div>
    }
}

/// A colour as a native picker plus a `#rrggbb` text input, both bound to one value.
#[component]
pub fn ColorField(
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FieldErrors,
) -> impl IntoView {
    let message = error_for(errors, name);
    let err_id = format!("{id}-error");
    let picker_id = format!("{id}-picker");
    let described = err_id.clone();
    let picker_value = move || {
        let v = value.get();
        if crate::branding::parse_hex(&v).is_some() && v.len() == 7 {
            v.to_lowercase()
        } else {
            "#000000".to_string()
        }
    };
    view! {
        <div class="field color-field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>{label.clone()}<span class="required" aria-hidden="true">" *"</span></label>
            <div class="color-inputs">
                <label for=picker_id.clone() class="sr-only">{format!("{label} picker")}</label>
                <input
                    type="color"
                    id=picker_id.clone()
                    data-testid=picker_id.clone()
                    prop:value=picker_value
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                <input
                    type="text"
                    id=id.clone()
                    name=name
                    data-testid=id.clone()
                    required=true
                    spellcheck="false"
                    autocomplete="off"
                    pattern="#[0-9a-fA-F]{6}"
                    title="A colour as #rrggbb"
                    placeholder="#1a2b3c"
                    aria-invalid=move || if message.get().is_some() { "true" } else { "false" }
                    aria-describedby=move || message.get().map(|_| described.clone())
                    bind:value=value
                />
            </div>
            <FieldErrorText id=err_id name=name message=message />
        </div>
    }
}

/// Field errors that belong to no input on the form (e.g. an expired link's `token`).
#[component]
pub fn ErrorSummary(errors: FieldErrors, known: &'static [&'static str]) -> impl IntoView {
    let orphans = move || {
        errors.with(|es| {
            es.iter()
                .filter(|e| !known.iter().any(|k| matches_field(&e.field, k)))
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || !orphans().is_empty()>
            <div class="alert alert-error" role="alert" data-testid="form-errors">
                <ul>{move || orphans().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
            </div>
        </Show>
    }
}

/// A primary submit button that shows progress and can't be pressed twice.
#[component]
pub fn SubmitButton(
    #[prop(into)] testid: String,
    #[prop(into)] label: String,
    #[prop(into)] busy_label: String,
    #[prop(into)] pending: Signal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="btn btn-primary"
            data-testid=testid
            disabled=move || pending.get()
            aria-busy=move || if pending.get() { "true" } else { "false" }
        >
            {move || if pending.get() { busy_label.clone() } else { label.clone() }}
        </button>
    }
}

/// A multi-line text input, with the same label, hint and error wiring as `TextField`.
#[component]
pub fn TextAreaField(
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FieldErrors,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] rows: Option<u32>,
) -> impl IntoView {
    let message = error_for(errors, name);
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let err_id = err_id.clone();
        let hint_id = hint_id.clone();
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if message.get().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <textarea
                id=id.clone()
                name=name
                data-testid=id.clone()
                rows=rows.unwrap_or(3)
                aria-invalid=move || if message.get().is_some() { "true" } else { "false" }
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
            <FieldErrorText id=err_id name=name message=message />
        </div>
    }
}

/// A whole number typed into a form, or the field error to show instead (blank is `None`).
pub fn parse_whole(raw: &str, field: &str, label: &str) -> Result<Option<i64>, FieldError> {
    let raw = raw.trim().replace(',', "");
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>().map(Some).map_err(|_| FieldError {
        field: field.to_string(),
        code: "invalid".into(),
        message: format!("Enter {label} as a whole number."),
    })
}

/// `Some(trimmed)` unless blank.
pub fn optional(value: &RwSignal<String>) -> Option<String> {
    let v = value.get_untracked().trim().to_string();
    (!v.is_empty()).then_some(v)
}

/// The choices of a user's status field: active or deactivated, and "invited" only to show
/// where a user who has not set a password stands.
pub fn user_status_options(current: credence_shared::UserStatus) -> Vec<(String, String)> {
    use credence_shared::UserStatus;
    let mut options: Vec<(String, String)> = [UserStatus::Active, UserStatus::Deactivated]
        .iter()
        .map(|s| (s.as_str().to_string(), s.label()))
        .collect();
    if current == UserStatus::Invited {
        options.insert(
            0,
            (
                UserStatus::Invited.as_str().into(),
                "Invited (has not set a password yet)".into(),
            ),
        );
    }
    options
}

/// The status an edit form sends: "invited" is not something to set (re-activating keeps an
/// invited user invited), so only active or deactivated go out.
pub fn settable_user_status(word: String) -> Option<String> {
    use credence_shared::UserStatus;
    match UserStatus::parse(&word) {
        Some(UserStatus::Active | UserStatus::Deactivated) => Some(word),
        Some(UserStatus::Invited) | None => None,
    }
}
