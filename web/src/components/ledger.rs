//! A client's credit ledger as a table (reseller client page, client portal's Credits page).

use credence_shared::reseller::LedgerEntry;
use leptos::prelude::*;

use crate::components::widgets::TableScroll;
use crate::format;

pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "initial" => "Initial credits",
        "order" => "Credit order",
        "invite_charge" => "Invitation charge",
        "refund" => "Refund",
        "adjustment" => "Adjustment",
        _ => "Other",
    }
}

#[component]
pub fn LedgerTable(items: Vec<LedgerEntry>) -> impl IntoView {
    view! {
        <TableScroll label="Credit ledger">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col" class="num">"Change"</th>
                        <th scope="col" class="num">"Balance after"</th>
                        <th scope="col">"Reference"</th>
                        <th scope="col">"Reason"</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|l| {
                            let delta = if l.delta > 0 { format!("+{}", l.delta) } else { l.delta.to_string() };
                            view! {
                                <tr data-testid="ledger-row" data-kind=l.kind.clone()>
                                    <td class="nowrap">{format::date_time(&l.created_at)}</td>
                                    <td>{kind_label(&l.kind)}</td>
                                    <td class="num" class:negative=l.delta < 0 data-testid="ledger-delta">{delta}</td>
                                    <td class="num" data-testid="ledger-balance">{l.balance_after}</td>
                                    <td class="break small">{l.reference.clone().unwrap_or_default()}</td>
                                    <td>{l.reason.clone().unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}
