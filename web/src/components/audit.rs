//! The audit log as a table, shared by the admin, reseller and client portals.

use leptos::prelude::*;

use crate::api::AuditRow;
use crate::components::widgets::TableScroll;
use crate::format;

/// "Who" of an event, naming the reseller user behind a Login As session.
pub fn who(row: &AuditRow) -> String {
    let e = &row.event;
    // A refused API-key exchange has no actor: whoever presented the key id is unknown.
    let nobody = if e.action == "api_key.exchange_refused" {
        "Unknown caller"
    } else {
        "System"
    };
    let actor = e
        .actor_name
        .clone()
        .or_else(|| e.actor_id.clone())
        .unwrap_or_else(|| nobody.into());
    let impersonator = row
        .impersonator_name
        .clone()
        .or_else(|| e.impersonator_id.clone());
    match impersonator {
        // An action taken while a reseller user was logged in as this user.
        Some(by) if e.action.starts_with("impersonation.") => format!("Login As by {by}"),
        Some(by) => format!("{actor} (Login As by {by})"),
        // The reseller user's own record of starting or ending a Login As session.
        None if e.action.starts_with("impersonation.") => format!("Login As by {actor}"),
        None => actor,
    }
}

#[component]
pub fn AuditTable(items: Vec<AuditRow>) -> impl IntoView {
    view! {
        <TableScroll label="Audit events">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Event"</th>
                        <th scope="col">"Object"</th>
                        <th scope="col">"IP"</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .map(|row| {
                            let who = who(&row);
                            let e = row.event;
                            let object = match &e.object_id {
                                Some(id) => format!("{} {}", e.object_type, id),
                                None => e.object_type.clone(),
                            };
                            view! {
                                <tr data-testid="audit-row" data-action=e.action.clone()>
                                    <td class="nowrap">{format::date_time(&e.created_at)}</td>
                                    <td data-testid="audit-event">
                                        <span class="audit-who">{who}</span>
                                        " — "
                                        <code>{e.action.clone()}</code>
                                    </td>
                                    <td class="break small">{object}</td>
                                    <td class="small">{e.ip.clone().unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}
