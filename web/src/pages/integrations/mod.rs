//! Integrations (reseller and client portals): API keys for partner systems, exchanged for
//! tokens with `POST /api/v1/auth/token`, and webhooks for events (`webhooks`, each with its
//! delivery log in `deliveries`). Secrets are shown once.

mod deliveries;
mod webhooks;

use credence_shared::auth::ApiKey;
use leptos::prelude::*;

use webhooks::Webhooks;

use crate::api;
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::states::{EmptyState, ErrorState, Loading};
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, CopyButton, TableScroll};
use crate::format;

#[component]
pub fn Integrations() -> impl IntoView {
    view! {
        <section class="page" data-testid="integrations">
            <header class="page-header"><h1>"Integrations"</h1></header>
            <p class="muted">
                "Connect your ATS or HR system over the REST API (documentation at "
                <a href="/api/docs/" target="_blank" rel="noopener">"/api/docs"</a>
                "). An API key acts as the user who created it: exchange it for a 15-minute token with "
                <code>"POST /api/v1/auth/token"</code>" ("<code>"grant_type=client_credentials"</code>")."
            </p>
            <ApiKeys />
            <Webhooks />
        </section>
    }
}

/// A secret shown once, with a copy button.
#[component]
pub(super) fn SecretOnce(
    #[prop(into)] label: String,
    value: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let copy_value = Signal::derive({
        let v = value.clone();
        move || v.clone()
    });
    view! {
        <div class="callout callout-warn" role="status" data-testid=testid.clone()>
            <p><strong>{label}</strong>" — copy it now: it is not shown again."</p>
            <p class="code-line"><code data-testid=format!("{testid}-value")>{value}</code>" "<CopyButton value=copy_value label="Copy the secret" testid=format!("{testid}-copy") /></p>
        </div>
    }
}

#[component]
fn ApiKeys() -> impl IntoView {
    let toasts = use_toasts();
    let version = RwSignal::new(0u32);
    let keys = LocalResource::new(move || {
        version.get();
        api::list_api_keys()
    });
    let name = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let created = RwSignal::new(None::<ApiKey>);
    let create = Action::new_local(move |name: &String| {
        let name = name.clone();
        async move {
            match api::create_api_key(&name).await {
                Ok(key) => {
                    created.set(Some(key));
                    toasts.success("API key created");
                    version.update(|v| *v += 1);
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    toasts.problem(&e);
                }
            }
        }
    });
    let revoke = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::revoke_api_key(&id).await {
                Ok(()) => {
                    toasts.success("API key revoked: its tokens stopped working.");
                    version.update(|v| *v += 1);
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    view! {
        <div class="card stack" data-testid="api-keys">
            <h2>"API keys"</h2>
            {move || created.get().map(|k| view! {
                <SecretOnce label=format!("Secret of “{}” (client_id {})", k.name, k.client_id) value=k.client_secret.unwrap_or_default() testid="api-key-secret" />
            })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || keys.get().map(|result| match result {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(page) if page.data.is_empty() => view! { <EmptyState title="No API keys yet." /> }.into_any(),
                    Ok(page) => view! {
                        <TableScroll label="API keys">
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">"Name"</th><th scope="col">"client_id"</th><th scope="col">"Created by"</th>
                                    <th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {page.data.into_iter().map(|k| {
                                        let id = k.id.clone();
                                        view! {
                                        <tr data-testid="api-key-row">
                                            <td>{k.name.clone()}</td>
                                            <td><code>{k.client_id.clone()}</code></td>
                                            <td>{k.owner_name.clone()}</td>
                                            <td class="nowrap">{format::date_time(&k.created_at)}</td>
                                            <td class="nowrap">{k.last_used_at.as_ref().map(format::date_time).unwrap_or_else(|| "Never".into())}</td>
                                            <td><ConfirmButton testid="revoke-api-key" label="Revoke" small=true danger=true
                                                question="Revoke this key? Integrations using it stop at once." confirm_label="Revoke"
                                                on_confirm=Callback::new(move |_| { revoke.dispatch_local(id.clone()); }) /></td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </TableScroll>
                    }.into_any(),
                })}
            </Transition>
            <form class="inline-form" novalidate=true on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                errors.set(Vec::new());
                create.dispatch_local(name.get_untracked().trim().to_string());
            }>
                <ErrorSummary errors=errors known=&["name"] />
                <TextField id="api-key-name" name="name" label="Key name" hint="What uses it, e.g. “ATS sync”" required=true value=name errors=errors />
                <SubmitButton testid="api-key-create" label="Create API key" busy_label="Creating…" pending=create.pending() />
            </form>
        </div>
    }
}
