//! The timed runner (aptitude tests): one question at a time, a question navigator, and a
//! countdown to the server's deadline that submits the answers when it reaches zero.

use std::time::Duration;

use credence_shared::assess::Question;
use leptos::prelude::*;

use super::runner::{Phase, Run, SaveIndicator, SubmitConfirm, TimeUpPage};

/// `75` → "1:15"; `3725` → "1:02:05".
fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// A spoken form of the time left, for the accessible name of the timer.
fn spoken(seconds: i64) -> String {
    let (m, s) = (seconds / 60, seconds % 60);
    match (m, s) {
        (0, s) => format!("{s} seconds left"),
        (m, 0) => format!("{m} minutes left"),
        (m, s) => format!("{m} minutes {s} seconds left"),
    }
}

#[component]
pub fn TimedRunner(
    run: Run,
    /// The server's deadline, in milliseconds since the epoch (server clock).
    deadline_ms: f64,
    /// Server clock minus local clock, in milliseconds.
    offset_ms: f64,
) -> impl IntoView {
    let total = run.total();
    let current = RwSignal::new(run.first_unanswered());

    // The clock: the local time corrected to the server's, ticking four times a second.
    let now = RwSignal::new(js_sys::Date::now());
    let ticker = set_interval_with_handle(
        move || {
            now.try_set(js_sys::Date::now());
        },
        Duration::from_millis(250),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = ticker {
            t.clear();
        }
    });
    let remaining = Memo::new(move |_| {
        ((deadline_ms - (now.get() + offset_ms)) / 1000.0)
            .ceil()
            .max(0.0) as i64
    });

    // Screen readers hear the 5- and 1-minute marks, not every second.
    let announcement = RwSignal::new(String::new());
    let marks = StoredValue::new((false, false));
    Effect::new(move |_| {
        let left = remaining.get();
        if left <= 0 {
            if run.accepting() {
                announcement.set("Time is up. Your answers are being submitted.".into());
                run.submit(true);
            }
            return;
        }
        let (five, one) = marks.get_value();
        if left <= 60 && !one {
            marks.set_value((true, true));
            announcement.set("1 minute left.".into());
        } else if left <= 300 && !five {
            marks.set_value((true, one));
            announcement.set("5 minutes left.".into());
        }
    });

    let heading = NodeRef::<leptos::html::H2>::new();
    let go = move |i: usize| {
        current.set(i.min(total.saturating_sub(1)));
        if let Some(h) = heading.get_untracked() {
            let _ = h.focus();
        }
    };
    let busy = move || !matches!(run.phase.get(), Phase::Answering | Phase::Confirming);

    let navigator = move || {
        (0..total)
            .map(|i| {
                let qid = run.questions.with_value(|qs| qs[i].id.clone());
                let qid_label = qid.clone();
                let label = move || {
                    let state = if run.is_answered(&qid_label) {
                        "answered"
                    } else {
                        "not answered"
                    };
                    format!("Question {}, {state}", i + 1)
                };
                view! {
                    <li>
                        <button
                            type="button"
                            class="ta-nav-item"
                            class:ta-answered=move || run.is_answered(&qid)
                            class:ta-current=move || current.get() == i
                            aria-current=move || (current.get() == i).then_some("step")
                            aria-label=label
                            data-testid=format!("nav-{}", i + 1)
                            on:click=move |_| go(i)
                        >
                            {i + 1}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    let question = move || {
        let i = current.get();
        let q = run.questions.with_value(|qs| qs.get(i).cloned());
        q.map(|q| view! { <QuestionView run=run q=q index=i total=total heading=heading /> })
    };

    let time_up = Memo::new(move |_| run.phase.get() == Phase::TimeUp);
    let runner = move || {
        if time_up.get() {
            return view! { <TimeUpPage run=run /> }.into_any();
        }
        view! {
            <div class="ta-runner" data-testid="timed-runner">
                <div class="ta-runbar">
                    <span class="ta-runname">{run.name.get_value()}</span>
                    <span
                        class="ta-countdown"
                        class:ta-countdown-warn=move || { remaining.get() <= 300 }
                        class:ta-countdown-last=move || { remaining.get() <= 60 }
                        role="timer"
                        aria-live="off"
                        aria-label=move || spoken(remaining.get())
                        data-testid="countdown"
                        data-seconds=move || remaining.get()
                    >
                        <span class="ta-countdown-label" aria-hidden="true">"Time left "</span>
                        {move || clock(remaining.get())}
                    </span>
                    <SaveIndicator run=run />
                </div>
                <p class="sr-only" aria-live="assertive" data-testid="timer-announcement">{move || announcement.get()}</p>
                <nav class="ta-navigator" aria-label="Questions">
                    <p class="ta-answered-count small muted" data-testid="answered-count">
                        {move || format!("{} of {} answered", run.answered(), total)}
                    </p>
                    <ol>{navigator}</ol>
                </nav>
                {question}
                <div class="ta-actions ta-step-actions">
                    <button
                        type="button"
                        class="btn"
                        data-testid="question-prev"
                        disabled=move || current.get() == 0 || busy()
                        on:click=move |_| go(current.get_untracked().saturating_sub(1))
                    >
                        "← Previous"
                    </button>
                    <button
                        type="button"
                        class="btn btn-primary"
                        data-testid="question-next"
                        disabled=move || { current.get() + 1 >= total || busy() }
                        on:click=move |_| go(current.get_untracked() + 1)
                    >
                        "Next →"
                    </button>
                    <button
                        type="button"
                        class="btn ta-submit"
                        data-testid="submit-test"
                        disabled=busy
                        on:click=move |_| run.phase.set(Phase::Confirming)
                    >
                        "Submit test"
                    </button>
                </div>
                {move || (run.phase.get() == Phase::Confirming).then(|| view! { <SubmitConfirm run=run noun="question" /> })}
                {move || (run.phase.get() == Phase::Submitting).then(|| view! {
                    <p class="ta-submitting" role="status" data-testid="submitting">"Submitting your answers…"</p>
                })}
                {move || run.submit_error.get().map(|e| view! { <p class="alert alert-error" role="alert" data-testid="submit-error">{e}</p> })}
            </div>
        }
        .into_any()
    };
    view! { {runner} }
}

/// One question: its prompt (line breaks kept) and its options as large radio buttons.
#[component]
fn QuestionView(
    run: Run,
    q: Question,
    index: usize,
    total: usize,
    heading: NodeRef<leptos::html::H2>,
) -> impl IntoView {
    let prompt_id = format!("prompt-{}", q.id);
    let name = format!("q-{}", q.id);
    let options = q
        .options
        .iter()
        .enumerate()
        .map(|(k, o)| {
            let (qid, oid) = (q.id.clone(), o.id.clone());
            let (qid2, oid2) = (q.id.clone(), o.id.clone());
            let (qid3, oid3) = (q.id.clone(), o.id.clone());
            let letter = char::from(b'A' + (k as u8 % 26)).to_string();
            view! {
                <label class="ta-option" class:ta-chosen=move || run.chosen(&qid, &oid)>
                    <input
                        type="radio"
                        name=name.clone()
                        value=o.id.clone()
                        data-testid="option"
                        prop:checked=move || run.chosen(&qid2, &oid2)
                        disabled=move || !run.accepting_tracked()
                        on:change=move |_| run.choose(qid3.clone(), oid3.clone())
                    />
                    <span class="ta-option-letter" aria-hidden="true">{letter}</span>
                    <span class="ta-option-label">{o.label.clone()}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="ta-card ta-question" data-testid="question" data-index=index + 1 data-question-id=q.id.clone()>
            <h2 class="ta-qnum" tabindex="-1" node_ref=heading data-testid="question-number">
                {format!("Question {} of {}", index + 1, total)}
            </h2>
            <fieldset class="ta-options">
                <legend class="ta-prompt" id=prompt_id>{q.prompt.clone()}</legend>
                {options}
            </fieldset>
        </section>
    }
}
