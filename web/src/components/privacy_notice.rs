//! A client's privacy notice: the text candidates confirm before their first test and the
//! privacy contact (the client's dashboard and the reseller's client page). Blank goes back to
//! the default text (shown) and the client's contact email.

use credence_shared::privacy::{ClientPrivacyNotice, ClientPrivacyNoticePut};
use leptos::prelude::*;

use crate::api;
use crate::components::form::{FieldErrors, SubmitButton, TextAreaField, TextField};
use crate::components::loaded::Loaded;
use crate::components::toast::use_toasts;

#[component]
pub fn PrivacyNoticeCard(#[prop(into)] client_id: String) -> impl IntoView {
    let id = StoredValue::new(client_id);
    let fetch = move || api::get_client_privacy_notice(id.get_value());
    view! {
        <section class="card stack" aria-labelledby="privacy-notice-heading" data-testid="privacy-notice-settings">
            <h2 id="privacy-notice-heading">"Privacy notice for candidates"</h2>
            <Loaded fetch=fetch loading_label="Loading the privacy notice" let:n>
                <NoticeForm loaded=n />
            </Loaded>
        </section>
    }
}

fn blank_is_none(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

#[component]
fn NoticeForm(loaded: ClientPrivacyNotice) -> impl IntoView {
    let toasts = use_toasts();
    let text = RwSignal::new(loaded.text.clone().unwrap_or_default());
    let contact = RwSignal::new(loaded.contact_email.clone().unwrap_or_default());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let client = StoredValue::new(loaded.client_id.clone());
    let save = Action::new_local(move |body: &ClientPrivacyNoticePut| {
        let body = body.clone();
        async move {
            match api::set_client_privacy_notice(&client.get_value(), &body).await {
                Ok(n) => {
                    text.set(n.text.unwrap_or_default());
                    contact.set(n.contact_email.unwrap_or_default());
                    toasts.success("Privacy notice saved");
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
        save.dispatch_local(ClientPrivacyNoticePut {
            text: blank_is_none(text.get_untracked()),
            contact_email: blank_is_none(contact.get_untracked()),
        });
    };
    let preview = loaded.preview;
    view! {
        <p class="muted small">
            {format!(
                "Candidates read this before their first test and confirm it. It also names {} as the controller, {} as the processor, the purpose and the retention period ({}).",
                preview.controller, preview.processor, preview.retention
            )}
        </p>
        <form class="stack" on:submit=on_submit novalidate=true data-testid="privacy-notice-form">
            <TextAreaField id="privacy-notice-text" name="text" label="Notice text" value=text errors=errors rows=8
                hint="Blank: the default text below." />
            <TextField id="privacy-notice-contact" name="contact_email" label="Privacy contact email" input_type="email"
                value=contact errors=errors hint=format!("Blank: {}", loaded.default_contact_email) />
            <div class="form-actions">
                <SubmitButton testid="privacy-notice-save" label="Save" busy_label="Saving…" pending=save.pending() />
            </div>
        </form>
        <details data-testid="privacy-notice-default">
            <summary>"The default text"</summary>
            {loaded.default_text.lines().filter(|l| !l.trim().is_empty()).map(|l| view! { <p class="small">{l.to_string()}</p> }).collect_view()}
        </details>
    }
}
