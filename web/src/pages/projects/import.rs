//! Importing candidates from a CSV file, and the import report.

use credence_shared::assess::{ImportReport, Project};
use credence_shared::ImportOutcome;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::assess::{
    balance_of, insufficient_message, BalanceRefresh, NoCreditsAlert, Portal,
};
use crate::components::form::SubmitButton;
use crate::components::toast::use_toasts;
use crate::components::widgets::TableScroll;

#[component]
pub(super) fn ImportPanel(
    current: RwSignal<Project>,
    portal: Portal,
    on_done: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let balance = BalanceRefresh::new();
    let file = RwSignal::new_local(None::<web_sys::File>);
    let report = RwSignal::new(None::<ImportReport>);
    let no_credits = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let on_file = move |ev: leptos::ev::Event| {
        let picked = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|fs| fs.get(0));
        file.set(picked);
        report.set(None);
        no_credits.set(None);
        problem.set(None);
    };
    let template = move |_| {
        leptos::task::spawn_local(async move {
            if let Err(e) = api::download_import_template().await {
                toasts.problem(&e);
            }
        });
    };
    let import = Action::new_local(move |f: &web_sys::File| {
        let f = f.clone();
        let (project_id, client_id) =
            current.with_untracked(|p| (p.id.clone(), p.client_id.clone()));
        async move {
            match api::import_candidates(&project_id, &f).await {
                Ok(r) => {
                    toasts.success(format!("{} invited, {} rejected", r.invited, r.rejected));
                    report.set(Some(r));
                    balance.run();
                    on_done.run(());
                }
                Err(e) if e.status() == 402 => {
                    let b = balance_of(&client_id).await;
                    let detail = e.message();
                    no_credits.set(Some(format!(
                        "{} ({detail})",
                        insufficient_message(0, b, portal).replace(
                            "the balance is too low",
                            "this file needs more credits than the balance"
                        )
                    )));
                }
                Err(e) => {
                    let msgs: Vec<String> =
                        e.field_errors().into_iter().map(|f| f.message).collect();
                    problem.set(Some(if msgs.is_empty() {
                        e.message()
                    } else {
                        msgs.join(" ")
                    }));
                }
            }
        }
    });
    let busy = import.pending();
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(f) = file.get_untracked() else {
            problem.set(Some("Choose a CSV file first.".into()));
            return;
        };
        report.set(None);
        no_credits.set(None);
        problem.set(None);
        import.dispatch_local(f);
    };
    let client_id = move || current.with(|p| p.client_id.clone());
    view! {
        <form class="card stack form-wide" aria-labelledby="import-heading" on:submit=upload data-testid="import-form">
            <h2 id="import-heading">"Import candidates from a CSV file"</h2>
            <p class="muted small">
                "Columns: first_name, last_name, email, and optionally phone and extra_time_percent. "
                "Every valid row is invited at once and uses the project's credits; if the file needs more credits "
                "than the balance, nothing is charged. "
                <button type="button" class="link-button" data-testid="import-template" on:click=template>
                    "Download the template"
                </button>
            </p>
            <div class="field">
                <label for="import-file">"CSV file"</label>
                <input type="file" id="import-file" data-testid="import-file" accept=".csv,text/csv" on:change=on_file />
            </div>
            {move || no_credits.get().map(|m| view! { <NoCreditsAlert message=m portal=portal client_id=client_id() /> })}
            {move || problem.get().map(|m| view! { <p class="alert alert-error" role="alert" data-testid="import-error">{m}</p> })}
            <div class="form-actions">
                <SubmitButton testid="import-submit" label="Import and invite" busy_label="Importing…" pending=busy />
            </div>
            {move || report.get().map(|r| view! { <ImportResult report=r /> })}
        </form>
    }
}

#[component]
fn ImportResult(report: ImportReport) -> impl IntoView {
    view! {
        <div class="stack" data-testid="import-report" role="status">
            <p class="import-summary" data-testid="import-summary">
                <strong data-testid="import-invited">{report.invited}</strong>" invited, "
                <strong data-testid="import-rejected">{report.rejected}</strong>" rejected, "
                <strong data-testid="import-credits">{report.credits_charged}</strong>" credits used."
            </p>
            <TableScroll label="Import outcome">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col" class="num">"Line"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Outcome"</th>
                            <th scope="col">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {report.rows.into_iter().map(|row| {
                            let reason = row.errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join(" ");
                            let ok = row.outcome == ImportOutcome::Invited;
                            view! {
                                <tr data-testid="import-row" data-outcome=row.outcome.as_str()>
                                    <td class="num">{row.line}</td>
                                    <td class="email">{row.email.clone()}</td>
                                    <td>
                                        <span class=if ok { "badge badge-ok" } else { "badge badge-warn" }>
                                            {if ok { "Invited" } else { "Rejected" }}
                                        </span>
                                    </td>
                                    <td data-testid="import-reason">{reason}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
        </div>
    }
}
