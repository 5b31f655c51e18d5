//! `/reseller/analytics`, `/client/analytics`, `/admin/analytics`: usage charts from the API's
//! rollups (`/…/analytics/*`), each with its table and CSV download, and an empty state that
//! says what to do next.

use credence_shared::analytics::{
    ForecastReport, FunnelReport, FunnelRow, RevenueReport, ScoreReport, UsageReport,
};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::chart::{month_label, table_html, BarChart, ChartData, CsvButton, Series};
use crate::components::loaded::Loaded;
use crate::components::states::EmptyState;

/// Credits used (net of refunds) per month, a segment per client.
fn usage_chart(report: &UsageReport, title: &str) -> ChartData {
    ChartData {
        title: title.to_string(),
        category_heading: "Month".into(),
        categories: report.months.iter().map(|m| month_label(m)).collect(),
        series: report
            .clients
            .iter()
            .map(|c| Series {
                label: c.client_name.clone(),
                values: c.months.iter().map(|m| m.net_used).collect(),
            })
            .collect(),
        currency: None,
    }
}

/// The funnel's three steps as bars.
fn funnel_chart(total: &FunnelRow) -> ChartData {
    ChartData {
        title: "Tests invited, started and completed".into(),
        category_heading: "Step".into(),
        categories: vec!["Invited".into(), "Started".into(), "Completed".into()],
        series: vec![Series {
            label: "Tests".into(),
            values: vec![total.invited, total.started, total.completed],
        }],
        currency: None,
    }
}

/// A funnel's rows (per client, project or test) as a table.
#[component]
fn FunnelTable(
    rows: Vec<FunnelRow>,
    #[prop(into)] heading: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let heads: Vec<String> = [
        heading.as_str(),
        "Invited",
        "Started",
        "Completed",
        "Completion rate",
        "Median time to complete",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            vec![
                r.label,
                r.invited.to_string(),
                r.started.to_string(),
                r.completed.to_string(),
                r.completion_percent
                    .map(|p| format!("{p}%"))
                    .unwrap_or_else(|| "—".into()),
                r.median_completion
                    .map(|m| format!("within {m}"))
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=heading.clone() data-testid=testid
            inner_html=table_html(&heading, &heads, &rows, true)></div>
    }
}

#[component]
pub fn ResellerAnalytics() -> impl IntoView {
    view! {
        <section class="page" data-testid="reseller-analytics">
            <header class="page-header"><h1>"Analytics"</h1></header>
            <div class="card stack">
                <h2>"Credits used per month"</h2>
                <p class="muted">"Credits charged for invitations, less refunds, per client over the last 12 months (UTC)."</p>
                <Loaded fetch=api::reseller_usage let:report>
                    {
                        let data = usage_chart(&report, "Credits used per client per month");
                        if data.is_empty() {
                            view! {
                                <EmptyState title="No credits used yet" body="Invite candidates from a project: each test charges its credits to the client.">
                                    <A href="/reseller/projects" attr:class="btn">"Go to projects"</A>
                                </EmptyState>
                            }.into_any()
                        } else {
                            view! { <BarChart data=data testid="usage-chart" csv_path="/reseller/analytics/usage.csv" csv_name="credits-per-month.csv" /> }.into_any()
                        }
                    }
                </Loaded>
            </div>
            <div class="card stack">
                <h2>"Run-out forecast"</h2>
                <p class="muted">
                    "Days left = balance ÷ (credits used in the last 30 days ÷ 30), rounded down; none without recent use."
                </p>
                <Loaded fetch=api::reseller_forecast let:report>
                    <Forecast report=report />
                </Loaded>
            </div>
            <div class="card stack">
                <h2>"Invitation funnel"</h2>
                <p class="muted">"Tests invited, started and completed over the last 12 months, by the month of invitation."</p>
                <Loaded fetch=api::reseller_funnel let:report>
                    <Funnel report=report csv_path="/reseller/analytics/funnel.csv" projects="/reseller/projects" />
                </Loaded>
            </div>
        </section>
    }
}

