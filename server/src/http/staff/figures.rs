//! How figures read on staff pages: shares in percent with their interval and denominator,
//! and one mark for every hidden figure (the same as in every export's legend).

use crate::domain::results::Estimate;
use veilig_frontend::staff::ExportLink;

pub use crate::export::SUPPRESSED as HIDDEN;

pub fn count(n: Option<u64>) -> String {
    n.map(|n| n.to_string())
        .unwrap_or_else(|| HIDDEN.to_string())
}

/// "81% (80–82%)".
pub fn share(e: Option<Estimate>) -> String {
    match e {
        Some(e) => format!(
            "{:.0}% ({:.0}–{:.0}%)",
            e.value * 100.0,
            e.low * 100.0,
            e.high * 100.0
        ),
        None => HIDDEN.to_string(),
    }
}

/// "81% (80–82%), n 4735".
pub fn share_of(e: Option<Estimate>, n: Option<u64>) -> String {
    match (e, n) {
        (Some(_), Some(n)) => format!("{}, n {n}", share(e)),
        _ => HIDDEN.to_string(),
    }
}

/// (value, low, high) in percent, for a chart.
pub fn chart(e: Option<Estimate>) -> Option<(f64, f64, f64)> {
    e.map(|e| (e.value * 100.0, e.low * 100.0, e.high * 100.0))
}

/// "4.21 (4.18–4.24)".
pub fn mean(e: Option<Estimate>) -> String {
    match e {
        Some(e) => format!("{:.2} ({:.2}–{:.2})", e.value, e.low, e.high),
        None => HIDDEN.to_string(),
    }
}

/// The download links of a view: `query` names the view (`view=…&wave=…&by=…`).
pub fn export_links(query: &str, parts: &[(&str, &str)]) -> Vec<ExportLink> {
    let link = |label: &str, rest: &str| ExportLink {
        label: label.to_string(),
        href: format!("/staff/results/export?{query}&{rest}"),
    };
    let mut links = vec![
        link("Excel (XLSX), every table and the codebook", "format=xlsx"),
        link("SPSS syntax (.sps) with the codebook", "format=sps"),
        link("JSON", "format=json"),
    ];
    for (part, what) in parts {
        links.push(link(
            &format!("CSV: {what}"),
            &format!("format=csv&part={part}"),
        ));
        links.push(link(
            &format!("CSV for Dutch Excel (;): {what}"),
            &format!("format=csv&sep=semicolon&part={part}"),
        ));
    }
    links
}

/// Query values are labels and keys made by this server, but may hold spaces or `&`.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A share as "81%".
pub fn whole_percent(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

/// A rate per 100 children with one decimal, or the hidden mark.
pub fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| HIDDEN.to_string(), |v| format!("{v:.1}"))
}

/// A difference of shares in percentage points with its interval: "+4 points (−1 to +9)".
pub fn points(value: f64, low: f64, high: f64) -> String {
    let p = |v: f64| {
        let v = (v * 100.0).round();
        if v > 0.0 {
            format!("+{v:.0}")
        } else if v < 0.0 {
            format!("−{:.0}", -v)
        } else {
            "0".to_string()
        }
    };
    format!("{} points ({} to {})", p(value), p(low), p(high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_the_same_way_everywhere() {
        let e = Estimate {
            value: 0.812,
            low: 0.79,
            high: 0.834,
        };
        assert_eq!(share(Some(e)), "81% (79–83%)");
        assert_eq!(share(None), HIDDEN);
        assert_eq!(rate(Some(3.04)), "3.0");
        assert_eq!(rate(None), HIDDEN);
        assert_eq!(points(0.04, -0.012, 0.09), "+4 points (−1 to +9)");
        assert_eq!(points(0.0, -0.02, 0.02), "0 points (−2 to +2)");
    }
}
