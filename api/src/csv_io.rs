//! CSV reading and writing (RFC 4180) with the `csv` crate: the one place that knows the
//! format. Written cells that a spreadsheet would run as a formula are defused; read records
//! keep the line they start on, for error reports.

/// A leading = + - @ makes a spreadsheet evaluate the cell: prefix a quote so it stays text.
fn defuse(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err() {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// A whole CSV document: the header, then one line per row, CRLF line ends.
pub fn document(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut text = lines([header.iter().map(|h| h.to_string()).collect()]);
    text.push_str(&lines(rows));
    text
}

/// Rows as CSV lines (CRLF ends), without a header: a streamed download writes its header
/// once and then one batch of lines at a time.
pub fn lines(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        // Writing into memory cannot fail.
        let _ = writer.write_record(row.iter().map(|c| defuse(c).into_owned()));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Minor units as a decimal amount (2 decimals), e.g. 80000 → "800.00".
pub fn money(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.abs() / 100, minor.abs() % 100)
}

/// Every non-empty record as (the line it starts on, its cells). A byte-order mark is ignored;
/// rows may have fewer or more cells than the header; malformed input ends the records at
/// the error, reported as `Err(line)`.
pub fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // The line a record starts on, from the byte offset the reader reports for it (which may
    // point at the line break that ended the record before; quoted cells may span lines).
    let line_at = |byte: u64| {
        let bytes = text.as_bytes();
        let mut at = (byte as usize).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        1 + bytes[..at].iter().filter(|b| **b == b'\n').count()
    };
    let mut out = Vec::new();
    let mut record = ::csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(e.position().map(|p| line_at(p.byte())).unwrap_or(1)),
        }
        let start = record.position().map(|p| line_at(p.byte())).unwrap_or(1);
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if cells.iter().any(|c| !c.trim().is_empty()) {
            out.push((start, cells));
        }
    }
    Ok(out)
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

    #[test]
    fn records_keep_quotes_commas_and_line_numbers() {
        let parsed = records("\u{feff}first_name,last_name,email\r\n\"Ann, Jr\",O'Neil,ann@x.example\n\n\"Bo \"\"B\"\"\",Lee,bo@x.example").unwrap();
        assert_eq!(
            parsed[0],
            (
                1,
                vec!["first_name".to_string(), "last_name".into(), "email".into()]
            )
        );
        assert_eq!(
            parsed[1],
            (
                2,
                vec![
                    "Ann, Jr".to_string(),
                    "O'Neil".into(),
                    "ann@x.example".into()
                ]
            )
        );
        assert_eq!(
            parsed[2],
            (
                4,
                vec!["Bo \"B\"".to_string(), "Lee".into(), "bo@x.example".into()]
            )
        );
    }

    #[test]
    fn what_is_written_reads_back() {
        let doc = document(
            &["name", "note"],
            vec![vec!["Ann".into(), "two\nlines, \"q\"".into()]],
        );
        let back = records(&doc).unwrap();
        assert_eq!(
            back[1].1,
            vec!["Ann".to_string(), "two\nlines, \"q\"".into()]
        );
    }
}
