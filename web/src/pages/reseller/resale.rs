//! Resale: the reseller's price per credit (its default on Settings, a client's own on the
//! client page), the revenue, cost and margin card on the dashboard, and a client's monthly
//! statement (`/reseller/clients/:id/statements/:period`, with a CSV and a printable page).

use credence_shared::problem::FieldError;
use credence_shared::resale::{ClientStatement, MarginReport, ResalePrice};
use credence_shared::StatementLineKind;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api;
use crate::components::form::{ErrorSummary, FieldErrors, SubmitButton, TextField};
use crate::components::loaded::Loaded;
use crate::components::toast::use_toasts;
use crate::components::widgets::{Fact, TableScroll};
use crate::format;

/// The price per credit a reseller charges: its default (no `client_id`) or one client's own.
#[component]
pub fn ResalePriceCard(#[prop(optional, into)] client_id: Option<String>) -> impl IntoView {
    let for_load = client_id.clone();
    let load = move || {
        let id = for_load.clone();
        async move {
            match id {
                Some(id) => api::get_client_resale_price(&id).await,
                None => api::get_resale_price().await,
            }
        }
    };
    view! {
        <section class="card stack" aria-labelledby="resale-heading" data-testid="resale-price">
            <h2 id="resale-heading">"Resale price"</h2>
            <Loaded fetch=load loading_label="Loading the resale price" let:price>
                <ResalePriceForm initial=price client_id=client_id.clone() />
            </Loaded>
        </section>
    }
}

#[component]
fn ResalePriceForm(initial: ResalePrice, client_id: Option<String>) -> impl IntoView {
    let toasts = use_toasts();
    let for_client = client_id.is_some();
    let currency = initial.currency.clone();
    let current = RwSignal::new(initial);
    let own = move |p: &ResalePrice| {
        if for_client {
            p.client_unit_price_minor
        } else {
            p.default_unit_price_minor
        }
    };
    let text = RwSignal::new(
        current
            .with_untracked(own)
            .map(|m| format::minor_to_major(m, &currency))
            .unwrap_or_default(),
    );
    let errors: FieldErrors = RwSignal::new(Vec::new());
    let save = Action::new_local(move |price: &Option<i64>| {
        let price = *price;
        let id = client_id.clone();
        async move {
            let result = match &id {
                Some(id) => api::set_client_resale_price(id, price).await,
                None => api::set_resale_price(price).await,
            };
            match result {
                Ok(p) => {
                    toasts.success(match price {
                        Some(_) => "Resale price saved",
                        None if id.is_some() => "The client now has your default price",
                        None => "Default resale price removed",
                    });
                    text.set(
                        own(&p)
                            .map(|m| format::minor_to_major(m, &p.currency))
                            .unwrap_or_default(),
                    );
                    errors.set(Vec::new());
                    current.set(p);
                }
                Err(err) => {
                    errors.set(err.field_errors());
                    toasts.problem(&err);
                }
            }
        }
    });
    let pending = save.pending();
    let cur = StoredValue::new(currency);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let raw = text.get_untracked();
        if raw.trim().is_empty() {
            save.dispatch_local(None);
            return;
        }
        let cur = cur.get_value();
        match format::major_to_minor(&raw, &cur) {
            Some(minor) => {
                save.dispatch_local(Some(minor));
            }
            None => errors.set(vec![FieldError {
                field: "unit_price_minor".into(),
                code: "invalid".into(),
                message: format!(
                    "Enter an amount in {cur} with at most {} decimals, e.g. 12.50.",
                    format::minor_digits(&cur)
                ),
            }]),
        }
    };
    let in_effect = move || {
        current.with(|p| match p.unit_price_minor {
            Some(m) => format!("{} per credit", format::money(m, &p.currency)),
            None => "Not set: new orders are not priced on statements".into(),
        })
    };
    let explain = if for_client {
        "What you charge this client per credit. Leave empty to use your default price. Orders keep the price in effect when they were placed."
    } else {
        "What you charge your clients per credit, unless a client has its own price (on the client's page). Orders keep the price in effect when they were placed."
    };
    view! {
        <p class="muted small">{explain}</p>
        <dl class="facts">
            <Fact label="New orders are charged">
                <span data-testid="resale-in-effect">{in_effect}</span>
            </Fact>
            {for_client.then(|| view! {
                <Fact label="Your default">
                    <span data-testid="resale-default">{move || current.with(|p| p.default_unit_price_minor
                        .map(|m| format::money(m, &p.currency)).unwrap_or_else(|| "Not set".into()))}</span>
                </Fact>
            })}
        </dl>
        <form class="stack" on:submit=on_submit novalidate=true data-testid="resale-form">
            <ErrorSummary errors=errors known=&["unit_price_minor"] />
            <TextField id="resale-amount" name="unit_price_minor"
                label=format!("Price per credit ({})", cur.get_value()) input_type="text"
                value=text errors=errors
                hint=if for_client { "e.g. 12.50; empty: your default" } else { "e.g. 12.50; empty: no default" } />
            <div class="form-actions">
                <SubmitButton testid="resale-save" label="Save price" busy_label="Saving…" pending=pending />
            </div>
        </form>
    }
}