#[component]
fn Forecast(report: ForecastReport) -> impl IntoView {
    if report.clients.is_empty() {
        return view! {
            <EmptyState title="No active clients yet" body="Create a client and give it credits to see when it will run out.">
                <A href="/reseller/clients/new" attr:class="btn">"Create a client"</A>
            </EmptyState>
        }
        .into_any();
    }
    let below: Vec<String> = report
        .clients
        .iter()
        .filter(|c| c.below_threshold)
        .map(|c| c.client_name.clone())
        .collect();
    let below = if below.is_empty() {
        "No client is below its low-credit threshold.".to_string()
    } else {
        format!("Below threshold: {}.", below.join(", "))
    };
    let heads: Vec<String> = [
        "Client",
        "Balance",
        "Threshold",
        "Used, last 30 days",
        "Days left",
        "Runs out on",
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = report
        .clients
        .into_iter()
        .map(|c| {
            vec![
                if c.below_threshold {
                    format!("{} (below threshold)", c.client_name)
                } else {
                    c.client_name
                },
                c.balance.to_string(),
                c.threshold.to_string(),
                c.used_last_30_days.to_string(),
                c.days_left
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "—".into()),
                c.runs_out_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "No recent use".into()),
            ]
        })
        .collect();
    view! {
        <p data-testid="below-threshold">{below}</p>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Run-out forecast" data-testid="forecast-table"
            inner_html=table_html("Run-out forecast", &heads, &rows, true)></div>
        <CsvButton path="/reseller/analytics/forecast.csv".to_string() name="run-out-forecast.csv".to_string() />
    }
    .into_any()
}

#[component]
fn Funnel(report: FunnelReport, csv_path: &'static str, projects: &'static str) -> impl IntoView {
    if report.total.invited == 0 {
        return view! {
            <EmptyState title="No invitations yet" body="Invite candidates from a project; their progress shows here.">
                <A href=projects attr:class="btn">"Go to projects"</A>
            </EmptyState>
        }
        .into_any();
    }
    let summary = format!(
        "Completion rate {}; median time to complete: {}.",
        report
            .total
            .completion_percent
            .map(|p| format!("{p}%"))
            .unwrap_or_else(|| "—".into()),
        report
            .total
            .median_completion
            .as_ref()
            .map(|m| format!("within {m}"))
            .unwrap_or_else(|| "nothing completed yet".into())
    );
    let by_client = (!report.by_client.is_empty())
        .then(|| view! { <h3>"Per client"</h3><FunnelTable rows=report.by_client heading="Client" testid="funnel-by-client" /> });
    let by_project = (!report.by_project.is_empty())
        .then(|| view! { <h3>"Per project"</h3><FunnelTable rows=report.by_project heading="Project" testid="funnel-by-project" /> });
    view! {
        <p data-testid="funnel-summary">{summary}</p>
        <BarChart data=funnel_chart(&report.total) testid="funnel-chart" csv_path=csv_path csv_name="invitation-funnel.csv" />
        {by_client}
        {by_project}
        <h3>"Per test"</h3>
        <FunnelTable rows=report.by_test heading="Test" testid="funnel-by-test" />
    }
    .into_any()
}

#[component]
pub fn ClientAnalytics() -> impl IntoView {
    view! {
        <section class="page" data-testid="client-analytics">
            <header class="page-header"><h1>"Analytics"</h1></header>
            <div class="card stack">
                <h2>"Credits used per month"</h2>
                <p class="muted">"Credits charged for invitations, less refunds, over the last 12 months (UTC)."</p>
                <Loaded fetch=api::client_usage let:report>
                    {
                        let data = usage_chart(&report, "Credits used per month");
                        if data.is_empty() {
                            view! {
                                <EmptyState title="No credits used yet" body="Invite candidates from a project: each test uses its credits.">
                                    <A href="/client/projects" attr:class="btn">"Go to projects"</A>
                                </EmptyState>
                            }.into_any()
                        } else {
                            view! { <BarChart data=data testid="usage-chart" csv_path="/client/analytics/usage.csv" csv_name="credits-per-month.csv" /> }.into_any()
                        }
                    }
                </Loaded>
            </div>
            <div class="card stack">
                <h2>"Invitation funnel"</h2>
                <p class="muted">"Tests invited, started and completed over the last 12 months, by the month of invitation."</p>
                <Loaded fetch=api::client_funnel let:report>
                    <Funnel report=report csv_path="/client/analytics/funnel.csv" projects="/client/projects" />
                </Loaded>
            </div>
            <div class="card stack">
                <h2>"Score distribution"</h2>
                <p class="muted">"Completed tests per sten (1–10), per test with a total score."</p>
                <Loaded fetch=api::client_scores let:report>
                    <Scores report=report />
                </Loaded>
            </div>
        </section>
    }
}

