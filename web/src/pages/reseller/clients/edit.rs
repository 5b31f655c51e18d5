//! Editing a client.

use credence_shared::reseller::{Client, ClientPatch};
use leptos::prelude::*;

use crate::api;
use crate::components::form::{
    parse_whole, ErrorSummary, FieldErrors, SubmitButton, TextAreaField, TextField,
};
use crate::components::pickers::BrandPicker;
use crate::components::toast::use_toasts;

use super::CLIENT_FIELDS;

#[component]
pub(super) fn ClientEditForm(client: Client, current: RwSignal<Client>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let name = RwSignal::new(client.name.clone());
    let contact_name = RwSignal::new(client.contact_name.clone());
    let contact_email = RwSignal::new(client.contact_email.clone());
    let phone = RwSignal::new(client.phone.clone().unwrap_or_default());
    let address = RwSignal::new(client.address.clone().unwrap_or_default());
    let notes = RwSignal::new(client.notes.clone().unwrap_or_default());
    let brand_id = RwSignal::new(client.brand_id.clone());
    let threshold = RwSignal::new(client.credit_threshold.to_string());
    let id = client.id.clone();
    let save = Action::new_local(move |body: &ClientPatch| {
        let body = body.clone();
        let id = id.clone();
        async move {
            match api::patch_client(&id, &body).await {
                Ok(c) => {
                    toasts.success(format!("“{}” saved", c.name));
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
        let credit_threshold = match parse_whole(
            &threshold.get_untracked(),
            "credit_threshold",
            "the threshold",
        ) {
            Ok(t) => t,
            Err(e) => {
                errors.set(vec![e]);
                return;
            }
        };
        // Empty strings clear the optional fields.
        save.dispatch_local(ClientPatch {
            name: Some(name.get_untracked().trim().to_string()),
            contact_name: Some(contact_name.get_untracked().trim().to_string()),
            contact_email: Some(contact_email.get_untracked().trim().to_string()),
            phone: Some(phone.get_untracked().trim().to_string()),
            address: Some(address.get_untracked().trim().to_string()),
            notes: Some(notes.get_untracked().trim().to_string()),
            brand_id: Some(brand_id.get_untracked()),
            credit_threshold,
            status: None,
        });
    };
    view! {
        <form class="card stack" on:submit=on_submit novalidate=true data-testid="client-edit-form">
            <h2>"Details"</h2>
            <ErrorSummary errors=errors known=CLIENT_FIELDS />
            <TextField id="edit-client-name" name="name" label="Client name" required=true value=name errors=errors />
            <TextField id="edit-client-contact-name" name="contact_name" label="Contact name" required=true value=contact_name errors=errors />
            <TextField id="edit-client-contact-email" name="contact_email" label="Contact email" input_type="email" required=true value=contact_email errors=errors />
            <BrandPicker id="edit-client-brand" name="brand_id" label="Brand Portal" value=brand_id errors=errors />
            <TextField id="edit-client-threshold" name="credit_threshold" label="Credit threshold" input_type="number"
                min="0" step="1" value=threshold errors=errors />
            <TextField id="edit-client-phone" name="phone" label="Phone" input_type="tel" value=phone errors=errors />
            <TextAreaField id="edit-client-address" name="address" label="Address" value=address errors=errors />
            <TextAreaField id="edit-client-notes" name="notes" label="Notes" value=notes errors=errors />
            <div class="form-actions">
                <SubmitButton testid="client-save" label="Save changes" busy_label="Saving…" pending=save.pending() />
            </div>
        </form>
    }
}
