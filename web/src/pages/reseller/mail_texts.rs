//! The reseller's wording of the candidate emails (invitation, reminder, completion report),
//! per skin it may use: pick the skin and the email, then edit it with a live preview.

use credence_shared::MailTextKind;
use leptos::prelude::*;

use crate::api::{self, TextOwner};
use crate::components::form::SelectField;
use crate::components::loaded::Loaded;
use crate::components::mail_text_editor::MailTextEditor;

fn kind_label(kind: MailTextKind) -> &'static str {
    match kind {
        MailTextKind::Invitation => "Invitation to a candidate",
        MailTextKind::Reminder => "Reminder to a candidate",
        MailTextKind::Completion => "Completion report to the client",
    }
}

#[component]
pub fn MailTextsCard() -> impl IntoView {
    let load = || async { api::list_reseller_brands().await };
    view! {
        <section class="card stack" aria-labelledby="mail-texts-heading" data-testid="mail-texts">
            <h2 id="mail-texts-heading">"Emails to candidates"</h2>
            <p class="muted small">"Word the emails your clients' candidates receive, for each skin. Client users may still word a project's own invitation."</p>
            <Loaded fetch=load loading_label="Loading your skins" let:brands>
                <MailTextsPicker brands=brands.data />
            </Loaded>
        </section>
    }
}

#[component]
fn MailTextsPicker(brands: Vec<credence_shared::admin::Brand>) -> impl IntoView {
    let errors = RwSignal::new(Vec::new());
    let brand = RwSignal::new(brands.first().map(|b| b.id.clone()).unwrap_or_default());
    let kind = RwSignal::new(MailTextKind::Invitation.as_str().to_string());
    let brand_options: Vec<(String, String)> = brands
        .iter()
        .map(|b| (b.id.clone(), format!("{} ({})", b.name, b.product_name)))
        .collect();
    let kind_options: Vec<(String, String)> = MailTextKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), kind_label(*k).to_string()))
        .collect();
    view! {
        <div class="form-grid">
            <SelectField id="mail-text-brand" name="brand_id" label="Skin" value=brand errors=errors options=brand_options />
            <SelectField id="mail-text-kind" name="kind" label="Email" value=kind errors=errors options=kind_options />
        </div>
        {move || {
            let owner = TextOwner::Skin {
                brand_id: brand.get(),
                kind: MailTextKind::parse(&kind.get()).unwrap_or_default(),
            };
            view! { <MailTextEditor owner=owner fallback_label="the default text" /> }
        }}
    }
}
