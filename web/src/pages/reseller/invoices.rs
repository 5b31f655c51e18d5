//! `/reseller/invoices…`: the vendor's monthly invoices to this reseller, with their lines.

use credence_shared::reseller::{Invoice, InvoiceLine};
use credence_shared::InvoiceKind;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;
use crate::components::widgets::{Fact, StatusBadge, TableScroll};
use crate::format;

fn number_or_draft(i: &Invoice) -> String {
    i.number.clone().unwrap_or_else(|| "Not issued yet".into())
}

#[component]
pub fn InvoiceList() -> impl IntoView {
    let invoices =
        Paged::new(
            |cursor: Option<String>| async move { api::list_invoices(cursor.as_deref()).await },
        );
    view! {
        <section class="page" data-testid="invoice-list">
            <header class="page-header"><h1>"Invoices"</h1></header>
            <p class="muted">
                "One invoice per calendar month (UTC). It stays a draft while the month is open and gains "
                "a number when it is issued."
            </p>
            {invoices.view("No invoices yet. Your first credit order starts one.", |items: Vec<Invoice>| view! {
                <TableScroll label="Invoices">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"Period"</th>
                                <th scope="col">"Number"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col" class="num">"Lines"</th>
                                <th scope="col" class="num">"Total"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items.into_iter().map(|i| {
                                let period = match i.kind {
                                    InvoiceKind::Invoice => i.period.clone(),
                                    InvoiceKind::CreditNote => format!("{} · credit note", i.period),
                                };
                                view! {
                                <tr data-testid="invoice-row" data-period=i.period.clone() data-kind=i.kind.as_str() data-status=i.status.as_str()>
                                    <td><A href=format!("/reseller/invoices/{}", i.id)>{period}</A></td>
                                    <td>{number_or_draft(&i)}</td>
                                    <td><StatusBadge status=i.status /></td>
                                    <td class="num">{i.line_count}</td>
                                    <td class="num nowrap" data-testid="invoice-total">{format::money(i.total_minor, &i.currency)}</td>
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
pub fn InvoiceDetail() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::get_invoice(&id).await }
    };
    view! {
        <section class="page" data-testid="invoice-detail">
            <Loaded fetch=load error_heading="Invoice" let:i>
                <InvoicePage invoice=i />
            </Loaded>
        </section>
    }
}

#[component]
fn InvoicePage(invoice: Invoice) -> impl IntoView {
    let toasts = use_toasts();
    let downloading = RwSignal::new(false);
    let id = StoredValue::new(invoice.id.clone());
    let currency = StoredValue::new(invoice.currency.clone());
    let lines = Paged::new(move |cursor: Option<String>| {
        let id = id.get_value();
        async move { api::list_invoice_lines(&id, cursor.as_deref()).await }
    });
    let filename = format!(
        "{}-{}-lines.csv",
        format::document_name(invoice.kind)
            .to_lowercase()
            .replace(' ', "-"),
        invoice
            .number
            .clone()
            .unwrap_or_else(|| invoice.period.clone())
    );
    let download = move |_| {
        downloading.set(true);
        let filename = filename.clone();
        leptos::task::spawn_local(async move {
            if let Err(e) = api::download_invoice_lines_csv(&id.get_value(), &filename).await {
                toasts.problem(&e);
            }
            downloading.set(false);
        });
    };
    let total = format::money(invoice.total_minor, &invoice.currency);
    let number = number_or_draft(&invoice);
    let period = invoice.period.clone();
    let issued = invoice
        .issued_at
        .as_ref()
        .map(format::date)
        .unwrap_or_else(|| "—".into());
    let paid = invoice
        .paid_at
        .as_ref()
        .map(format::date)
        .unwrap_or_else(|| "—".into());
    let total_fact = total.clone();
    view! {
        <header class="page-header">
            <h1 data-testid="invoice-title">{format!("{} {}", format::document_name(invoice.kind), invoice.period)}</h1>
            <StatusBadge status=invoice.status testid="invoice-status" />
            <button type="button" class="btn" data-testid="invoice-csv" disabled=move || downloading.get() on:click=download>
                {move || if downloading.get() { "Downloading…" } else { "Download CSV" }}
            </button>
        </header>
        <div class="card">
            <dl class="facts">
                <Fact label="Number">{number}</Fact>
                <Fact label="Period">{period}</Fact>
                <Fact label="Issued">{issued}</Fact>
                <Fact label="Paid">{paid}</Fact>
                <Fact label="Total"><strong data-testid="invoice-detail-total">{total_fact}</strong></Fact>
            </dl>
        </div>
        <section class="stack" aria-labelledby="lines-heading">
            <h2 id="lines-heading">"Lines"</h2>
            {lines.view("This invoice has no lines yet.", move |items: Vec<InvoiceLine>| {
                let credits: i64 = items.iter().map(|l| l.credits).sum();
                let total = total.clone();
                let cur = currency.get_value();
                view! {
                    <TableScroll label="Invoice lines">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"Date"</th>
                                    <th scope="col">"Client"</th>
                                    <th scope="col">"Description"</th>
                                    <th scope="col" class="num">"Credits"</th>
                                    <th scope="col" class="num">"Unit price"</th>
                                    <th scope="col" class="num">"Discount"</th>
                                    <th scope="col" class="num">"Amount"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {items.into_iter().map(|l| view! {
                                    <tr data-testid="invoice-line" data-code=l.client_code.clone()>
                                        <td class="nowrap">{format::date(&l.created_at)}</td>
                                        <td><code>{l.client_code.clone()}</code></td>
                                        <td>{l.description.clone()}</td>
                                        <td class="num">{l.credits}</td>
                                        <td class="num nowrap">{format::money(l.unit_price_minor, &cur)}</td>
                                        <td class="num">{format::percent(l.discount_percent)}</td>
                                        <td class="num nowrap" data-testid="invoice-line-amount">{format::money(l.amount_minor, &cur)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                            <tfoot>
                                <tr class="totals-row">
                                    <th scope="row" colspan="3">"Total"</th>
                                    <td class="num" data-testid="invoice-lines-credits">{credits}</td>
                                    <td colspan="2"></td>
                                    <td class="num nowrap" data-testid="invoice-lines-total">{total}</td>
                                </tr>
                            </tfoot>
                        </table>
                    </TableScroll>
                }
            })}
        </section>
    }
}
