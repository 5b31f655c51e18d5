//! `/reseller/credit-orders…`: "Credits Order" — orders with filters, totals and CSV export, and
//! the create form (client code looked up as it is typed; one Idempotency-Key per submission).

use credence_shared::reseller::{Client, CreditOrder, CreditOrderCreate};
use credence_shared::{CreditOrderKind, Page};
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, CreditOrderFilter};
use crate::components::form::{
    optional, parse_whole, ErrorSummary, FieldErrors, SubmitButton, TextField,
};
use crate::components::paged::Paged;
use crate::components::pickers::ClientPicker;
use crate::components::toast::use_toasts;
use crate::components::widgets::TableScroll;
use crate::format;

const ORDER_FIELDS: &[&str] = &["client_code", "credits", "note", "po_reference"];
const MAX_CREDITS: i64 = 1_000_000;

#[derive(Clone, Debug, PartialEq)]
struct Totals {
    credits: i64,
    amount_minor: i64,
    currency: String,
}

#[component]
pub fn CreditOrderList() -> impl IntoView {
    let toasts = use_toasts();
    let client_id = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let totals = RwSignal::new(None::<Totals>);
    let exporting = RwSignal::new(false);
    let no_errors: FieldErrors = RwSignal::new(Vec::new());
    let filter = move || CreditOrderFilter {
        client_id: client_id.get(),
        from: from.get(),
        to: to.get(),
    };
    let orders = Paged::new(move |cursor: Option<String>| {
        let f = filter();
        async move {
            let page = api::list_credit_orders(&f, cursor.as_deref()).await?;
            if cursor.is_none() {
                totals.set(Some(Totals {
                    credits: page.total_credits,
                    amount_minor: page.total_amount_minor,
                    currency: page.currency.clone(),
                }));
            }
            Ok(Page {
                data: page.data,
                next_cursor: page.next_cursor,
            })
        }
    });
    let export = move |_| {
        exporting.set(true);
        let f = untrack(filter);
        leptos::task::spawn_local(async move {
            if let Err(e) = api::download_credit_orders_csv(&f).await {
                toasts.problem(&e);
            }
            exporting.set(false);
        });
    };
    view! {
        <section class="page" data-testid="credit-order-list">
            <header class="page-header">
                <h1>"Credits Order"</h1>
                <button type="button" class="btn" data-testid="credit-orders-export" disabled=move || exporting.get() on:click=export>
                    {move || if exporting.get() { "Exporting…" } else { "Export CSV" }}
                </button>
                <A href="/reseller/credit-orders/new" attr:class="btn btn-primary" attr:data-testid="credit-order-create">
                    "Create"
                </A>
            </header>
            <p class="muted">
                "Credits you add reach the client at once. Each order is a line on this month's invoice: "
                "credits × list price, less your discount. What you charge your client is up to you."
            </p>
            <div class="filter-row">
                <ClientPicker id="order-client-filter" name="client_id" label="Client" value=client_id errors=no_errors
                    blank_label="All clients" />
                <div class="field">
                    <label for="order-from">"From"</label>
                    <input type="date" id="order-from" data-testid="order-from" bind:value=from />
                </div>
                <div class="field">
                    <label for="order-to">"To"</label>
                    <input type="date" id="order-to" data-testid="order-to" bind:value=to />
                </div>
            </div>
            {orders.view("No credit orders match.", move |items: Vec<CreditOrder>| {
                view! {
                    <TableScroll label="Credit orders">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Date"</th>
                                    <th scope="col">"Client"</th>
                                    <th scope="col">"Kind"</th>
                                    <th scope="col" class="num">"Credits"</th>
                                    <th scope="col" class="num">"Amount"</th>
                                    <th scope="col">"PO reference"</th>
                                    <th scope="col">"Note"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {items.into_iter().map(|o| view! {
                                    <tr data-testid="credit-order-row" data-code=o.client_code.clone()>
                                        <td class="nowrap">{format::date_time(&o.created_at)}</td>
                                        <td>
                                            <A href=format!("/reseller/clients/{}", o.client_id)>{o.client_name.clone()}</A>
                                            " " <code class="small muted">{o.client_code.clone()}</code>
                                        </td>
                                        <td>{match o.kind {
                                            CreditOrderKind::Initial => "Initial credits",
                                            CreditOrderKind::Order => "Order",
                                        }}</td>
                                        <td class="num">{o.credits}</td>
                                        <td class="num nowrap">{format::money(o.amount_minor, &o.currency)}</td>
                                        <td>{o.po_reference.clone().unwrap_or_default()}</td>
                                        <td>{o.note.clone().unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                            <tfoot>
                                {move || totals.get().map(|t| view! {
                                    <tr class="totals-row" data-testid="credit-orders-totals">
                                        <th scope="row" colspan="3">"Total (all matching orders)"</th>
                                        <td class="num" data-testid="orders-total-credits">{t.credits}</td>
                                        <td class="num nowrap" data-testid="orders-total-amount">{format::money(t.amount_minor, &t.currency)}</td>
                                        <td colspan="2"></td>
                                    </tr>
                                })}
                            </tfoot>
                        </table>
                    </TableScroll>
                }
            })}
        </section>
    }
}

/// True when `code` has the shape of a whole client code (`ACME-7K2Q`, made by the API's
/// `clients::generate_code`): 2 to 4 letters or digits, a hyphen, 4 more. A shorter code may
/// still be being typed, so it is not called unknown until then (or until the field is left).
fn looks_complete(code: &str) -> bool {
    let alnum = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric());
    match code.trim().split_once('-') {
        Some((prefix, suffix)) => {
            (2..=4).contains(&prefix.len()) && alnum(prefix) && suffix.len() == 4 && alnum(suffix)
        }
        None => false,
    }
}

/// What the code typed so far names.
#[derive(Clone, Debug, PartialEq)]
enum Lookup {
    Empty,
    Searching,
    Found(Box<Client>),
    NotFound,
    Failed(String),
}

#[component]
pub fn CreditOrderNew() -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let query = use_query_map();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let code = RwSignal::new(query.with_untracked(|q| q.get("code")).unwrap_or_default());
    let credits = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let po_reference = RwSignal::new(String::new());
    let lookup = RwSignal::new(Lookup::Empty);
    // The field was left since the code last changed: an incomplete code may be called unknown.
    let left = RwSignal::new(false);
    let debounce = StoredValue::new_local(None::<Timeout>);
    // The answer for the latest code only, however the requests finish.
    let generation = StoredValue::new(0u64);

    Effect::new(move |_| {
        let typed = code.get().trim().to_string();
        left.set(false);
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        if typed.is_empty() {
            debounce.set_value(None);
            lookup.set(Lookup::Empty);
            return;
        }
        lookup.set(Lookup::Searching);
        let timer = Timeout::new(250, move || {
            leptos::task::spawn_local(async move {
                let result = api::find_client_by_code(&typed).await;
                if generation.get_value() != mine {
                    return;
                }
                lookup.set(match result {
                    Ok(Some(c)) => Lookup::Found(Box::new(c)),
                    Ok(None) => Lookup::NotFound,
                    Err(e) => Lookup::Failed(e.message()),
                });
            });
        });
        debounce.set_value(Some(timer));
    });

    // One key per submission of one body; a retry of the same body reuses it.
    let attempt = StoredValue::new(None::<(CreditOrderCreate, String)>);
    let create = Action::new_local(move |input: &(CreditOrderCreate, String)| {
        let (body, key) = input.clone();
        let navigate = navigate.clone();
        async move {
            match api::create_credit_order(&body, &key).await {
                Ok(order) => {
                    attempt.set_value(None);
                    toasts.success(format!(
                        "{} credits added to {} ({})",
                        order.credits, order.client_name, order.client_code
                    ));
                    navigate("/reseller/credit-orders", Default::default());
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
        let body = CreditOrderCreate {
            client_code: code.get_untracked().trim().to_string(),
            credits: n,
            note: optional(&note),
            po_reference: optional(&po_reference),
        };
        let key = match attempt.get_value() {
            Some((same, key)) if same == body => key,
            _ => api::new_idempotency_key(),
        };
        attempt.set_value(Some((body.clone(), key.clone())));
        create.dispatch_local((body, key));
    };
    view! {
        <section class="page" data-testid="credit-order-new-page">
            <header class="page-header"><h1>"Order credits"</h1></header>
            <form class="card stack form-narrow" on:submit=on_submit novalidate=true data-testid="credit-order-form">
                <p class="muted">
                    "Enter your client's code (it is on the Clients page) and the number of credits. "
                    "The credits are added at once and invoiced to you at your agreed price."
                </p>
                <ErrorSummary errors=errors known=ORDER_FIELDS />
                <div on:focusout=move |_| left.set(true)>
                    <TextField id="order-client-code" name="client_code" label="Client code" required=true value=code
                        errors=errors autocomplete="off" placeholder="ACME-7K2Q" />
                </div>
                <p class="lookup" aria-live="polite" data-testid="order-client-lookup">
                    {move || match lookup.get() {
                        Lookup::Empty => view! { <span class="muted">"The client's name appears here."</span> }.into_any(),
                        Lookup::Searching => view! { <span class="muted">"Looking up…"</span> }.into_any(),
                        Lookup::Found(c) => view! {
                            <span class="lookup-found" data-testid="order-client-name">{c.name.clone()}</span>
                            <span class="muted">{format!(" — balance {} credits", c.credit_balance)}</span>
                        }.into_any(),
                        Lookup::NotFound if !left.get() && !looks_complete(&code.get()) => view! {
                            <span class="muted" data-testid="order-client-incomplete">"Keep typing: a code looks like ACME-7K2Q."</span>
                        }.into_any(),
                        Lookup::NotFound => view! { <span class="lookup-missing" data-testid="order-client-missing">"No client with this code"</span> }.into_any(),
                        Lookup::Failed(m) => view! { <span class="lookup-missing">{m}</span> }.into_any(),
                    }}
                </p>
                <TextField id="order-credits" name="credits" label="Credits" required=true input_type="number" min="1"
                    max=MAX_CREDITS.to_string() step="1" value=credits errors=errors hint="From 1 to 1,000,000." />
                <TextField id="order-po-reference" name="po_reference" label="PO reference" value=po_reference errors=errors
                    hint="Optional: your client's purchase order number." />
                <TextField id="order-note" name="note" label="Note" value=note errors=errors />
                <div class="form-actions">
                    <SubmitButton testid="credit-order-submit" label="Save" busy_label="Adding credits…" pending=create.pending() />
                    <A href="/reseller/credit-orders" attr:class="btn btn-ghost">"Cancel"</A>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::looks_complete;

    #[test]
    fn only_whole_codes_look_complete() {
        for whole in ["ACME-7K2Q", "acme-7k2q", " 3M-ABCD ", "CL-2345"] {
            assert!(looks_complete(whole), "{whole}");
        }
        for partial in [
            "",
            "A",
            "ACME",
            "ACME-",
            "ACME-7K2",
            "ACMEX-7K2Q",
            "ACME-7K2QZ",
            "AC ME-7K2Q",
        ] {
            assert!(!looks_complete(partial), "{partial}");
        }
    }
}
