//! A link's state in each ATS's words: Greenhouse's `test_status` and Workable's results.
//! The same body answers a status request and is pushed to the ATS on completion.

use std::collections::BTreeMap;

use credence_shared::assess::Assessment;
use credence_shared::ats::{GreenhouseTestStatus, WorkableAssessmentResult};
use credence_shared::{AssessmentStatus, InvitationStatus, TestKind};

use super::LinkView;

/// The mean percentile of the submitted aptitude tests' totals; `None` without one.
pub fn score(assessments: &[Assessment]) -> Option<i64> {
    let percentiles: Vec<i64> = assessments
        .iter()
        .filter(|a| a.kind == TestKind::Aptitude && a.status == AssessmentStatus::Submitted)
        .filter_map(|a| a.scores.as_ref())
        .filter_map(|scores| scores.iter().find(|s| s.scale == "total"))
        .map(|s| s.percentile)
        .collect();
    if percentiles.is_empty() {
        return None;
    }
    let n = percentiles.len() as i64;
    // Rounded half up, in integers.
    Some((2 * percentiles.iter().sum::<i64>() + n) / (2 * n))
}

/// One line per test: "Percentile 73, sten 7" (aptitude), "Sten: Openness 6, …" (personality),
/// or its status until submitted.
fn line(a: &Assessment) -> String {
    match (&a.scores, a.status) {
        (Some(scores), AssessmentStatus::Submitted) if !scores.is_empty() => {
            if a.kind == TestKind::Aptitude {
                scores
                    .iter()
                    .find(|s| s.scale == "total")
                    .map(|s| format!("Percentile {}, sten {}", s.percentile, s.sten))
                    .unwrap_or_else(|| a.status.label())
            } else {
                let traits: Vec<String> = scores
                    .iter()
                    .map(|s| format!("{} {}", s.scale, s.sten))
                    .collect();
                format!("Sten: {}", traits.join(", "))
            }
        }
        _ => a.status.label(),
    }
}

fn lines(view: &LinkView) -> BTreeMap<String, String> {
    view.assessments
        .iter()
        .map(|a| (a.test_name.clone(), line(a)))
        .collect()
}

pub fn greenhouse(view: &LinkView) -> GreenhouseTestStatus {
    let complete = view.status == InvitationStatus::Submitted;
    GreenhouseTestStatus {
        partner_interview_id: view.id.clone(),
        partner_status: match view.status {
            InvitationStatus::Invited => "sent",
            InvitationStatus::InProgress => "in_progress",
            InvitationStatus::Submitted => "complete",
            InvitationStatus::Cancelled => "cancelled",
            InvitationStatus::Expired => "expired",
        }
        .to_string(),
        partner_profile_url: view.profile_url.clone(),
        partner_score: if complete {
            score(&view.assessments)
        } else {
            None
        },
        metadata: lines(view),
    }
}

pub fn workable(view: &LinkView) -> WorkableAssessmentResult {
    let complete = view.status == InvitationStatus::Submitted;
    WorkableAssessmentResult {
        id: view.id.clone(),
        status: match view.status {
            InvitationStatus::Invited => "pending",
            InvitationStatus::InProgress => "in_progress",
            InvitationStatus::Submitted => "completed",
            InvitationStatus::Cancelled => "cancelled",
            InvitationStatus::Expired => "expired",
        }
        .to_string(),
        results_url: view.profile_url.clone(),
        score: if complete {
            score(&view.assessments)
        } else {
            None
        },
        summary: lines(view)
            .into_iter()
            .map(|(test, line)| format!("{test}: {line}"))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::assess::Score;

    fn aptitude(percentile: i64, status: AssessmentStatus) -> Assessment {
        Assessment {
            id: "a".into(),
            test_id: "t".into(),
            test_name: "Numerical".into(),
            kind: TestKind::Aptitude,
            status,
            norm_group_name: "General".into(),
            started_at: None,
            deadline_at: None,
            submitted_at: None,
            scores: Some(vec![Score {
                scale: "total".into(),
                raw: 10.0,
                percentile,
                sten: 6,
                t_score: 52.0,
            }]),
        }
    }

    #[test]
    fn the_score_is_the_rounded_mean_percentile_of_submitted_aptitude_tests() {
        assert_eq!(score(&[]), None);
        assert_eq!(
            score(&[
                aptitude(70, AssessmentStatus::Submitted),
                aptitude(75, AssessmentStatus::Submitted),
                aptitude(1, AssessmentStatus::InProgress),
            ]),
            Some(73)
        );
    }
}
