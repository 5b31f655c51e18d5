//! The client page: code, balance, status, users, ledger, projects and candidates; taking back
//! credits, the client's resale price, a link to its statements, and closing the client.

use credence_shared::reseller::{
    Client, ClientPatch, ClientUser, CreditAdjustmentCreate, LedgerEntry,
};
use credence_shared::ClientStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ClientUserFilter};
use crate::components::client_users::ClientUserTable;
use crate::components::form::{parse_whole, ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::ledger::LedgerTable;
use crate::components::loaded::Loaded;
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, CopyButton, Fact, StatusBadge};

use super::closure::ClosureCard;
use super::edit::ClientEditForm;
use super::logo::ClientLogo;
use super::LowCreditBadge;

#[component]
pub fn ClientDetail() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::get_client(&id).await }
    };
    view! {
        <section class="page" data-testid="client-detail">
            <Loaded fetch=load error_heading="Client" let:c>
                <ClientPage client=c />
            </Loaded>
        </section>
    }
}

#[component]
fn ClientPage(client: Client) -> impl IntoView {
    let toasts = use_toasts();
    let current = RwSignal::new(client.clone());
    let id = StoredValue::new(client.id.clone());
    let ledger = Paged::new(move |cursor: Option<String>| {
        let id = id.get_value();
        async move { api::list_ledger(&id, cursor.as_deref()).await }
    });
    let projects = Paged::new(move |cursor: Option<String>| {
        let filter = api::ProjectFilter {
            client_id: id.get_value(),
            ..Default::default()
        };
        async move { api::list_projects(&filter, 20, cursor.as_deref()).await }
    });
    let candidates = Paged::new(move |cursor: Option<String>| {
        let filter = api::CandidateFilter {
            client_id: id.get_value(),
            ..Default::default()
        };
        async move { api::list_candidates(&filter, 20, cursor.as_deref()).await }
    });
    let users = Paged::new(move |cursor: Option<String>| {
        let filter = ClientUserFilter {
            client_id: id.get_value(),
            ..Default::default()
        };
        async move { api::list_client_users(&filter, cursor.as_deref()).await }
    });

    let change_status = Action::new_local(move |status: &ClientStatus| {
        let status = *status;
        async move {
            let body = ClientPatch {
                status: Some(status.as_str().to_string()),
                ..Default::default()
            };
            match api::patch_client(&id.get_value(), &body).await {
                Ok(c) => {
                    toasts.success(format!("“{}” is now {}", c.name, c.status));
                    current.set(c);
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let status_busy = change_status.pending();
    let set_status = move |status: ClientStatus| {
        change_status.dispatch_local(status);
    };

    let code = Signal::derive(move || current.with(|c| c.code.clone()));
    let status = move || current.with(|c| c.status);
    view! {
        <header class="page-header">
            <h1 data-testid="client-title">{move || current.with(|c| c.name.clone())}</h1>
            {move || view! { <StatusBadge status=status() testid="client-status" /> }}
            {move || current.with(|c| c.low_credit).then(|| view! { <LowCreditBadge /> })}
            {move || current.with(|c| c.closure.as_ref().is_some_and(|c| c.closed_at.is_none())).then(|| view! {
                <span class="badge badge-warn" data-testid="client-closing">"Closing"</span>
            })}
        </header>
        <div class="card summary-card">
            <dl class="facts">
                <Fact label="Client code">
                    <code class="client-code" data-testid="client-code">{move || code.get()}</code>
                    " "
                    <CopyButton value=code label="Copy the client code" testid="copy-code" />
                </Fact>
                <Fact label="Credit balance">
                    <span class="big-number" data-testid="client-balance">{move || current.with(|c| c.credit_balance)}</span>
                    " credits"
                </Fact>
                <Fact label="Credit threshold">
                    <span data-testid="client-threshold">{move || current.with(|c| c.credit_threshold)}</span>
                </Fact>
                <Fact label="Skin">
                    <span data-testid="client-brand-name">{move || current.with(|c| c.brand_name.clone())}</span>
                </Fact>
                <Fact label="Users">{move || current.with(|c| c.user_count)}</Fact>
                {move || current.with(|c| c.address.clone()).map(|a| view! {
                    <Fact label="Address"><span class="pre-line" data-testid="client-address">{a}</span></Fact>
                })}
                {move || current.with(|c| c.notes.clone()).map(|n| view! {
                    <Fact label="Notes"><span class="pre-line" data-testid="client-notes">{n}</span></Fact>
                })}
            </dl>
            <div class="form-actions">
                <A href=move || format!("/reseller/credit-orders/new?code={}", api::enc(&code.get()))
                    attr:class="btn btn-primary" attr:data-testid="order-credits">"Order credits"</A>
                <A href=move || format!("/reseller/client-users/new?client_id={}", api::enc(&id.get_value()))
                    attr:class="btn" attr:data-testid="add-client-user">"Add user"</A>
                <A href=move || format!("/reseller/clients/{}/statements/{}", api::enc(&id.get_value()), crate::pages::reseller::resale::this_month())
                    attr:class="btn" attr:data-testid="client-statement">"Statement"</A>
                {move || match status() {
                    ClientStatus::Active => view! {
                        <ConfirmButton testid="client-suspend" label="Suspend"
                            question="Suspend this client? Its users cannot sign in and candidates cannot start tests."
                            confirm_label="Suspend" danger=true pending=status_busy
                            on_confirm=Callback::new(move |_| set_status(ClientStatus::Suspended)) />
                        <ConfirmButton testid="client-archive" label="Archive"
                            question="Archive this client? It disappears from your lists and its users cannot sign in."
                            confirm_label="Archive" danger=true pending=status_busy
                            on_confirm=Callback::new(move |_| set_status(ClientStatus::Archived)) />
                    }.into_any(),
                    ClientStatus::Suspended => view! {
                        <ConfirmButton testid="client-reactivate" label="Reactivate"
                            question="Reactivate this client?" confirm_label="Reactivate" pending=status_busy
                            on_confirm=Callback::new(move |_| set_status(ClientStatus::Active)) />
                        <ConfirmButton testid="client-archive" label="Archive"
                            question="Archive this client? It disappears from your lists and its users cannot sign in."
                            confirm_label="Archive" danger=true pending=status_busy
                            on_confirm=Callback::new(move |_| set_status(ClientStatus::Archived)) />
                    }.into_any(),
                    ClientStatus::Archived => view! {
                        <ConfirmButton testid="client-reactivate" label="Reactivate"
                            question="Reactivate this archived client?" confirm_label="Reactivate" pending=status_busy
                            on_confirm=Callback::new(move |_| set_status(ClientStatus::Active)) />
                    }.into_any(),
                }}
            </div>
        </div>
        <div class="two-columns">
            <ClientEditForm client=client.clone() current=current />
            <div class="stack">
                <ClientLogo current=current />
                <TakeBackCredits current=current on_done=Callback::new(move |_| ledger.reload()) />
                <crate::pages::reseller::resale::ResalePriceCard client_id=client.id.clone() />
                <crate::components::retention::RetentionCard client_id=id.get_value() />
                <crate::components::privacy_notice::PrivacyNoticeCard client_id=id.get_value() />
                <ClosureCard current=current />
            </div>
        </div>
        <section class="stack" aria-labelledby="client-users-heading" data-testid="client-users">
            <div class="section-header">
                <h2 id="client-users-heading">"Users"</h2>
                <A href=move || format!("/reseller/client-users/new?client_id={}", api::enc(&id.get_value()))
                    attr:class="btn btn-small">"Add user"</A>
            </div>
            {users.view("This client has no users yet. Add one so they can sign in.", move |items: Vec<ClientUser>| {
                view! {
                    <ClientUserTable items=items login_as=true edit_base="/reseller/client-users"
                        on_changed=Callback::new(move |_| users.reload()) />
                }
            })}
        </section>
        <section class="stack" aria-labelledby="ledger-heading" data-testid="client-ledger">
            <h2 id="ledger-heading">"Credit ledger"</h2>
            {ledger.view("No credit changes yet.", |items: Vec<LedgerEntry>| view! { <LedgerTable items=items base="/reseller" /> })}
        </section>
        <section class="stack" aria-labelledby="projects-heading" data-testid="client-projects">
            <h2 id="projects-heading">"Projects"</h2>
            {projects.view("This client has no projects yet.", |items: Vec<credence_shared::assess::Project>| view! {
                <crate::components::assess::ProjectTable items=items portal=crate::components::assess::Portal::Reseller />
            })}
        </section>
        <section class="stack" aria-labelledby="candidates-heading" data-testid="client-candidates">
            <h2 id="candidates-heading">"Candidates"</h2>
            {candidates.view("This client has no candidates yet.", |items: Vec<credence_shared::assess::Candidate>| view! {
                <crate::components::assess::CandidateTable items=items portal=crate::components::assess::Portal::Reseller />
            })}
        </section>
    }
}

/// Takes unused credits back from the client (a ledger adjustment with a reason).
#[component]
fn TakeBackCredits(current: RwSignal<Client>, on_done: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let credits = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let take = Action::new_local(move |body: &CreditAdjustmentCreate| {
        let body = body.clone();
        let id = current.with_untracked(|c| c.id.clone());
        async move {
            match api::create_credit_adjustment(&id, &body).await {
                Ok(entry) => {
                    toasts.success(format!("{} credits taken back", -entry.delta));
                    current.update(|c| {
                        c.credit_balance = entry.balance_after;
                        c.low_credit = c.credit_balance < c.credit_threshold;
                    });
                    credits.set(String::new());
                    reason.set(String::new());
                    on_done.run(());
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
        let n = match parse_whole(&credits.get_untracked(), "credits", "the credits") {
            Ok(n) => n,
            Err(e) => {
                errors.set(vec![e]);
                return;
            }
        };
        take.dispatch_local(CreditAdjustmentCreate {
            credits: n,
            reason: reason.get_untracked().trim().to_string(),
        });
    };
    view! {
        <form class="card stack" on:submit=on_submit novalidate=true data-testid="take-back-form">
            <h2>"Take back credits"</h2>
            <p class="muted small">"Removes unused credits from the client's balance. Your invoice credits them at the price you paid (oldest order first), and the client's statement at your resale price."</p>
            <ErrorSummary errors=errors known=&["credits", "reason"] />
            <TextField id="take-back-credits" name="credits" label="Credits" input_type="number" min="1" step="1"
                required=true value=credits errors=errors />
            <TextField id="take-back-reason" name="reason" label="Reason" required=true value=reason errors=errors />
            <div class="form-actions">
                <SubmitButton testid="take-back-submit" label="Take back" busy_label="Saving…" pending=take.pending() />
            </div>
        </form>
    }
}