/// The dashboard's money card: revenue, cost and margin for the last 12 billing months.
#[component]
pub fn MarginCard() -> impl IntoView {
    let toasts = use_toasts();
    let load = || async { api::get_margins(12).await };
    let download = Action::new_local(move |_: &()| async move {
        if let Err(e) = api::download_margins_csv(12).await {
            toasts.problem(&e);
        }
    });
    view! {
        <section class="card stack" aria-labelledby="margins-heading" data-testid="margins">
            <div class="section-header">
                <h2 id="margins-heading">"Revenue, cost and margin"</h2>
                <button type="button" class="btn btn-small" data-testid="margins-csv"
                    on:click=move |_| { download.dispatch_local(()); }>"Download CSV"</button>
            </div>
            <p class="muted small">
                "Revenue is what your clients are charged at your resale prices; cost is what we invoice you. "
                "Set your price per credit in Settings."
            </p>
            <Loaded fetch=load loading_label="Loading revenue and margin" let:report>
                <MarginTable report=report />
            </Loaded>
        </section>
    }
}

#[component]
fn MarginTable(report: MarginReport) -> impl IntoView {
    let currency = report.currency.clone();
    let months: Vec<_> = report.months.into_iter().rev().collect();
    let nothing = months
        .iter()
        .all(|m| m.credits_sold == 0 && m.cost_minor == 0);
    if nothing {
        return view! {
            <p class="empty" data-testid="margins-empty">
                "No credits sold in the last 12 months. Order credits for a client to see revenue here."
            </p>
        }
        .into_any();
    }
    view! {
        <TableScroll label="Revenue, cost and margin by month">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Month"</th>
                        <th scope="col" class="num">"Credits sold"</th>
                        <th scope="col" class="num">"Revenue"</th>
                        <th scope="col" class="num">"Cost"</th>
                        <th scope="col" class="num">"Margin"</th>
                    </tr>
                </thead>
                <tbody>
                    {months.into_iter().map(|m| {
                        let c = currency.clone();
                        let unpriced = (m.unpriced_credits != 0).then(|| view! {
                            <span class="muted small">{format!(" ({} unpriced)", m.unpriced_credits)}</span>
                        });
                        view! {
                            <tr data-testid="margin-row" data-period=m.period.clone()>
                                <td>{m.period.clone()}</td>
                                <td class="num">{m.credits_sold}{unpriced}</td>
                                <td class="num nowrap" data-testid="margin-revenue">{format::money(m.revenue_minor, &c)}</td>
                                <td class="num nowrap" data-testid="margin-cost">{format::money(m.cost_minor, &c)}</td>
                                <td class="num nowrap" data-testid="margin-margin">{format::money(m.margin_minor, &c)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

/// This month (UTC), `YYYY-MM`.
pub fn this_month() -> String {
    format::now().format("%Y-%m").to_string()
}

fn statement_params() -> (Memo<String>, Memo<String>) {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let period = Memo::new(move |_| params.with(|p| p.get("period")).unwrap_or_default());
    (id, period)
}

/// `/reseller/clients/:id/statements/:period`: the statement with a month picker, the CSV and
/// a link to the printable page.
#[component]
pub fn StatementPage() -> impl IntoView {
    let (id, period) = statement_params();
    let navigate = use_navigate();
    let toasts = use_toasts();
    let month = RwSignal::new(period.get_untracked());
    Effect::new(move |_| month.set(period.get()));
    let download = Action::new_local(move |_: &()| async move {
        if let Err(e) =
            api::download_statement_csv(&id.get_untracked(), &period.get_untracked()).await
        {
            toasts.problem(&e);
        }
    });
    let on_month = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if value.len() == 7 {
            navigate(
                &format!(
                    "/reseller/clients/{}/statements/{value}",
                    api::enc(&id.get_untracked())
                ),
                Default::default(),
            );
        }
    };
    view! {
        <section class="page" data-testid="statement-page">
            <header class="page-header">
                <h1>"Client statement"</h1>
            </header>
            <div class="card toolbar">
                <div class="field">
                    <label for="statement-month">"Month"</label>
                    <input id="statement-month" data-testid="statement-month" type="month"
                        prop:value=move || month.get() on:change=on_month />
                </div>
                <div class="form-actions">
                    <button type="button" class="btn" data-testid="statement-csv"
                        on:click=move |_| { download.dispatch_local(()); }>"Download CSV"</button>
                    <a class="btn" data-testid="statement-print-link" target="_blank" rel="noopener"
                        href=move || format!("/reseller/clients/{}/statements/{}/print", api::enc(&id.get()), api::enc(&period.get()))>
                        "Printable version"</a>
                    <A href=move || format!("/reseller/clients/{}", api::enc(&id.get())) attr:class="btn">"Back to the client"</A>
                </div>
            </div>
            {move || {
                let (id, period) = (id.get(), period.get());
                let load = move || {
                    let (id, period) = (id.clone(), period.clone());
                    async move { api::get_statement(&id, &period).await }
                };
                view! {
                    <Loaded fetch=load error_heading="Statement" let:s>
                        <StatementBody statement=s />
                    </Loaded>
                }
            }}
        </section>
    }
}

/// `…/statements/:period/print`: the statement alone, ready to print or save as PDF.
#[component]
pub fn StatementPrint() -> impl IntoView {
    let (id, period) = statement_params();
    let load = move || {
        let (id, period) = (id.get_untracked(), period.get_untracked());
        async move { api::get_statement(&id, &period).await }
    };
    let print = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <main class="print-page" data-testid="statement-print">
            <div class="no-print form-actions">
                <button type="button" class="btn btn-primary" data-testid="statement-print" on:click=print>"Print"</button>
            </div>
            <Loaded fetch=load error_heading="Statement" let:s>
                <h1>{format!("Statement for {} ({})", s.client_name, s.client_code)}</h1>
                <StatementBody statement=s />
            </Loaded>
        </main>
    }
}

fn line_kind(kind: StatementLineKind) -> &'static str {
    match kind {
        StatementLineKind::Initial => "Opening credits",
        StatementLineKind::Order => "Order",
        StatementLineKind::Grant => "Free credits",
        StatementLineKind::Return => "Taken back",
    }
}

#[component]
fn StatementBody(statement: ClientStatement) -> impl IntoView {
    let s = statement;
    let cur = s.currency.clone();
    let money = move |m: Option<i64>| {
        m.map(|m| format::money(m, &cur))
            .unwrap_or_else(|| "—".into())
    };
    let total = format::money(s.resale_amount_minor, &s.currency);
    let unpriced = (s.unpriced_credits != 0).then(|| {
        view! {
            <p class="muted small" data-testid="statement-unpriced">
                {format!("{} credits had no resale price when ordered and are not in the total.", s.unpriced_credits)}
            </p>
        }
    });
    let empty = s.lines.is_empty();
    view! {
        <div class="card stack" data-testid="statement" data-period=s.period.clone()>
            <h2>{format!("{} ({}) — {}", s.client_name, s.client_code, s.period)}</h2>
            <dl class="facts">
                <Fact label="Opening balance"><span data-testid="statement-opening">{s.opening_balance}</span></Fact>
                <Fact label="Credits added"><span data-testid="statement-added">{s.credits_added + s.credits_granted}</span></Fact>
                <Fact label="Credits used"><span data-testid="statement-used">{s.credits_used}</span></Fact>
                <Fact label="Credits refunded"><span data-testid="statement-refunded">{s.credits_refunded}</span></Fact>
                <Fact label="Credits taken back"><span data-testid="statement-taken-back">{s.credits_taken_back}</span></Fact>
                <Fact label="Closing balance"><span data-testid="statement-closing">{s.closing_balance}</span></Fact>
                <Fact label="Amount"><span class="big-number" data-testid="statement-total">{total}</span></Fact>
            </dl>
            {unpriced}
            {if empty {
                view! { <p class="empty">"No credits were added or taken back this month."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="Statement lines">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Date"</th>
                                    <th scope="col">"Line"</th>
                                    <th scope="col">"Description"</th>
                                    <th scope="col" class="num">"Credits"</th>
                                    <th scope="col" class="num">"Per credit"</th>
                                    <th scope="col" class="num">"Amount"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {s.lines.into_iter().map(|l| view! {
                                    <tr data-testid="statement-line" data-kind=l.kind.as_str()>
                                        <td class="nowrap">{format::date(&l.date)}</td>
                                        <td>{line_kind(l.kind)}</td>
                                        <td>{l.description.clone()}</td>
                                        <td class="num">{l.credits}</td>
                                        <td class="num nowrap">{money(l.unit_price_minor)}</td>
                                        <td class="num nowrap" data-testid="statement-line-amount">{money(l.amount_minor)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            }}
        </div>
    }
}
