//! The billing calendar: which month is open for orders and which drafts may be issued.
//!
//! Production reads the wall clock. A test or demo server may start the calendar at a fixed
//! instant (`CREDENCE_BILLING_CLOCK`), from which it runs at normal speed, so a run that
//! crosses midnight at a month's end does not see its open month close under it.

use chrono::{Datelike, NaiveDateTime, TimeDelta};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BillingClock {
    offset: TimeDelta,
}

impl BillingClock {
    /// The wall clock.
    pub fn system() -> BillingClock {
        BillingClock::default()
    }

    /// A clock that reads `start` now and runs forward from there.
    pub fn starting_at(start: NaiveDateTime) -> BillingClock {
        BillingClock {
            offset: start - crate::db::now(),
        }
    }

    pub fn now(&self) -> NaiveDateTime {
        crate::db::now() + self.offset
    }

    /// The open month, `YYYY-MM`.
    pub fn open_period(&self) -> String {
        period_of(self.now())
    }
}

/// The calendar month (UTC) of an instant, `YYYY-MM`.
pub fn period_of(at: NaiveDateTime) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_calendar_months() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 31)
            .unwrap()
            .and_hms_opt(23, 59, 59)
            .unwrap();
        assert_eq!(period_of(at), "2026-03");
    }

    #[test]
    fn a_started_clock_reads_its_start_and_runs_forward() {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 6, 15)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let clock = BillingClock::starting_at(start);
        let read = clock.now();
        assert!(
            read >= start && read - start < TimeDelta::seconds(5),
            "{read}"
        );
        assert_eq!(clock.open_period(), "2026-06");
        let wall = BillingClock::system().now();
        assert!((wall - crate::db::now()).num_seconds().abs() < 5);
    }
}
