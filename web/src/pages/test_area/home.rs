//! `/test`: the candidate's home — the project, the privacy notice to confirm before the first
//! test, the tests with their status, and the completion page once every test is submitted.

use super::nav::Link as A;
use credence_shared::assess::{CandidateAssessment, CandidateMe};
use credence_shared::privacy::PrivacyNotice;
use credence_shared::{AssessmentStatus, TestKind};
use leptos::prelude::*;

use super::{use_area, AreaState, Support, SupportContact};
use crate::format::duration_text;

#[component]
pub fn TestHome() -> impl IntoView {
    let area = use_area();
    // Back from a test: statuses changed, so fetch them again (quietly, the list stays).
    if area.me.with_untracked(Option::is_some) {
        area.refresh();
    } else if area.state.get_untracked() == AreaState::Idle {
        area.ensure();
    }
    move || area.me.get().map(|me| view! { <HomeScreen me=me /> })
}

#[component]
fn HomeScreen(me: CandidateMe) -> impl IntoView {
    let area = use_area();
    let support = Support {
        name: me.project.support_name.clone(),
        email: me.project.support_email.clone(),
    };
    let all_done = !me.assessments.is_empty()
        && me
            .assessments
            .iter()
            .all(|a| a.status == AssessmentStatus::Submitted);
    let description = me
        .project
        .description
        .clone()
        .filter(|d| !d.trim().is_empty())
        .map(|d| view! { <p class="ta-description" data-testid="project-description">{d}</p> });
    let notice = move || {
        area.notice.get().map(|n| {
            view! {
                <div class="alert alert-success" role="status" data-testid="home-notice">{n}</div>
            }
        })
    };

    if all_done {
        return view! {
            <section class="ta-card ta-state ta-complete" data-testid="completion">
                <div class="ta-check" aria-hidden="true">"✓"</div>
                <h1>"Thank you — your answers have been submitted."</h1>
                <p>"You can close this window."</p>
                <p class="muted" data-testid="project-name">{me.project.name.clone()}</p>
                <SupportContact support=support />
                <MyData />
            </section>
        }
        .into_any();
    }

    let remaining = me
        .assessments
        .iter()
        .filter(|a| a.status != AssessmentStatus::Submitted)
        .count();
    let first_name = me.candidate.first_name.clone();
    let consented = me.privacy_notice.consented_at.is_some();
    view! {
        <div class="ta-home">
            {notice}
            <section class="ta-card ta-intro">
                <p class="ta-hello">{format!("Welcome, {first_name}")}</p>
                <h1 data-testid="project-name">{me.project.name.clone()}</h1>
                {description}
                <p class="muted">
                    {match remaining {
                        1 => "You have 1 test to complete.".to_string(),
                        n => format!("You have {n} tests to complete."),
                    }}
                    " Your answers are saved as you go."
                </p>
            </section>
            {if consented {
                view! {
                    <section aria-labelledby="tests-heading">
                        <h2 id="tests-heading" class="ta-section-title">"Your tests"</h2>
                        <ul class="ta-tests" data-testid="test-list">
                            {me.assessments.into_iter().map(|a| view! { <TestCard a=a /> }).collect_view()}
                        </ul>
                    </section>
                }
                .into_any()
            } else {
                view! { <NoticeCard notice=me.privacy_notice /> }.into_any()
            }}
            <SupportContact support=support />
            <MyData />
        </div>
    }
    .into_any()
}

