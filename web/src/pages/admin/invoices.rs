//! `/admin/invoices`: every reseller's monthly invoices; issue a closed month's draft (it gets
//! the next gap-free number), then mark it paid or void it.

use credence_shared::reseller::Invoice;
use leptos::prelude::*;

use crate::api;
use crate::components::paged::Paged;
use crate::components::toast::use_toasts;
use crate::components::widgets::{ConfirmButton, StatusBadge, TableScroll};
use crate::format;
use credence_shared::{InvoiceKind, InvoiceStatus};

#[component]
pub fn InvoiceAdmin() -> impl IntoView {
    let status = RwSignal::new(String::new());
    let invoices = Paged::new(move |cursor: Option<String>| {
        let s = status.get_untracked();
        async move { api::admin_list_invoices(Some(&s), cursor.as_deref()).await }
    });
    let toasts = use_toasts();
    let act = Action::new_local(
        move |(id, action, done): &(String, &'static str, &'static str)| {
            let (id, action, done) = (id.clone(), *action, *done);
            async move {
                match api::admin_invoice_action(&id, action).await {
                    Ok(inv) => {
                        toasts.success(format!("{} {done}.", inv.number.unwrap_or(inv.period)));
                        invoices.reload();
                    }
                    Err(e) => toasts.problem(&e),
                }
            }
        },
    );
    let pending = act.pending();
    view! {
        <section class="page" data-testid="admin-invoices">
            <header class="page-header">
                <h1>"Invoices"</h1>
                <label class="inline-field">
                    <span>"Status"</span>
                    <select data-testid="invoice-status-filter" on:change=move |ev| { status.set(event_target_value(&ev)); invoices.reload(); }>
                        <option value="">"All"</option>
                        <option value="draft">"Draft"</option>
                        <option value="issued">"Issued"</option>
                        <option value="paid">"Paid"</option>
                        <option value="void">"Void"</option>
                    </select>
                </label>
            </header>
            <p class="muted">
                "One invoice per reseller per calendar month (UTC), built from its credit orders at the reseller's "
                "price minus its discount, and a credit note for credits taken back after their invoice was issued. Drafts are issued automatically once their month has ended (or here, "
                "by hand); issued invoices never change."
            </p>
            {invoices.view("No invoices yet: they start with the first credit order of a month.", move |items: Vec<Invoice>| {
                view! {
                <TableScroll label="Invoices">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"Reseller"</th>
                                <th scope="col">"Period"</th>
                                <th scope="col">"Number"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col" class="num">"Lines"</th>
                                <th scope="col" class="num">"Total"</th>
                                <th scope="col">"Actions"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items.into_iter().map(|i| {
                                let (id1, id2, id3) = (i.id.clone(), i.id.clone(), i.id.clone());
                                // The server's calendar decides whether the month is still open, not the browser's clock.
                                let can_issue = i.status == InvoiceStatus::Draft && !i.period_open;
                                let open_month = i.status == InvoiceStatus::Draft && !can_issue;
                                let issued = i.status == InvoiceStatus::Issued;
                                view! {
                                <tr data-testid="admin-invoice-row" data-status=i.status.as_str()>
                                    <td>{i.reseller_name.clone()}</td>
                                    <td>{match i.kind {
                                        InvoiceKind::Invoice => i.period.clone(),
                                        InvoiceKind::CreditNote => format!("{} · credit note", i.period),
                                    }}</td>
                                    <td>{i.number.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td><StatusBadge status=i.status /></td>
                                    <td class="num">{i.line_count}</td>
                                    <td class="num nowrap">{format::money(i.total_minor, &i.currency)}</td>
                                    <td class="actions">
                                        <Show when=move || can_issue>
                                            <ConfirmButton testid="issue-invoice" label="Issue" small=true
                                                question="Issue this invoice? It gets the next number and can no longer change."
                                                confirm_label="Issue" pending=pending
                                                on_confirm=Callback::new({ let id = id1.clone(); move |_| { act.dispatch_local((id.clone(), "issue", "issued")); } }) />
                                        </Show>
                                        <Show when=move || open_month>
                                            <span class="muted">"Month still open"</span>
                                        </Show>
                                        <Show when=move || issued>
                                            <ConfirmButton testid="mark-paid" label="Mark paid" small=true
                                                question="Record this invoice as paid?" confirm_label="Mark paid" pending=pending
                                                on_confirm=Callback::new({ let id = id2.clone(); move |_| { act.dispatch_local((id.clone(), "mark-paid", "marked paid")); } }) />
                                            <ConfirmButton testid="void-invoice" label="Void" small=true danger=true
                                                question="Void this invoice? This cannot be undone." confirm_label="Void" pending=pending
                                                on_confirm=Callback::new({ let id = id3.clone(); move |_| { act.dispatch_local((id.clone(), "void", "voided")); } }) />
                                        </Show>
                                    </td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
            }})}
        </section>
    }
}
