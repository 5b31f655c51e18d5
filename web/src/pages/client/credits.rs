//! `/client/credits`: the client's credit balance and every change to it (the ledger).

use credence_shared::reseller::LedgerEntry;
use leptos::prelude::*;

use crate::api;
use crate::auth::use_session;
use crate::components::layout::ClientAccount;
use crate::components::ledger::LedgerTable;
use crate::components::paged::Paged;

#[component]
pub fn ClientCredits() -> impl IntoView {
    let session = use_session();
    let account = expect_context::<ClientAccount>();
    let client_id = move || {
        session
            .user
            .with(|u| u.as_ref().and_then(|u| u.client_id.clone()))
            .unwrap_or_default()
    };
    let ledger = Paged::new(move |cursor: Option<String>| {
        let id = client_id();
        async move { api::list_ledger(&id, cursor.as_deref()).await }
    });
    view! {
        <section class="page" data-testid="client-credits">
            <header class="page-header"><h1>"Credits"</h1></header>
            {move || account.client.get().and_then(|r| r.ok()).map(|c| view! {
                <div class="card summary-card">
                    <p>
                        <span class="big-number" data-testid="credits-balance">{c.credit_balance}</span>
                        " credits available"
                    </p>
                    {c.low_credit.then(|| view! {
                        <p class="alert alert-warn" role="status" data-testid="low-credit-warning">
                            {format!(
                                "Your balance is below {} credits. Contact your reseller to order more before you invite more candidates.",
                                c.credit_threshold
                            )}
                        </p>
                    })}
                    <p class="muted small">
                        "Inviting a candidate uses one credit per test at once; tests that are never started are refunded. "
                        "To get more credits, contact your reseller."
                    </p>
                </div>
            })}
            <section class="stack" aria-labelledby="ledger-heading">
                <h2 id="ledger-heading">"History"</h2>
                {ledger.view("No credit changes yet.", |items: Vec<LedgerEntry>| view! { <LedgerTable items=items base="/client" /> })}
            </section>
        </section>
    }
}
