//! Credits around invitations: the "not enough credits" message, the balance, its refresh.

use leptos::prelude::*;
use leptos_router::components::A;

use super::Portal;
use crate::api;
use crate::components::layout::ClientAccount;
use crate::format::plural;

/// The 402 `insufficient_credits` message, with the way to more credits.
pub fn insufficient_message(cost: i64, balance: Option<i64>, portal: Portal) -> String {
    let balance = balance
        .map(|b| format!(" and the balance is {}", plural(b, "credit", "credits")))
        .unwrap_or_default();
    let what = if cost > 0 {
        format!(
            "this invitation needs {}{balance}",
            plural(cost, "credit", "credits")
        )
    } else {
        "the balance is too low".to_string()
    };
    match portal {
        Portal::Client => format!(
            "Not enough credits: {what}. Nothing was charged — ask your reseller for more credits."
        ),
        Portal::Reseller => format!(
            "Not enough credits: {what}. Nothing was charged — order more credits for this client."
        ),
    }
}

#[component]
pub fn NoCreditsAlert(
    #[prop(into)] message: String,
    portal: Portal,
    #[prop(into)] client_id: String,
) -> impl IntoView {
    let (href, label) = match portal {
        Portal::Client => ("/client/credits".to_string(), "Go to Credits"),
        Portal::Reseller => (
            format!("/reseller/clients/{client_id}"),
            "Open the client to order credits",
        ),
    };
    view! {
        <div class="alert alert-error" role="alert" data-testid="insufficient-credits">
            <p>{message}</p>
            <p><A href=href attr:data-testid="credits-link">{label}</A></p>
        </div>
    }
}

/// The client's balance now (for the 402 message), if it can be read.
pub async fn balance_of(client_id: &str) -> Option<i64> {
    api::get_client(client_id)
        .await
        .ok()
        .map(|c| c.credit_balance)
}

/// Refreshes the client portal header's balance (a no-op in the reseller portal).
#[derive(Clone, Copy)]
pub struct BalanceRefresh(Option<ClientAccount>);

impl BalanceRefresh {
    /// Call while building a component (it reads the context).
    pub fn new() -> Self {
        BalanceRefresh(use_context::<ClientAccount>())
    }

    pub fn run(&self) {
        if let Some(a) = self.0 {
            a.client.refetch();
        }
    }
}
