//! Charts as plain SVG, drawn on the server: shares with their 95% interval, differences
//! around zero, and answer distributions. Each chart is a picture with a text title; the
//! table beside it holds the same numbers (its alternative, and what prints best). Shapes
//! are outlined and shaded in grey steps, so they still read in black-and-white print.

use leptos::prelude::*;

/// One bar: a label, and the share with its interval in percent (`None`: hidden).
#[derive(Clone, Debug)]
pub struct ShareBar {
    pub label: String,
    /// (value, low, high) in percent.
    pub share: Option<(f64, f64, f64)>,
    pub emphasis: bool,
}

const LABEL_WIDTH: f64 = 250.0;
const PLOT_WIDTH: f64 = 380.0;
const ROW: f64 = 22.0;

fn x(percent: f64) -> f64 {
    LABEL_WIDTH + percent.clamp(0.0, 100.0) / 100.0 * PLOT_WIDTH
}

fn short(label: &str) -> String {
    if label.chars().count() > 34 {
        format!("{}…", label.chars().take(33).collect::<String>())
    } else {
        label.to_string()
    }
}

/// Horizontal bars with interval whiskers, 0–100%.
#[component]
pub fn ShareChart(title: String, bars: Vec<ShareBar>, hidden_mark: &'static str) -> impl IntoView {
    let height = ROW * bars.len() as f64 + 24.0;
    let view_box = format!("0 0 {} {height}", LABEL_WIDTH + PLOT_WIDTH + 60.0);
    let ticks = [0.0, 25.0, 50.0, 75.0, 100.0];
    view! {
        <svg class="chart" viewBox=view_box role="img" aria-label=title.clone() focusable="false">
            <title>{title.clone()}</title>
            {ticks.map(|t| view! {
                <line class="grid" x1=x(t) x2=x(t) y1="0" y2=format!("{}", height - 18.0)/>
                <text class="tick" x=x(t) y=format!("{}", height - 4.0) text-anchor="middle">{format!("{t:.0}%")}</text>
            }).collect_view()}
            {bars.into_iter().enumerate().map(|(i, b)| {
                let y = i as f64 * ROW;
                view! {
                    <text class="label" class:emphasis=b.emphasis x=format!("{}", LABEL_WIDTH - 8.0) y=format!("{}", y + 15.0) text-anchor="end">{short(&b.label)}</text>
                    {match b.share {
                        Some((v, low, high)) => view! {
                            <rect class="bar-fill" x=x(0.0) y=format!("{}", y + 4.0) width=format!("{:.1}", x(v) - x(0.0)) height="12"/>
                            <line class="whisker" x1=x(low) x2=x(high) y1=format!("{}", y + 10.0) y2=format!("{}", y + 10.0)/>
                            <line class="whisker" x1=x(low) x2=x(low) y1=format!("{}", y + 5.0) y2=format!("{}", y + 15.0)/>
                            <line class="whisker" x1=x(high) x2=x(high) y1=format!("{}", y + 5.0) y2=format!("{}", y + 15.0)/>
                            <text class="value" x=format!("{}", x(high) + 6.0) y=format!("{}", y + 15.0)>{format!("{v:.0}%")}</text>
                        }.into_any(),
                        None => view! {
                            <text class="value" x=format!("{}", x(0.0) + 6.0) y=format!("{}", y + 15.0)>{hidden_mark}</text>
                        }.into_any(),
                    }}
                }
            }).collect_view()}
        </svg>
    }
}

/// One difference: a label and `to − from` with its interval, in percentage points.
#[derive(Clone, Debug)]
pub struct DifferenceBar {
    pub label: String,
    pub difference: Option<(f64, f64, f64)>,
    pub significant: bool,
}

