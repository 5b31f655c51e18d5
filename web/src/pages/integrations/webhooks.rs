//! The webhooks card of the integrations page: subscribe a URL to events (its signing secret
//! shown once), remove one, and open a webhook's delivery log.

use credence_shared::reseller::{Webhook, WebhookCreate};
use credence_shared::{Role, WebhookEvent};
use leptos::prelude::*;

use super::deliveries::DeliveryLog;
use super::SecretOnce;
use crate::api;
use crate::auth::use_session;
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::states::{EmptyState, ErrorState, Loading};
use crate::components::toast::use_toasts;
use crate::components::widgets::ConfirmButton;

/// The events the signed-in user's webhooks may subscribe to: a client user's, only those
/// meant for clients.
fn offered() -> Vec<WebhookEvent> {
    let reseller = use_session()
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.role))
        == Some(Role::Reseller);
    WebhookEvent::ALL
        .iter()
        .copied()
        .filter(|e| reseller || e.for_clients())
        .collect()
}

#[component]
pub(super) fn Webhooks() -> impl IntoView {
    let toasts = use_toasts();
    let version = RwSignal::new(0u32);
    let hooks = LocalResource::new(move || {
        version.get();
        api::list_webhooks()
    });
    let url = RwSignal::new(String::new());
    let events = offered();
    let chosen = RwSignal::new(vec![WebhookEvent::ClientCreditsLow.as_str().to_string()]);
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let created = RwSignal::new(None::<Webhook>);
    let create = Action::new_local(move |body: &WebhookCreate| {
        let body = body.clone();
        async move {
            match api::create_webhook(&body).await {
                Ok(hook) => {
                    created.set(Some(hook));
                    url.set(String::new());
                    toasts.success("Webhook added");
                    version.update(|v| *v += 1);
                }
                Err(e) => {
                    errors.set(e.field_errors());
                    toasts.problem(&e);
                }
            }
        }
    });
    let remove = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::delete_webhook(&id).await {
                Ok(()) => {
                    toasts.success("Webhook removed");
                    version.update(|v| *v += 1);
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    view! {
        <div class="card stack" data-testid="webhooks">
            <h2>"Webhooks"</h2>
            <p class="muted small">
                "Events are POSTed as JSON with a "<code>"Credence-Signature: t=…,v1=…"</code>
                " header: the HMAC-SHA256 of "<code>"t.body"</code>" with the webhook's secret. Failed deliveries are retried with backoff; "
                "each webhook's deliveries show what its endpoint answered."
            </p>
            {move || created.get().map(|h| view! {
                <SecretOnce label=format!("Signing secret for {}", h.url) value=h.secret.unwrap_or_default() testid="webhook-secret" />
            })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || hooks.get().map(|result| match result {
                    Err(e) => view! { <ErrorState error=e /> }.into_any(),
                    Ok(page) if page.data.is_empty() => view! { <EmptyState title="No webhooks yet." /> }.into_any(),
                    Ok(page) => view! {
                        <ul class="plain-list webhook-list">
                            {page.data.into_iter().map(|h| {
                                let id = h.id.clone();
                                let open = RwSignal::new(false);
                                let log_id = format!("webhook-log-{}", h.id);
                                let hook = h.clone();
                                view! {
                                <li data-testid="webhook-row">
                                    <div class="webhook-line">
                                        <span><code class="break">{h.url.clone()}</code>" — "{h.events.join(", ")}</span>
                                        <span class="row-actions">
                                            <button type="button" class="btn btn-small" data-testid="webhook-deliveries-toggle"
                                                aria-expanded=move || if open.get() { "true" } else { "false" }
                                                aria-controls=log_id.clone()
                                                on:click=move |_| open.update(|o| *o = !*o)>
                                                {move || if open.get() { "Hide deliveries" } else { "Deliveries" }}
                                            </button>
                                            <ConfirmButton testid="delete-webhook" label="Remove" small=true danger=true
                                                question="Stop sending events to this URL?" confirm_label="Remove"
                                                on_confirm=Callback::new(move |_| { remove.dispatch_local(id.clone()); }) />
                                        </span>
                                    </div>
                                    <div id=log_id>
                                        <Show when=move || open.get()>
                                            <DeliveryLog hook=hook.clone() />
                                        </Show>
                                    </div>
                                </li>
                            }}).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
            <form class="stack" novalidate=true on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                errors.set(Vec::new());
                create.dispatch_local(WebhookCreate { url: url.get_untracked().trim().to_string(), events: chosen.get_untracked() });
            }>
                <ErrorSummary errors=errors known=&["url", "events"] />
                <TextField id="webhook-url" name="url" label="Endpoint URL" input_type="url" required=true value=url errors=errors />
                <fieldset>
                    <legend>"Events"</legend>
                    {events.iter().map(|e| {
                        let description = e.description();
                        let event = e.as_str().to_string();
                        let e2 = event.clone();
                        let shown = event.clone();
                        let testid = format!("webhook-event-{event}");
                        view! {
                        <label class="checkbox">
                            <input type="checkbox" data-testid=testid prop:checked=move || chosen.with(|c| c.contains(&e2))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let e = event.clone();
                                    chosen.update(|c| { c.retain(|x| *x != e); if on { c.push(e); } });
                                } />
                            " "<code>{shown}</code>" — "{description}
                        </label>
                    }}).collect_view()}
                </fieldset>
                <SubmitButton testid="webhook-create" label="Add webhook" busy_label="Adding…" pending=create.pending() />
            </form>
        </div>
    }
}
