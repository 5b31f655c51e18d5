//! Client statements and the reseller's margin: what a reseller charges its clients, from the
//! resale price each credit order copied (`domain::resale`).
//!
//! A **statement** covers one calendar month (UTC) of one client's ledger: the opening balance
//! (the balance after the last entry before the month), the month's entries summed by kind, and
//! a line per order (credits × the order's resale price), per positive adjustment (free) and
//! per return (`credit_returns`: credits taken back × the resale price of the order they came
//! from, oldest order first). Amounts are integers: credits × a price in minor units, never
//! rounded. Orders placed with no resale price are counted as unpriced, not guessed.
//!
//! The **margin** is by billing month, like the vendor's documents: revenue is the resale
//! amount of the orders on that month's invoice less the returns of that month; cost is the
//! total of that month's invoice and credit note (a void document costs nothing); margin is
//! the difference.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use credence_shared::resale::{ClientStatement, MarginMonth, MarginReport, StatementLine};
use credence_shared::{CreditOrderKind, InvoiceStatus, LedgerKind, StatementLineKind};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::schema::{credit_orders, credit_returns, invoices, ledger_entries};
use crate::db::DbConnection;
use crate::domain::calendar::BillingClock;
use crate::domain::clients::ClientRow;
use crate::domain::orders::{reseller_currency, OrderRow};
use crate::domain::usage;
use crate::error::{ApiError, FieldIssue};

/// A calendar month: `YYYY-MM` and the instants it starts and ends (exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub period: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Month {
    /// `YYYY-MM`, years 2000 to 2999.
    pub fn parse(raw: &str) -> Result<Month, FieldIssue> {
        let bad = || FieldIssue::new("invalid_period", "Use a month as YYYY-MM, e.g. 2026-03.");
        let (year, month) = raw.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        if !(2000..=2999).contains(&year) {
            return Err(bad());
        }
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        Ok(Month::starting(first))
    }

    fn starting(first: NaiveDate) -> Month {
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first);
        Month {
            period: format!("{:04}-{:02}", first.year(), first.month()),
            start: first.and_time(chrono::NaiveTime::MIN),
            end: next.and_time(chrono::NaiveTime::MIN),
        }
    }
}

/// The ledger's movements in a month, summed by what they were.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Movements {
    added: i64,
    granted: i64,
    used: i64,
    refunded: i64,
    taken_back: i64,
}

impl Movements {
    fn add(&mut self, kind: LedgerKind, gains: i64, losses: i64) {
        match kind {
            LedgerKind::Initial | LedgerKind::Order => self.added += gains + losses,
            LedgerKind::InviteCharge => self.used -= gains + losses,
            LedgerKind::Refund => self.refunded += gains + losses,
            LedgerKind::Adjustment => {
                self.granted += gains;
                self.taken_back -= losses;
            }
        }
    }

    fn net(&self) -> i64 {
        self.added + self.granted - self.used + self.refunded - self.taken_back
    }
}

