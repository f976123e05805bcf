//! Which figures are hidden. The rules, for every figure of a model:
//!
//! 1. Primary: a figure below k is hidden, whatever its value (also 0); so is every figure
//!    the caller forces (a group hidden for its number of children is hidden for every
//!    question). A figure everyone knows already (`public`) is never "hidden" by the engine.
//! 2. Complementary, cheaply: wherever a published figure is a sum of others, its hidden
//!    parts are none or at least two, and what an outsider cannot subtract from them is at
//!    least the floor of each.
//! 3. Complementary, exactly: the audit's linear programme (everything published, the
//!    links and caps of the register and questionnaire, no count negative) leaves every
//!    hidden figure a range at least its floor wide (`min(k, children of its group)`).
//!
//! Complements are chosen by rank first (an answer's count before a share, a region before an
//! organisation, never the total while anything else will do), then smallest value.

use super::audit::{pinned_cells, Auditor};
use super::model::Model;

/// Decides which figures of `model` are hidden at k. `forced[f]`: hidden whatever it is.
pub fn protect(model: &Model, k: u64, forced: &[bool]) -> Vec<bool> {
    if let Some(dir) = std::env::var_os("VEILIG_ENGINE_DUMP") {
        dump(model, k, forced, std::path::Path::new(&dir));
    }
    let (known, made_public) = known_anyway(model);
    let model = &known;
    // What anyone works out anyway is an equation for the audit; in tables it is hidden when
    // under k, like any small figure.
    let finish = |mut hidden: Vec<bool>| {
        for (f, &public) in made_public.iter().enumerate() {
            if public {
                hidden[f] = forced.get(f).copied().unwrap_or(false) || model.value(f) < k;
            }
        }
        hidden
    };
    let mut hidden: Vec<bool> = (0..model.figures.len())
        .map(|f| {
            let fig = &model.figures[f];
            !fig.public && (forced.get(f).copied().unwrap_or(false) || model.value(f) < k)
        })
        .collect();
    // Each round hides at least one more figure, so this ends.
    let started = std::time::Instant::now();
    let mut rounds = 0;
    let mut auditor = Auditor::new(model);
    loop {
        rounds += 1;
        loop {
            let next = complements(model, &hidden);
            if next.is_empty() {
                break;
            }
            for (f, whole) in next {
                if trace() {
                    eprintln!(
                        "  hide {f} (rank {}, {}) by rule 2 in the sum {whole}",
                        model.figures[f].rank,
                        model.value(f)
                    );
                }
                hidden[f] = true;
            }
        }
        let audit_started = std::time::Instant::now();
        let Some(narrow) = auditor.narrow(&hidden) else {
            tracing::error!("the published figures contradict each other; hiding all");
            return finish(hide_all(model));
        };
        if trace() {
            eprintln!(
                "round {rounds}: {} figures, {} cells, {} hidden, {} narrow, audit {} ms, total {} ms",
                model.figures.len(),
                model.truth.len(),
                hidden.iter().filter(|h| **h).count(),
                narrow.len(),
                audit_started.elapsed().as_millis(),
                started.elapsed().as_millis()
            );
        }
        if narrow.is_empty() {
            tracing::debug!(
                figures = model.figures.len(),
                cells = model.truth.len(),
                hidden = hidden.iter().filter(|h| **h).count(),
                rounds,
                ms = started.elapsed().as_millis() as u64,
                "protected"
            );
            return finish(hidden);
        }
        let mut added = false;
        for n in narrow {
            if let Some(f) = beside(model, &hidden, n.figure) {
                if trace() {
                    eprintln!(
                        "  hide {f} (rank {}, {}) for {} (rank {}, {}, seen {:.2}..{:.2}, floor {})",
                        model.figures[f].rank,
                        model.value(f),
                        n.figure,
                        model.figures[n.figure].rank,
                        model.value(n.figure),
                        n.low,
                        n.high,
                        model.figures[n.figure].floor
                    );
                }
                if !hidden[f] {
                    hidden[f] = true;
                    added = true;
                }
            }
        }
        if !added {
            tracing::error!("no complement left for a narrow figure; hiding all");
            return finish(hide_all(model));
        }
    }
}

