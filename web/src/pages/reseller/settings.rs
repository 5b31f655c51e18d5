//! `/reseller/settings`: the reseller's account settings — its default resale price, its custom host (the request, its
//! status, the DNS record to create and the DNS check) and its wording of the candidate emails. `CustomHostCard` also sits on the
//! vendor's reseller screen, where the waiting request is approved or rejected.

use credence_shared::reseller::CustomHost;
use credence_shared::HostStatus;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::loaded::Loaded;
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, CopyButton, Fact, StatusBadge};
use crate::format;

#[component]
pub fn ResellerSettings() -> impl IntoView {
    view! {
        <section class="page" data-testid="reseller-settings">
            <header class="page-header"><h1>"Settings"</h1></header>
            <crate::pages::reseller::resale::ResalePriceCard />
            <CustomHostCard />
            <crate::components::retention::RetentionCard />
            <crate::pages::reseller::mail_texts::MailTextsCard />
        </section>
    }
}

/// A reseller's custom host. Without `reseller_id`: the signed-in reseller's own (request,
/// withdraw, remove, check); with it: the vendor's view of that reseller (approve, reject,
/// check, remove).
#[component]
pub fn CustomHostCard(#[prop(optional, into)] reseller_id: Option<String>) -> impl IntoView {
    let for_load = reseller_id.clone();
    let load = move || {
        let id = for_load.clone();
        async move { api::get_custom_host(id.as_deref()).await }
    };
    view! {
        <section class="card stack" aria-labelledby="custom-host-heading" data-testid="custom-host">
            <h2 id="custom-host-heading">"Custom host"</h2>
            <Loaded fetch=load loading_label="Loading the custom host" let:host>
                <CustomHostBody initial=host reseller_id=reseller_id.clone() />
            </Loaded>
        </section>
    }
}

#[derive(Clone)]
enum Op {
    Request(String),
    Withdraw,
    Remove,
    Check,
    Approve,
    Reject(Option<String>),
}

