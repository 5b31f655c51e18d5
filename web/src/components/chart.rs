//! `BarChart`: a bar chart drawn by hand in SVG (stacked when it has several series), with a
//! `<title>` tooltip on each bar, `role="img"` and an `aria-label` saying what it shows, a
//! legend, the same numbers as a table below it (the fallback for screen readers and for
//! copying) and a "Download CSV" button for the report's CSV sibling. No charting crate: the
//! SVG is one string, so the chart costs the bundles little.

use leptos::prelude::*;

use crate::api;
use crate::components::toast::use_toasts;
use crate::format;

/// One layer of the bars (a client, a reseller) or the only one.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    pub values: Vec<i64>,
}

/// What a chart draws: a bar per category, a segment per series.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    /// Says what the chart shows (its `aria-label`, the table's caption).
    pub title: String,
    /// The table's first column heading ("Month", "Test"…).
    pub category_heading: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// Amounts in this currency's minor units; counts when `None`.
    pub currency: Option<String>,
}

impl ChartData {
    fn value(&self, v: i64) -> String {
        match &self.currency {
            Some(c) => format::money(v, c),
            None => v.to_string(),
        }
    }

    /// Whether every value is zero (nothing to draw: the page shows its empty state).
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.values.iter().all(|v| *v == 0))
    }
}

/// "2026-05" → "May 2026".
pub fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (year, m) = month.split_once('-').unwrap_or((month, ""));
    match m.parse::<usize>() {
        Ok(n) if (1..=12).contains(&n) => format!("{} {year}", NAMES[n - 1]),
        _ => month.to_string(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const W: i64 = 640;
const H: i64 = 240;
const LEFT: i64 = 56;
const BOTTOM: i64 = 40;
const TOP: i64 = 12;

/// The SVG: negative values (more refunded than used) draw as zero; the table shows them.
fn svg(data: &ChartData) -> String {
    let n = data.categories.len().max(1) as i64;
    let totals: Vec<i64> = (0..data.categories.len())
        .map(|i| {
            data.series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0).max(0))
                .sum()
        })
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT) / n;
    let bar = (slot * 7 / 10).max(2);
    let mut out = format!(
        r#"<svg viewBox="0 0 {W} {H}" role="img" aria-label="{}" class="chart-svg" preserveAspectRatio="xMidYMid meet">"#,
        escape(&data.title)
    );
    for (frac, label) in [(0, 0), (1, max / 2), (2, max)] {
        let y = TOP + plot_h - plot_h * frac / 2;
        let text = if frac == 1 && max / 2 == 0 {
            String::new()
        } else {
            data.value(label)
        };
        out += &format!(
            r#"<line x1="{LEFT}" x2="{W}" y1="{y}" y2="{y}" class="chart-grid"/><text x="{}" y="{}" class="chart-axis" text-anchor="end">{}</text>"#,
            LEFT - 6,
            y + 4,
            escape(&text)
        );
    }
    for (i, category) in data.categories.iter().enumerate() {
        let x = LEFT + slot * i as i64 + (slot - bar) / 2;
        let mut y = TOP + plot_h;
        for (k, s) in data.series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0);
            let h = plot_h * v.max(0) / max;
            if h <= 0 {
                continue;
            }
            y -= h;
            let tip = if data.series.len() > 1 {
                format!("{}, {category}: {}", s.label, data.value(v))
            } else {
                format!("{category}: {}", data.value(v))
            };
            out += &format!(
                r#"<rect x="{x}" y="{y}" width="{bar}" height="{h}" class="chart-s{}" data-value="{v}"><title>{}</title></rect>"#,
                k % 8,
                escape(&tip)
            );
        }
        // Every label when they fit, else every other one.
        if n <= 12 || i % 2 == 0 {
            out += &format!(
                r#"<text x="{}" y="{}" class="chart-axis" text-anchor="middle">{}</text>"#,
                x + bar / 2,
                H - BOTTOM + 16,
                escape(category)
            );
        }
    }
    out += "</svg>";
    out
}

