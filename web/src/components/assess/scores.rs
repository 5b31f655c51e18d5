//! Score displays: percentile, sten and T-score; sten bars; results-table summaries.

use credence_shared::assess::{Assessment, Score};
use credence_shared::{AssessmentStatus, TestKind};
use leptos::prelude::*;

use crate::format::humanise;

/// Percentile, sten and T-score of aptitude tests; a sten bar per trait for personality.
#[component]
pub fn ScoresView(assessment: Assessment) -> impl IntoView {
    let Some(scores) = assessment.scores.clone().filter(|s| !s.is_empty()) else {
        return view! { <span class="muted small">{match assessment.status {
            AssessmentStatus::Submitted => "Submitted",
            AssessmentStatus::NotStarted | AssessmentStatus::InProgress | AssessmentStatus::Refunded => "No scores yet",
        }}</span> }.into_any();
    };
    if assessment.kind == TestKind::Personality || scores.iter().any(|s| s.scale != "total") {
        view! {
            <ul class="trait-list" data-testid="trait-scores">
                {scores.into_iter().map(|s| view! { <StenBar score=s /> }).collect_view()}
            </ul>
        }
        .into_any()
    } else {
        let s = scores[0].clone();
        view! {
            <span class="score-line" data-testid="aptitude-scores">
                <span>"Percentile "<strong data-testid="score-percentile">{s.percentile}</strong></span>
                <span>"Sten "<strong data-testid="score-sten">{s.sten}</strong></span>
                <span>"T "<strong data-testid="score-t">{format!("{:.1}", s.t_score)}</strong></span>
            </span>
        }
        .into_any()
    }
}

#[component]
fn StenBar(score: Score) -> impl IntoView {
    let name = humanise(&score.scale);
    let sten = score.sten.clamp(1, 10);
    view! {
        <li class="trait" data-testid="trait-score" data-trait=score.scale.clone()>
            <span class="trait-name">{name.clone()}</span>
            <span class="sten-bar" role="img" aria-label=format!("{name}: sten {sten} of 10")>
                <span class="sten-fill" style=format!("width: {}%", sten * 10)></span>
            </span>
            <span class="sten-value">{sten}</span>
        </li>
    }
}

/// A short text for a results-table cell.
pub fn score_summary(a: &Assessment) -> Option<Vec<String>> {
    let scores = a.scores.as_ref().filter(|s| !s.is_empty())?;
    if scores.len() == 1 && scores[0].scale == "total" {
        let s = &scores[0];
        Some(vec![format!("P{} · sten {}", s.percentile, s.sten)])
    } else {
        Some(
            scores
                .iter()
                .map(|s| format!("{} {}", humanise(&s.scale), s.sten))
                .collect(),
        )
    }
}

/// What a results column sorts by: the percentile, or ten times the mean trait sten.
pub fn score_sort_value(a: &Assessment) -> Option<f64> {
    let scores = a.scores.as_ref().filter(|s| !s.is_empty())?;
    if scores.len() == 1 && scores[0].scale == "total" {
        Some(scores[0].percentile as f64)
    } else {
        Some(scores.iter().map(|s| s.sten as f64).sum::<f64>() / scores.len() as f64 * 10.0)
    }
}
