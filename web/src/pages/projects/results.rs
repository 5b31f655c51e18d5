//! The project's candidates and results table, sortable.

use credence_shared::assess::{Project, ProjectResult};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::assess::{score_sort_value, score_summary, CandidateStatus, Portal};
use crate::components::widgets::TableScroll;
use crate::format;

/// What the results table is sorted by.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SortKey {
    Name,
    Email,
    Status,
    Submitted,
    Test(usize),
}

#[component]
pub(super) fn ResultsTable(
    rows: Vec<ProjectResult>,
    current: RwSignal<Project>,
    portal: Portal,
) -> impl IntoView {
    let tests = current.with_untracked(|p| p.tests.clone());
    let sort = RwSignal::new((SortKey::Name, true));
    let rows = StoredValue::new(rows);
    let tests_sv = StoredValue::new(tests.clone());
    let sorted = move || {
        let (key, asc) = sort.get();
        let tests = tests_sv.get_value();
        let mut rows = rows.get_value();
        let name = |r: &ProjectResult| format!("{} {}", r.last_name, r.first_name).to_lowercase();
        rows.sort_by(|a, b| {
            let ord = match key {
                SortKey::Name => name(a).cmp(&name(b)),
                SortKey::Email => a.email.cmp(&b.email),
                SortKey::Status => a.status.as_str().cmp(b.status.as_str()),
                SortKey::Submitted => a.submitted_at.cmp(&b.submitted_at),
                SortKey::Test(i) => {
                    let v = |r: &ProjectResult| {
                        tests
                            .get(i)
                            .and_then(|t| r.assessments.iter().find(|x| x.test_id == t.test_id))
                            .and_then(score_sort_value)
                            .unwrap_or(-1.0)
                    };
                    v(a).partial_cmp(&v(b)).unwrap_or(std::cmp::Ordering::Equal)
                }
            };
            if asc {
                ord
            } else {
                ord.reverse()
            }
        });
        rows
    };
    let header = move |key: SortKey, label: String, testid: String| {
        let aria = move || {
            let (k, asc) = sort.get();
            if k == key {
                if asc {
                    "ascending"
                } else {
                    "descending"
                }
            } else {
                "none"
            }
        };
        let arrow = move || {
            let (k, asc) = sort.get();
            if k == key {
                if asc {
                    " ▲"
                } else {
                    " ▼"
                }
            } else {
                ""
            }
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button type="button" class="th-sort" data-testid=testid
                    on:click=move |_| sort.update(|(k, asc)| {
                        if *k == key {
                            *asc = !*asc;
                        } else {
                            *k = key;
                            *asc = true;
                        }
                    })>
                    {label}<span aria-hidden="true">{arrow}</span>
                </button>
            </th>
        }
    };
    let base = portal.base();
    let test_headers = tests
        .iter()
        .enumerate()
        .map(|(i, t)| {
            header(
                SortKey::Test(i),
                t.test_name.clone(),
                format!("sort-test-{i}"),
            )
        })
        .collect_view();
    view! {
        <TableScroll label="Results">
            <table class="table" data-testid="results-table">
                <thead>
                    <tr>
                        {header(SortKey::Name, "Name".into(), "sort-name".into())}
                        {header(SortKey::Email, "Email".into(), "sort-email".into())}
                        {header(SortKey::Status, "Status".into(), "sort-status".into())}
                        {header(SortKey::Submitted, "Submitted".into(), "sort-submitted".into())}
                        {test_headers}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let tests = tests_sv.get_value();
                        sorted().into_iter().map(|r| {
                            let cells = tests.iter().map(|t| {
                                let a = r.assessments.iter().find(|x| x.test_id == t.test_id).cloned();
                                // Each score stays whole; a personality's traits wrap between scores.
                                let parts = match &a {
                                    Some(a) if portal.scores() => score_summary(a)
                                        .unwrap_or_else(|| vec![a.status.label()]),
                                    Some(a) => vec![a.status.label()],
                                    None => vec!["—".into()],
                                };
                                let parts = parts.into_iter().map(|p| view! { <span class="nowrap">{p}</span> }).collect_view();
                                view! { <td class="small score-cell" data-testid="result-cell"><span class="score-line">{parts}</span></td> }
                            }).collect_view();
                            view! {
                                <tr data-testid="result-row" data-email=r.email.clone() data-status=r.status.as_str()>
                                    <td><A href=format!("{base}/candidates/{}", r.candidate_id)>{format!("{} {}", r.first_name, r.last_name)}</A></td>
                                    <td class="email">{r.email.clone()}</td>
                                    <td><CandidateStatus status=r.status testid="result-status" /></td>
                                    <td>{r.submitted_at.as_ref().map(format::date_time).unwrap_or_default()}</td>
                                    {cells}
                                </tr>
                            }
                        }).collect_view()
                    }}
                </tbody>
            </table>
        </TableScroll>
        {portal.scores().then(|| view! {
            <p class="muted small">"P = percentile (1–99) against the test's norm group; sten 1–10. Click a column heading to sort."</p>
        })}
    }
}
