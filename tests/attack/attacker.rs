//! The attacker: everything published, the register, the instrument and the children who
//! responded per organisation and setting type, written down as a linear program over the
//! finest cells (organisation × setting type × age band × gender, per measure and value).
//! Every hidden figure is minimised and maximised; a range narrower than its floor
//! (min(k, children in its row)) is a finding. Written apart from the engine: it reads only
//! the published data types and the instrument.

use crate::lp::{value, Expr, Lp, Op};
use crate::world::{Child, AGES, GENDERS};
use std::collections::{BTreeMap, BTreeSet};
use veilig::domain::instrument::Instrument;
use veilig::domain::results::measures::{domain_measure, increments};
use veilig::domain::results::{Dimension, Publication};
use veilig::domain::SettingType;

const TOL: f64 = 1e-6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    N,
    Base(usize),
    Safe(usize),
    Value(usize, i16),
    DomainN(usize),
    DomainSafe(usize),
}

/// One figure of the publication: a row (a table's total counts as the overall total) and
/// what is counted in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub dimension: &'static str,
    pub row: String,
    pub part: Part,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub figure: String,
    pub min: f64,
    pub max: f64,
    pub floor: u64,
    pub truth: u64,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: between {:.3} and {:.3} (width {:.3} < floor {}), truth {}",
            self.figure,
            self.min,
            self.max,
            self.max - self.min,
            self.floor,
            self.truth
        )
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Hidden, protected figures whose range was established.
    pub checked: usize,
    pub solves: usize,
    pub variables: usize,
}

#[derive(Debug, Clone)]
struct Cell {
    organisation: i32,
    region: i32,
    setting: SettingType,
    age: String,
    gender: String,
}

fn dim_of(dimension: Dimension) -> &'static str {
    dimension.as_str()
}

fn in_row(cell: &Cell, dimension: &str, row: &str) -> bool {
    if row == "total" {
        return true;
    }
    match dimension {
        "setting_type" => cell.setting.as_str() == row,
        "region" => cell.region.to_string() == row,
        "age_band" => cell.age == row,
        "gender" => cell.gender == row,
        "organisation" => cell.organisation.to_string() == row,
        "setting_type_by_age_band" => format!("{}|{}", cell.setting.as_str(), cell.age) == row,
        _ => false,
    }
}

/// What the instrument says of one question.
struct ItemInfo {
    key: String,
    values: Vec<i16>,
    safe: Vec<i16>,
    domain: usize,
    /// (parent, the parent's answers that route to it)
    parent: Option<(usize, Vec<i16>)>,
    settings: Option<Vec<SettingType>>,
}

struct Meta {
    items: Vec<ItemInfo>,
    domains: Vec<String>,
}

impl Meta {
    fn new(instrument: &Instrument) -> Meta {
        let def = instrument.def();
        let domains: Vec<String> = def.domains.iter().map(|d| d.key.clone()).collect();
        let items = def
            .items
            .iter()
            .map(|item| {
                let cond = item.show_if.as_ref();
                ItemInfo {
                    key: item.key.clone(),
                    values: instrument
                        .scale_of(item)
                        .map(|s| s.points.iter().map(|p| p.value).collect())
                        .unwrap_or_default(),
                    safe: instrument.safe_values(item),
                    domain: domains.iter().position(|d| *d == item.domain).unwrap(),
                    parent: cond.and_then(|c| {
                        let p = def
                            .items
                            .iter()
                            .position(|i| Some(&i.key) == c.item.as_ref())?;
                        Some((p, c.values.clone().unwrap_or_default()))
                    }),
                    settings: cond.and_then(|c| c.setting_types.clone()),
                }
            })
            .collect();
        Meta { items, domains }
    }

    fn asked(&self, i: usize, s: SettingType) -> bool {
        let item = &self.items[i];
        item.settings.as_ref().is_none_or(|x| x.contains(&s))
            && item.parent.as_ref().is_none_or(|(p, _)| self.asked(*p, s))
    }

    fn root(&self, i: usize) -> usize {
        match &self.items[i].parent {
            Some((p, _)) => self.root(*p),
            None => i,
        }
    }

