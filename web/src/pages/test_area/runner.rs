//! `/test/assessment/:id/run`: starts (or resumes) a test and runs it — the timed view for
//! aptitude tests, the Likert view for personality questionnaires. Shared here: the autosave
//! queue (each answer is sent at once; failures are retried with a visible status) and submit.

use std::collections::HashMap;
use std::time::Duration;

use super::nav::{use_nav, Link as A};
use credence_shared::assess::{
    Answer, AnswersSave, CandidateAssessment, Question, StartedAssessment,
};
use credence_shared::TestKind;
use gloo_timers::future::sleep;
use leptos::prelude::*;

use super::likert::LikertRunner;
use super::timed::TimedRunner;
use super::{is_transient, use_area, Area};
use crate::api::ApiError;
use crate::components::states::Loading;

/// What the save indicator says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SaveStatus {
    Idle,
    Saving,
    Saved,
    Retrying,
}

impl SaveStatus {
    pub fn text(self) -> &'static str {
        match self {
            SaveStatus::Idle => "",
            SaveStatus::Saving => "Saving…",
            SaveStatus::Saved => "Saved",
            SaveStatus::Retrying => "Offline — retrying",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Answering,
    /// The submit confirmation is open.
    Confirming,
    Submitting,
    /// The deadline passed: the answers were submitted for the candidate.
    TimeUp,
}

/// One running test: its answers, the autosave queue and the submit state. `Copy`, so every
/// handler and task can hold it; tasks stop quietly once the screen is gone.
#[derive(Clone, Copy)]
pub struct Run {
    pub id: StoredValue<String>,
    pub name: StoredValue<String>,
    pub questions: StoredValue<Vec<Question>>,
    /// question id → option id, as the candidate sees them.
    pub answers: RwSignal<HashMap<String, String>>,
    /// Answers not yet confirmed by the server, oldest first (one per question).
    pending: RwSignal<Vec<Answer>>,
    flushing: StoredValue<bool>,
    pub save: RwSignal<SaveStatus>,
    pub phase: RwSignal<Phase>,
    /// A submit failure to show next to the button.
    pub submit_error: RwSignal<Option<String>>,
    area: Area,
    /// Back to the candidate's home (the router's navigate, taken while rendering).
    go_home: StoredValue<Box<dyn Fn()>, LocalStorage>,
}

impl Run {
    fn new(a: &CandidateAssessment, started: &StartedAssessment, area: Area) -> Self {
        let nav = use_nav();
        let answers = started
            .answers
            .iter()
            .map(|a| (a.question_id.clone(), a.option_id.clone()))
            .collect();
        Run {
            id: StoredValue::new(a.id.clone()),
            name: StoredValue::new(a.test.name.clone()),
            questions: StoredValue::new(started.questions.clone()),
            answers: RwSignal::new(answers),
            pending: RwSignal::new(Vec::new()),
            flushing: StoredValue::new(false),
            save: RwSignal::new(SaveStatus::Idle),
            phase: RwSignal::new(Phase::Answering),
            submit_error: RwSignal::new(None),
            area,
            go_home: StoredValue::new_local(Box::new(move || nav.go("/test"))),
        }
    }

    pub fn total(&self) -> usize {
        self.questions.with_value(Vec::len)
    }

    pub fn answered(&self) -> usize {
        self.answers.with(HashMap::len)
    }

    pub fn is_answered(&self, question_id: &str) -> bool {
        self.answers.with(|a| a.contains_key(question_id))
    }

    pub fn chosen(&self, question_id: &str, option_id: &str) -> bool {
        self.answers
            .with(|a| a.get(question_id).map(String::as_str) == Some(option_id))
    }

    /// Index of the first unanswered question (the last one when all are answered).
    pub fn first_unanswered(&self) -> usize {
        let answers = self.answers.get_untracked();
        self.questions.with_value(|qs| {
            qs.iter()
                .position(|q| !answers.contains_key(&q.id))
                .unwrap_or(qs.len().saturating_sub(1))
        })
    }

