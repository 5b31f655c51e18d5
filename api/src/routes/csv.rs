//! CSV downloads (RFC 4180), with cells that spreadsheets would run as formulas defused.

use actix_web::HttpResponse;

fn cell(value: &str) -> String {
    // A leading = + - @ makes Excel evaluate the cell: prefix a quote so it stays text.
    let value = if value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

pub fn document(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn download(filename: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// Minor units as a decimal amount (2 decimals), e.g. 80000 → "800.00".
pub fn money(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.abs() / 100, minor.abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_defuses_cells() {
        let doc = document(
            &["a", "b"],
            vec![
                vec!["x,y".into(), "=HYPERLINK(1)".into()],
                vec!["say \"hi\"".into(), "-5".into()],
            ],
        );
        assert_eq!(
            doc,
            "a,b\r\n\"x,y\",'=HYPERLINK(1)\r\n\"say \"\"hi\"\"\",-5\r\n"
        );
        assert_eq!(money(80000), "800.00");
        assert_eq!(money(5), "0.05");
        assert_eq!(money(-150), "-1.50");
    }
}
