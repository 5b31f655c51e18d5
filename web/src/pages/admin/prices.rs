//! The price lists on `/admin/settings`: what one credit costs in each currency (the list price)
//! and resellers' own prices, past, current and scheduled; add a price, withdraw a scheduled one.

use credence_shared::admin::{CreditPrice, CreditPriceCreate, Reseller};
use credence_shared::problem::FieldError;
use credence_shared::PriceStatus;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{ErrorSummary, FieldErrors, SelectField, SubmitButton, TextField};
use crate::components::loaded::Loaded;
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, StatusBadge, TableScroll};
use crate::format;

#[component]
pub fn PricesCard() -> impl IntoView {
    let prices = Paged::new(move |cursor: Option<String>| async move {
        api::list_prices(cursor.as_deref()).await
    });
    let toasts = use_toasts();
    let withdraw = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::delete_price(&id).await {
                Ok(()) => {
                    toasts.success("Scheduled price withdrawn");
                    prices.reload();
                }
                Err(e) => toasts.problem(&e),
            }
        }
    });
    let pending = withdraw.pending();
    let load_resellers = || async { api::list_resellers("", None).await };
    view! {
        <section class="card stack" aria-labelledby="prices-heading" data-testid="prices">
            <h2 id="prices-heading">"Prices per credit"</h2>
            <p class="muted small">
                "Each reseller is billed the price of its own currency, minus its discount. A reseller's own price "
                "overrides the list price for it. A new price replaces the one in effect from its start; orders "
                "already placed keep the price they were billed."
            </p>
            <Loaded fetch=load_resellers loading_label="Loading resellers" let:resellers>
                <PriceForm resellers=resellers.data on_added=Callback::new(move |_| prices.reload()) />
            </Loaded>
            {prices.view("No prices yet: add the list price of each currency resellers are billed in.", move |items: Vec<CreditPrice>| view! {
                <TableScroll label="Prices per credit">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"Currency"</th>
                                <th scope="col">"For"</th>
                                <th scope="col" class="num">"Per credit"</th>
                                <th scope="col">"From"</th>
                                <th scope="col">"Until"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Actions"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items.into_iter().map(|p| {
                                let scheduled = p.status == PriceStatus::Scheduled;
                                let id = p.id.clone();
                                view! {
                                <tr data-testid="price-row" data-status=p.status.as_str() data-currency=p.currency.clone()>
                                    <td>{p.currency.clone()}</td>
                                    <td>{p.reseller_name.clone().unwrap_or_else(|| "List price".into())}</td>
                                    <td class="num nowrap">{format::money(p.unit_price_minor, &p.currency)}</td>
                                    <td class="nowrap">{format::date_time(&p.valid_from)}</td>
                                    <td class="nowrap">{p.valid_until.map(|t| format::date_time(&t)).unwrap_or_else(|| "—".into())}</td>
                                    <td><StatusBadge status=p.status /></td>
                                    <td class="actions">
                                        <Show when=move || scheduled>
                                            <ConfirmButton testid="withdraw-price" label="Withdraw" small=true danger=true
                                                question="Withdraw this scheduled price? The price in effect stays." confirm_label="Withdraw"
                                                pending=pending
                                                on_confirm=Callback::new({ let id = id.clone(); move |_| { withdraw.dispatch_local(id.clone()); } }) />
                                        </Show>
                                    </td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
            })}
        </section>
    }
}

#[component]
fn PriceForm(resellers: Vec<Reseller>, on_added: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let currency = RwSignal::new("GBP".to_string());
    let reseller = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let mut reseller_options = vec![(String::new(), "Every reseller (list price)".to_string())];
    reseller_options.extend(
        resellers
            .into_iter()
            .map(|r| (r.id, format!("{} ({})", r.name, r.currency))),
    );
    let add = Action::new_local(move |body: &CreditPriceCreate| {
        let body = body.clone();
        async move {
            match api::create_price(&body).await {
                Ok(p) => {
                    toasts.success(format!(
                        "{} per credit added",
                        format::money(p.unit_price_minor, &p.currency)
                    ));
                    price.set(String::new());
                    from.set(String::new());
                    until.set(String::new());
                    errors.set(Vec::new());
                    on_added.run(());
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
        let cur = currency.get_untracked();
        let mut bad = Vec::new();
        let unit_price_minor = format::major_to_minor(&price.get_untracked(), &cur);
        if unit_price_minor.is_none() {
            bad.push(FieldError {
                field: "unit_price_minor".into(),
                code: "invalid".into(),
                message: format!(
                    "Enter an amount in {cur} with at most {} decimals, e.g. 12.50.",
                    format::minor_digits(&cur)
                ),
            });
        }
        let time = |field: &str, value: String, bad: &mut Vec<FieldError>| {
            if value.trim().is_empty() {
                return None;
            }
            let parsed = format::local_input_to_utc(&value);
            if parsed.is_none() {
                bad.push(FieldError {
                    field: field.into(),
                    code: "invalid".into(),
                    message: "Enter a date and time.".into(),
                });
            }
            parsed
        };
        let valid_from = time("valid_from", from.get_untracked(), &mut bad);
        // Only a reseller's own price may end; the hidden field of a list price is ignored.
        let own = !reseller.get_untracked().is_empty();
        let valid_until = if own {
            time("valid_until", until.get_untracked(), &mut bad)
        } else {
            None
        };
        errors.set(bad.clone());
        if !bad.is_empty() {
            return;
        }
        let reseller_id = Some(reseller.get_untracked()).filter(|r| !r.is_empty());
        add.dispatch_local(CreditPriceCreate {
            currency: cur,
            unit_price_minor: unit_price_minor.unwrap_or_default(),
            reseller_id,
            valid_from,
            valid_until,
        });
    };
    view! {
        <form class="stack" on:submit=on_submit novalidate=true data-testid="price-form">
            <ErrorSummary errors=errors known=&["currency", "unit_price_minor", "reseller_id", "valid_from", "valid_until"] />
            <div class="field-row">
                <SelectField id="price-currency" name="currency" label="Currency" required=true
                    value=currency errors=errors options=format::currency_options() />
                <SelectField id="price-reseller" name="reseller_id" label="For"
                    value=reseller errors=errors options=reseller_options />
                <TextField id="price-amount" name="unit_price_minor" label="Price per credit"
                    input_type="text" required=true value=price errors=errors
                    hint="In major units, e.g. 12.50, before the reseller's discount." />
            </div>
            <div class="field-row">
                <TextField id="price-from" name="valid_from" label="Starts" input_type="datetime-local"
                    value=from errors=errors hint="Leave empty to start now." />
                <Show when=move || !reseller.get().is_empty()>
                    <TextField id="price-until" name="valid_until" label="Ends" input_type="datetime-local"
                        value=until errors=errors hint="Optional: the list price applies again after it." />
                </Show>
            </div>
            <div class="form-actions">
                <SubmitButton testid="price-add" label="Add price" busy_label="Adding…" pending=add.pending() />
            </div>
        </form>
    }
}