/// Differences with their intervals around a zero line, from −30 to +30 points (clipped).
#[component]
pub fn DifferenceChart(
    title: String,
    bars: Vec<DifferenceBar>,
    hidden_mark: &'static str,
) -> impl IntoView {
    let span = 30.0;
    let dx = |p: f64| LABEL_WIDTH + (p.clamp(-span, span) + span) / (2.0 * span) * PLOT_WIDTH;
    let height = ROW * bars.len() as f64 + 24.0;
    let view_box = format!("0 0 {} {height}", LABEL_WIDTH + PLOT_WIDTH + 60.0);
    view! {
        <svg class="chart" viewBox=view_box role="img" aria-label=title.clone() focusable="false">
            <title>{title.clone()}</title>
            {[-30.0, -15.0, 0.0, 15.0, 30.0].map(|t: f64| view! {
                <line class:zero=t == 0.0 class="grid" x1=dx(t) x2=dx(t) y1="0" y2=format!("{}", height - 18.0)/>
                <text class="tick" x=dx(t) y=format!("{}", height - 4.0) text-anchor="middle">{format!("{t:+.0}")}</text>
            }).collect_view()}
            {bars.into_iter().enumerate().map(|(i, b)| {
                let y = i as f64 * ROW;
                view! {
                    <text class="label" x=format!("{}", LABEL_WIDTH - 8.0) y=format!("{}", y + 15.0) text-anchor="end">{short(&b.label)}</text>
                    {match b.difference {
                        Some((d, low, high)) => view! {
                            <line class="whisker" x1=dx(low) x2=dx(high) y1=format!("{}", y + 10.0) y2=format!("{}", y + 10.0)/>
                            <circle class="point" class:significant=b.significant cx=dx(d) cy=format!("{}", y + 10.0) r="5"/>
                            <text class="value" x=format!("{}", dx(high) + 6.0) y=format!("{}", y + 15.0)>{format!("{d:+.1}")}</text>
                        }.into_any(),
                        None => view! {
                            <text class="value" x=dx(0.0) y=format!("{}", y + 15.0)>{hidden_mark}</text>
                        }.into_any(),
                    }}
                }
            }).collect_view()}
        </svg>
    }
}

/// One stacked bar of an answer distribution: segments in percent of all who answered,
/// from the first answer on the scale to the last.
#[derive(Clone, Debug)]
pub struct Distribution {
    pub label: String,
    /// (answer label, percent); empty when hidden.
    pub segments: Vec<(String, f64)>,
}

#[component]
pub fn DistributionChart(
    title: String,
    bars: Vec<Distribution>,
    hidden_mark: &'static str,
) -> impl IntoView {
    let height = ROW * bars.len() as f64 + 4.0;
    let view_box = format!("0 0 {} {height}", LABEL_WIDTH + PLOT_WIDTH + 10.0);
    view! {
        <svg class="chart distribution" viewBox=view_box role="img" aria-label=title.clone() focusable="false">
            <title>{title.clone()}</title>
            {bars.into_iter().enumerate().map(|(i, b)| {
                let y = i as f64 * ROW;
                let mut start = 0.0;
                let hidden = b.segments.is_empty();
                view! {
                    <text class="label" x=format!("{}", LABEL_WIDTH - 8.0) y=format!("{}", y + 15.0) text-anchor="end">{short(&b.label)}</text>
                    {b.segments.into_iter().enumerate().map(|(s, (answer, percent))| {
                        let from = start;
                        start += percent;
                        // Grey steps, darkest for the first answer.
                        let class = format!("seg seg-{}", s.min(9));
                        view! {
                            <rect class=class x=format!("{:.1}", x(from)) y=format!("{}", y + 3.0) width=format!("{:.1}", x(from + percent) - x(from)) height="14">
                                <title>{format!("{answer}: {percent:.0}%")}</title>
                            </rect>
                        }
                    }).collect_view()}
                    {hidden.then(|| view! { <text class="value" x=format!("{}", x(0.0) + 6.0) y=format!("{}", y + 15.0)>{hidden_mark}</text> })}
                }
            }).collect_view()}
        </svg>
    }
}

/// The small bar drawn beside a share. Decorative: the number next to it says the same, so
/// screen readers skip it and the table stays the accessible version of the chart.
/// A horizontal bar for a percentage (0 to 100).
pub fn bar(percent: f64) -> impl IntoView {
    view! {
        <svg class="bar" viewBox="0 0 100 8" width="100" height="8" aria-hidden="true" focusable="false">
            <rect x="0" y="0" width="100" height="8" class="bar-back"/>
            <rect x="0" y="0" width=format!("{:.1}", percent.clamp(0.0, 100.0)) height="8" class="bar-fill"/>
        </svg>
    }
}
