//! A webhook's delivery log: each delivery's status, attempts, the endpoint's last answer and
//! the next attempt, with "Redeliver" on every finished delivery and "Send test event". While
//! the first page shows a pending delivery, the log looks again every few seconds and reloads
//! when something changed (so a delivery is seen to arrive without a manual refresh).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use credence_shared::reseller::{Webhook, WebhookDelivery};
use credence_shared::WebhookDeliveryStatus;
use leptos::prelude::*;

use crate::api;
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;
use crate::components::widgets::{StatusBadge, TableScroll};
use crate::format;

/// How often a log with a pending delivery looks again.
const WATCH_MS: u32 = 2_000;

#[component]
pub(super) fn DeliveryLog(hook: Webhook) -> impl IntoView {
    let toasts = use_toasts();
    let hook_id = StoredValue::new(hook.id.clone());
    let log = Paged::new(move |cursor: Option<String>| {
        let id = hook_id.get_value();
        async move { api::list_webhook_deliveries(&id, cursor.as_deref()).await }
    });
    watch_pending(log, hook_id);
    let redeliver = Action::new_local(move |delivery_id: &String| {
        let delivery_id = delivery_id.clone();
        async move {
            match api::redeliver_webhook_delivery(&hook_id.get_value(), &delivery_id).await {
                Ok(_) => {
                    toasts.success("Redelivery queued");
                    log.reload();
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let send_test = Action::new_local(move |_: &()| async move {
        match api::send_webhook_test(&hook_id.get_value()).await {
            Ok(_) => {
                toasts.success("Test event queued");
                log.reload();
            }
            Err(e) => toasts.problem(&e),
        }
    });
    let redelivering = redeliver.pending();
    let testing = send_test.pending();
    view! {
        <section class="delivery-log stack" data-testid="webhook-deliveries" aria-label=format!("Deliveries to {}", hook.url)>
            <div class="section-header">
                <h3>"Deliveries"</h3>
                <button type="button" class="btn btn-small" data-testid="webhook-send-test"
                    disabled=move || testing.get()
                    on:click=move |_| { send_test.dispatch_local(()); }>
                    {move || if testing.get() { "Sending…" } else { "Send test event" }}
                </button>
                <button type="button" class="btn btn-small" data-testid="webhook-deliveries-refresh"
                    on:click=move |_| log.reload()>
                    "Refresh"
                </button>
            </div>
            <p class="muted small">
                "A test event is a signed "<code>"ping"</code>": "
                <code>"{\"id\", \"type\": \"ping\", \"created_at\", \"data\": {\"webhook_id\", \"message\"}}"</code>
                ". Redeliver sends an event's body again, under a new "<code>"Credence-Delivery"</code>" id."
            </p>
            {log.view(
                "No deliveries yet. Events appear here as they are sent; “Send test event” checks your endpoint.",
                move |rows: Vec<WebhookDelivery>| view! {
                    <TableScroll label="Deliveries">
                        <table class="table">
                            <thead><tr>
                                <th scope="col">"Event"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col" class="num">"Attempts"</th>
                                <th scope="col">"Response"</th>
                                <th scope="col">"Next attempt"</th>
                                <th scope="col">"Queued"</th>
                                <th scope="col">"Last attempt"</th>
                                <th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|d| delivery_row(d, redeliver, redelivering)).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                },
            )}
        </section>
    }
}

fn delivery_row(
    d: WebhookDelivery,
    redeliver: Action<String, ()>,
    redelivering: Memo<bool>,
) -> impl IntoView {
    let finished = d.status != WebhookDeliveryStatus::Pending;
    let id = d.id.clone();
    let queued = format::date_time(&d.created_at);
    let label = format!("Redeliver {} queued {queued}", d.event);
    view! {
        <tr data-testid="delivery-row" data-status=d.status.as_str()>
            <td>
                <code>{d.event.clone()}</code>
                {d.redelivery_of.is_some().then(|| view! { <span class="muted small">" (redelivery)"</span> })}
            </td>
            <td><StatusBadge status=d.status testid="delivery-status" /></td>
            <td class="num" data-testid="delivery-attempts">{d.attempts}</td>
            <td>
                <span data-testid="delivery-response">
                    {d.last_response_code.map(|c| c.to_string()).unwrap_or_else(|| "None".into())}
                </span>
                {d.last_error.clone().map(|e| view! { <span class="muted small block">{e}</span> })}
            </td>
            <td class="nowrap">{d.next_attempt_at.as_ref().map(format::date_time).unwrap_or_else(|| "—".into())}</td>
            <td class="nowrap">{queued}</td>
            <td class="nowrap">{d.last_attempt_at.as_ref().map(format::date_time).unwrap_or_else(|| "Not yet".into())}</td>
            <td>
                {finished.then(|| view! {
                    <button type="button" class="btn btn-small" data-testid="redeliver-delivery"
                        aria-label=label.clone()
                        disabled=move || redelivering.get()
                        on:click=move |_| { redeliver.dispatch_local(id.clone()); }>
                        "Redeliver"
                    </button>
                })}
            </td>
        </tr>
    }
}

/// While the first page shows a pending delivery, fetch it again every `WATCH_MS` and reload
/// the log once it differs. Each load starts a new watch; older ones (and all, once the log is
/// closed) stop at their next look.
fn watch_pending(log: Paged<WebhookDelivery>, hook_id: StoredValue<String>) {
    let generation = Arc::new(AtomicU64::new(0));
    on_cleanup({
        let generation = generation.clone();
        move || {
            generation.fetch_add(1, Ordering::SeqCst);
        }
    });
    Effect::new(move |_| {
        let Some(Ok(shown)) = log.resource.get() else {
            return;
        };
        let mine = generation.fetch_add(1, Ordering::SeqCst) + 1;
        if !shown
            .data
            .iter()
            .any(|d| d.status == WebhookDeliveryStatus::Pending)
        {
            return;
        }
        let generation = generation.clone();
        let id = hook_id.get_value();
        leptos::task::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(WATCH_MS).await;
                if generation.load(Ordering::SeqCst) != mine {
                    return;
                }
                if let Ok(fresh) = api::list_webhook_deliveries(&id, None).await {
                    if generation.load(Ordering::SeqCst) != mine {
                        return;
                    }
                    if fresh.data != shown.data {
                        log.reload();
                        return;
                    }
                }
            }
        });
    });
}
