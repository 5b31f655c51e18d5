//! Integrations (reseller and client portals): API keys for partner systems, exchanged for
//! tokens with `POST /api/v1/auth/token`, and webhooks for events (`webhooks`, each with its
//! delivery log in `deliveries`), and in the client portal the ATS connectors (`ats`).
//! Secrets are shown once.

mod ats;
mod deliveries;
mod webhooks;

use credence_shared::auth::ApiKey;
use credence_shared::{ApiKeyScope, Role};
use leptos::prelude::*;

use webhooks::Webhooks;

use crate::api;
use crate::auth::use_session;
use crate::components::form::{
    error_for, parse_whole, ErrorSummary, FieldErrorText, FieldErrors, SubmitButton, TextField,
};
use crate::components::states::{EmptyState, ErrorState, Loading};
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, CopyButton, TableScroll};
use crate::format;

/// The reseller portal's page.
#[component]
pub fn Integrations() -> impl IntoView {
    page(None)
}

/// The client portal's page: the ATS connectors too (a separate component, so the reseller
/// bundle does not carry them).
#[component]
pub fn ClientIntegrations() -> impl IntoView {
    page(Some(view! { <ats::AtsConnectors /> }.into_any()))
}

fn page(ats: Option<AnyView>) -> impl IntoView {
    view! {
        <section class="page" data-testid="integrations">
            <header class="page-header"><h1>"Integrations"</h1></header>
            <p class="muted">
                "Connect your ATS or HR system over the REST API (documentation at "
                <a href="/api/docs/" target="_blank" rel="noopener">"/api/docs"</a>
                "). An API key acts as the user who created it, within the scopes ticked when it was made: exchange it for a 15-minute token with "
                <code>"POST /api/v1/auth/token"</code>" ("<code>"grant_type=client_credentials"</code>"). "
                "Whatever its scopes, a key never manages API keys, users, webhooks or passwords, and never uses Login As."
            </p>
            {ats}
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

/// The scopes a new key may get, as checkboxes with what each allows.
#[component]
fn ScopeChoices(
    offered: Vec<ApiKeyScope>,
    chosen: RwSignal<Vec<ApiKeyScope>>,
    errors: FieldErrors,
) -> impl IntoView {
    let message = error_for(errors, "scopes");
    view! {
        <fieldset class="field checkbox-group" aria-describedby="api-key-scopes-hint" data-testid="api-key-scope-choices">
            <legend>"Scopes"</legend>
            <p class="field-hint" id="api-key-scopes-hint">"What the key's tokens may do. Tick only what the integration needs."</p>
            {offered.into_iter().map(|scope| {
                let input_id = format!("api-key-scope-{scope}");
                view! {
                    <div class="checkbox">
                        <input type="checkbox" id=input_id.clone() data-testid=input_id.clone() value=scope.as_str()
                            prop:checked=move || chosen.with(|c| c.contains(&scope))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|s| *s != scope);
                                    if on {
                                        c.push(scope);
                                    }
                                });
                            } />
                        <label for=input_id><code>{scope.as_str()}</code>" — "{scope.description()}</label>
                    </div>
                }
            }).collect_view()}
            <FieldErrorText id="api-key-scopes-error" name="scopes" message=message />
        </fieldset>
    }
}

#[component]
fn ApiKeys() -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    let role = session
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.role))
        .unwrap_or(Role::ClientUser);
    let version = RwSignal::new(0u32);
    let keys = LocalResource::new(move || {
        version.get();
        api::list_api_keys()
    });
    let name = RwSignal::new(String::new());
    let rate = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec![ApiKeyScope::Read]);
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let created = RwSignal::new(None::<ApiKey>);
    let create = Action::new_local(
        move |(key_name, scopes, per_minute): &(String, Vec<ApiKeyScope>, Option<i64>)| {
            let (key_name, scopes, per_minute) = (key_name.clone(), scopes.clone(), *per_minute);
            async move {
                match api::create_api_key(&key_name, &scopes, per_minute).await {
                    Ok(key) => {
                        created.set(Some(key));
                        name.set(String::new());
                        rate.set(String::new());
                        chosen.set(vec![ApiKeyScope::Read]);
                        toasts.success("API key created");
                        version.update(|v| *v += 1);
                    }
                    Err(e) => {
                        errors.set(e.field_errors());
                        toasts.problem(&e);
                    }
                }
            }
        },
    );
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
                                    <th scope="col">"Name"</th><th scope="col">"client_id"</th><th scope="col">"Scopes"</th><th scope="col">"Created by"</th>
                                    <th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col" class="num">"Requests"</th>
                                    <th scope="col" class="num">"Per minute"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {page.data.into_iter().map(|k| {
                                        let id = k.id.clone();
                                        view! {
                                        <tr data-testid="api-key-row">
                                            <td>{k.name.clone()}</td>
                                            <td><code>{k.client_id.clone()}</code></td>
                                            <td><span class="badge-list" data-testid="api-key-scopes">
                                                {k.scopes.iter().map(|s| view! { <span class="badge" data-scope=s.as_str() title=s.description()>{s.as_str()}</span> }).collect_view()}
                                            </span></td>
                                            <td>{k.owner_name.clone()}</td>
                                            <td class="nowrap">{format::date_time(&k.created_at)}</td>
                                            <td class="nowrap" data-testid="api-key-last-used">{k.last_used_at.as_ref().map(format::date_time).unwrap_or_else(|| "Never".into())}</td>
                                            <td class="num" data-testid="api-key-requests">{k.request_count}</td>
                                            <td class="num" data-testid="api-key-rate">{k.rate_per_minute}</td>
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
            <form class="stack" novalidate=true on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                errors.set(Vec::new());
                let scopes: Vec<ApiKeyScope> = ApiKeyScope::ALL
                    .iter()
                    .copied()
                    .filter(|s| chosen.with_untracked(|c| c.contains(s)))
                    .collect();
                let per_minute = match parse_whole(&rate.get_untracked(), "rate_per_minute", "the requests per minute") {
                    Ok(n) => n,
                    Err(e) => {
                        errors.set(vec![e]);
                        return;
                    }
                };
                create.dispatch_local((name.get_untracked().trim().to_string(), scopes, per_minute));
            }>
                <ErrorSummary errors=errors known=&["name", "scopes", "rate_per_minute"] />
                <TextField id="api-key-name" name="name" label="Key name" hint="What uses it, e.g. “ATS sync”" required=true value=name errors=errors />
                <TextField id="api-key-rate" name="rate_per_minute" label="Requests per minute" input_type="number" min="1" max="6000" step="1"
                    hint="1 to 6000; empty: 120. Beyond it the key's requests get 429 with Retry-After." value=rate errors=errors />
                <ScopeChoices offered=ApiKeyScope::for_role(role) chosen=chosen errors=errors />
                <SubmitButton testid="api-key-create" label="Create API key" busy_label="Creating…" pending=create.pending() />
            </form>
        </div>
    }
}