    fn label(&self, key: &Key) -> String {
        let what = match key.part {
            Part::N => "n".to_string(),
            Part::Base(i) => format!("{} base", self.items[i].key),
            Part::Safe(i) => format!("{} safe", self.items[i].key),
            Part::Value(i, v) => format!("{} value {v}", self.items[i].key),
            Part::DomainN(d) => format!("domain {} n", self.domains[d]),
            Part::DomainSafe(d) => format!("domain {} safe", self.domains[d]),
        };
        format!("{} row {:?}: {what}", key.dimension, key.row)
    }
}

/// Every figure of the publication, with its value where published (a figure published in
/// any table counts as published).
pub fn figures(p: &Publication, instrument: &Instrument) -> BTreeMap<Key, Option<u64>> {
    let meta = Meta::new(instrument);
    let mut out: BTreeMap<Key, Option<u64>> = BTreeMap::new();
    let mut put = |key: Key, v: Option<u64>| {
        let e = out.entry(key).or_insert(None);
        if v.is_some() {
            *e = v;
        }
    };
    for t in &p.tables {
        for (row, g) in std::iter::once(&t.total)
            .chain(&t.rows)
            .map(|g| (g.value.clone(), g))
        {
            let dimension = if row == "total" {
                "overall"
            } else {
                dim_of(t.dimension)
            };
            let key = |part| Key {
                dimension,
                row: row.clone(),
                part,
            };
            put(key(Part::N), g.n);
            for (i, info) in meta.items.iter().enumerate() {
                let Some(r) = g.item(&info.key) else { continue };
                put(key(Part::Base(i)), r.share_safe_n);
                put(key(Part::Safe(i)), r.safe);
                for &(v, n) in &r.distribution {
                    put(key(Part::Value(i, v)), n);
                }
            }
            for (d, name) in meta.domains.iter().enumerate() {
                let Some(r) = g.domain(name) else { continue };
                put(key(Part::DomainN(d)), r.n);
                put(key(Part::DomainSafe(d)), r.safe);
            }
        }
    }
    out
}

/// Whether a hidden figure is one the rule protects (not: per-answer counts of the rows that
/// never publish them, nor children per row that the response page told, nor how many of a
/// row's children answered a question nobody is routed to where those children are known —
/// published, or a place row's — as it differs from them only by who skipped it).
fn protected(meta: &Meta, key: &Key, figures: &BTreeMap<Key, Option<u64>>) -> bool {
    let place = matches!(
        key.dimension,
        "overall" | "region" | "organisation" | "setting_type"
    );
    let children_known = || {
        place
            || figures
                .get(&Key {
                    part: Part::N,
                    ..key.clone()
                })
                .is_some_and(|n| n.is_some())
    };
    match key.part {
        Part::Value(..) => !matches!(
            key.dimension,
            "region" | "organisation" | "setting_type_by_age_band"
        ),
        Part::N => matches!(
            key.dimension,
            "age_band" | "gender" | "setting_type_by_age_band"
        ),
        Part::Base(i) => meta.items[i].parent.is_some() || !children_known(),
        Part::DomainN(_) => !children_known(),
        _ => true,
    }
}

/// The truth of a figure, from the children.
fn truth(meta: &Meta, key: &Key, cells_of_child: &[(Cell, BTreeSet<(String, i16)>)]) -> u64 {
    cells_of_child
        .iter()
        .filter(|(c, _)| in_row(c, key.dimension, &key.row))
        .filter(|(_, inc)| {
            let has = |m: &str, f: &dyn Fn(i16) -> bool| inc.iter().any(|(k, v)| k == m && f(*v));
            match key.part {
                Part::N => true,
                Part::Base(i) => has(&meta.items[i].key, &|v| meta.items[i].values.contains(&v)),
                Part::Safe(i) => has(&meta.items[i].key, &|v| {
                    meta.items[i].values.contains(&v) && meta.items[i].safe.contains(&v)
                }),
                Part::Value(i, x) => has(&meta.items[i].key, &|v| v == x),
                Part::DomainN(d) => has(&domain_measure(&meta.domains[d]), &|_| true),
                Part::DomainSafe(d) => has(&domain_measure(&meta.domains[d]), &|v| v == 1),
            }
        })
        .count() as u64
}

