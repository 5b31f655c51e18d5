//! Domain values that parse instead of validate: once you hold one, it is valid.

use crate::error::FieldIssue;

/// A lower-cased email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, FieldIssue> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(FieldIssue::required());
        }
        let invalid = || {
            FieldIssue::new(
                "invalid_email",
                "Enter an email address like name@example.com.",
            )
        };
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = s.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
            || s.contains(['<', '>', ',', ';', '"'])
        {
            return Err(invalid());
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A required short text (names, titles): trimmed, 1 to `max` characters.
pub fn required_text(raw: &str, max: usize) -> Result<String, FieldIssue> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldIssue::required());
    }
    optional_text(s, max).map(|s| s.unwrap_or_default())
}

/// An optional short text: trimmed; empty means none. One line only: a line break is refused
/// like any other control character (names, titles and codes are shown on one line).
pub fn optional_text(raw: &str, max: usize) -> Result<Option<String>, FieldIssue> {
    checked_text(raw.trim(), max, |_| false)
}

/// An optional multi-line text (addresses, notes, descriptions): trimmed, line endings
/// normalised to `\n`; empty means none. Line breaks are kept; other control characters
/// (tabs, escapes...) are still refused.
pub fn multiline_text(raw: &str, max: usize) -> Result<Option<String>, FieldIssue> {
    let normalised = raw.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalised.lines().map(str::trim_end).collect();
    checked_text(lines.join("\n").trim(), max, |c| c == '\n')
}

fn checked_text(
    s: &str,
    max: usize,
    allowed: impl Fn(char) -> bool,
) -> Result<Option<String>, FieldIssue> {
    if s.chars().count() > max {
        return Err(FieldIssue::new(
            "too_long",
            format!("Use at most {max} characters."),
        ));
    }
    if let Some(c) = s.chars().find(|&c| c.is_control() && !allowed(c)) {
        return Err(FieldIssue::new("invalid_characters", refused_character(c)));
    }
    Ok((!s.is_empty()).then(|| s.to_string()))
}

/// What to do about a character a person cannot see, in plain words.
fn refused_character(c: char) -> String {
    let what = match c {
        '\n' | '\r' | '\u{85}' => {
            return "Remove the line break: this field takes one line.".into()
        }
        '\t' => "a tab",
        '\0' => "a null character",
        '\u{1b}' => "an escape character",
        _ => "an invisible control character",
    };
    format!("Remove the special character ({what}) from this field.")
}

/// `#rrggbb`, lower-cased.
pub fn hex_color(raw: &str) -> Result<String, FieldIssue> {
    let s = raw.trim().to_lowercase();
    if s.is_empty() {
        return Err(FieldIssue::required());
    }
    let ok = s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        Ok(s)
    } else {
        Err(FieldIssue::new(
            "invalid_color",
            "Use a colour like #1f4e79.",
        ))
    }
}

pub use credence_shared::CURRENCIES;

pub fn currency(raw: &str) -> Result<String, FieldIssue> {
    let s = raw.trim().to_uppercase();
    if s.is_empty() {
        return Err(FieldIssue::required());
    }
    if CURRENCIES.contains(&s.as_str()) {
        Ok(s)
    } else {
        Err(FieldIssue::new(
            "invalid_currency",
            format!("Use one of {}.", CURRENCIES.join(", ")),
        ))
    }
}

/// A discount in basis points (hundredths of a percent): 0 to 100 % with at most two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscountPercent(i32);

impl DiscountPercent {
    pub fn parse(raw: Option<f64>) -> Result<DiscountPercent, FieldIssue> {
        let value = raw.ok_or_else(FieldIssue::required)?;
        let bp = (value * 100.0).round();
        if !value.is_finite()
            || !(0.0..=100.0).contains(&value)
            || (value * 100.0 - bp).abs() > 1e-6
        {
            return Err(FieldIssue::new(
                "invalid_discount",
                "Use a percentage from 0 to 100 with at most two decimals.",
            ));
        }
        Ok(DiscountPercent(bp as i32))
    }

    pub fn from_basis_points(bp: i32) -> DiscountPercent {
        DiscountPercent(bp)
    }

    pub fn basis_points(self) -> i32 {
        self.0
    }

