//! The reports behind the analytics charts, read from the rollups (`rollup`) and the invoices:
//! each reads at most months × clients (× projects × tests for the funnel) rows.

use std::collections::{BTreeMap, HashMap};

use credence_shared::analytics::{
    ClientUsage, FunnelReport, FunnelRow, MonthCredits, MonthRevenue, ResellerOutstanding,
    ResellerRevenue, RevenueReport, ScoreReport, StenDistribution, UsageReport,
};
use credence_shared::InvoiceStatus;
use diesel::prelude::*;

use crate::db::schema::{
    clients, funnel_months, invoices, projects, resellers, sten_counts, tests, usage_days,
};
use crate::db::DbConnection;
use crate::domain::tenant::Tenant;
use crate::error::ApiError;

/// Credits per client per month over `months` (oldest first): every client of the tenant, by
/// name, each with every month.
pub fn usage(
    conn: &mut DbConnection,
    tenant: &Tenant,
    months: &[String],
) -> Result<UsageReport, ApiError> {
    let first_day = format!("{}-01", months.first().map(String::as_str).unwrap_or(""));
    let mut client_query = clients::table
        .select((clients::id, clients::code, clients::name))
        .order((clients::name.asc(), clients::id.asc()))
        .into_boxed();
    let mut day_query = usage_days::table
        .filter(usage_days::day.ge(&first_day))
        .select((
            usage_days::client_id,
            usage_days::day,
            usage_days::added,
            usage_days::used,
            usage_days::refunded,
            usage_days::adjusted,
        ))
        .into_boxed();
    match tenant {
        Tenant::Reseller { reseller_id } => {
            client_query = client_query.filter(clients::reseller_id.eq(reseller_id.clone()));
            day_query = day_query.filter(usage_days::reseller_id.eq(reseller_id.clone()));
        }
        Tenant::Client { client_id } => {
            client_query = client_query.filter(clients::id.eq(client_id.clone()));
            day_query = day_query.filter(usage_days::client_id.eq(client_id.clone()));
        }
    }
    let list: Vec<(String, String, String)> = client_query.load(conn)?;
    let days: Vec<(String, String, i64, i64, i64, i64)> = day_query.load(conn)?;
    // (client, month) → (added, used, refunded, adjusted)
    let mut sums: HashMap<(String, String), [i64; 4]> = HashMap::new();
    for (client_id, day, added, used, refunded, adjusted) in days {
        let month = day.get(..7).unwrap_or_default().to_string();
        let s = sums.entry((client_id, month)).or_default();
        s[0] += added;
        s[1] += used;
        s[2] += refunded;
        s[3] += adjusted;
    }
    let clients = list
        .into_iter()
        .map(|(id, code, name)| {
            let months: Vec<MonthCredits> = months
                .iter()
                .map(|m| {
                    let s = sums
                        .get(&(id.clone(), m.clone()))
                        .copied()
                        .unwrap_or_default();
                    MonthCredits {
                        month: m.clone(),
                        added: s[0],
                        used: s[1],
                        refunded: s[2],
                        adjusted: s[3],
                        net_used: s[1] - s[2],
                    }
                })
                .collect();
            ClientUsage {
                net_used: months.iter().map(|m| m.net_used).sum(),
                client_id: id,
                client_code: code,
                client_name: name,
                months,
            }
        })
        .collect();
    Ok(UsageReport {
        months: months.to_vec(),
        clients,
    })
}

/// Labels of the completion-time buckets (`rollup::BUCKET_HOURS`, then later).
pub const BUCKET_LABELS: [&str; 8] = [
    "1 hour",
    "1 day",
    "2 days",
    "3 days",
    "7 days",
    "14 days",
    "30 days",
    "over 30 days",
];

#[derive(Default, Clone, Copy)]
struct Tally {
    invited: i64,
    started: i64,
    completed: i64,
    buckets: [i64; 8],
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.invited += other.invited;
        self.started += other.started;
        self.completed += other.completed;
        for (a, b) in self.buckets.iter_mut().zip(other.buckets) {
            *a += b;
        }
    }

    fn row(&self, id: String, label: String) -> FunnelRow {
        FunnelRow {
            id,
            label,
            invited: self.invited,
            started: self.started,
            completed: self.completed,
            completion_percent: percent(self.completed, self.invited),
            median_completion: median_bucket(&self.buckets).map(|b| BUCKET_LABELS[b].to_string()),
        }
    }
}

/// `part` of `whole` as a whole percent, half up; none of nothing.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 200 + whole) / (whole * 2))
}