/// One linear program and the hidden figures it is asked about.
struct Family {
    name: String,
    lp: Lp,
    /// (figure, its expression)
    asked: Vec<(Key, Expr)>,
}

struct Ground<'a> {
    meta: Meta,
    cells: Vec<Cell>,
    /// Upper bound per cell: the children of its organisation and setting type.
    cap: Vec<f64>,
    figures: &'a BTreeMap<Key, Option<u64>>,
    rows: BTreeMap<(&'static str, String), Vec<usize>>,
    places: BTreeMap<(i32, SettingType), (u64, Vec<usize>)>,
}

impl Ground<'_> {
    fn row(&self, key: &Key) -> &[usize] {
        &self.rows[&(key.dimension, key.row.clone())]
    }

    /// Children per cell, held to the response page and every published n.
    fn respondents(&self, lp: &mut Lp) -> Vec<usize> {
        let r: Vec<usize> = self.cap.iter().map(|&c| lp.var(c)).collect();
        for (n, cells) in self.places.values() {
            lp.add(
                cells.iter().map(|&c| (r[c], 1.0)).collect(),
                Op::Eq,
                *n as f64,
            );
        }
        for (key, v) in self.figures {
            if let (Part::N, Some(n)) = (key.part, v) {
                lp.add(
                    self.row(key).iter().map(|&c| (r[c], 1.0)).collect(),
                    Op::Eq,
                    *n as f64,
                );
            }
        }
        r
    }

    fn hidden(&self, wanted: impl Fn(&Part) -> bool) -> Vec<Key> {
        self.figures
            .iter()
            .filter(|(k, v)| {
                v.is_none() && wanted(&k.part) && protected(&self.meta, k, self.figures)
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    fn published(&self, wanted: impl Fn(&Part) -> bool) -> Vec<(Key, u64)> {
        self.figures
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), (*v)?)))
            .filter(|(k, _)| wanted(&k.part))
            .collect()
    }

    fn respondents_family(&self) -> Family {
        let mut lp = Lp::default();
        let r = self.respondents(&mut lp);
        let asked = self
            .hidden(|p| *p == Part::N)
            .into_iter()
            .map(|k| {
                let e = self.row(&k).iter().map(|&c| (r[c], 1.0)).collect();
                (k, e)
            })
            .collect();
        Family {
            name: "respondents".into(),
            lp,
            asked,
        }
    }

    /// A question and its follow-ups: per cell a count per answer value.
    fn item_family(&self, members: &[usize], routing: bool) -> Family {
        let meta = &self.meta;
        let mut lp = Lp::default();
        let r = self.respondents(&mut lp);
        // x[item][value][cell]
        let mut x: BTreeMap<usize, Vec<Vec<Option<usize>>>> = BTreeMap::new();
        for &i in members {
            let per_value = meta.items[i]
                .values
                .iter()
                .map(|_| {
                    (0..self.cells.len())
                        .map(|c| {
                            meta.asked(i, self.cells[c].setting)
                                .then(|| lp.var(self.cap[c]))
                        })
                        .collect()
                })
                .collect();
            x.insert(i, per_value);
        }
        let answered = |i: usize, c: usize, only: Option<&[i16]>| -> Expr {
            meta.items[i]
                .values
                .iter()
                .zip(&x[&i])
                .filter(|(v, _)| only.is_none_or(|o| o.contains(v)))
                .filter_map(|(_, cells)| cells[c].map(|v| (v, 1.0)))
                .collect()
        };
        for &i in members {
            for (c, &children) in r.iter().enumerate() {
                // Answers of a question in a cell: at most its children.
                let mut e = answered(i, c, None);
                if !e.is_empty() {
                    e.push((children, -1.0));
                    lp.add(e, Op::Le, 0.0);
                }
                // A follow-up: at most the children who gave the parent a routing answer.
                if let (true, Some((p, values))) = (routing, &meta.items[i].parent) {
                    let mut e = answered(i, c, None);
                    e.extend(
                        answered(*p, c, Some(values))
                            .into_iter()
                            .map(|(v, k)| (v, -k)),
                    );
                    lp.add(e, Op::Le, 0.0);
                }
            }
        }
        let expr = |key: &Key| -> Expr {
            let (i, only): (usize, Option<Vec<i16>>) = match key.part {
                Part::Base(i) => (i, None),
                Part::Safe(i) => (i, Some(meta.items[i].safe.clone())),
                Part::Value(i, v) => (i, Some(vec![v])),
                _ => unreachable!(),
            };
            self.row(key)
                .iter()
                .flat_map(|&c| answered(i, c, only.as_deref()))
                .collect()
        };
        let mine = |p: &Part| match p {
            Part::Base(i) | Part::Safe(i) | Part::Value(i, _) => members.contains(i),
            _ => false,
        };
        for (key, v) in self.published(mine) {
            lp.add(expr(&key), Op::Eq, v as f64);
        }
        let asked = self.hidden(mine).into_iter().map(|k| {
            let e = expr(&k);
            (k, e)
        });
        Family {
            name: format!("item {}", meta.items[members[0]].key),
            asked: asked.collect(),
            lp,
        }
    }

    /// A domain: per cell its children with a score and those who feel safe, and per
    /// question of the domain the children who answered on the scale and those safe.
    fn domain_family(&self, d: usize) -> Family {
        let meta = &self.meta;
        let mut lp = Lp::default();
        let r = self.respondents(&mut lp);
        let items: Vec<usize> = (0..meta.items.len())
            .filter(|&i| meta.items[i].domain == d)
            .collect();
        let n_cells = self.cells.len();
        let mut b: BTreeMap<usize, Vec<Option<(usize, usize)>>> = BTreeMap::new();
        for &i in &items {
            b.insert(
                i,
                (0..n_cells)
                    .map(|c| {
                        meta.asked(i, self.cells[c].setting)
                            .then(|| (lp.var(self.cap[c]), lp.var(self.cap[c])))
                    })
                    .collect(),
            );
        }
        let dn: Vec<Option<(usize, usize)>> = (0..n_cells)
            .map(|c| {
                items
                    .iter()
                    .any(|&i| b[&i][c].is_some())
                    .then(|| (lp.var(self.cap[c]), lp.var(self.cap[c])))
            })
            .collect();
        for c in 0..n_cells {
            let Some((n, s)) = dn[c] else { continue };
            lp.add(vec![(s, 1.0), (n, -1.0)], Op::Le, 0.0);
            lp.add(vec![(n, 1.0), (r[c], -1.0)], Op::Le, 0.0);
            let here: Vec<(usize, usize, usize)> = items
                .iter()
                .filter_map(|&i| b[&i][c].map(|(bi, si)| (i, bi, si)))
                .collect();
            // A score needs an answer on the scale; a safe one a safe answer, an unsafe one
            // an unsafe answer.
            let mut some = vec![(n, 1.0)];
            let mut safe = vec![(s, 1.0)];
            let mut unsafe_ = vec![(n, 1.0), (s, -1.0)];
            for &(i, bi, si) in &here {
                lp.add(vec![(si, 1.0), (bi, -1.0)], Op::Le, 0.0);
                lp.add(vec![(bi, 1.0), (n, -1.0)], Op::Le, 0.0);
                some.push((bi, -1.0));
                safe.push((si, -1.0));
                unsafe_.extend([(bi, -1.0), (si, 1.0)]);
                if here.len() == 1 {
                    lp.add(vec![(n, 1.0), (bi, -1.0)], Op::Eq, 0.0);
                    lp.add(vec![(s, 1.0), (si, -1.0)], Op::Eq, 0.0);
                }
                // A follow-up within the domain: at most the parent's routing answers, where
                // those are exactly its safe or exactly its unsafe answers.
                if let Some((p, values)) = &meta.items[i].parent {
                    if let Some(&Some((bp, sp))) = b.get(p).map(|v| &v[c]) {
                        let info = &meta.items[*p];
                        let mut routing: Vec<i16> = values.clone();
                        routing.sort();
                        let mut safe_v: Vec<i16> = info
                            .safe
                            .iter()
                            .filter(|v| info.values.contains(v))
                            .copied()
                            .collect();
                        safe_v.sort();
                        let mut unsafe_v: Vec<i16> = info
                            .values
                            .iter()
                            .filter(|v| !info.safe.contains(v))
                            .copied()
                            .collect();
                        unsafe_v.sort();
                        let e = if routing == safe_v {
                            vec![(bi, 1.0), (sp, -1.0)]
                        } else if routing == unsafe_v {
                            vec![(bi, 1.0), (bp, -1.0), (sp, 1.0)]
                        } else {
                            vec![(bi, 1.0), (bp, -1.0)]
                        };
                        lp.add(e, Op::Le, 0.0);
                    }
                }
            }
            lp.add(some, Op::Le, 0.0);
            lp.add(safe, Op::Le, 0.0);
            lp.add(unsafe_, Op::Le, 0.0);
        }
        let expr = |key: &Key| -> Expr {
            self.row(key)
                .iter()
                .filter_map(|&c| match key.part {
                    Part::DomainN(_) => dn[c].map(|(n, _)| n),
                    Part::DomainSafe(_) => dn[c].map(|(_, s)| s),
                    Part::Base(i) => b[&i][c].map(|(bi, _)| bi),
                    Part::Safe(i) => b[&i][c].map(|(_, si)| si),
                    _ => unreachable!(),
                })
                .map(|v| (v, 1.0))
                .collect()
        };
        let mine_domain = |p: &Part| matches!(p, Part::DomainN(x) | Part::DomainSafe(x) if *x == d);
        let mine = |p: &Part| {
            mine_domain(p) || matches!(p, Part::Base(i) | Part::Safe(i) if items.contains(i))
        };
        for (key, v) in self.published(mine) {
            lp.add(expr(&key), Op::Eq, v as f64);
        }
        let asked = self.hidden(mine_domain).into_iter().map(|k| {
            let e = expr(&k);
            (k, e)
        });
        Family {
            name: format!("domain {}", meta.domains[d]),
            asked: asked.collect(),
            lp,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Whether the attacker uses the routing (follow-ups ≤ the parent's routing answers).
    pub routing: bool,
    /// Threads that solve the programmes (one family each at a time); worlds attacked side by
    /// side use one each.
    pub threads: usize,
    /// Print each family's time and solves (for large worlds).
    pub verbose: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            routing: true,
            threads: 1,
            verbose: false,
        }
    }
}

