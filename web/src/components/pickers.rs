//! Selects whose options come from the API: the reseller's clients and brand skins.

use leptos::prelude::*;

use crate::api::{self, ClientFilter};
use crate::components::form::{FieldErrors, SelectField};
use crate::components::states::{ErrorState, Loading};

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
    let clients = LocalResource::new(|| async move {
        api::list_clients(&ClientFilter::default(), 200, None).await
    });
    view! {
        <Suspense fallback=|| view! { <Loading label="Loading clients…" /> }>
            {move || {
                let id = id.clone();
                let label = label.clone();
                let blank_label = blank_label.clone();
                Suspend::new(async move {
                    match clients.await {
                        Ok(page) => {
                            let mut options = vec![(String::new(), blank_label)];
                            options.extend(
                                page.data.into_iter().map(|c| (c.id, format!("{} ({})", c.name, c.code))),
                            );
                            view! { <SelectField id=id name=name label=label value=value errors=errors options=options required=required /> }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorState error=e on_retry=Callback::new(move |_| clients.refetch()) /> }.into_any(),
                    }
                })
            }}
        </Suspense>
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
    let brands = LocalResource::new(api::list_reseller_brands);
    view! {
        <Suspense fallback=|| view! { <Loading label="Loading brand skins…" /> }>
            {move || {
                let id = id.clone();
                let label = label.clone();
                let blank_label = blank_label.clone();
                Suspend::new(async move {
                    match brands.await {
                        Ok(page) => {
                            let mut options = Vec::new();
                            match blank_label {
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
                            view! { <SelectField id=id name=name label=label value=value errors=errors options=options /> }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorState error=e on_retry=Callback::new(move |_| brands.refetch()) /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