/// The bucket holding the median of the counts (the lower median for an even total).
pub fn median_bucket(buckets: &[i64; 8]) -> Option<usize> {
    let total: i64 = buckets.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = (total + 1) / 2;
    let mut seen = 0;
    buckets.iter().position(|&n| {
        seen += n;
        seen >= rank
    })
}

/// The funnel over `months`: in total and per client, project and test of the tenant.
pub fn funnel(
    conn: &mut DbConnection,
    tenant: &Tenant,
    months: &[String],
) -> Result<FunnelReport, ApiError> {
    type Row = (
        String,
        String,
        String,
        i32,
        i32,
        i32,
        (i32, i32, i32, i32, i32, i32, i32, i32),
    );
    let first = months.first().cloned().unwrap_or_default();
    let mut query = funnel_months::table
        .filter(funnel_months::month.ge(first))
        .select((
            funnel_months::client_id,
            funnel_months::project_id,
            funnel_months::test_id,
            funnel_months::invited,
            funnel_months::started,
            funnel_months::completed,
            (
                funnel_months::done_1h,
                funnel_months::done_1d,
                funnel_months::done_2d,
                funnel_months::done_3d,
                funnel_months::done_7d,
                funnel_months::done_14d,
                funnel_months::done_30d,
                funnel_months::done_later,
            ),
        ))
        .into_boxed();
    let mut names_query = clients::table
        .select((clients::id, clients::name))
        .into_boxed();
    match tenant {
        Tenant::Reseller { reseller_id } => {
            let ids = clients::table
                .filter(clients::reseller_id.eq(reseller_id.clone()))
                .select(clients::id);
            query = query.filter(funnel_months::client_id.eq_any(ids));
            names_query = names_query.filter(clients::reseller_id.eq(reseller_id.clone()));
        }
        Tenant::Client { client_id } => {
            query = query.filter(funnel_months::client_id.eq(client_id.clone()));
            names_query = names_query.filter(clients::id.eq(client_id.clone()));
        }
    }
    let rows: Vec<Row> = query.load(conn)?;
    let client_names: HashMap<String, String> = names_query.load(conn)?.into_iter().collect();
    let test_names: HashMap<String, String> = tests::table
        .select((tests::id, tests::name))
        .load(conn)?
        .into_iter()
        .collect();
    let mut total = Tally::default();
    let mut by_client: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_project: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_test: BTreeMap<String, Tally> = BTreeMap::new();
    for (client_id, project_id, test_id, inv, sta, com, b) in rows {
        let t = Tally {
            invited: inv.into(),
            started: sta.into(),
            completed: com.into(),
            buckets: [b.0, b.1, b.2, b.3, b.4, b.5, b.6, b.7].map(i64::from),
        };
        total.add(&t);
        by_client.entry(client_id).or_default().add(&t);
        by_project.entry(project_id).or_default().add(&t);
        by_test.entry(test_id).or_default().add(&t);
    }
    let project_ids: Vec<&String> = by_project.keys().collect();
    let project_names: HashMap<String, String> = if project_ids.is_empty() {
        HashMap::new()
    } else {
        projects::table
            .filter(projects::id.eq_any(project_ids))
            .select((projects::id, projects::name))
            .load(conn)?
            .into_iter()
            .collect()
    };
    let rows = |map: BTreeMap<String, Tally>, names: &HashMap<String, String>| {
        let mut rows: Vec<FunnelRow> = map
            .into_iter()
            .map(|(id, t)| {
                let label = names.get(&id).cloned().unwrap_or_else(|| id.clone());
                t.row(id, label)
            })
            .collect();
        rows.sort_by(|a, b| (&a.label, &a.id).cmp(&(&b.label, &b.id)));
        rows
    };
    let reseller = matches!(tenant, Tenant::Reseller { .. });
    Ok(FunnelReport {
        months: months.to_vec(),
        total: total.row(String::new(), "All".to_string()),
        by_client: if reseller {
            rows(by_client, &client_names)
        } else {
            Vec::new()
        },
        by_project: if reseller {
            Vec::new()
        } else {
            rows(by_project, &project_names)
        },
        by_test: rows(by_test, &test_names),
    })
}

