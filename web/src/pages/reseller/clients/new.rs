//! Creating a client.

use credence_shared::reseller::ClientCreate;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::form::{
    optional, parse_whole, ErrorSummary, FieldErrors, SubmitButton, TextAreaField, TextField,
};
use crate::components::pickers::BrandPicker;
use crate::components::toast::use_toasts;

use super::logo::{LogoChoice, LogoInput};
use super::CLIENT_FIELDS;

#[component]
pub fn ClientNew() -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let name = RwSignal::new(String::new());
    let contact_name = RwSignal::new(String::new());
    let contact_email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let brand_id = RwSignal::new(String::new());
    let initial_credits = RwSignal::new("0".to_string());
    // Prefilled with the platform's default threshold (what the API applies when it is left out).
    let default_threshold = RwSignal::new(None::<String>);
    let threshold = RwSignal::new(String::new());
    leptos::task::spawn_local(async move {
        if let Ok(defaults) = api::client_defaults().await {
            let value = defaults.credit_threshold.to_string();
            if threshold.get_untracked().is_empty() {
                threshold.set(value.clone());
            }
            default_threshold.set(Some(value));
        }
    });
    let logo = LogoChoice::new();

    let create = Action::new_local(move |body: &ClientCreate| {
        let body = body.clone();
        let navigate = navigate.clone();
        async move {
            match api::create_client(&body).await {
                Ok(client) => {
                    // The logo goes up once the client exists; a failure there keeps the client.
                    if let Some(file) = logo.valid_file() {
                        if let Err(e) = api::upload_client_logo(&client.id, &file).await {
                            toasts.error(format!(
                                "The client was created, but the logo was not uploaded: {}",
                                e.message()
                            ));
                        }
                    }
                    toasts.success(format!(
                        "Client “{}” created with code {}",
                        client.name, client.code
                    ));
                    navigate(
                        &format!("/reseller/clients/{}", client.id),
                        Default::default(),
                    );
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
        let mut local = Vec::new();
        let credits = parse_whole(
            &initial_credits.get_untracked(),
            "initial_credits",
            "the credits",
        )
        .unwrap_or_else(|e| {
            local.push(e);
            None
        });
        let raw_threshold = threshold.get_untracked();
        // Left as the default, the API applies the platform's setting.
        let untouched = raw_threshold.trim().is_empty()
            || default_threshold
                .get_untracked()
                .is_some_and(|d| d == raw_threshold.trim());
        let credit_threshold = if untouched {
            None
        } else {
            parse_whole(&raw_threshold, "credit_threshold", "the threshold").unwrap_or_else(|e| {
                local.push(e);
                None
            })
        };
        if !local.is_empty() {
            errors.set(local);
            return;
        }
        create.dispatch_local(ClientCreate {
            name: name.get_untracked().trim().to_string(),
            contact_name: contact_name.get_untracked().trim().to_string(),
            contact_email: contact_email.get_untracked().trim().to_string(),
            phone: optional(&phone),
            address: optional(&address),
            notes: optional(&notes),
            brand_id: optional(&brand_id),
            initial_credits: credits.filter(|c| *c != 0),
            credit_threshold,
        });
    };

    view! {
        <section class="page" data-testid="client-new-page">
            <header class="page-header"><h1>"Create client"</h1></header>
            <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="client-form">
                <p class="mandatory-note" data-testid="mandatory-note">
                    "Only fields with " <span class="required" aria-hidden="true">"*"</span>
                    <span class="sr-only">"an asterisk"</span> " are mandatory."
                </p>
                <ErrorSummary errors=errors known=CLIENT_FIELDS />
                <TextField id="client-name" name="name" label="Client name" required=true value=name errors=errors
                    autocomplete="organization" />
                <div class="field-row">
                    <TextField id="client-contact-name" name="contact_name" label="Contact name" required=true
                        value=contact_name errors=errors autocomplete="off" />
                    <TextField id="client-contact-email" name="contact_email" label="Contact email" input_type="email"
                        required=true value=contact_email errors=errors autocomplete="off" />
                </div>
                <BrandPicker id="client-brand" name="brand_id" label="Brand Portal" value=brand_id errors=errors />
                <p class="field-hint">"The default skin, unless a custom skin was made for you."</p>
                <LogoInput choice=logo id="client-logo-file" label="Client Image/Logo" />
                <div class="field-row">
                    <TextField id="client-initial-credits" name="initial_credits" label="Available Credits"
                        input_type="number" min="0" step="1" value=initial_credits errors=errors
                        hint="Credits the client starts with, e.g. credits already bought or a free trial. They are an initial credit order: we invoice you for them like any other order." />
                    <TextField id="client-credit-threshold" name="credit_threshold" label="Default Credit Threshold Value"
                        input_type="number" min="0" step="1" value=threshold errors=errors
                        hint="Leave this as default. Below it, the client and you get a low-credit email." />
                </div>
                <TextField id="client-phone" name="phone" label="Phone" input_type="tel" value=phone errors=errors />
                <TextAreaField id="client-address" name="address" label="Address" value=address errors=errors />
                <TextAreaField id="client-notes" name="notes" label="Notes" value=notes errors=errors
                    hint="Only you and your colleagues see these." />
                <div class="form-actions">
                    <SubmitButton testid="client-submit" label="Save" busy_label="Saving…" pending=create.pending() />
                    <A href="/reseller/clients" attr:class="btn btn-ghost">"Cancel"</A>
                </div>
            </form>
        </section>
    }
}