/// The privacy notice, confirmed with a checkbox and a button before the first test: until
/// then the tests are not listed (and the server refuses to start one).
#[component]
fn NoticeCard(notice: PrivacyNotice) -> impl IntoView {
    let area = use_area();
    let agreed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let version = StoredValue::new(notice.version.clone());
    let confirm = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match crate::api::candidate::consent(&version.get_value()).await {
                // The candidate again, now with the consent: the tests are listed.
                Ok(()) => area.reload().await,
                Err(err) if err.status() == 401 || err.status() == 403 => area.fail(&err),
                Err(err) => {
                    if err.problem.code == "notice_changed" {
                        area.reload().await;
                    }
                    let _ = error.try_set(Some(err.message()));
                }
            }
            let _ = busy.try_set(false);
        });
    };
    let mailto = format!("mailto:{}", notice.contact_email);
    let facts = [
        ("Controller", notice.controller, "notice-controller"),
        ("Processor", notice.processor, "notice-processor"),
        ("Purpose", notice.purpose, "notice-purpose"),
        ("Kept for", notice.retention, "notice-retention"),
    ];
    view! {
        <section class="ta-card ta-notice" aria-labelledby="notice-heading" data-testid="privacy-notice">
            <h2 id="notice-heading">"Before you start: your data"</h2>
            <dl>
                {facts.into_iter().map(|(term, value, id)| view! { <dt>{term}</dt><dd data-testid=id>{value}</dd> }).collect_view()}
                <dt>"Contact"</dt>
                <dd><a href=mailto data-testid="notice-contact">{notice.contact_email}</a></dd>
            </dl>
            <div data-testid="notice-text">
                {notice.text.lines().filter(|l| !l.trim().is_empty()).map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}
            </div>
            <label class="ta-consent">
                <input type="checkbox" data-testid="consent-checkbox" prop:checked=agreed on:change=move |ev| agreed.set(event_target_checked(&ev)) />
                " I have read this notice and agree that my data is used as it describes."
            </label>
            {move || error.get().map(|e| view! { <p role="alert">{e}</p> })}
            <button type="button" class="btn btn-primary" data-testid="consent-confirm" disabled=move || !agreed.get() || busy.get() on:click=confirm>
                "Confirm and continue"
            </button>
        </section>
    }
}

/// "Download my data": everything kept about the candidate, as JSON.
#[component]
fn MyData() -> impl IntoView {
    let failed = RwSignal::new(false);
    let download = move |_| {
        leptos::task::spawn_local(async move {
            failed.set(crate::api::candidate::download_my_data().await.is_err());
        });
    };
    view! {
        <p class="ta-my-data">
            <button type="button" class="btn btn-ghost" data-testid="download-my-data" on:click=download>
                "Download my data"
            </button>
            {move || failed.get().then(|| view! { <span role="alert">" Your data could not be downloaded. Try again."</span> })}
        </p>
    }
}

#[component]
fn TestCard(a: CandidateAssessment) -> impl IntoView {
    let (badge_class, badge) = match a.status {
        AssessmentStatus::Submitted => ("badge badge-ok", "Submitted"),
        AssessmentStatus::InProgress => ("badge badge-info", "In progress"),
        AssessmentStatus::NotStarted | AssessmentStatus::Refunded => {
            ("badge badge-muted", "Not started")
        }
    };
    let duration = a
        .duration_seconds
        .map(duration_text)
        .unwrap_or_else(|| "Untimed".into());
    let questions = match a.test.question_count {
        1 => "1 question".to_string(),
        n => format!("{n} questions"),
    };
    let kind = if a.test.kind == TestKind::Personality {
        "Questionnaire"
    } else {
        "Timed test"
    };
    let action = match a.status.as_str() {
        "submitted" => None,
        "in_progress" => Some((format!("/test/assessment/{}/run", a.id), "Resume")),
        _ => Some((format!("/test/assessment/{}", a.id), "Start")),
    };
    let testid = format!("start-{}", a.test.category);
    let name = a.test.name.clone();
    view! {
        <li class="ta-card ta-test" data-testid="test-card" data-status=a.status.as_str() data-category=a.test.category.clone()>
            <div class="ta-test-main">
                <h3>
                    {a.test.name.clone()}
                    <span class=badge_class data-testid=if a.status == AssessmentStatus::Submitted { "completed-badge" } else { "status-badge" }>
                        {badge}
                    </span>
                </h3>
                <p class="muted small">{format!("{kind} · {questions} · ")}<span data-testid="test-duration">{duration}</span></p>
                {(a.status == AssessmentStatus::InProgress && a.answered_count > 0)
                    .then(|| view! { <p class="small">{format!("{} of {} answered", a.answered_count, a.test.question_count)}</p> })}
            </div>
            {action
                .map(|(href, label)| {
                    view! {
                        <A href=href attr:class="btn btn-primary ta-start" attr:data-testid=testid attr:aria-label=format!("{label} {name}")>
                            {label}
                        </A>
                    }
                })}
        </li>
    }
}
