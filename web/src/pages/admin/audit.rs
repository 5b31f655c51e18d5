//! `/admin/audit`: the audit log — who (and on whose behalf) did what, when, from where.

use leptos::prelude::*;

use crate::api::{self, AuditRow};
use crate::components::audit::AuditTable;
use crate::components::paged::Paged;

/// The audit log page; the reseller portal shows the same page scoped to its own events.
#[component]
pub fn AuditLog(
    #[prop(optional, into)] title: Option<String>,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    let events = Paged::new(|cursor: Option<String>| async move {
        api::list_audit_events(cursor.as_deref()).await
    });
    view! {
        <section class="page" data-testid=testid.unwrap_or_else(|| "audit-log".into())>
            <header class="page-header">
                <h1>{title.unwrap_or_else(|| "Audit log".into())}</h1>
                <button type="button" class="btn" data-testid="audit-refresh" on:click=move |_| events.reload()>
                    "Refresh"
                </button>
            </header>
            {events.view("Nothing has been recorded yet.", |items: Vec<AuditRow>| view! { <AuditTable items=items /> })}
        </section>
    }
}