/// Attacks a publication. `children` is the truth (for floors and to report the truth).
pub fn attack(
    p: &Publication,
    instrument: &Instrument,
    children: &[Child],
    options: Options,
) -> Report {
    let figures = figures(p, instrument);
    attack_figures(p, &figures, instrument, children, options)
}

/// Attacks a publication whose figures were edited (negative controls reveal some).
pub fn attack_figures(
    p: &Publication,
    figures: &BTreeMap<Key, Option<u64>>,
    instrument: &Instrument,
    children: &[Child],
    options: Options,
) -> Report {
    let meta = Meta::new(instrument);
    let k = p.k;
    let register = &p.register;
    let published_n = |dimension: &'static str, row: String| {
        figures
            .get(&Key {
                dimension,
                row,
                part: Part::N,
            })
            .copied()
            .flatten()
    };
    // The finest cells: what the response page names × age band × gender, less what a
    // published zero rules out.
    let mut cells = Vec::new();
    let mut cap = Vec::new();
    let mut places: BTreeMap<(i32, SettingType), (u64, Vec<usize>)> = BTreeMap::new();
    for resp in register.responded.iter().filter(|r| r.n > 0) {
        let region = register
            .region_of(resp.organisation)
            .expect("a registered organisation");
        for age in AGES {
            for gender in GENDERS {
                if published_n("age_band", age.into()) == Some(0)
                    || published_n("gender", gender.into()) == Some(0)
                    || published_n(
                        "setting_type_by_age_band",
                        format!("{}|{age}", resp.setting_type.as_str()),
                    ) == Some(0)
                {
                    continue;
                }
                let entry = places
                    .entry((resp.organisation, resp.setting_type))
                    .or_insert((resp.n, Vec::new()));
                entry.1.push(cells.len());
                cells.push(Cell {
                    organisation: resp.organisation,
                    region,
                    setting: resp.setting_type,
                    age: age.into(),
                    gender: gender.into(),
                });
                cap.push(resp.n as f64);
            }
        }
    }
    let mut rows: BTreeMap<(&'static str, String), Vec<usize>> = BTreeMap::new();
    for key in figures.keys() {
        rows.entry((key.dimension, key.row.clone()))
            .or_insert_with(|| {
                (0..cells.len())
                    .filter(|&c| in_row(&cells[c], key.dimension, &key.row))
                    .collect()
            });
    }
    // The truth.
    let children_cells: Vec<(Cell, BTreeSet<(String, i16)>)> = children
        .iter()
        .map(|ch| {
            (
                Cell {
                    organisation: ch.organisation,
                    region: register.region_of(ch.organisation).unwrap(),
                    setting: ch.setting,
                    age: ch.age.clone(),
                    gender: ch.gender.clone(),
                },
                increments(instrument, &ch.answers).into_iter().collect(),
            )
        })
        .collect();
    let ground = Ground {
        meta,
        cells,
        cap,
        figures,
        rows,
        places,
    };
    let meta = &ground.meta;
    let mut families = vec![ground.respondents_family()];
    let roots: BTreeSet<usize> = (0..meta.items.len()).map(|i| meta.root(i)).collect();
    for root in roots {
        let members: Vec<usize> = (0..meta.items.len())
            .filter(|&i| meta.root(i) == root)
            .collect();
        families.push(ground.item_family(&members, options.routing));
    }
    for d in 0..meta.domains.len() {
        families.push(ground.domain_family(d));
    }
    // Families share nothing but the ground: each is solved whole by one thread.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::Mutex::new(Report::default());
    std::thread::scope(|scope| {
        for _ in 0..options.threads.clamp(1, families.len().max(1)) {
            scope.spawn(|| loop {
                let f = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(family) = families.get(f) else {
                    return;
                };
                let started = std::time::Instant::now();
                let mut part = Report {
                    variables: family.lp.upper.len(),
                    ..Report::default()
                };
                solve_family(&ground, family, k, &children_cells, &mut part);
                if options.verbose {
                    eprintln!(
                        "{}: {:.1} s, {} solves, {} variables, {} rows, {} checked",
                        family.name,
                        started.elapsed().as_secs_f64(),
                        part.solves,
                        part.variables,
                        family.lp.rows.len(),
                        part.checked
                    );
                }
                let mut all = done.lock().unwrap_or_else(|e| e.into_inner());
                all.findings.extend(part.findings);
                all.checked += part.checked;
                all.solves += part.solves;
                all.variables = all.variables.max(part.variables);
            });
        }
    });
    let mut report = done.into_inner().unwrap_or_else(|e| e.into_inner());
    report.findings.sort_by(|a, b| a.figure.cmp(&b.figure));
    report
}