/// A table as HTML (every cell escaped): a header row, then rows whose first cell is their
/// heading. A string, like the SVG, so the tables of every report cost the bundles one function.
/// `numeric` marks the columns after the first that hold numbers (right-aligned).
pub fn table_html(caption: &str, heads: &[String], rows: &[Vec<String>], numeric: bool) -> String {
    let class = if numeric { r#" class="num""# } else { "" };
    let mut out = format!(
        r#"<table class="table"><caption class="sr-only">{}</caption><thead><tr>"#,
        escape(caption)
    );
    for (i, h) in heads.iter().enumerate() {
        out += &format!(
            r#"<th scope="col"{}>{}</th>"#,
            if i > 0 { class } else { "" },
            escape(h)
        );
    }
    out += "</tr></thead><tbody>";
    for row in rows {
        out += r#"<tr data-testid="table-row">"#;
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                out += &format!(r#"<th scope="row">{}</th>"#, escape(cell));
            } else {
                out += &format!("<td{class}>{}</td>", escape(cell));
            }
        }
        out += "</tr>";
    }
    out += "</tbody></table>";
    out
}

/// A "Download CSV" button for a report's CSV sibling (`path` under `/api/v1`).
#[component]
pub fn CsvButton(path: String, name: String) -> impl IntoView {
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let file = StoredValue::new((path, name));
    let download = move |_| {
        busy.set(true);
        let (path, name) = file.get_value();
        leptos::task::spawn_local(async move {
            if let Err(e) = api::download_analytics_csv(&path, &name).await {
                toasts.problem(&e);
            }
            busy.set(false);
        });
    };
    view! {
        <button type="button" class="btn btn-small" data-testid="download-csv" on:click=download disabled=move || busy.get()>
            "Download CSV"
        </button>
    }
}

/// The chart, its legend, its table (in a `<details>`) and its CSV download (`csv_path` under
/// `/api/v1`).
#[component]
pub fn BarChart(
    data: ChartData,
    #[prop(into)] testid: String,
    #[prop(into)] csv_path: String,
    #[prop(into)] csv_name: String,
) -> impl IntoView {
    let stacked = data.series.len() > 1;
    let mut legend = String::new();
    if stacked {
        legend += r#"<ul class="chart-legend" aria-hidden="true">"#;
        for (k, s) in data.series.iter().enumerate() {
            legend += &format!(
                r#"<li><span class="chart-swatch chart-s{}"></span>{}</li>"#,
                k % 8,
                escape(&s.label)
            );
        }
        legend += "</ul>";
    }
    let mut heads = vec![data.category_heading.clone()];
    heads.extend(data.series.iter().map(|s| s.label.clone()));
    if stacked {
        heads.push("Total".into());
    }
    let rows: Vec<Vec<String>> = data
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let cells: Vec<i64> = data
                .series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .collect();
            let mut row = vec![c.clone()];
            row.extend(cells.iter().map(|v| data.value(*v)));
            if stacked {
                row.push(data.value(cells.iter().sum()));
            }
            row
        })
        .collect();
    let table = table_html(&data.title, &heads, &rows, true);
    view! {
        <figure class="chart" data-testid=testid>
            <div class="chart-frame" inner_html=svg(&data) + &legend></div>
            <details class="chart-table">
                <summary>"Show as a table"</summary>
                <div class="table-wrap" tabindex="0" role="region" aria-label=data.title.clone() inner_html=table></div>
            </details>
            <CsvButton path=csv_path name=csv_name />
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_read_as_words_and_labels_are_escaped() {
        assert_eq!(month_label("2026-05"), "May 2026");
        assert_eq!(month_label("2026-13"), "2026-13");
        let data = ChartData {
            title: "A <b> & c".into(),
            category_heading: "Month".into(),
            categories: vec!["May".into(), "Jun".into()],
            series: vec![
                Series {
                    label: "X".into(),
                    values: vec![2, -1],
                },
                Series {
                    label: "Y".into(),
                    values: vec![2, 0],
                },
            ],
            currency: None,
        };
        let s = svg(&data);
        assert!(s.contains(r#"aria-label="A &lt;b&gt; &amp; c""#));
        assert_eq!(
            s.matches("<rect").count(),
            2,
            "zero and negative draw nothing"
        );
        assert!(s.contains("<title>X, May: 2</title>"));
        assert!(!data.is_empty());
        let t = table_html(
            "T",
            &["A".into(), "B".into()],
            &[vec!["x<".into(), "1".into()]],
            true,
        );
        assert!(t.contains(r#"<th scope="row">x&lt;</th><td class="num">1</td>"#));
    }
}
