//! Display helpers: dates and times (also `datetime-local` ↔ UTC), durations, percentages,
//! money in minor units, counted nouns and humanised API words.

use chrono::{DateTime, Utc};
use wasm_bindgen::JsValue;

pub fn date_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn date(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

pub fn percent(p: f64) -> String {
    let s = format!("{p:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// What a billing document is called on a page: "Invoice" or "Credit note".
pub fn document_name(kind: credence_shared::InvoiceKind) -> &'static str {
    match kind {
        credence_shared::InvoiceKind::Invoice => "Invoice",
        credence_shared::InvoiceKind::CreditNote => "Credit note",
    }
}

/// Every currency the platform invoices in, as select options ("USD — US dollar").
pub fn currency_options() -> Vec<(String, String)> {
    credence_shared::CURRENCIES
        .iter()
        .map(|code| {
            let name = match *code {
                "GBP" => "Pound sterling",
                "EUR" => "Euro",
                "USD" => "US dollar",
                "AUD" => "Australian dollar",
                "CAD" => "Canadian dollar",
                "NZD" => "New Zealand dollar",
                "ZAR" => "South African rand",
                "SGD" => "Singapore dollar",
                "CHF" => "Swiss franc",
                "SEK" => "Swedish krona",
                _ => "",
            };
            (code.to_string(), format!("{code} — {name}"))
        })
        .collect()
}

/// Digits after the decimal point of a currency's major unit (ISO 4217 exponent).
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "HUF" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// `1250, "GBP"` → `"12.50"`.
pub fn minor_to_major(minor: i64, currency: &str) -> String {
    let digits = minor_digits(currency);
    if digits == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let scale_u = scale.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale_u,
        abs % scale_u,
        width = digits as usize
    )
}

/// `"12.5", "GBP"` → `Some(1250)`; exact decimal arithmetic, no floats.
pub fn major_to_minor(major: &str, currency: &str) -> Option<i64> {
    let digits = minor_digits(currency) as usize;
    let s = major.trim().replace(',', "");
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, s),
    };
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w.to_string(), f.to_string()),
        None => (s.clone(), String::new()),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > digits
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac_padded = format!("{frac:0<digits$}");
    let frac: i64 = if digits == 0 {
        0
    } else {
        frac_padded.parse().ok()?
    };
    let value = whole
        .checked_mul(10i64.pow(digits as u32))?
        .checked_add(frac)?;
    Some(if neg { -value } else { value })
}

pub fn money(minor: i64, currency: &str) -> String {
    format!("{} {currency}", minor_to_major(minor, currency))
}

/// `emotional_stability` → `Emotional stability`.
pub fn humanise(s: &str) -> String {
    let spaced = s.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `1080` → "18 minutes"; `1350` → "22 minutes 30 seconds".
pub fn duration_text(seconds: i64) -> String {
    fn unit(n: i64, one: &str, many: &str) -> String {
        format!("{n} {}", if n == 1 { one } else { many })
    }
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(unit(h, "hour", "hours"));
    }
    if m > 0 {
        parts.push(unit(m, "minute", "minutes"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(unit(s, "second", "seconds"));
    }
    parts.join(" ")
}

/// A `datetime-local` value (the browser's time zone) as a UTC instant.
pub fn local_input_to_utc(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let d = js_sys::Date::new(&JsValue::from_str(s));
    let ms = d.get_time();
    if ms.is_nan() {
        return None;
    }
    DateTime::<Utc>::from_timestamp_millis(ms as i64)
}

/// A UTC instant as a `datetime-local` value in the browser's time zone.
pub fn utc_to_local_input(t: &DateTime<Utc>) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(t.timestamp_millis() as f64));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// Now, from the browser's clock.
pub fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_round_trips() {
        assert_eq!(minor_to_major(1250, "GBP"), "12.50");
        assert_eq!(minor_to_major(5, "GBP"), "0.05");
        assert_eq!(major_to_minor("12.5", "GBP"), Some(1250));
        assert_eq!(major_to_minor("12", "GBP"), Some(1200));
        assert_eq!(major_to_minor("12.505", "GBP"), None);
        assert_eq!(major_to_minor("abc", "GBP"), None);
        assert_eq!(major_to_minor("300", "JPY"), Some(300));
        assert_eq!(percent(20.0), "20%");
        assert_eq!(percent(12.5), "12.5%");
    }
}
