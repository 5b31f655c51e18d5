//! When each client runs out of credits at its recent pace.
//!
//! The rule: the pace is the credits used in the last 30 days (today and the 29 days before,
//! UTC; charges net of refunds, from `usage_days`) ÷ 30 per day; days left = balance ÷ pace,
//! rounded down (= balance × 30 ÷ used, in integers), and the run-out day is today + days left.
//! No use (or more refunded than charged) means no forecast. Adjustments and purchases do not
//! count as use.

use chrono::{Duration, NaiveDate};
use credence_shared::analytics::{ClientForecast, ForecastReport};
use credence_shared::ClientStatus;
use diesel::prelude::*;
use std::collections::HashMap;

use crate::db::schema::{clients, usage_days};
use crate::db::DbConnection;
use crate::error::ApiError;

/// The days the pace is taken over.
pub const WINDOW_DAYS: i64 = 30;

/// Days left and the run-out day for a balance after `used` credits in the last 30 days.
pub fn run_out(balance: i64, used: i64, today: NaiveDate) -> (Option<i64>, Option<NaiveDate>) {
    if used <= 0 {
        return (None, None);
    }
    let days = balance.max(0) * WINDOW_DAYS / used;
    (Some(days), today.checked_add_signed(Duration::days(days)))
}

/// The first day of the window ending `today`.
pub fn window_start(today: NaiveDate) -> NaiveDate {
    today - Duration::days(WINDOW_DAYS - 1)
}

/// Every active client of a reseller: soonest to run out first, then those with no recent use
/// (by name).
pub fn for_reseller(
    conn: &mut DbConnection,
    reseller_id: &str,
    today: NaiveDate,
) -> Result<ForecastReport, ApiError> {
    let rows: Vec<(String, String, String, i64, i64)> = clients::table
        .filter(clients::reseller_id.eq(reseller_id))
        .filter(clients::status.eq(ClientStatus::Active.as_str()))
        .select((
            clients::id,
            clients::code,
            clients::name,
            clients::credit_balance,
            clients::credit_threshold,
        ))
        .load(conn)?;
    let from = window_start(today).format("%Y-%m-%d").to_string();
    let to = today.format("%Y-%m-%d").to_string();
    let days: Vec<(String, i64, i64)> = usage_days::table
        .filter(usage_days::reseller_id.eq(reseller_id))
        .filter(usage_days::day.ge(&from))
        .filter(usage_days::day.le(&to))
        .select((
            usage_days::client_id,
            usage_days::used,
            usage_days::refunded,
        ))
        .load(conn)?;
    let mut used: HashMap<String, i64> = HashMap::new();
    for (client_id, u, r) in days {
        *used.entry(client_id).or_default() += u - r;
    }
    let mut clients: Vec<ClientForecast> = rows
        .into_iter()
        .map(|(id, code, name, balance, threshold)| {
            let used_last_30_days = used.get(&id).copied().unwrap_or(0);
            let (days_left, runs_out_on) = run_out(balance, used_last_30_days, today);
            ClientForecast {
                client_id: id,
                client_code: code,
                client_name: name,
                balance,
                threshold,
                below_threshold: balance < threshold,
                used_last_30_days,
                days_left,
                runs_out_on,
            }
        })
        .collect();
    clients.sort_by(|a, b| {
        (a.days_left.is_none(), a.days_left, &a.client_name).cmp(&(
            b.days_left.is_none(),
            b.days_left,
            &b.client_name,
        ))
    });
    Ok(ForecastReport {
        as_of: today,
        clients,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_is_the_balance_at_the_last_30_days_pace() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        // 60 used in 30 days = 2 a day; 45 left = 22 days (rounded down).
        assert_eq!(
            run_out(45, 60, today),
            (Some(22), NaiveDate::from_ymd_opt(2026, 12, 23))
        );
        assert_eq!(run_out(0, 10, today), (Some(0), Some(today)));
        assert_eq!(run_out(100, 0, today), (None, None));
        assert_eq!(run_out(100, -3, today), (None, None));
        assert_eq!(
            window_start(today),
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
        );
    }
}
