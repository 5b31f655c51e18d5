//! Usage analytics: rollups kept with the writes (`rollup`), the reports read from them
//! (`reports`: credits per month, the invitation funnel, score distributions, the vendor's
//! revenue) and the run-out forecast (`forecast`).

pub mod forecast;
pub mod reports;
pub mod rollup;

use chrono::{Datelike, NaiveDate};

use crate::error::{ApiError, Validator};

/// The most months a report covers.
pub const MAX_MONTHS: u32 = 24;

/// `n` months (`YYYY-MM`) ending with `today`'s, oldest first.
pub fn months_ending(today: NaiveDate, n: u32) -> Vec<String> {
    let mut months = Vec::with_capacity(n as usize);
    let (mut y, mut m) = (today.year(), today.month());
    for _ in 0..n {
        months.push(format!("{y:04}-{m:02}"));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    months.reverse();
    months
}

/// The `months` a report asks for: 1 to [`MAX_MONTHS`], 12 when absent; anything else is a
/// 422 naming the field.
pub fn parse_months(raw: Option<&str>) -> Result<u32, ApiError> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(12);
    };
    match raw.parse::<u32>() {
        Ok(n) if (1..=MAX_MONTHS).contains(&n) => Ok(n),
        _ => {
            let mut v = Validator::new();
            v.add(
                "months",
                "out_of_range",
                format!("Months must be a whole number from 1 to {MAX_MONTHS}."),
            );
            v.finish()?;
            Ok(12)
        }
    }
}

/// Today, UTC.
pub fn today() -> NaiveDate {
    crate::db::now().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_end_with_this_one_across_a_new_year() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 14).unwrap();
        let months = months_ending(d, 12);
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], "2025-03");
        assert_eq!(months[10], "2026-01");
        assert_eq!(months[11], "2026-02");
        assert_eq!(months_ending(d, 1), ["2026-02"]);
        assert_eq!(parse_months(None).unwrap(), 12);
        assert_eq!(parse_months(Some("24")).unwrap(), 24);
        assert!(parse_months(Some("0")).is_err());
        assert!(parse_months(Some("25")).is_err());
        assert!(parse_months(Some("x")).is_err());
    }
}