#[component]
fn Scores(report: ScoreReport) -> impl IntoView {
    if report.tests.is_empty() {
        return view! {
            <EmptyState title="No scores yet" body="Scores appear here once candidates complete an aptitude test." />
        }
        .into_any();
    }
    report
        .tests
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let data = ChartData {
                title: format!("{}: completed tests per sten", t.test_name),
                category_heading: "Sten".into(),
                categories: (1..=10).map(|s| s.to_string()).collect(),
                series: vec![Series {
                    label: "Completed".into(),
                    values: t.counts,
                }],
                currency: None,
            };
            // One CSV holds every test; it is offered under the first chart only.
            view! {
                <h3>{format!("{} ({} completed)", t.test_name, t.total)}</h3>
                {(i == 0).then(|| view! { <p class="muted">"The CSV download holds every test."</p> })}
                <BarChart data=data testid="score-chart" csv_path="/client/analytics/scores.csv" csv_name="score-distribution.csv" />
            }
        })
        .collect_view()
        .into_any()
}

#[component]
pub fn AdminAnalytics() -> impl IntoView {
    view! {
        <section class="page" data-testid="admin-analytics">
            <header class="page-header"><h1>"Analytics"</h1></header>
            <Loaded fetch=api::admin_revenue let:report>
                <Revenue report=report />
            </Loaded>
        </section>
    }
}

#[component]
fn Revenue(report: RevenueReport) -> impl IntoView {
    // One chart per currency: amounts in different currencies never stack.
    let mut currencies: Vec<String> = report.revenue.iter().map(|r| r.currency.clone()).collect();
    currencies.sort();
    currencies.dedup();
    let months: Vec<String> = report.months.iter().map(|m| month_label(m)).collect();
    let charts = currencies
        .into_iter()
        .map(|currency| {
            let data = ChartData {
                title: format!("Revenue per reseller per month ({currency})"),
                category_heading: "Month".into(),
                categories: months.clone(),
                series: report
                    .revenue
                    .iter()
                    .filter(|r| r.currency == currency)
                    .map(|r| Series {
                        label: r.reseller_name.clone(),
                        values: r.months.iter().map(|m| m.amount_minor).collect(),
                    })
                    .collect(),
                currency: Some(currency.clone()),
            };
            view! {
                <h3>{currency.clone()}</h3>
                <BarChart data=data testid="revenue-chart" csv_path="/admin/analytics/revenue.csv" csv_name="revenue-per-reseller.csv" />
            }
        })
        .collect_view();
    let empty = report.revenue.iter().all(|r| r.total_minor == 0);
    let outstanding = ChartData {
        title: "Credits outstanding per reseller (sold, not used yet)".into(),
        category_heading: "Reseller".into(),
        categories: report
            .outstanding
            .iter()
            .map(|o| o.reseller_name.clone())
            .collect(),
        series: vec![Series {
            label: "Credits".into(),
            values: report.outstanding.iter().map(|o| o.credits).collect(),
        }],
        currency: None,
    };
    view! {
        <div class="card stack">
            <h2>"Revenue per reseller"</h2>
            <p class="muted">"Invoices and credit notes that are not void, per month of the billing calendar, in each reseller's currency."</p>
            {if empty {
                view! {
                    <EmptyState title="No revenue yet" body="Revenue appears once resellers order credits for their clients.">
                        <A href="/admin/resellers" attr:class="btn">"Go to resellers"</A>
                    </EmptyState>
                }.into_any()
            } else {
                charts.into_any()
            }}
        </div>
        <div class="card stack">
            <h2>"Credits outstanding"</h2>
            <p class="muted">"Credits sold to each reseller's clients and not used yet: the sum of their balances."</p>
            {if outstanding.is_empty() {
                view! { <EmptyState title="No credits outstanding" body="Credits show here once a reseller's clients hold credits." /> }.into_any()
            } else {
                view! { <BarChart data=outstanding testid="outstanding-chart" csv_path="/admin/analytics/revenue.csv" csv_name="revenue-per-reseller.csv" /> }.into_any()
            }}
        </div>
    }
}