/// The client's statement for `month`.
pub fn statement(
    conn: &mut DbConnection,
    client: &ClientRow,
    month: &Month,
) -> Result<ClientStatement, ApiError> {
    let opening: i64 = ledger_entries::table
        .filter(ledger_entries::client_id.eq(&client.id))
        .filter(ledger_entries::created_at.lt(month.start))
        .order((ledger_entries::created_at.desc(), ledger_entries::id.desc()))
        .select(ledger_entries::balance_after)
        .first(conn)
        .optional()?
        .unwrap_or(0);
    let in_month = ledger_entries::created_at
        .ge(month.start)
        .and(ledger_entries::created_at.lt(month.end));
    let sums: Vec<(String, i64, i64)> = ledger_entries::table
        .filter(ledger_entries::client_id.eq(&client.id))
        .filter(in_month)
        .group_by(ledger_entries::kind)
        .select((
            ledger_entries::kind,
            sql::<BigInt>("CAST(SUM(CASE WHEN delta > 0 THEN delta ELSE 0 END) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(CASE WHEN delta < 0 THEN delta ELSE 0 END) AS BIGINT)"),
        ))
        .load(conn)?;
    let mut moved = Movements::default();
    for (kind, gains, losses) in sums {
        let kind = kind.parse::<LedgerKind>().map_err(ApiError::internal)?;
        moved.add(kind, gains, losses);
    }

    let mut lines = Vec::new();
    let orders: Vec<OrderRow> = credit_orders::table
        .filter(credit_orders::client_id.eq(&client.id))
        .filter(credit_orders::created_at.ge(month.start))
        .filter(credit_orders::created_at.lt(month.end))
        .order((credit_orders::created_at.asc(), credit_orders::id.asc()))
        .load(conn)?;
    for order in &orders {
        let (kind, what) = match order.kind {
            CreditOrderKind::Initial => (StatementLineKind::Initial, "Opening credits"),
            CreditOrderKind::Order => (StatementLineKind::Order, "Credits ordered"),
        };
        let description = match &order.po_reference {
            Some(po) => format!("{what} (PO {po})"),
            None => what.to_string(),
        };
        lines.push(priced_line(
            order.created_at,
            kind,
            description,
            order.credits,
            order.resale_price_minor,
        ));
    }
    let grants: Vec<(NaiveDateTime, i64, Option<String>)> = ledger_entries::table
        .filter(ledger_entries::client_id.eq(&client.id))
        .filter(in_month)
        .filter(ledger_entries::kind.eq(LedgerKind::Adjustment.as_str()))
        .filter(ledger_entries::delta.gt(0i64))
        .order((ledger_entries::created_at.asc(), ledger_entries::id.asc()))
        .select((
            ledger_entries::created_at,
            ledger_entries::delta,
            ledger_entries::reason,
        ))
        .load(conn)?;
    for (at, credits, reason) in grants {
        lines.push(StatementLine {
            date: at.and_utc(),
            kind: StatementLineKind::Grant,
            description: reason.unwrap_or_else(|| "Credits added free of charge".into()),
            credits,
            unit_price_minor: None,
            amount_minor: Some(0),
        });
    }
    let returns: Vec<(NaiveDateTime, i64, NaiveDateTime, Option<i64>)> = credit_returns::table
        .inner_join(credit_orders::table)
        .filter(credit_returns::client_id.eq(&client.id))
        .filter(credit_returns::created_at.ge(month.start))
        .filter(credit_returns::created_at.lt(month.end))
        .order((credit_returns::created_at.asc(), credit_returns::id.asc()))
        .select((
            credit_returns::created_at,
            credit_returns::credits,
            credit_orders::created_at,
            credit_orders::resale_price_minor,
        ))
        .load(conn)?;
    for (at, credits, ordered_at, price) in returns {
        lines.push(priced_line(
            at,
            StatementLineKind::Return,
            format!(
                "Credits taken back (ordered {})",
                ordered_at.format("%Y-%m-%d")
            ),
            -credits,
            price,
        ));
    }
    lines.sort_by_key(|l| l.date);

    let resale_amount_minor = lines.iter().filter_map(|l| l.amount_minor).sum();
    let unpriced_credits = lines
        .iter()
        .filter(|l| l.amount_minor.is_none())
        .map(|l| l.credits)
        .sum();
    Ok(ClientStatement {
        client_id: client.id.clone(),
        client_code: client.code.clone(),
        client_name: client.name.clone(),
        period: month.period.clone(),
        currency: reseller_currency(conn, &client.reseller_id)?,
        opening_balance: opening,
        credits_added: moved.added,
        credits_granted: moved.granted,
        credits_used: moved.used,
        credits_refunded: moved.refunded,
        credits_taken_back: moved.taken_back,
        closing_balance: opening + moved.net(),
        resale_amount_minor,
        unpriced_credits,
        lines,
    })
}

fn priced_line(
    at: NaiveDateTime,
    kind: StatementLineKind,
    description: String,
    credits: i64,
    price: Option<i64>,
) -> StatementLine {
    StatementLine {
        date: at.and_utc(),
        kind,
        description,
        credits,
        unit_price_minor: price,
        amount_minor: price.map(|p| credits * p),
    }
}