/// Whether every round is written to standard error (`VEILIG_ENGINE_TRACE=1`, for replaying
/// a block with `examples/replay.rs`).
pub(crate) fn trace() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("VEILIG_ENGINE_TRACE").is_some())
}

/// Writes the call to `dir` for replaying (see `Model::write`); a failure only warns.
fn dump(model: &Model, k: u64, forced: &[bool], dir: &std::path::Path) {
    let text = model.write(k, forced);
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!(
        "model-{}-{call:03}-{}-{}.txt",
        std::process::id(),
        model.figures.len(),
        model.truth.len()
    );
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(dir.join(name), text))
    {
        tracing::warn!(error = %e, "could not write the engine's model");
    }
}

/// `model` with every figure that the public figures and the links pin by themselves made
/// public (such as the answers of a setting type with no locations: a sum of counts that must
/// be 0): anyone can work those out, whatever is published. Returns which were made public.
fn known_anyway(model: &Model) -> (Model, Vec<bool>) {
    let known = pinned_cells(model, &vec![true; model.figures.len()]);
    let mut model = model.clone();
    let mut made = vec![false; model.figures.len()];
    for (f, fig) in model.figures.iter_mut().enumerate() {
        if !fig.public && fig.cells.iter().all(|&c| known[c as usize].is_some()) {
            fig.public = true;
            made[f] = true;
        }
    }
    (model, made)
}

fn hide_all(model: &Model) -> Vec<bool> {
    model.figures.iter().map(|f| !f.public).collect()
}

/// Whether `f` may still be chosen as a complement.
fn open(model: &Model, hidden: &[bool], f: usize) -> bool {
    let fig = &model.figures[f];
    !hidden[f] && !fig.public && !fig.locked && !fig.cells.is_empty()
}

/// The best complement among `candidates`: lowest rank, then smallest value.
fn best(
    model: &Model,
    hidden: &[bool],
    candidates: impl IntoIterator<Item = usize>,
) -> Option<usize> {
    candidates
        .into_iter()
        .filter(|&f| open(model, hidden, f))
        .min_by_key(|&f| (model.figures[f].rank, model.value(f), f))
}

/// Whether `f` is an equation for an outsider: published, or known to everyone.
fn shown(model: &Model, hidden: &[bool], f: usize) -> bool {
    !hidden[f] || model.figures[f].public
}

/// What an outsider can subtract inside each hidden figure: the most its published parts
/// (and the published parts of its hidden parts) add up to, over every way to split it.
struct Known<'a> {
    model: &'a Model,
    hidden: &'a [bool],
    parts_of: Vec<Vec<usize>>,
    amount: Vec<Option<u64>>,
    via: Vec<Option<usize>>,
}

impl<'a> Known<'a> {
    fn new(model: &'a Model, hidden: &'a [bool]) -> Known<'a> {
        let mut parts_of = vec![Vec::new(); model.figures.len()];
        for (p, (whole, _)) in model.partitions.iter().enumerate() {
            parts_of[*whole].push(p);
        }
        Known {
            model,
            hidden,
            parts_of,
            amount: vec![None; model.figures.len()],
            via: vec![None; model.figures.len()],
        }
    }

    fn shown(&self, f: usize) -> bool {
        shown(self.model, self.hidden, f)
    }

    fn of(&mut self, f: usize) -> u64 {
        if let Some(a) = self.amount[f] {
            return a;
        }
        // Guards against a cycle of partitions through links.
        self.amount[f] = Some(0);
        let mut best = (0, None);
        for p in self.parts_of[f].clone() {
            let amount: u64 = self.model.partitions[p]
                .1
                .clone()
                .into_iter()
                .map(|c| {
                    if self.shown(c) {
                        self.model.value(c)
                    } else {
                        self.of(c)
                    }
                })
                .sum();
            if amount > best.0 || best.1.is_none() {
                best = (amount, Some(p));
            }
        }
        self.amount[f] = Some(best.0);
        self.via[f] = best.1;
        best.0
    }

    /// The published figures an outsider subtracts inside `f`.
    fn published_inside(&self, f: usize, out: &mut Vec<usize>, depth: usize) {
        let Some(p) = self.via[f] else { return };
        if depth > 16 {
            return;
        }
        for &c in &self.model.partitions[p].1 {
            if self.shown(c) {
                out.push(c);
            } else {
                self.published_inside(c, out, depth + 1);
            }
        }
    }
}

