//! A client's credit ledger as a table (reseller client page, client portal's Credits page).

use credence_shared::reseller::{LedgerEntry, LedgerReferenceKind};
use credence_shared::LedgerKind;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::widgets::TableScroll;
use crate::format;

pub fn kind_label(kind: LedgerKind) -> &'static str {
    match kind {
        LedgerKind::Initial => "Initial credits",
        LedgerKind::Order => "Credit order",
        LedgerKind::InviteCharge => "Invitation charge",
        LedgerKind::Refund => "Refund",
        LedgerKind::Adjustment => "Adjustment",
    }
}

/// Where a line's reference opens in the portal under `base` (`/reseller` or `/client`).
fn reference_href(base: &str, entry: &LedgerEntry) -> Option<String> {
    let id = entry.reference_id.as_deref()?;
    let id = crate::api::enc(id);
    match entry.reference_kind? {
        LedgerReferenceKind::Candidate => Some(format!("{base}/candidates/{id}")),
        LedgerReferenceKind::Invoice if base == "/reseller" => {
            Some(format!("{base}/invoices/{id}"))
        }
        LedgerReferenceKind::Invoice => None,
    }
}

/// `base` is the portal's path prefix, so lines link to that portal's candidate and invoice pages.
#[component]
pub fn LedgerTable(items: Vec<LedgerEntry>, base: &'static str) -> impl IntoView {
    view! {
        <TableScroll label="Credit ledger">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col" class="num">"Change"</th>
                        <th scope="col" class="num">"Balance after"</th>
                        <th scope="col">"What for"</th>
                        <th scope="col">"Reason"</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|l| {
                            let delta = if l.delta > 0 { format!("+{}", l.delta) } else { l.delta.to_string() };
                            let what = match reference_href(base, &l) {
                                Some(href) => view! { <A href=href>{l.description.clone()}</A> }.into_any(),
                                None => view! { <span>{l.description.clone()}</span> }.into_any(),
                            };
                            view! {
                                <tr data-testid="ledger-row" data-kind=l.kind.as_str()>
                                    <td class="nowrap">{format::date_time(&l.created_at)}</td>
                                    <td>{kind_label(l.kind)}</td>
                                    <td class="num" class:negative=l.delta < 0 data-testid="ledger-delta">{delta}</td>
                                    <td class="num" data-testid="ledger-balance">{l.balance_after}</td>
                                    <td data-testid="ledger-description">{what}</td>
                                    <td class="pre-line">{l.reason.clone().unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}