/// A client's sten distributions per test (tests with a total score that were completed).
pub fn scores(conn: &mut DbConnection, client_id: &str) -> Result<ScoreReport, ApiError> {
    let rows: Vec<(String, String, i32, i32)> = sten_counts::table
        .inner_join(tests::table)
        .filter(sten_counts::client_id.eq(client_id))
        .select((
            sten_counts::test_id,
            tests::name,
            sten_counts::sten,
            sten_counts::candidates,
        ))
        .order((
            tests::position.asc(),
            tests::name.asc(),
            sten_counts::sten.asc(),
        ))
        .load(conn)?;
    let mut tests: Vec<StenDistribution> = Vec::new();
    for (test_id, test_name, sten, n) in rows {
        if tests.last().map(|t| &t.test_id) != Some(&test_id) {
            tests.push(StenDistribution {
                test_id: test_id.clone(),
                test_name,
                counts: vec![0; 10],
                total: 0,
            });
        }
        if let Some(t) = tests.last_mut() {
            if (1..=10).contains(&sten) {
                t.counts[(sten - 1) as usize] += i64::from(n);
                t.total += i64::from(n);
            }
        }
    }
    Ok(ScoreReport { tests })
}

/// The vendor's revenue per reseller and currency per month (invoices and credit notes that
/// are not void) and each reseller's credits outstanding (its clients' balances).
pub fn revenue(conn: &mut DbConnection, months: &[String]) -> Result<RevenueReport, ApiError> {
    let first = months.first().cloned().unwrap_or_default();
    let docs: Vec<(String, String, String, i64)> = invoices::table
        .filter(invoices::period.ge(first))
        .filter(invoices::status.ne(InvoiceStatus::Void.as_str()))
        .select((
            invoices::reseller_id,
            invoices::currency,
            invoices::period,
            invoices::total_minor,
        ))
        .load(conn)?;
    let names: HashMap<String, String> = resellers::table
        .select((resellers::id, resellers::name))
        .load(conn)?
        .into_iter()
        .collect();
    let mut sums: BTreeMap<(String, String), HashMap<String, i64>> = BTreeMap::new();
    for (reseller_id, currency, period, total) in docs {
        *sums
            .entry((reseller_id, currency))
            .or_default()
            .entry(period)
            .or_default() += total;
    }
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_default();
    let mut revenue: Vec<ResellerRevenue> = sums
        .into_iter()
        .map(|((reseller_id, currency), by_month)| {
            let months: Vec<MonthRevenue> = months
                .iter()
                .map(|m| MonthRevenue {
                    month: m.clone(),
                    amount_minor: by_month.get(m).copied().unwrap_or(0),
                })
                .collect();
            ResellerRevenue {
                reseller_name: name_of(&reseller_id),
                reseller_id,
                currency,
                total_minor: months.iter().map(|m| m.amount_minor).sum(),
                months,
            }
        })
        .collect();
    revenue.sort_by(|a, b| {
        (&a.reseller_name, &a.currency, &a.reseller_id).cmp(&(
            &b.reseller_name,
            &b.currency,
            &b.reseller_id,
        ))
    });
    let balances: Vec<(String, i64)> = clients::table
        .select((clients::reseller_id, clients::credit_balance))
        .load(conn)?;
    let mut outstanding: BTreeMap<String, i64> = names.keys().map(|k| (k.clone(), 0)).collect();
    for (reseller_id, balance) in balances {
        *outstanding.entry(reseller_id).or_default() += balance;
    }
    let mut outstanding: Vec<ResellerOutstanding> = outstanding
        .into_iter()
        .map(|(reseller_id, credits)| ResellerOutstanding {
            reseller_name: name_of(&reseller_id),
            reseller_id,
            credits,
        })
        .collect();
    outstanding.sort_by(|a, b| {
        (&a.reseller_name, &a.reseller_id).cmp(&(&b.reseller_name, &b.reseller_id))
    });
    Ok(RevenueReport {
        months: months.to_vec(),
        revenue,
        outstanding,
    })
}

#[cfg(test)]
mod unit_tests {
    use super::super::rollup::BUCKET_HOURS;
    use super::*;

    #[test]
    fn the_median_bucket_and_percentages() {
        assert_eq!(median_bucket(&[0; 8]), None);
        assert_eq!(median_bucket(&[1, 0, 0, 0, 0, 0, 0, 0]), Some(0));
        // 1, 1, 3 → the second falls in bucket 1.
        assert_eq!(median_bucket(&[1, 1, 0, 1, 0, 0, 0, 0]), Some(1));
        // 4 values: the lower median (2nd).
        assert_eq!(median_bucket(&[1, 0, 1, 1, 0, 0, 0, 1]), Some(2));
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 2), Some(50));
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(0, 0), None);
        assert_eq!(BUCKET_HOURS.len() + 1, BUCKET_LABELS.len());
    }
}