/// Rule 2: every published sum whose hidden parts are one alone, or whose unknown remainder is
/// under the floor of a hidden part; returns a figure to hide for each (the sums are checked
/// against the figures hidden before this round, so a round may hide a little more than one
/// at a time would, never less).
fn complements(model: &Model, hidden: &[bool]) -> Vec<(usize, usize)> {
    let mut known = Known::new(model, hidden);
    let mut out: Vec<(usize, usize)> = Vec::new();
    // Sums next to a figure chosen this round wait for the next: what it settles there is
    // then known.
    let mut touched = vec![false; model.figures.len()];
    let act = |out: &mut Vec<(usize, usize)>,
               touched: &mut [bool],
               f: usize,
               whole: usize,
               parts: &[usize]| {
        out.push((f, whole));
        touched[f] = true;
        touched[whole] = true;
        for &p in parts {
            touched[p] = true;
        }
    };
    for (whole, parts) in &model.partitions {
        if !shown(model, hidden, *whole) || touched[*whole] || parts.iter().any(|&p| touched[p]) {
            continue;
        }
        // Every hidden part is unknown to an outsider; only those with a floor need
        // protecting (a group without children has nothing to protect, but still hides
        // what its neighbours hold).
        let hidden_parts: Vec<usize> = parts
            .iter()
            .copied()
            .filter(|&p| !shown(model, hidden, p))
            .collect();
        if hidden_parts.iter().all(|&p| model.figures[p].floor == 0) {
            continue;
        }
        let shown_parts = || parts.iter().copied().filter(|&p| shown(model, hidden, p));
        if hidden_parts.len() == 1 {
            if let Some(f) = best(model, hidden, shown_parts()).or_else(|| {
                // Nothing beside it may be hidden: then the sum itself goes.
                best(model, hidden, [*whole])
            }) {
                act(&mut out, &mut touched, f, *whole, parts);
            }
            continue;
        }
        let published: u64 = shown_parts().map(|p| model.value(p)).sum();
        let subtractable: u64 = hidden_parts.iter().map(|&h| known.of(h)).sum();
        let residual = model.value(*whole).saturating_sub(published + subtractable);
        let need = hidden_parts
            .iter()
            .map(|&h| model.figures[h].floor)
            .max()
            .unwrap_or(0);
        if residual >= need {
            continue;
        }
        let mut inside = Vec::new();
        for &h in &hidden_parts {
            known.published_inside(h, &mut inside, 0);
        }
        if let Some(f) = best(model, hidden, inside)
            .or_else(|| best(model, hidden, shown_parts()))
            .or_else(|| best(model, hidden, [*whole]))
        {
            act(&mut out, &mut touched, f, *whole, parts);
        }
    }
    out.sort_unstable();
    out.dedup_by_key(|(f, _)| *f);
    out
}

