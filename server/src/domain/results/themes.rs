//! Counts of open answers per theme, per setting type: the number of open answers is each
//! row's children, each theme's count a figure of that row (an answer may have several
//! themes, so each is at most the row's answers). Protected by the one engine like every count.

use super::publication::effective_k;
use crate::domain::disclosure::{protect, Cap, Model};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeRow {
    pub value: String,
    pub label: String,
    /// Open answers in the row; `None` when hidden.
    pub answers: Option<u64>,
    /// Per theme (in `ThemeTable::themes` order), answers with that theme.
    pub counts: Vec<Option<u64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeTable {
    pub k: u64,
    pub themes: Vec<String>,
    pub total: ThemeRow,
    pub rows: Vec<ThemeRow>,
}

/// `rows`: (value, label, open answers, per theme the answers with it).
pub fn protect_themes(
    themes: Vec<String>,
    rows: &[(String, String, u64, Vec<u64>)],
    k: u64,
) -> ThemeTable {
    let k = effective_k(k);
    let mut m = Model::default();
    let answers: Vec<u32> = rows.iter().map(|r| m.cell(r.2)).collect();
    let counts: Vec<Vec<u32>> = rows
        .iter()
        .map(|r| {
            (0..themes.len())
                .map(|t| m.cell(r.3.get(t).copied().unwrap_or(0)))
                .collect()
        })
        .collect();
    let row_figures: Vec<usize> = answers.iter().map(|&c| m.figure(vec![c], k, 1)).collect();
    let total = m.figure(answers.clone(), k, 9);
    m.partition(total, row_figures.clone());
    let mut theme_figures = Vec::new();
    let mut theme_totals = Vec::new();
    for t in 0..themes.len() {
        let per_row: Vec<usize> = rows
            .iter()
            .enumerate()
            .map(|(r, row)| m.figure(vec![counts[r][t]], k.min(row.2), 0))
            .collect();
        let all = counts.iter().map(|c| c[t]).collect();
        let tt = m.figure(all, k, 8);
        m.partition(tt, per_row.clone());
        for (r, &a) in answers.iter().enumerate() {
            m.caps.push(Cap {
                lhs: vec![counts[r][t]],
                constant: 0,
                rhs: vec![a],
            });
        }
        theme_figures.push(per_row);
        theme_totals.push(tt);
    }
    let mut forced = vec![false; m.figures.len()];
    let n_hidden = protect(&m, k, &forced);
    for (r, &f) in row_figures.iter().enumerate() {
        if n_hidden[f] {
            for per_row in &theme_figures {
                forced[per_row[r]] = true;
            }
            forced[f] = true;
        }
    }
    if n_hidden[total] {
        forced.iter_mut().for_each(|f| *f = true);
    }
    let hidden = protect(&m, k, &forced);
    let shown = |f: usize| (!hidden[f]).then(|| m.value(f));
    ThemeTable {
        k,
        total: ThemeRow {
            value: "total".into(),
            label: "All setting types".into(),
            answers: shown(total),
            counts: theme_totals.iter().map(|&f| shown(f)).collect(),
        },
        rows: rows
            .iter()
            .enumerate()
            .map(|(r, (value, label, _, _))| ThemeRow {
                value: value.clone(),
                label: label.clone(),
                answers: shown(row_figures[r]),
                counts: theme_figures
                    .iter()
                    .map(|per_row| shown(per_row[r]))
                    .collect(),
            })
            .collect(),
        themes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(value: &str, answers: u64, counts: &[u64]) -> (String, String, u64, Vec<u64>) {
        (value.into(), value.into(), answers, counts.to_vec())
    }

    #[test]
    fn a_small_theme_count_is_hidden_with_a_complement() {
        let t = protect_themes(
            vec!["rules".into()],
            &[row("a", 40, &[3]), row("b", 50, &[20]), row("c", 60, &[30])],
            10,
        );
        assert_eq!(t.total.answers, Some(150));
        assert_eq!(t.rows[0].counts, vec![None]);
        assert_eq!(t.rows[1].counts, vec![None], "the smallest beside it");
        assert_eq!(t.rows[2].counts, vec![Some(30)]);
        assert_eq!(t.total.counts, vec![Some(53)]);
    }

    #[test]
    fn a_row_hidden_for_its_answers_shows_no_theme() {
        let t = protect_themes(
            vec!["rules".into()],
            &[row("a", 4, &[4]), row("b", 50, &[20]), row("c", 60, &[30])],
            10,
        );
        assert_eq!(t.rows[0].answers, None);
        assert_eq!(t.rows[0].counts, vec![None]);
        assert!(t.rows[1].answers.is_none() || t.rows[2].answers.is_none());
    }
}
