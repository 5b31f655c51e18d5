//! A candidate's data export (an access request): a printable page of everything the API's
//! export holds — details, invitations, answers, scores (client users), mail sent, audit events —
//! and the same as JSON ("Download JSON"). The page renders the export's JSON generically
//! (objects as facts, lists of flat records as tables), so it shows whatever the export holds
//! and costs the bundle one small renderer.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde_json::{Map, Value};

use crate::api;
use crate::components::assess::Portal;
use crate::components::loaded::Loaded;
use crate::components::toast::use_toasts;
use crate::components::widgets::TableScroll;
use crate::format;

#[component]
pub fn CandidateExportPage(portal: Portal) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::export_candidate(&id).await }
    };
    view! {
        <section class="page report-page" data-testid="candidate-export">
            <Loaded fetch=load error_heading="Candidate data" let:e>
                <ExportView export=e portal=portal />
            </Loaded>
        </section>
    }
}

/// A scalar as text: times in the viewer's format, `null` as a dash.
fn text(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(b) => (if *b { "Yes" } else { "No" }).into(),
        Value::String(s) => s
            .parse::<chrono::DateTime<chrono::Utc>>()
            .map(|t| format::date_time(&t))
            .unwrap_or_else(|_| s.clone()),
        other => other.to_string(),
    }
}

/// A record whose values hold no list: one table row.
fn flat(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.values().all(|x| !x.is_array()))
}

fn title(key: &str, o: &Map<String, Value>) -> String {
    ["project_name", "test_name"]
        .iter()
        .find_map(|k| o.get(*k).and_then(Value::as_str))
        .map(str::to_string)
        .unwrap_or_else(|| format::humanise(key))
}

fn records(key: &str, items: &[Value]) -> AnyView {
    if items.is_empty() {
        return view! { <p class="muted">"None."</p> }.into_any();
    }
    if !items.iter().all(flat) {
        return items
            .iter()
            .map(|item| object(key, item.as_object().cloned().unwrap_or_default(), true))
            .collect_view()
            .into_any();
    }
    let columns: Vec<String> = items[0]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let rows = items
        .iter()
        .map(|item| {
            let cells = columns
                .iter()
                .map(|c| view! { <td class="small">{text(item.get(c).unwrap_or(&Value::Null))}</td> })
                .collect_view();
            view! { <tr data-testid=format!("export-{key}-row")>{cells}</tr> }
        })
        .collect_view();
    view! {
        <TableScroll label=format::humanise(key)>
            <table class="table">
                <thead><tr>{columns.iter().map(|c| view! { <th scope="col">{format::humanise(c)}</th> }).collect_view()}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

/// An object: its scalars as facts, then each list under its own heading.
fn object(key: &str, o: Map<String, Value>, titled: bool) -> AnyView {
    let heading = titled.then(|| view! { <h3>{title(key, &o)}</h3> });
    let facts = o
        .iter()
        .filter(|(_, v)| !v.is_array())
        .map(|(k, v)| {
            view! {
                <div class="fact"><dt>{format::humanise(k)}</dt><dd data-testid=format!("export-{k}")>{text(v)}</dd></div>
            }
        })
        .collect_view();
    let lists = o
        .iter()
        .filter_map(|(k, v)| v.as_array().map(|items| (k, items)))
        .map(|(k, items)| {
            view! { <section class="stack" data-testid=format!("export-{k}")><h4>{format::humanise(k)}</h4>{records(k, items)}</section> }
        })
        .collect_view();
    view! { <div class="report-test stack">{heading}<dl class="facts">{facts}</dl>{lists}</div> }
        .into_any()
}

#[component]
fn ExportView(export: Value, portal: Portal) -> impl IntoView {
    let toasts = use_toasts();
    let get = |k: &str| export.get(k).cloned().unwrap_or(Value::Null);
    let candidate = get("candidate").as_object().cloned().unwrap_or_default();
    let id = StoredValue::new(
        candidate
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    );
    let client = candidate.get("client_name").map(text).unwrap_or_default();
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let download = move |_| {
        leptos::task::spawn_local(async move {
            if let Err(e) = api::download_candidate_export(&id.get_value()).await {
                toasts.problem(&e);
            }
        });
    };
    let base = portal.base();
    let sections = ["invitations", "emails", "events"]
        .into_iter()
        .map(|k| {
            view! {
                <section class="stack" data-testid=format!("export-{k}")>
                    <h2>{format::humanise(k)}</h2>
                    {records(k, get(k).as_array().map(Vec::as_slice).unwrap_or_default())}
                </section>
            }
        })
        .collect_view();
    view! {
        <div class="report-actions no-print">
            <A href=format!("{base}/candidates/{}", id.get_value()) attr:class="btn btn-ghost">"Back to the candidate"</A>
            <button type="button" class="btn" data-testid="export-download" on:click=download>"Download JSON"</button>
            <button type="button" class="btn btn-primary" on:click=print>"Print"</button>
        </div>
        <article class="card report stack">
            <header>
                <p class="report-client">{client}</p>
                <h1>"Candidate data"</h1>
                <p class="muted small">{format!("Exported {}", text(&get("exported_at")))}</p>
            </header>
            <h2>"Details"</h2>
            {object("candidate", candidate, false)}
            {sections}
        </article>
    }
}

#[component]
pub fn ClientCandidateExport() -> impl IntoView {
    view! { <CandidateExportPage portal=Portal::Client /> }
}

#[component]
pub fn ResellerCandidateExport() -> impl IntoView {
    view! { <CandidateExportPage portal=Portal::Reseller /> }
}