/// The reseller's revenue, cost and margin for the `months` billing months up to the open one.
pub fn margins(
    conn: &mut DbConnection,
    clock: &BillingClock,
    reseller_id: &str,
    months: u32,
) -> Result<MarginReport, ApiError> {
    let periods = usage::months_ending(clock.now().date(), months);
    let first = periods.first().cloned().unwrap_or_default();
    let priced_amount = "CAST(COALESCE(SUM(CASE WHEN credit_orders.resale_price_minor IS NULL THEN 0 ELSE {n} * credit_orders.resale_price_minor END), 0) AS BIGINT)";
    let unpriced = "CAST(COALESCE(SUM(CASE WHEN credit_orders.resale_price_minor IS NULL THEN {n} ELSE 0 END), 0) AS BIGINT)";
    let sold: HashMap<String, (i64, i64, i64)> = credit_orders::table
        .inner_join(invoices::table)
        .filter(credit_orders::reseller_id.eq(reseller_id))
        .filter(invoices::period.ge(&first))
        .group_by(invoices::period)
        .select((
            invoices::period,
            sql::<BigInt>("CAST(COALESCE(SUM(credit_orders.credits), 0) AS BIGINT)"),
            sql::<BigInt>(&unpriced.replace("{n}", "credit_orders.credits")),
            sql::<BigInt>(&priced_amount.replace("{n}", "credit_orders.credits")),
        ))
        .load::<(String, i64, i64, i64)>(conn)?
        .into_iter()
        .map(|(p, c, u, a)| (p, (c, u, a)))
        .collect();
    let returned: HashMap<String, (i64, i64, i64)> = credit_returns::table
        .inner_join(credit_orders::table)
        .filter(credit_orders::reseller_id.eq(reseller_id))
        .filter(credit_returns::period.ge(&first))
        .group_by(credit_returns::period)
        .select((
            credit_returns::period,
            sql::<BigInt>("CAST(COALESCE(SUM(credit_returns.credits), 0) AS BIGINT)"),
            sql::<BigInt>(&unpriced.replace("{n}", "credit_returns.credits")),
            sql::<BigInt>(&priced_amount.replace("{n}", "credit_returns.credits")),
        ))
        .load::<(String, i64, i64, i64)>(conn)?
        .into_iter()
        .map(|(p, c, u, a)| (p, (c, u, a)))
        .collect();
    let cost: HashMap<String, i64> = invoices::table
        .filter(invoices::reseller_id.eq(reseller_id))
        .filter(invoices::period.ge(&first))
        .filter(invoices::status.ne(InvoiceStatus::Void.as_str()))
        .group_by(invoices::period)
        .select((
            invoices::period,
            sql::<BigInt>("CAST(COALESCE(SUM(total_minor), 0) AS BIGINT)"),
        ))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let months = periods
        .into_iter()
        .map(|period| {
            let (credits, unpriced, amount) = sold.get(&period).copied().unwrap_or_default();
            let (back, back_unpriced, back_amount) =
                returned.get(&period).copied().unwrap_or_default();
            let cost_minor = cost.get(&period).copied().unwrap_or(0);
            let revenue_minor = amount - back_amount;
            MarginMonth {
                credits_sold: credits - back,
                unpriced_credits: unpriced - back_unpriced,
                revenue_minor,
                cost_minor,
                margin_minor: revenue_minor - cost_minor,
                period,
            }
        })
        .collect();
    Ok(MarginReport {
        currency: reseller_currency(conn, reseller_id)?,
        months,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_yyyy_mm_and_runs_to_the_next_first() {
        let m = Month::parse("2026-12").unwrap();
        assert_eq!(m.period, "2026-12");
        assert_eq!(m.start.to_string(), "2026-12-01 00:00:00");
        assert_eq!(m.end.to_string(), "2027-01-01 00:00:00");
        for bad in [
            "2026-13", "2026-00", "26-01", "2026-1", "2026/01", "abcd-ef", "1999-12", "",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn movements_split_adjustments_into_grants_and_returns() {
        let mut m = Movements::default();
        m.add(LedgerKind::Initial, 100, 0);
        m.add(LedgerKind::Order, 50, 0);
        m.add(LedgerKind::InviteCharge, 0, -7);
        m.add(LedgerKind::Refund, 2, 0);
        m.add(LedgerKind::Adjustment, 5, -20);
        assert_eq!(
            m,
            Movements {
                added: 150,
                granted: 5,
                used: 7,
                refunded: 2,
                taken_back: 20
            }
        );
        assert_eq!(m.net(), 130);
    }
}