    pub fn accepting(&self) -> bool {
        matches!(
            self.phase.try_get_untracked(),
            Some(Phase::Answering | Phase::Confirming)
        )
    }

    /// `accepting`, reactively (for `disabled` attributes).
    pub fn accepting_tracked(&self) -> bool {
        matches!(self.phase.get(), Phase::Answering | Phase::Confirming)
    }

    /// Records an answer and sends it at once.
    pub fn choose(self, question_id: String, option_id: String) {
        if !self.accepting() {
            return;
        }
        self.answers
            .update(|a| _ = a.insert(question_id.clone(), option_id.clone()));
        self.pending.update(|p| {
            p.retain(|a| a.question_id != question_id);
            p.push(Answer {
                question_id,
                option_id,
            });
        });
        self.flush();
    }

    /// Sends what is pending, one request at a time, retrying transient failures with backoff.
    fn flush(self) {
        if self.flushing.try_get_value() != Some(false) {
            return;
        }
        self.flushing.set_value(true);
        leptos::task::spawn_local(async move {
            let mut backoff = 1_000u64;
            loop {
                let Some(batch) = self.pending.try_get_untracked() else {
                    return; // the screen is gone
                };
                if batch.is_empty() {
                    break;
                }
                self.save.try_set(SaveStatus::Saving);
                let id = self.id.get_value();
                let body = AnswersSave {
                    answers: batch.clone(),
                };
                match super::save_answers(&id, &body).await {
                    Ok(()) => {
                        backoff = 1_000;
                        // Keep what changed while this request was on its way.
                        self.pending
                            .try_update(|p| p.retain(|a| !batch.contains(a)));
                        if self.pending.try_with_untracked(Vec::is_empty) == Some(true) {
                            self.save.try_set(SaveStatus::Saved);
                        }
                    }
                    Err(err) if is_transient(&err) || err.status() >= 500 => {
                        self.save.try_set(SaveStatus::Retrying);
                        sleep(Duration::from_millis(backoff)).await;
                        backoff = (backoff * 2).min(10_000);
                    }
                    Err(err) if err.status() == 409 => {
                        self.pending.try_set(Vec::new());
                        self.save.try_set(SaveStatus::Idle);
                        self.flushing.try_set_value(false);
                        if !self.accepting() {
                            return;
                        }
                        if err.problem.code == "deadline_passed" {
                            self.submit(true);
                        } else {
                            // Submitted elsewhere (another tab, or the deadline job).
                            self.phase.try_set(Phase::Submitting);
                            self.area.reload().await;
                            self.area.notice.set(Some(format!(
                                "{} has been submitted.",
                                self.name.get_value()
                            )));
                            self.go_home.try_with_value(|go| go());
                        }
                        return;
                    }
                    Err(err) if err.status() == 401 || err.status() == 403 => {
                        self.flushing.try_set_value(false);
                        self.area.fail(&err);
                        return;
                    }
                    Err(_) => {
                        // Refused (e.g. 422): this answer cannot be saved; do not loop on it.
                        self.pending
                            .try_update(|p| p.retain(|a| !batch.contains(a)));
                        self.save.try_set(SaveStatus::Idle);
                    }
                }
            }
            self.flushing.try_set_value(false);
        });
    }

    /// Waits until every answer is saved; `limit` bounds the wait (the deadline's grace).
    async fn drained(self, limit: Option<Duration>) {
        let start = js_sys::Date::now();
        loop {
            let idle = self
                .pending
                .try_with_untracked(Vec::is_empty)
                .unwrap_or(true)
                && self.flushing.try_get_value() != Some(true);
            if idle {
                return;
            }
            if let Some(limit) = limit {
                if js_sys::Date::now() - start > limit.as_millis() as f64 {
                    return;
                }
            }
            sleep(Duration::from_millis(150)).await;
        }
    }

