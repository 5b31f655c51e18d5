//! Selects whose options come from the API: the reseller's clients and brand skins.

use leptos::prelude::*;

use crate::api::{self, ClientFilter};
use crate::components::form::{FieldErrors, SelectField};
use crate::components::loaded::Loaded;

/// A select of the reseller's clients (`value` is the client id; blank is `blank_label`).
#[component]
pub fn ClientPicker(
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FieldErrors,
    #[prop(into)] blank_label: String,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let load = || async move { api::list_clients(&ClientFilter::default(), 200, None).await };
    view! {
        <Loaded fetch=load loading_label="Loading clients…" let:page>
            {
                let mut options = vec![(String::new(), blank_label.clone())];
                options.extend(
                    page.data.into_iter().map(|c| (c.id, format!("{} ({})", c.name, c.code))),
                );
                view! { <SelectField id=id.clone() name=name label=label.clone() value=value errors=errors options=options required=required /> }
            }
        </Loaded>
    }
}

/// A select of the skins this reseller may use. With no `blank_label`, a blank value is set to
/// the default skin once the list has loaded.
#[component]
pub fn BrandPicker(
    #[prop(into)] id: String,
    name: &'static str,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FieldErrors,
    #[prop(optional, into)] blank_label: Option<String>,
) -> impl IntoView {
    view! {
        <Loaded fetch=api::list_reseller_brands loading_label="Loading brand skins…" let:page>
            {
                let mut options = Vec::new();
                match blank_label.clone() {
                    Some(blank) => options.push((String::new(), blank)),
                    None => {
                        if value.get_untracked().is_empty() {
                            let default = page.data.iter().find(|b| b.is_default).or(page.data.first());
                            if let Some(b) = default {
                                value.set(b.id.clone());
                            }
                        }
                    }
                }
                options.extend(page.data.into_iter().map(|b| {
                    let label = if b.is_default {
                        format!("{} (default)", b.product_name)
                    } else {
                        b.product_name.clone()
                    };
                    (b.id, label)
                }));
                view! { <SelectField id=id.clone() name=name label=label.clone() value=value errors=errors options=options /> }
            }
        </Loaded>
    }
}