fn solve_family(
    ground: &Ground,
    family: &Family,
    k: u64,
    children: &[(Cell, BTreeSet<(String, i16)>)],
    report: &mut Report,
) {
    let meta = &ground.meta;
    // Floors, truths, and the range seen so far (the truth is a feasible point).
    let asked: Vec<(&Key, &Expr, u64, f64)> = family
        .asked
        .iter()
        .filter(|(_, e)| !e.is_empty()) // nothing in the row can hold it: known to be 0
        .filter_map(|(key, e)| {
            // Children in the row who could be asked it at all (its setting types): a range
            // as wide as that is no narrower than what the register alone tells.
            let n = children
                .iter()
                .filter(|(c, _)| in_row(c, key.dimension, &key.row))
                .filter(|(c, _)| match key.part {
                    Part::Base(i) | Part::Safe(i) | Part::Value(i, _) => meta.asked(i, c.setting),
                    Part::DomainN(d) | Part::DomainSafe(d) => (0..meta.items.len())
                        .any(|i| meta.items[i].domain == d && meta.asked(i, c.setting)),
                    Part::N => true,
                })
                .count() as u64;
            // An answer's count is at most the row's children who answered the question: a
            // range that wide tells no more than its base does.
            let answered = |part| {
                let base = Key {
                    part,
                    ..(*key).clone()
                };
                truth(meta, &base, children)
            };
            let n = match key.part {
                Part::Safe(i) | Part::Value(i, _) => answered(Part::Base(i)),
                Part::DomainSafe(d) => answered(Part::DomainN(d)),
                _ => n,
            };
            let floor = k.min(n);
            (floor > 0).then(|| (key, e, floor, truth(meta, key, children) as f64))
        })
        .collect();
    let mut lo: Vec<f64> = asked.iter().map(|a| a.3).collect();
    let mut hi = lo.clone();
    let seen = |point: &[f64], lo: &mut Vec<f64>, hi: &mut Vec<f64>| {
        for (j, a) in asked.iter().enumerate() {
            let v = value(a.1, point);
            lo[j] = lo[j].min(v);
            hi[j] = hi[j].max(v);
        }
    };
    // First a few objectives over every figure not yet seen wide, with signs from a fixed
    // generator: each optimum is a feasible point, so every figure whose values at them lie
    // its floor apart needs no programme of its own.
    let open = |lo: &[f64], hi: &[f64]| -> Vec<usize> {
        (0..asked.len())
            .filter(|&j| hi[j] - lo[j] < asked[j].2 as f64 - TOL)
            .collect()
    };
    let mut state = 0x2545_F491_4F6C_DD1D_u64 ^ asked.len() as u64;
    for round in 0..12 {
        let before = open(&lo, &hi);
        if before.is_empty() {
            break;
        }
        let mut objective: Expr = Vec::new();
        for &j in &before {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let sign = match round {
                0 => 1.0,
                1 => -1.0,
                _ if state & 1 == 0 => 1.0,
                _ => -1.0,
            };
            objective.extend(asked[j].1.iter().map(|&(v, c)| (v, sign * c)));
        }
        report.solves += 1;
        let Some((_, point)) = family.lp.solve(&objective, true) else {
            panic!(
                "{}: the attacker's program is infeasible; its model of the publication is wrong",
                family.name
            );
        };
        seen(&point, &mut lo, &mut hi);
        if round > 2 && open(&lo, &hi).len() * 50 > before.len() * 49 {
            break;
        }
    }
    for j in 0..asked.len() {
        let (key, expr, floor, truth) = asked[j];
        let floor_f = floor as f64;
        for maximize in [true, false] {
            if hi[j] - lo[j] >= floor_f - TOL {
                break;
            }
            report.solves += 1;
            let Some((opt, point)) = family.lp.solve(expr, maximize) else {
                panic!(
                    "{}: the attacker's program is infeasible; its model of the publication is wrong",
                    family.name
                );
            };
            assert!(
                if maximize {
                    opt >= truth - 1e-4
                } else {
                    opt <= truth + 1e-4
                },
                "{}: {} optimum {opt} excludes the truth {truth}: the attacker's model is wrong",
                family.name,
                meta.label(key)
            );
            seen(&point, &mut lo, &mut hi);
        }
        report.checked += 1;
        if hi[j] - lo[j] < floor_f - TOL {
            report.findings.push(Finding {
                figure: meta.label(key),
                min: lo[j],
                max: hi[j],
                floor,
                truth: truth as u64,
            });
        }
    }
}

/// The figures of a publication as the attacker reads them, and the truth of each, for
/// negative controls that reveal hidden ones.
pub fn truths(
    p: &Publication,
    instrument: &Instrument,
    children: &[Child],
) -> BTreeMap<Key, (Option<u64>, u64)> {
    let meta = Meta::new(instrument);
    let cells: Vec<(Cell, BTreeSet<(String, i16)>)> = children
        .iter()
        .map(|ch| {
            (
                Cell {
                    organisation: ch.organisation,
                    region: p.register.region_of(ch.organisation).unwrap(),
                    setting: ch.setting,
                    age: ch.age.clone(),
                    gender: ch.gender.clone(),
                },
                increments(instrument, &ch.answers).into_iter().collect(),
            )
        })
        .collect();
    figures(p, instrument)
        .into_iter()
        .map(|(k, v)| {
            let t = truth(&meta, &k, &cells);
            (k, (v, t))
        })
        .collect()
}

/// Whether the rule protects this figure where hidden (see `protected`).
pub fn is_protected(
    instrument: &Instrument,
    key: &Key,
    figures: &BTreeMap<Key, Option<u64>>,
) -> bool {
    protected(&Meta::new(instrument), key, figures)
}