    pub fn as_percent(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

/// A host name such as `assess.partner.example` (no scheme, port or path), as its lower-case
/// ASCII form: an international name (`prüfung.partner.example`) becomes its punycode
/// (`xn--prfung-4ya.partner.example`). No port, IP address (v4 or v6) or wildcard; at least
/// two labels of letters, digits and inner hyphens, 63 characters each, 253 in all.
pub fn host(raw: &str) -> Result<Option<String>, FieldIssue> {
    let s = raw.trim();
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() {
        return Ok(None);
    }
    let invalid = || {
        FieldIssue::new(
            "invalid_host",
            "Use a host name like assess.partner.example, without http:// or a path.",
        )
    };
    let ip = || FieldIssue::new("host_ip", "Use a host name, not an IP address.");
    if s.contains("://") || s.contains('/') || s.contains('@') {
        return Err(invalid());
    }
    let bracketed = s.starts_with('[');
    if bracketed || s.parse::<std::net::IpAddr>().is_ok() {
        return Err(ip());
    }
    if s.contains(':') {
        return Err(FieldIssue::new(
            "host_port",
            "Use a host name without a port: the platform answers on the standard ports.",
        ));
    }
    if s.contains('*') {
        return Err(FieldIssue::new(
            "host_wildcard",
            "Use one host name, not a wildcard.",
        ));
    }
    let ascii = idna::domain_to_ascii_strict(s)
        .map_err(|_| invalid())?
        .to_ascii_lowercase();
    // A name whose every label is a number is an IPv4 address in another spelling.
    if ascii.parse::<std::net::IpAddr>().is_ok()
        || ascii
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(ip());
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if ascii.len() <= 253 && ascii.contains('.') && ascii.split('.').all(label_ok) {
        Ok(Some(ascii))
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(
            Email::parse("  Jane@Example.COM ").unwrap().as_str(),
            "jane@example.com"
        );
        for bad in [
            "",
            "jane",
            "jane@",
            "@x.io",
            "jane@localhost",
            "a b@x.io",
            "a@x..io",
            "a@b@c.io",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn discounts_have_at_most_two_decimals_within_0_and_100() {
        assert_eq!(
            DiscountPercent::parse(Some(12.5)).unwrap().basis_points(),
            1250
        );
        assert_eq!(
            DiscountPercent::parse(Some(33.33)).unwrap().basis_points(),
            3333
        );
        assert_eq!(DiscountPercent::parse(Some(0.0)).unwrap().basis_points(), 0);
        assert!(DiscountPercent::parse(Some(12.345)).is_err());
        assert!(DiscountPercent::parse(Some(-1.0)).is_err());
        assert!(DiscountPercent::parse(Some(100.01)).is_err());
        assert_eq!(DiscountPercent::parse(None).unwrap_err().code, "required");
    }

    #[test]
    fn multi_line_texts_keep_line_breaks_and_refuse_other_control_characters() {
        assert_eq!(
            multiline_text("  1 Walk Street\r\nLondon \r\n", 100)
                .unwrap()
                .as_deref(),
            Some("1 Walk Street\nLondon")
        );
        assert_eq!(
            multiline_text("a\rb", 100).unwrap().as_deref(),
            Some("a\nb")
        );
        assert_eq!(multiline_text(" \n ", 100).unwrap(), None);
        let tab = multiline_text("a\tb", 100).unwrap_err();
        assert_eq!(tab.code, "invalid_characters");
        assert_eq!(
            tab.message,
            "Remove the special character (a tab) from this field."
        );
        assert!(multiline_text("a\u{7}b", 100).is_err());
        assert!(multiline_text(&"x".repeat(101), 100).is_err());
    }

    #[test]
    fn single_line_texts_refuse_line_breaks_in_plain_words() {
        let issue = optional_text("Jane\nDoe", 100).unwrap_err();
        assert_eq!(issue.code, "invalid_characters");
        assert!(!issue.message.contains("Control"), "{}", issue.message);
        assert_eq!(
            issue.message,
            "Remove the line break: this field takes one line."
        );
        assert!(required_text("Jane\tDoe", 100).is_err());
        assert_eq!(
            optional_text(" Jane ", 100).unwrap().as_deref(),
            Some("Jane")
        );
    }

    #[test]
    fn colours_currencies_and_hosts() {
        assert_eq!(hex_color("#ABCDEF").unwrap(), "#abcdef");
        assert!(hex_color("red").is_err());
        assert_eq!(currency("gbp").unwrap(), "GBP");
        assert!(currency("XXX").is_err());
        assert_eq!(
            host("Assess.Partner.example").unwrap().as_deref(),
            Some("assess.partner.example")
        );
        assert_eq!(host("").unwrap(), None);
        assert!(host("https://x.example/path").is_err());
        assert_eq!(
            host(" Prüfung.Partner.example. ").unwrap().as_deref(),
            Some("xn--prfung-4ya.partner.example")
        );
        let code = |raw: &str| host(raw).unwrap_err().code;
        assert_eq!(code("assess.partner.example:8443"), "host_port");
        assert_eq!(code("192.0.2.7"), "host_ip");
        assert_eq!(code("[2001:db8::1]"), "host_ip");
        assert_eq!(code("2001:db8::1"), "host_ip");
        assert_eq!(code("１９２.０.２.７"), "host_ip");
        assert_eq!(code("*.partner.example"), "host_wildcard");
        assert_eq!(code("localhost"), "invalid_host");
        assert_eq!(code("-bad.example"), "invalid_host");
        assert_eq!(code("a..example"), "invalid_host");
        assert_eq!(code(&format!("{}.example", "a".repeat(64))), "invalid_host");
    }
}
