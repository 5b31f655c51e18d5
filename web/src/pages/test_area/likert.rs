//! The Likert runner (personality questionnaires): statements in pages of five, each with its
//! agreement scale as a radio group (a row on wide screens, stacked on phones), a progress bar,
//! autosave, and no clock.

use credence_shared::assess::Question;
use leptos::prelude::*;

use super::runner::{Phase, Run, SaveIndicator, SubmitConfirm};

const PER_PAGE: usize = 5;

#[component]
pub fn LikertRunner(run: Run) -> impl IntoView {
    let total = run.total();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = RwSignal::new((run.first_unanswered() / PER_PAGE).min(pages - 1));
    let heading = NodeRef::<leptos::html::H2>::new();

    let go = move |p: usize| {
        page.set(p.min(pages - 1));
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
        if let Some(h) = heading.get_untracked() {
            let _ = h.focus();
        }
    };
    let busy = move || !matches!(run.phase.get(), Phase::Answering | Phase::Confirming);
    let percent = move || (run.answered() * 100).checked_div(total).unwrap_or(100);
    let on_submit = move |_| {
        if run.answered() >= total {
            run.submit(false);
        } else {
            run.phase.set(Phase::Confirming);
        }
    };

    let statements = move || {
        let p = page.get();
        let items: Vec<(usize, Question)> = run.questions.with_value(|qs| {
            qs.iter()
                .cloned()
                .enumerate()
                .skip(p * PER_PAGE)
                .take(PER_PAGE)
                .collect()
        });
        items
            .into_iter()
            .map(|(i, q)| view! { <Statement run=run q=q number=i + 1 /> })
            .collect_view()
    };

    view! {
        <div class="ta-runner ta-likert-runner" data-testid="likert-runner">
            <div class="ta-runbar">
                <span class="ta-runname">{run.name.get_value()}</span>
                <span class="muted small">"No time limit"</span>
                <SaveIndicator run=run />
            </div>
            <div class="ta-progress-wrap">
                <div
                    class="ta-progress"
                    role="progressbar"
                    aria-label="Statements answered"
                    aria-valuemin="0"
                    aria-valuemax=total
                    aria-valuenow=move || run.answered()
                    aria-valuetext=move || format!("{} of {} answered", run.answered(), total)
                >
                    <div class="ta-progress-fill" style:width=move || format!("{}%", percent())></div>
                </div>
                <p class="small muted" data-testid="answered-count">{move || format!("{} of {} answered", run.answered(), total)}</p>
            </div>
            <h2 class="ta-page-title" tabindex="-1" node_ref=heading data-testid="likert-page">
                {move || format!("Page {} of {}", page.get() + 1, pages)}
            </h2>
            <p class="muted small">"For each statement, choose how well it describes you at work. There are no right or wrong answers."</p>
            <div class="ta-statements">{statements}</div>
            <div class="ta-actions ta-step-actions">
                <button
                    type="button"
                    class="btn"
                    data-testid="likert-prev"
                    disabled=move || page.get() == 0 || busy()
                    on:click=move |_| go(page.get_untracked().saturating_sub(1))
                >
                    "← Previous page"
                </button>
                <Show
                    when=move || { page.get() + 1 < pages }
                    fallback=move || view! {
                        <button type="button" class="btn btn-primary" data-testid="submit-test" disabled=busy on:click=on_submit>
                            "Submit answers"
                        </button>
                    }
                >
                    <button
                        type="button"
                        class="btn btn-primary"
                        data-testid="likert-next"
                        disabled=busy
                        on:click=move |_| go(page.get_untracked() + 1)
                    >
                        "Next page →"
                    </button>
                </Show>
            </div>
            {move || (run.phase.get() == Phase::Confirming).then(|| view! { <SubmitConfirm run=run noun="statement" /> })}
            {move || (run.phase.get() == Phase::Submitting).then(|| view! {
                <p class="ta-submitting" role="status" data-testid="submitting">"Submitting your answers…"</p>
            })}
            {move || run.submit_error.get().map(|e| view! { <p class="alert alert-error" role="alert" data-testid="submit-error">{e}</p> })}
        </div>
    }
}

/// One statement and its agreement scale.
#[component]
fn Statement(run: Run, q: Question, number: usize) -> impl IntoView {
    let name = format!("s-{}", q.id);
    let qid_answered = q.id.clone();
    let options = q
        .options
        .iter()
        .map(|o| {
            let (qid, oid) = (q.id.clone(), o.id.clone());
            let (qid2, oid2) = (q.id.clone(), o.id.clone());
            let (qid3, oid3) = (q.id.clone(), o.id.clone());
            view! {
                <label class="ta-likert-option" class:ta-chosen=move || run.chosen(&qid, &oid)>
                    <input
                        type="radio"
                        name=name.clone()
                        value=o.id.clone()
                        data-testid="option"
                        prop:checked=move || run.chosen(&qid2, &oid2)
                        disabled=move || !run.accepting_tracked()
                        on:change=move |_| run.choose(qid3.clone(), oid3.clone())
                    />
                    <span>{o.label.clone()}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset
            class="ta-card ta-likert"
            class:ta-answered=move || run.is_answered(&qid_answered)
            data-testid="likert-item"
            data-question-id=q.id.clone()
        >
            <legend class="ta-prompt">
                <span class="ta-statement-number">{format!("{number}.")}</span>
                " "
                {q.prompt.clone()}
            </legend>
            <div class="ta-likert-options">{options}</div>
        </fieldset>
    }
}