    /// Submits (after the pending answers are saved). `time_up`: the deadline passed.
    pub fn submit(self, time_up: bool) {
        if matches!(
            self.phase.try_get_untracked(),
            Some(Phase::Submitting | Phase::TimeUp) | None
        ) {
            return;
        }
        self.phase.set(Phase::Submitting);
        self.submit_error.set(None);
        leptos::task::spawn_local(async move {
            // The server accepts answers a few seconds past the deadline.
            self.drained(time_up.then(|| Duration::from_secs(4))).await;
            let id = self.id.get_value();
            let mut backoff = 1_000u64;
            let result: Result<(), ApiError> = loop {
                match super::submit(&id).await {
                    Ok(_) => break Ok(()),
                    // Submitted already (by the deadline job): the answers are in.
                    Err(err) if err.status() == 409 => break Ok(()),
                    Err(err) if is_transient(&err) || err.status() >= 500 => {
                        if self.save.try_set(SaveStatus::Retrying).is_some() {
                            return; // the screen is gone
                        }
                        sleep(Duration::from_millis(backoff)).await;
                        backoff = (backoff * 2).min(10_000);
                    }
                    Err(err) => break Err(err),
                }
            };
            match result {
                Ok(()) if time_up => {
                    self.phase.try_set(Phase::TimeUp);
                    self.area.reload().await;
                }
                Ok(()) => {
                    self.area.reload().await;
                    let Some(name) = self.name.try_get_value() else {
                        return;
                    };
                    self.area
                        .notice
                        .set(Some(format!("Your answers to {name} have been submitted.")));
                    self.go_home.try_with_value(|go| go());
                }
                Err(err) if err.status() == 401 || err.status() == 403 => self.area.fail(&err),
                Err(err) => {
                    self.phase.try_set(Phase::Answering);
                    self.submit_error.try_set(Some(err.message()));
                }
            }
        });
    }
}

/// The save indicator (polite live region).
#[component]
pub fn SaveIndicator(run: Run) -> impl IntoView {
    view! {
        <span
            class="ta-save"
            class:ta-save-offline=move || run.save.get() == SaveStatus::Retrying
            role="status"
            aria-live="polite"
            data-testid="save-status"
            data-status=move || format!("{:?}", run.save.get()).to_lowercase()
        >
            {move || run.save.get().text()}
        </span>
    }
}

/// The submit confirmation ("You have N unanswered questions").
#[component]
pub fn SubmitConfirm(run: Run, #[prop(into)] noun: String) -> impl IntoView {
    let cancel = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = cancel.get() {
            let _ = b.focus();
        }
    });
    let unanswered = move || run.total().saturating_sub(run.answered());
    let noun_for_text = noun.clone();
    let text = move || {
        match unanswered() {
        0 => format!("You have answered every {noun_for_text}. Submit your answers now? You cannot change them afterwards."),
        1 => format!("You have 1 unanswered {noun_for_text}. Submit anyway? You cannot change your answers afterwards."),
        n => format!("You have {n} unanswered {noun_for_text}s. Submit anyway? You cannot change your answers afterwards."),
    }
    };
    view! {
        <div class="ta-confirm" role="alertdialog" aria-modal="false" aria-labelledby="confirm-title" aria-describedby="confirm-text" data-testid="submit-confirm">
            <h2 id="confirm-title">"Submit your answers?"</h2>
            <p id="confirm-text" data-testid="confirm-text">{text}</p>
            <div class="ta-actions">
                <button type="button" class="btn" node_ref=cancel data-testid="cancel-submit" on:click=move |_| run.phase.set(Phase::Answering)>
                    "Keep working"
                </button>
                <button type="button" class="btn btn-primary" data-testid="confirm-submit" on:click=move |_| run.submit(false)>
                    "Submit now"
                </button>
            </div>
        </div>
    }
}

/// "Time is up": shown when the deadline passed and the answers were submitted.
#[component]
pub fn TimeUpPage(run: Run) -> impl IntoView {
    view! {
        <section class="ta-card ta-state" role="alert" data-testid="time-up">
            <div class="ta-check" aria-hidden="true">"!"</div>
            <h1>"Time is up — your answers have been submitted"</h1>
            <p>{format!("{}: the time allowed has ended and the answers you gave were submitted for you.", run.name.get_value())}</p>
            <p><A href="/test" attr:class="btn btn-primary" attr:data-testid="continue-after-time-up">"Continue"</A></p>
        </section>
    }
}