#[component]
fn CustomHostBody(initial: CustomHost, reseller_id: Option<String>) -> impl IntoView {
    let toasts = use_toasts();
    let vendor = reseller_id.is_some();
    let current = RwSignal::new(initial);
    let host = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let act = Action::new_local(move |op: &Op| {
        let op = op.clone();
        let id = reseller_id.clone();
        async move {
            let id = id.as_deref();
            let (result, done) = match op {
                Op::Request(h) => (api::request_custom_host(&h).await, "Custom host requested"),
                Op::Withdraw => (
                    api::withdraw_custom_host_request().await,
                    "Request withdrawn",
                ),
                Op::Remove => (api::remove_custom_host(id).await, "Custom host removed"),
                Op::Check => (api::check_custom_host(id).await, "DNS checked"),
                Op::Approve => (
                    api::approve_custom_host(id.unwrap_or_default()).await,
                    "Custom host approved",
                ),
                Op::Reject(r) => (
                    api::reject_custom_host(id.unwrap_or_default(), r).await,
                    "Request rejected",
                ),
            };
            match result {
                Ok(h) => {
                    current.set(h);
                    host.set(String::new());
                    reason.set(String::new());
                    toasts.success(done);
                }
                Err(err) => {
                    errors.set(err.field_errors());
                    toasts.problem(&err);
                }
            }
        }
    });
    let pending = act.pending();
    let run = move |op: Op| {
        errors.set(Vec::new());
        act.dispatch_local(op);
    };
    let on_request = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        run(Op::Request(host.get_untracked().trim().to_string()));
    };
    let on_reject = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = reason.get_untracked().trim().to_string();
        run(Op::Reject((!r.is_empty()).then_some(r)));
    };
    let status = move || current.with(|c| c.status);
    let record_value = Signal::derive(move || {
        current.with(|c| {
            c.dns_record
                .as_ref()
                .map(|r| r.value.clone())
                .unwrap_or_default()
        })
    });
    view! {
        <dl class="facts">
            <Fact label="Status">
                {move || view! { <StatusBadge status=status() testid="custom-host-status" /> }}
            </Fact>
            <Fact label="Host in use">
                <span data-testid="custom-host-active">
                    {move || current.with(|c| c.active_host.clone()).unwrap_or_else(|| "None: the platform's host".into())}
                </span>
            </Fact>
            {move || current.with(|c| c.requested_host.clone()).map(|h| view! {
                <Fact label="Requested host">
                    <span data-testid="custom-host-requested">{h}</span>
                    {current.with(|c| c.requested_at).map(|t| view! { <span class="muted small">{format!(" since {}", format::date_time(&t))}</span> })}
                </Fact>
            })}
            {move || current.with(|c| c.rejection_reason.clone()).map(|r| view! {
                <Fact label="Reason for the rejection"><span class="pre-line" data-testid="custom-host-reason">{r}</span></Fact>
            })}
        </dl>
        {move || current.with(|c| c.dns_record.clone()).map(|r| view! {
            <div class="stack" data-testid="custom-host-dns">
                <h3>"DNS record to create"</h3>
                <p class="muted small">"At the DNS provider of the host's domain, create this record, then check it here."</p>
                <p>
                    <code data-testid="custom-host-record">{format!("{} {} → {}", r.record_type, r.name, r.value)}</code>
                    " "
                    <CopyButton value=record_value label="Copy the record's target" testid="copy-custom-host-target" />
                </p>
            </div>
        })}
        {move || current.with(|c| c.last_check.clone()).map(|check| {
            let addresses = if check.addresses.is_empty() {
                "no address".to_string()
            } else {
                check.addresses.join(", ")
            };
            view! {
                <p data-testid="custom-host-check">
                    "Last check of " <strong>{check.host.clone()}</strong> ": "
                    <StatusBadge status=check.result testid="custom-host-check-result" />
                    <span class="muted small">{format!(" {addresses} · {}", format::date_time(&check.checked_at))}</span>
                </p>
            }
        })}
        <div class="form-actions">
            <Show when=move || current.with(|c| c.dns_record.is_some())>
                <button type="button" class="btn" data-testid="custom-host-check-dns"
                    disabled=move || pending.get() on:click=move |_| run(Op::Check)>
                    "Check DNS"
                </button>
            </Show>
            <Show when=move || !vendor && current.with(|c| c.requested_host.is_some())>
                <button type="button" class="btn" data-testid="custom-host-withdraw"
                    disabled=move || pending.get() on:click=move |_| run(Op::Withdraw)>
                    "Withdraw request"
                </button>
            </Show>
            <Show when=move || current.with(|c| c.active_host.is_some() || c.requested_host.is_some())>
                <ConfirmButton testid="custom-host-remove" label="Remove custom host"
                    question="Links and portals go back to the platform's host. Remove?"
                    confirm_label="Remove" danger=true pending=pending
                    on_confirm=Callback::new(move |_| run(Op::Remove)) />
            </Show>
        </div>
        <Show when=move || vendor && status() == HostStatus::Requested>
            <div class="stack" data-testid="custom-host-decision">
                <h3>"Decide on the request"</h3>
                <div class="form-actions">
                    <button type="button" class="btn btn-primary" data-testid="custom-host-approve"
                        disabled=move || pending.get() on:click=move |_| run(Op::Approve)>
                        "Approve"
                    </button>
                </div>
                <form class="stack" on:submit=on_reject novalidate=true data-testid="custom-host-reject-form">
                    <ErrorSummary errors=errors known=&["reason"] />
                    <TextField id="custom-host-reason-input" name="reason" label="Reason (optional)" value=reason
                        errors=errors hint="The reseller sees it with the rejected request." />
                    <div class="form-actions">
                        <SubmitButton testid="custom-host-reject" label="Reject" busy_label="Rejecting…" pending=pending />
                    </div>
                </form>
            </div>
        </Show>
        <Show when=move || !vendor>
            <form class="stack" on:submit=on_request novalidate=true data-testid="custom-host-form">
                <h3>{move || if current.with(|c| c.active_host.is_some() || c.requested_host.is_some()) { "Request another host" } else { "Request a custom host" }}</h3>
                <p class="muted small">"Your clients and candidates then reach the portals and test area on your own host, e.g. assess.yourcompany.com. The vendor approves the request."</p>
                <ErrorSummary errors=errors known=&["host"] />
                <TextField id="custom-host-input" name="host" label="Host name" required=true value=host errors=errors
                    placeholder="assess.yourcompany.com" hint="A host name only: no https://, port or path." />
                <div class="form-actions">
                    <SubmitButton testid="custom-host-submit" label="Request host" busy_label="Requesting…" pending=pending />
                </div>
            </form>
        </Show>
    }
}
