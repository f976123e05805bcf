//! What the engine protects, as linear algebra: *cells* (unknown non-negative amounts, such
//! as the children of one organisation in one setting type who gave answer 3 to a question)
//! and *figures* (sums of cells: a row of a table, for one answer or a set of answers). What
//! anyone knows besides the figures is written as *links* (two sums that are always equal:
//! a setting type counted over organisations and over age bands) and *caps* (a sum that is
//! at most a number plus another sum: a question's answers in a cell are at most the cell's
//! children; a follow-up's answers at most the answers that lead to it).

/// A cell's index.
pub type Cell = u32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// The cells it adds up, sorted, without repeats. Empty: known to be 0.
    pub cells: Vec<Cell>,
    /// The narrowest range it may have when hidden: `min(k, children of its group)`, 0 for a
    /// figure anyone knows already (such as a question not asked in its group).
    pub floor: u64,
    /// Which figures are hidden first as complements: lower first (an answer's count
    /// before a share, a region before an organisation; the total last).
    pub rank: u8,
    /// Known to everyone, whatever is published (children per organisation and setting
    /// type, from the response page): always an equation, never hidden by the engine,
    /// never a complement. Shown in tables only when it reaches k.
    pub public: bool,
    /// Its hidden-or-shown state is decided elsewhere and may not change here.
    pub locked: bool,
}

/// `Σ lhs ≤ constant + Σ rhs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cap {
    pub lhs: Vec<Cell>,
    pub constant: u64,
    pub rhs: Vec<Cell>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    /// The true value of every cell.
    pub truth: Vec<u64>,
    pub figures: Vec<Figure>,
    /// `whole = Σ parts`, the parts disjoint (indices into `figures`): how an outsider
    /// subtracts, and where the engine looks for complements.
    pub partitions: Vec<(usize, Vec<usize>)>,
    /// `Σ a = Σ b` always.
    pub links: Vec<(Vec<Cell>, Vec<Cell>)>,
    pub caps: Vec<Cap>,
}

impl Model {
    pub fn cell(&mut self, truth: u64) -> Cell {
        self.truth.push(truth);
        (self.truth.len() - 1) as Cell
    }

    pub fn figure(&mut self, mut cells: Vec<Cell>, floor: u64, rank: u8) -> usize {
        cells.sort_unstable();
        cells.dedup();
        let floor = if cells.is_empty() { 0 } else { floor };
        self.figures.push(Figure {
            cells,
            floor,
            rank,
            public: false,
            locked: false,
        });
        self.figures.len() - 1
    }

    pub fn value(&self, figure: usize) -> u64 {
        self.sum(&self.figures[figure].cells)
    }

    pub fn sum(&self, cells: &[Cell]) -> u64 {
        cells.iter().map(|&c| self.truth[c as usize]).sum()
    }

    /// Adds `whole = Σ parts` when the parts really are disjoint and cover the whole in
    /// cells; a partition across a link (a setting type over organisations and over age
    /// bands) is added with `partition_across`.
    pub fn partition(&mut self, whole: usize, parts: Vec<usize>) {
        let mut covered: Vec<Cell> = parts
            .iter()
            .flat_map(|&p| self.figures[p].cells.iter().copied())
            .collect();
        let count = covered.len();
        covered.sort_unstable();
        covered.dedup();
        if parts.len() >= 2 && covered.len() == count && covered == self.figures[whole].cells {
            self.partitions.push((whole, parts));
        }
    }

    /// Adds `whole = Σ parts` that holds through the links rather than in cells. One part is
    /// an equality: the same count on two layers (the safe answers of a setting type counted
    /// over organisations, and its one safe answer counted over age bands), hidden or shown
    /// together.
    pub fn partition_across(&mut self, whole: usize, parts: Vec<usize>) {
        debug_assert_eq!(
            self.value(whole),
            parts.iter().map(|&p| self.value(p)).sum::<u64>()
        );
        if !parts.is_empty() {
            self.partitions.push((whole, parts));
        }
    }
}

/// A plain-text form of a model and what `protect` was asked, for replaying a slow or
/// surprising block outside the server (`VEILIG_ENGINE_DUMP=<dir>` writes one file per
/// call to `protect`; `Model::read` loads it back).
impl Model {
    pub fn write(&self, k: u64, forced: &[bool]) -> String {
        use std::fmt::Write;
        let list = |cells: &[Cell]| {
            cells
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut out = format!("k {k}\n");
        let _ = writeln!(out, "truth {}", {
            let t: Vec<String> = self.truth.iter().map(|v| v.to_string()).collect();
            t.join(",")
        });
        for (f, fig) in self.figures.iter().enumerate() {
            let _ = writeln!(
                out,
                "figure {} {} {} {} {} {}",
                fig.floor,
                fig.rank,
                u8::from(fig.public),
                u8::from(fig.locked),
                u8::from(forced.get(f).copied().unwrap_or(false)),
                list(&fig.cells)
            );
        }
        for (whole, parts) in &self.partitions {
            let p: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
            let _ = writeln!(out, "partition {whole} {}", p.join(","));
        }
        for (a, b) in &self.links {
            let _ = writeln!(out, "link {} {}", list(a), list(b));
        }
        for cap in &self.caps {
            let _ = writeln!(
                out,
                "cap {} {} {}",
                cap.constant,
                list(&cap.lhs),
                list(&cap.rhs)
            );
        }
        out
    }

    /// Reads what `write` wrote: the model, k and the forced figures.
    pub fn read(text: &str) -> Option<(Model, u64, Vec<bool>)> {
        fn numbers<T: std::str::FromStr>(s: Option<&str>) -> Option<Vec<T>> {
            let s = s.unwrap_or("");
            if s.is_empty() {
                return Some(Vec::new());
            }
            s.split(',').map(|x| x.parse().ok()).collect()
        }
        let mut m = Model::default();
        let (mut k, mut forced) = (0, Vec::new());
        for line in text.lines() {
            let mut w = line.split(' ');
            match w.next()? {
                "k" => k = w.next()?.parse().ok()?,
                "truth" => m.truth = numbers(w.next())?,
                "figure" => {
                    let mut n = || w.next().and_then(|x| x.parse::<u64>().ok());
                    let (floor, rank, public, locked, hide) = (n()?, n()?, n()?, n()?, n()?);
                    m.figures.push(Figure {
                        floor,
                        rank: rank as u8,
                        public: public == 1,
                        locked: locked == 1,
                        cells: numbers(w.next())?,
                    });
                    forced.push(hide == 1);
                }
                "partition" => {
                    let whole = w.next()?.parse().ok()?;
                    m.partitions.push((whole, numbers(w.next())?));
                }
                "link" => m.links.push((numbers(w.next())?, numbers(w.next())?)),
                "cap" => {
                    let constant = w.next()?.parse().ok()?;
                    m.caps.push(Cap {
                        constant,
                        lhs: numbers(w.next())?,
                        rhs: numbers(w.next())?,
                    });
                }
                _ => return None,
            }
        }
        Some((m, k, forced))
    }
}
