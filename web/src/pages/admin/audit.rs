//! `/admin/audit`: the audit log — who (and on whose behalf) did what, when, from where.

use credence_shared::admin::AuditEvent;
use leptos::prelude::*;

use crate::api;
use crate::components::paged::Paged;
use crate::format;

#[component]
pub fn AuditLog() -> impl IntoView {
    let events = Paged::new(|cursor: Option<String>| async move {
        api::list_audit_events(cursor.as_deref()).await
    });
    view! {
        <section class="page" data-testid="audit-log">
            <header class="page-header">
                <h1>"Audit log"</h1>
                <button type="button" class="btn" data-testid="audit-refresh" on:click=move |_| events.reload()>
                    "Refresh"
                </button>
            </header>
            {events
                .view(
                    "Nothing has been recorded yet.",
                    |items: Vec<AuditEvent>| {
                        view! {
                            <div class="table-wrap">
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"When"</th>
                                            <th scope="col">"Who"</th>
                                            <th scope="col">"Action"</th>
                                            <th scope="col">"Object"</th>
                                            <th scope="col">"IP"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {items
                                            .into_iter()
                                            .map(|e| {
                                                let who = e.actor_name.clone().or(e.actor_id.clone()).unwrap_or_else(|| "System".into());
                                                let on_behalf = e.impersonator_id.clone().map(|i| format!(" (via Login As by {i})"));
                                                let object = match &e.object_id {
                                                    Some(id) => format!("{} {}", e.object_type, id),
                                                    None => e.object_type.clone(),
                                                };
                                                view! {
                                                    <tr data-testid="audit-row">
                                                        <td class="nowrap">{format::date_time(&e.created_at)}</td>
                                                        <td>{who}{on_behalf}</td>
                                                        <td><code>{e.action.clone()}</code></td>
                                                        <td class="break">{object}</td>
                                                        <td>{e.ip.clone().unwrap_or_default()}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                    },
                )}
        </section>
    }
}