/// A figure to hide so that `figure` is better protected: the best of its published parts
/// and its published siblings in every sum it is part of; else the best published figure
/// sharing cells with it (a sum it is part of among them); else any published figure.
fn beside(model: &Model, hidden: &[bool], figure: usize) -> Option<usize> {
    let near = model.partitions.iter().flat_map(|(whole, parts)| {
        let inside = *whole == figure;
        let beside = parts.contains(&figure);
        parts
            .iter()
            .copied()
            .filter(move |&p| (inside || beside) && p != figure)
    });
    if let Some(f) = best(model, hidden, near) {
        return Some(f);
    }
    let cells = &model.figures[figure].cells;
    let overlapping = (0..model.figures.len()).filter(|&f| {
        model.figures[f]
            .cells
            .iter()
            .any(|c| cells.binary_search(c).is_ok())
    });
    best(model, hidden, overlapping).or_else(|| best(model, hidden, 0..model.figures.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{audit, Audit};
    use crate::model::Cell;

    /// Regions over organisations; figures: every organisation, every region, the total.
    fn hierarchy(regions: &[Vec<u64>], k: u64) -> (Model, Vec<Vec<usize>>, Vec<usize>, usize) {
        let mut m = Model::default();
        let mut orgs = Vec::new();
        let mut region_figures = Vec::new();
        let mut all: Vec<Cell> = Vec::new();
        for values in regions {
            let cells: Vec<Cell> = values.iter().map(|&v| m.cell(v)).collect();
            let figs: Vec<usize> = cells.iter().map(|&c| m.figure(vec![c], k, 3)).collect();
            let r = m.figure(cells.clone(), k, 2);
            m.partition(r, figs.clone());
            all.extend(cells);
            orgs.push(figs);
            region_figures.push(r);
        }
        let t = m.figure(all, k, 9);
        m.partition(t, region_figures.clone());
        m.partition(t, orgs.iter().flatten().copied().collect());
        (m, orgs, region_figures, t)
    }

    fn clean(m: &Model, hidden: &[bool]) -> bool {
        matches!(audit(m, hidden), Audit::Narrow(n) if n.is_empty())
    }

    #[test]
    fn a_hidden_region_is_not_rebuilt_from_its_published_organisations() {
        let (m, orgs, regions, t) = hierarchy(&[vec![1, 3], vec![30, 40], vec![12, 200]], 10);
        let hidden = protect(&m, 10, &[]);
        assert!(clean(&m, &hidden));
        assert!(hidden[orgs[0][0]] && hidden[orgs[0][1]] && hidden[regions[0]]);
        assert!(!hidden[t], "the total stays");
        assert!(hidden[regions[1]] || hidden[regions[2]]);
    }

    #[test]
    fn zero_is_hidden_like_any_small_figure() {
        let (m, orgs, _, _) = hierarchy(&[vec![0, 30, 30]], 10);
        let hidden = protect(&m, 10, &[]);
        assert!(hidden[orgs[0][0]]);
        assert!(clean(&m, &hidden));
    }

    #[test]
    fn a_table_without_small_figures_is_published_whole() {
        let (m, _, _, _) = hierarchy(&[vec![12, 30], vec![10]], 10);
        assert!(protect(&m, 10, &[]).iter().all(|h| !h));
    }

    #[test]
    fn two_small_hidden_groups_together_under_k_take_a_third() {
        let (m, orgs, _, _) = hierarchy(&[vec![2, 3, 50, 60]], 10);
        let hidden = protect(&m, 10, &[]);
        assert!(hidden[orgs[0][0]] && hidden[orgs[0][1]] && hidden[orgs[0][2]]);
        assert!(!hidden[orgs[0][3]]);
        assert!(clean(&m, &hidden));
    }

    #[test]
    fn forced_figures_stay_hidden_and_get_complements() {
        let (m, orgs, _, _) = hierarchy(&[vec![20, 30, 40]], 10);
        let mut forced = vec![false; m.figures.len()];
        forced[orgs[0][2]] = true;
        let hidden = protect(&m, 10, &forced);
        assert!(hidden[orgs[0][2]] && hidden[orgs[0][0]]);
        assert!(clean(&m, &hidden));
    }
}
