//! `/test/assessment/:id`: a test's instructions, its length and time, and "Start test".

use super::nav::Link as A;
use credence_shared::AssessmentStatus;
use leptos::prelude::*;

use super::use_area;
use crate::format::duration_text;

#[component]
pub fn TestInstructions(id: String) -> impl IntoView {
    let area = use_area();
    area.notice.set(None);
    let id = Memo::new(move |_| id.clone());

    move || {
        let id = id.get();
        let a = area.me.with(|m| {
            m.as_ref()
                .and_then(|m| m.assessments.iter().find(|a| a.id == id).cloned())
        });
        let Some(a) = a else {
            return view! {
                <section class="ta-card ta-state" data-testid="test-not-found">
                    <h1>"Test not found"</h1>
                    <p><A href="/test">"Back to your tests"</A></p>
                </section>
            }
            .into_any();
        };
        if a.status == AssessmentStatus::Submitted {
            return view! {
                <section class="ta-card ta-state" data-testid="test-already-submitted">
                    <h1>{a.test.name.clone()}</h1>
                    <p>"You have completed this test already."</p>
                    <p><A href="/test">"Back to your tests"</A></p>
                </section>
            }
            .into_any();
        }
        let timed = a.duration_seconds.is_some();
        let time = match a.duration_seconds {
            Some(s) => duration_text(s),
            None => "No time limit".into(),
        };
        let run = format!("/test/assessment/{}/run", a.id);
        let resuming = a.status == AssessmentStatus::InProgress;
        view! {
            <article class="ta-card ta-instructions" data-testid="instructions-page">
                <p class="ta-eyebrow">{if timed { "Timed test" } else { "Questionnaire" }}</p>
                <h1>{a.test.name.clone()}</h1>
                <dl class="ta-facts">
                    <div>
                        <dt>"Questions"</dt>
                        <dd data-testid="question-count">{a.test.question_count}</dd>
                    </div>
                    <div>
                        <dt>"Time allowed"</dt>
                        <dd data-testid="time-allowed">{time}</dd>
                    </div>
                </dl>
                {timed.then(|| view! {
                    <p class="small muted">"The time allowed includes any extra time you were given. The clock starts when you press Start test and keeps running if you close the page; at the end your answers are submitted automatically."</p>
                })}
                <h2>"Instructions"</h2>
                <p class="ta-instructions-text" data-testid="instructions">{a.test.instructions.clone()}</p>
                <div class="ta-actions">
                    <A href="/test" attr:class="btn">"Back"</A>
                    <A href=run attr:class="btn btn-primary ta-big" attr:data-testid="start-test">
                        {if resuming { "Resume test" } else { "Start test" }}
                    </A>
                </div>
            </article>
        }
        .into_any()
    }
}
