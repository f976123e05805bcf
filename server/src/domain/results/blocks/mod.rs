//! The publication of a wave as models for the disclosure engine.
//!
//! First the *children* per row: children per organisation and setting type (and so per
//! region, setting type and in total) are known from the response page, so only the age
//! band, gender and setting × age rows are protected. Then every question (with its
//! follow-ups, which routing ties to it) and every domain as one *block*: per row, each
//! answer's count, the safe and the unsafe answers together, and the base (every answer on
//! the scale) are figures; the children part rides along, fixed, because a question's
//! answers in a cell are at most its children. Figures of a row hidden for its children are
//! hidden for every question.

mod builder;
mod children;
mod measures;

use super::population::{JointCount, Members, Population};
use crate::domain::SettingType;
use std::collections::{BTreeMap, HashMap};

pub const RESPONDENTS: &str = "_respondents";

/// One measure as the engine sees it: a question (or a domain) with the values on its
/// scale, which of them count as safe, where it is asked, and what leads to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureSpec {
    /// The measure's name in the counts.
    pub key: String,
    pub values: Vec<i16>,
    pub safe: Vec<i16>,
    /// Asked only in these setting types; `None`: everywhere.
    pub settings: Option<Vec<SettingType>>,
    /// A follow-up: the measure it follows (an index into the specs) and the answers that
    /// lead to it.
    pub parent: Option<(usize, Vec<i16>)>,
    /// A domain of one question: its safe and unsafe children are that question's.
    pub same_as: Option<usize>,
}

impl MeasureSpec {
    pub(super) fn asked_in(&self, s: SettingType) -> bool {
        self.settings.as_ref().is_none_or(|only| only.contains(&s))
    }

    pub(super) fn parts(&self) -> Vec<Part> {
        let mut parts: Vec<Part> = self.values.iter().map(|&v| Part::Value(v)).collect();
        parts.extend([Part::Safe, Part::Unsafe, Part::Base]);
        parts
    }

    pub(super) fn values_of(&self, part: Part) -> Vec<i16> {
        self.values
            .iter()
            .copied()
            .filter(|v| match part {
                Part::Value(x) => *v == x,
                Part::Safe => self.safe.contains(v),
                Part::Unsafe => !self.safe.contains(v),
                Part::Base => true,
            })
            .collect()
    }
}

/// A figure of a row for one measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// The children who gave this answer.
    Value(i16),
    /// ... a safe answer.
    Safe,
    /// ... an answer that is not safe.
    Unsafe,
    /// ... any answer on the scale.
    Base,
}

impl Part {
    pub(super) fn rank(self) -> u8 {
        match self {
            Part::Value(_) => 0,
            Part::Safe | Part::Unsafe => 1,
            Part::Base => 2,
        }
    }
}

/// Per (row, part) of one measure, its count where it is shown.
pub type Shown = HashMap<(usize, Part), Option<u64>>;

/// What may be published: per row (a global group index), its children, and per measure and
/// part its count (`None` when hidden).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Protected {
    pub n: Vec<Option<u64>>,
    pub measures: Vec<Shown>,
}

/// The rows of every table as indices into one list of distinct groups (every table's total
/// is group 0).
pub struct Rows {
    pub groups: Vec<Members>,
    pub of_table: Vec<Vec<usize>>,
}

impl Rows {
    pub fn new(population: &Population) -> Rows {
        let mut groups = vec![Members::Total];
        let mut of_table = Vec::new();
        for (_, rows) in &population.tables {
            let mut ids = Vec::new();
            for row in rows {
                if row.members == Members::Total {
                    ids.push(0);
                } else {
                    groups.push(row.members.clone());
                    ids.push(groups.len() - 1);
                }
            }
            of_table.push(ids);
        }
        Rows { groups, of_table }
    }
}

impl Rows {
    /// Only table `t`'s rows, and for each of them its index in `self`.
    fn only(&self, t: usize) -> (Rows, Vec<usize>) {
        let mut groups = vec![Members::Total];
        let mut back = vec![0];
        let mut local = Vec::new();
        for &g in &self.of_table[t] {
            if g == 0 {
                local.push(0);
            } else {
                groups.push(self.groups[g].clone());
                back.push(g);
                local.push(groups.len() - 1);
            }
        }
        (
            Rows {
                groups,
                of_table: vec![local],
            },
            back,
        )
    }
}

/// What the engine protects against. Every publication is made with all of them; each is a
/// switch only so the attacker's tests can show that, with it off, they find what it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Protections {
    /// Each answer's count is protected, not only a question's children and share.
    pub answers: bool,
    /// A follow-up is protected with the question that leads to it, within its answers.
    pub routing: bool,
    /// All tables are protected together, as the register ties them (an organisation is the
    /// sum of its places, a setting type of its places and of its age cells), not each alone.
    pub together: bool,
    /// The children per organisation and setting type are taken as known (the response page
    /// shows them), not as figures the engine may hide.
    pub response_page: bool,
}

