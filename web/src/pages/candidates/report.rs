//! The client's printable candidate report.

use credence_shared::assess::Candidate;
use credence_shared::{AssessmentStatus, InvitationStatus};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self};
use crate::branding::use_brand;
use crate::components::layout::ClientAccount;
use crate::components::loaded::Loaded;
use crate::components::widgets::{Fact, TableScroll};
use crate::format;
use crate::format::{humanise, now};

#[component]
pub fn ClientCandidateReport() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let load = move || {
        let id = id();
        async move { api::get_candidate(&id).await }
    };
    view! {
        <section class="page report-page" data-testid="candidate-report">
            <Loaded fetch=load let:c>
                <Report candidate=c />
            </Loaded>
        </section>
    }
}

#[component]
fn Report(candidate: Candidate) -> impl IntoView {
    let brand = use_brand();
    let account = use_context::<ClientAccount>();
    let client_name = move || {
        brand
            .client_name()
            .or_else(|| account.and_then(|a| a.client.get().and_then(|r| r.ok()).map(|c| c.name)))
            .unwrap_or_else(|| candidate.client_name.clone())
    };
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let assessments: Vec<_> = candidate
        .invitations
        .iter()
        .filter(|i| i.status != InvitationStatus::Cancelled)
        .flat_map(|i| {
            i.assessments
                .iter()
                .map(move |a| (i.project_name.clone(), a.clone()))
        })
        .collect();
    let any_scored = assessments
        .iter()
        .any(|(_, a)| a.scores.as_ref().is_some_and(|s| !s.is_empty()));
    view! {
        <div class="report-actions no-print">
            <A href=format!("/client/candidates/{}", candidate.id) attr:class="btn btn-ghost">"Back to the candidate"</A>
            <button type="button" class="btn btn-primary" data-testid="report-print" on:click=print>"Print"</button>
        </div>
        <article class="card report">
            <header class="report-header">
                {move || brand.client_logo_url().map(|src| view! { <img class="report-logo" src=src alt="" /> })}
                <div>
                    <p class="report-client" data-testid="report-client">{client_name}</p>
                    <h1>"Assessment report"</h1>
                </div>
            </header>
            <dl class="facts">
                <Fact label="Candidate"><span data-testid="report-candidate">{format!("{} {}", candidate.first_name, candidate.last_name)}</span></Fact>
                <Fact label="Email">{candidate.email.clone()}</Fact>
                <Fact label="Report date">{format::date(&now())}</Fact>
            </dl>
            {if assessments.is_empty() {
                view! { <p class="muted">"This candidate has no tests."</p> }.into_any()
            } else {
                assessments.into_iter().map(|(project, a)| {
                    let submitted = a.submitted_at.as_ref().map(format::date).unwrap_or_default();
                    let done = a.status == AssessmentStatus::Submitted;
                    view! {
                        <section class="report-test" data-testid="report-test">
                            <h2>{a.test_name.clone()}</h2>
                            <p class="muted small">
                                {format!("{project} · compared with: {}", a.norm_group_name)}
                                {done.then(|| format!(" · completed {submitted}"))}
                            </p>
                            {if done {
                                view! { <ReportScores assessment=a.clone() /> }.into_any()
                            } else {
                                view! { <p class="muted">{format!("Not completed ({}).", a.status.label().to_lowercase())}</p> }.into_any()
                            }}
                        </section>
                    }
                }).collect_view().into_any()
            }}
            {(!any_scored).then(|| view! { <p class="muted">"Scores appear here once the candidate completes a test."</p> })}
            <section class="report-explain">
                <h2>"Reading the scores"</h2>
                <p>
                    <strong>"Percentile"</strong>" (1–99): the percentage of the norm group who scored lower. "
                    "A percentile of 70 means the candidate did better than 70 % of that group."
                </p>
                <p>
                    <strong>"Sten"</strong>" (1–10): a standard ten scale with a mean of 5.5; "
                    "4–7 is the typical range, 1–3 is below and 8–10 above the norm group."
                </p>
                <p>
                    <strong>"T-score"</strong>": a standard score with a mean of 50 and a standard deviation of 10."
                </p>
                <p>
                    "For the personality questionnaire each trait has a sten: neither end is good or bad; "
                    "it describes a preferred way of working. Use scores together with interviews and other evidence."
                </p>
            </section>
        </article>
    }
}

#[component]
fn ReportScores(assessment: credence_shared::assess::Assessment) -> impl IntoView {
    let Some(scores) = assessment.scores.clone().filter(|s| !s.is_empty()) else {
        return view! { <p class="muted">"No scores available."</p> }.into_any();
    };
    let label = format!("Scores: {}", assessment.test_name);
    view! {
        // On a phone the table scrolls inside the report; printed, it is shown whole.
        <TableScroll label=label>
            <table class="table report-scores">
                <thead>
                    <tr>
                        <th scope="col">"Scale"</th>
                        <th scope="col" class="num">"Percentile"</th>
                        <th scope="col" class="num">"Sten"</th>
                        <th scope="col" class="num">"T-score"</th>
                        <th scope="col">"Sten 1–10"</th>
                    </tr>
                </thead>
                <tbody>
                    {scores.into_iter().map(|s| {
                        let label = if s.scale == "total" { "Overall".to_string() } else { humanise(&s.scale) };
                        let sten = s.sten.clamp(1, 10);
                        view! {
                            <tr data-testid="report-score">
                                <td>{label}</td>
                                <td class="num">{s.percentile}</td>
                                <td class="num">{s.sten}</td>
                                <td class="num">{format!("{:.1}", s.t_score)}</td>
                                <td>
                                    <span class="sten-bar" aria-hidden="true">
                                        <span class="sten-fill" style=format!("width: {}%", sten * 10)></span>
                                    </span>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}
