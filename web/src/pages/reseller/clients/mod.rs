//! `/reseller/clients…`: the reseller's clients — filterable list, create (the article's form),
//! and the client page (code, balance, logo, edit, status, users, ledger, take back credits,
//! projects and candidates).
//!
//! One file per screen: `list`, `new` (the create form), `detail` (the client page, taking
//! back credits), `edit`, and `logo` (picking, previewing and uploading the client's logo).

mod closure;
mod detail;
mod edit;
mod list;
mod logo;
mod new;

pub use detail::ClientDetail;
pub use list::ClientList;
pub use new::ClientNew;

use leptos::prelude::*;

const CLIENT_FIELDS: &[&str] = &[
    "name",
    "contact_name",
    "contact_email",
    "phone",
    "address",
    "notes",
    "brand_id",
    "initial_credits",
    "credit_threshold",
    "status",
];

#[component]
pub fn LowCreditBadge() -> impl IntoView {
    view! { <span class="badge badge-warn" data-testid="low-credit">"Low credit"</span> }
}