enum Loaded {
    Ready {
        assessment: Box<CandidateAssessment>,
        started: Box<StartedAssessment>,
        /// Server clock minus local clock at receipt, in milliseconds.
        offset_ms: f64,
    },
    AlreadySubmitted(String),
    NotFound,
    Failed(ApiError),
}

#[component]
pub fn TestRunner(id: String) -> impl IntoView {
    let area = use_area();
    let nav = super::nav::use_nav();
    area.notice.set(None);
    let loaded = RwSignal::new_local(None::<Loaded>);

    let load = {
        let id = id.clone();
        move || {
            let id = id.clone();
            loaded.set(None);
            leptos::task::spawn_local(async move {
                let assessment = area.me.with_untracked(|m| {
                    m.as_ref()
                        .and_then(|m| m.assessments.iter().find(|a| a.id == id).cloned())
                });
                let Some(assessment) = assessment else {
                    loaded.try_set(Some(Loaded::NotFound));
                    return;
                };
                let outcome = match super::start(&id).await {
                    Ok(started) => {
                        let offset_ms =
                            started.server_time.timestamp_millis() as f64 - js_sys::Date::now();
                        Loaded::Ready {
                            assessment: Box::new(assessment),
                            started: Box::new(started),
                            offset_ms,
                        }
                    }
                    // The privacy notice comes first: it is on the home screen.
                    Err(err) if err.problem.code == "consent_required" => {
                        nav.go("/test");
                        return;
                    }
                    Err(err) if err.status() == 409 => {
                        Loaded::AlreadySubmitted(assessment.test.name)
                    }
                    Err(err) if err.status() == 401 || err.status() == 403 => {
                        area.fail(&err);
                        return;
                    }
                    Err(err) => Loaded::Failed(err),
                };
                loaded.try_set(Some(outcome));
            });
        }
    };
    load();

    let retry = Callback::new(move |()| load());
    move || {
        loaded.with(|l| match l {
            None => view! { <Loading label="Preparing your test…" /> }.into_any(),
            Some(Loaded::NotFound) => view! {
                <section class="ta-card ta-state" data-testid="test-not-found">
                    <h1>"Test not found"</h1>
                    <p><A href="/test">"Back to your tests"</A></p>
                </section>
            }
            .into_any(),
            Some(Loaded::AlreadySubmitted(name)) => view! {
                <section class="ta-card ta-state" data-testid="test-already-submitted">
                    <h1>{name.clone()}</h1>
                    <p>"You have completed this test already."</p>
                    <p><A href="/test" attr:class="btn btn-primary">"Back to your tests"</A></p>
                </section>
            }
            .into_any(),
            Some(Loaded::Failed(err)) => view! {
                <section class="ta-card ta-state" role="alert" data-testid="problem-network">
                    <h1>"Your test could not be loaded"</h1>
                    <p>{err.message()}</p>
                    <p class="muted">"Check your internet connection. Answers you already gave are kept."</p>
                    <p>
                        <button type="button" class="btn btn-primary" data-testid="retry" on:click=move |_| retry.run(())>
                            "Try again"
                        </button>
                    </p>
                </section>
            }
            .into_any(),
            Some(Loaded::Ready { assessment, started, offset_ms }) => {
                let run = Run::new(assessment, started, area);
                let timed = started.deadline.is_some() && assessment.test.kind != TestKind::Personality;
                if timed {
                    let deadline_ms = started.deadline.map(|d| d.timestamp_millis() as f64).unwrap_or_default();
                    view! { <TimedRunner run=run deadline_ms=deadline_ms offset_ms=*offset_ms /> }.into_any()
                } else {
                    view! { <LikertRunner run=run /> }.into_any()
                }
            }
        })
    }
}
