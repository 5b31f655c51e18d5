//! The audit log as a table, shared by the admin, reseller and client portals.

use leptos::prelude::*;

use crate::api::AuditRow;
use crate::components::widgets::TableScroll;
use crate::format;

/// An event's "who" in words, naming the reseller user behind a Login As session: "Ann
/// (reseller) logged in as Bob", "Ann (reseller) as Bob: POST /candidates", "Bob (Login As by
/// Ann)".
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
    let Some(by) = impersonator else {
        return actor;
    };
    match e.action.as_str() {
        "impersonation.started" => format!("{by} (reseller) logged in as {actor}"),
        "impersonation.ended" => format!("{by} (reseller) ended Login As as {actor}"),
        "impersonation.request" => {
            let method = e.details["method"].as_str().unwrap_or_default();
            let path = e.details["path"].as_str().unwrap_or_default();
            let path = path.strip_prefix("/api/v1").unwrap_or(path);
            format!("{by} (reseller) as {actor}: {method} {path}")
        }
        // An action taken while a reseller user was logged in as this user.
        _ => format!("{actor} (Login As by {by})"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::admin::AuditEvent;

    fn row(action: &str, impersonator: Option<&str>, details: serde_json::Value) -> AuditRow {
        AuditRow {
            event: AuditEvent {
                id: "e".into(),
                actor_id: Some("u".into()),
                actor_name: Some("Bob".into()),
                impersonator_id: impersonator.map(|_| "r".into()),
                impersonator_name: None,
                action: action.into(),
                object_type: "session".into(),
                object_id: None,
                ip: None,
                details,
                created_at: chrono::DateTime::UNIX_EPOCH,
            },
            impersonator_name: impersonator.map(str::to_string),
        }
    }

    #[test]
    fn the_login_as_trail_reads_as_words() {
        let none = serde_json::json!({});
        assert_eq!(
            who(&row("impersonation.started", Some("Ann"), none.clone())),
            "Ann (reseller) logged in as Bob"
        );
        assert_eq!(
            who(&row(
                "impersonation.request",
                Some("Ann"),
                serde_json::json!({ "method": "POST", "path": "/api/v1/candidates" })
            )),
            "Ann (reseller) as Bob: POST /candidates"
        );
        assert_eq!(
            who(&row("impersonation.ended", Some("Ann"), none.clone())),
            "Ann (reseller) ended Login As as Bob"
        );
        assert_eq!(
            who(&row("project.created", Some("Ann"), none.clone())),
            "Bob (Login As by Ann)"
        );
        assert_eq!(who(&row("project.created", None, none)), "Bob");
    }
}