impl Protections {
    pub const ALL: Protections = Protections {
        answers: true,
        routing: true,
        together: true,
        response_page: true,
    };
}

/// How important a row is to keep: lower is hidden first as a complement.
pub(super) fn group_rank(members: &Members) -> u8 {
    match members {
        Members::SettingAge(_) => 0,
        Members::Age(_) => 1,
        Members::Gender(_) => 2,
        Members::Places(_) => 4,
        Members::Setting(_) => 6,
        Members::Total => 9,
    }
}

/// What a row's children are: the measure counting them, and whether their number per
/// place cell (organisation and setting type) is known to everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildrenSpec<'a> {
    pub measure: &'a str,
    pub place_public: bool,
}

/// Children of a wave's responses: known per place cell from the response page.
pub const RESPONDED: ChildrenSpec<'static> = ChildrenSpec {
    measure: RESPONDENTS,
    place_public: true,
};

/// Measures that must be protected together: a question with its follow-ups, a domain of
/// one question with that question.
fn components(specs: &[MeasureSpec]) -> Vec<Vec<usize>> {
    let mut root: Vec<usize> = (0..specs.len()).collect();
    fn find(root: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while root[i] != i {
            root[i] = root[root[i]];
            i = root[i];
        }
        i
    }
    for (i, s) in specs.iter().enumerate() {
        for j in s.parent.iter().map(|(j, _)| *j).chain(s.same_as) {
            if j < specs.len() {
                let (a, b) = (find(&mut root, i), find(&mut root, j));
                root[a] = b;
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..specs.len() {
        let r = find(&mut root, i);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().collect()
}

/// Protects every figure of the publication.
pub fn protect_publication(
    p: &Population,
    rows: &Rows,
    counts: &[JointCount],
    who: ChildrenSpec,
    specs: &[MeasureSpec],
    k: u64,
) -> Protected {
    protect_with(p, rows, counts, who, specs, k, Protections::ALL)
}

/// [`protect_publication`] with some protections off: only for the attacker's controls.
pub fn protect_with(
    p: &Population,
    rows: &Rows,
    counts: &[JointCount],
    who: ChildrenSpec,
    specs: &[MeasureSpec],
    k: u64,
    on: Protections,
) -> Protected {
    let who = ChildrenSpec {
        place_public: who.place_public && on.response_page,
        ..who
    };
    let blind;
    let specs = if on.routing {
        specs
    } else {
        blind = specs
            .iter()
            .map(|s| MeasureSpec {
                parent: None,
                ..s.clone()
            })
            .collect::<Vec<_>>();
        &blind
    };
    if on.together {
        return protect_all(p, rows, counts, who, specs, k, on);
    }
    // Each table alone; a figure is hidden where any table's run hides it.
    let mut out = Protected {
        n: vec![None; rows.groups.len()],
        measures: vec![HashMap::new(); specs.len()],
    };
    let mut hidden_n = vec![false; rows.groups.len()];
    for t in 0..rows.of_table.len() {
        let (alone, back) = rows.only(t);
        let part = protect_all(p, &alone, counts, who, specs, k, on);
        for (local, n) in part.n.into_iter().enumerate() {
            let g = back[local];
            hidden_n[g] |= n.is_none();
            out.n[g] = if hidden_n[g] { None } else { n };
        }
        for (m, shown) in part.measures.into_iter().enumerate() {
            for ((local, figure), value) in shown {
                let slot = out.measures[m]
                    .entry((back[local], figure))
                    .or_insert(value);
                if value.is_none() {
                    *slot = None;
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn protect_all(
    p: &Population,
    rows: &Rows,
    counts: &[JointCount],
    who: ChildrenSpec,
    specs: &[MeasureSpec],
    k: u64,
    on: Protections,
) -> Protected {
    let children = children::Children::new(p, rows, counts, who);
    let row_hidden = children::protect_children(p, rows, &children, k);
    let mut out = Protected {
        n: (0..rows.groups.len())
            .map(|g| (!row_hidden[g]).then_some(children.n[g].0))
            .collect(),
        measures: vec![HashMap::new(); specs.len()],
    };
    // Blocks share nothing but what is fixed above, so they run on every core; the result
    // does not depend on which thread protects which block.
    let blocks = components(specs);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::Mutex::new(Vec::with_capacity(blocks.len()));
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(blocks.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let b = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(component) = blocks.get(b) else {
                    return;
                };
                let shown = measures::protect_block(
                    p,
                    rows,
                    counts,
                    specs,
                    component,
                    &children,
                    &row_hidden,
                    k,
                    on.answers,
                );
                done.lock().unwrap_or_else(|e| e.into_inner()).extend(shown);
            });
        }
    });
    for (m, figures) in done.into_inner().unwrap_or_else(|e| e.into_inner()) {
        out.measures[m] = figures;
    }
    out
}
