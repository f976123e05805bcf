//! One block: the measures of a component (a question with its follow-ups; a domain) with
//! the children part fixed. Per row the figures are the base (every answer on the scale), the
//! safe and the unsafe answers, and — for the total, setting types, age bands and genders —
//! each answer's count. Organisations, regions and setting × age cells publish the share
//! (safe and base), not each answer: their per-answer counts would mostly be under k anyway,
//! and leaving them out keeps the cells of the place layer to two per measure.

use super::super::population::{JointCount, Members, Population};
use super::builder::{layer_of, row_partitions, Builder, Layer, LayerCells};
use super::children::{children_part, Children};
use super::{group_rank, MeasureSpec, Part, Rows, Shown};
use crate::domain::disclosure::{protect, Cap, Cell};
use std::collections::{BTreeMap, HashMap};

/// A measure's cells: on the place layer one per *place part* (the safe answers and the
/// unsafe ones, or each answer where a follow-up's trigger needs it), on the setting × age
/// and gender layers one per answer.
struct MeasureCells {
    place_parts: Vec<Vec<i16>>,
    /// `[part][place]`.
    place: Vec<Vec<Option<Cell>>>,
    setting_age: BTreeMap<i16, Vec<Option<Cell>>>,
    gender: BTreeMap<i16, Vec<Option<Cell>>>,
}

impl MeasureCells {
    /// The place parts whose answers together are `values`; `None` when they do not add up
    /// to it exactly.
    fn parts_for(&self, values: &[i16]) -> Option<Vec<usize>> {
        let parts: Vec<usize> = (0..self.place_parts.len())
            .filter(|&i| self.place_parts[i].iter().all(|v| values.contains(v)))
            .collect();
        let covered: usize = parts.iter().map(|&i| self.place_parts[i].len()).sum();
        (covered == values.len()).then_some(parts)
    }

    fn place_layer(&self, part: usize) -> LayerCells {
        LayerCells {
            place: self.place[part].clone(),
            ..Default::default()
        }
    }

    fn value_layer(&self, v: i16) -> LayerCells {
        LayerCells {
            place: Vec::new(),
            setting_age: self.setting_age.get(&v).cloned().unwrap_or_default(),
            gender: self.gender.get(&v).cloned().unwrap_or_default(),
        }
    }

    /// The cells of `values` in a row, on the row's own layer.
    fn of(&self, p: &Population, members: &Members, values: &[i16]) -> Option<Vec<Cell>> {
        match layer_of(members) {
            Layer::Place => Some(
                self.parts_for(values)?
                    .into_iter()
                    .flat_map(|part| self.place_layer(part).of(p, members))
                    .collect(),
            ),
            Layer::SettingAge | Layer::Gender => Some(
                values
                    .iter()
                    .flat_map(|&v| self.value_layer(v).of(p, members))
                    .collect(),
            ),
        }
    }

    /// The cells of `values` in one layer cell: `layer` 0 place, 1 setting × age, 2 gender.
    fn at(&self, layer: usize, i: usize, values: &[i16]) -> Vec<Cell> {
        match layer {
            0 => self
                .parts_for(values)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|part| self.place[part][i])
                .collect(),
            1 => values
                .iter()
                .filter_map(|v| self.setting_age.get(v).and_then(|c| c[i]))
                .collect(),
            _ => values
                .iter()
                .filter_map(|v| self.gender.get(v).and_then(|c| c[i]))
                .collect(),
        }
    }
}

/// The place parts of a measure: its safe and its unsafe answers, or each answer when a
/// follow-up is triggered by answers that are not exactly one of those.
fn place_parts(specs: &[MeasureSpec], m: usize) -> Vec<Vec<i16>> {
    let spec = &specs[m];
    let halves: Vec<Vec<i16>> = [Part::Safe, Part::Unsafe]
        .into_iter()
        .map(|part| spec.values_of(part))
        .filter(|v| !v.is_empty())
        .collect();
    let aligned = specs.iter().all(|f| match &f.parent {
        Some((parent, trigger)) if *parent == m => {
            let mut t = trigger.clone();
            t.sort_unstable();
            halves.iter().any(|h| {
                let mut h = h.clone();
                h.sort_unstable();
                h == t
            })
        }
        _ => true,
    });
    if aligned {
        halves
    } else {
        spec.values.iter().map(|&v| vec![v]).collect()
    }
}

fn measure_cells(
    b: &mut Builder,
    p: &Population,
    counts: &[JointCount],
    specs: &[MeasureSpec],
    m: usize,
    children: &Children,
) -> MeasureCells {
    let spec = &specs[m];
    let layers = p.layers(counts, &spec.key);
    let truth = |v: i16| layers.get(&v);
    let parts = place_parts(specs, m);
    let place = parts
        .iter()
        .map(|values| {
            (0..p.places.len())
                .map(|i| {
                    let possible = spec.asked_in(p.places[i].setting)
                        && (!children.place_public || children.layers.place[i] > 0);
                    possible.then(|| {
                        let n = values
                            .iter()
                            .map(|&v| truth(v).map_or(0, |l| l.place[i]))
                            .sum();
                        b.model.cell(n)
                    })
                })
                .collect()
        })
        .collect();
    let mut setting_age = BTreeMap::new();
    let mut gender = BTreeMap::new();
    for &v in &spec.values {
        let l = truth(v);
        setting_age.insert(
            v,
            (0..p.setting_ages())
                .map(|j| {
                    spec.asked_in(p.settings[j / p.ages.len()])
                        .then(|| b.model.cell(l.map_or(0, |l| l.setting_age[j])))
                })
                .collect(),
        );
        gender.insert(
            v,
            (0..p.genders.len())
                .map(|g| Some(b.model.cell(l.map_or(0, |l| l.gender[g]))))
                .collect(),
        );
    }
    MeasureCells {
        place_parts: parts,
        place,
        setting_age,
        gender,
    }
}

/// Whether a part of a row is a figure of the publication.
fn published_part(members: &Members, part: Part) -> bool {
    !matches!(
        (members, part),
        (Members::Places(_) | Members::SettingAge(_), Part::Value(_))
    )
}

/// Protects one block; returns, per measure of the component, each (row, part) figure's
/// count where it is shown.
#[allow(clippy::too_many_arguments)]
pub fn protect_block(
    p: &Population,
    rows: &Rows,
    counts: &[JointCount],
    specs: &[MeasureSpec],
    component: &[usize],
    children: &Children,
    row_hidden: &[bool],
    k: u64,
    answers_protected: bool,
) -> Vec<(usize, Shown)> {
    let mut b = Builder::new();
    let (n_cells, n_figure) = children_part(&mut b, p, rows, children, k);
    for &f in &n_figure {
        b.model.figures[f].locked = true;
    }
    let cells: HashMap<usize, MeasureCells> = component
        .iter()
        .map(|&m| (m, measure_cells(&mut b, p, counts, specs, m, children)))
        .collect();
    let mut figure: HashMap<(usize, usize, Part), usize> = HashMap::new();
    for &m in component {
        let (spec, mc) = (&specs[m], &cells[&m]);
        for part in spec.parts() {
            let values = spec.values_of(part);
            for (g, members) in rows.groups.iter().enumerate() {
                if !published_part(members, part) {
                    continue;
                }
                // Each answer's count of a setting type or the total is counted over age bands.
                let (set, layer) = match (part, members) {
                    (Part::Value(v), Members::Total | Members::Setting(_)) => {
                        (mc.value_layer(v).over_ages(p, members), Layer::SettingAge)
                    }
                    _ => (mc.of(p, members, &values), layer_of(members)),
                };
                let Some(set) = set else { continue };
                // An answer's count is at most the children who answered (the base): a range
                // that wide is all the base tells, so its floor is k or the base.
                // How many of a row's children answered a question nobody is routed to differs
                // from those children only by who skipped it: where the children are known
                // (published, or a place row's from the response page) it is not protected
                // itself, though hidden with its row.
                let known_anyway = spec.parent.is_none() && (children.n[g].1 || !row_hidden[g]);
                let floor = match part {
                    Part::Base if known_anyway => 0,
                    Part::Base => k.min(children.n[g].0),
                    Part::Value(_) if !answers_protected => 0,
                    _ => k.min(
                        mc.of(p, members, &spec.values)
                            .map_or(0, |c| b.model.sum(&c)),
                    ),
                };
                // Group first: a small group's figure is hidden before a larger group's, the
                // total last.
                let rank = group_rank(members) * 3 + part.rank();
                figure.insert((m, g, part), b.figure(set, layer, floor, rank));
            }
        }
        for part in spec.parts() {
            row_partitions(&mut b, p, rows, &|g| figure.get(&(m, g, part)).copied());
        }
        for g in 0..rows.groups.len() {
            let f = |part| figure.get(&(m, g, part)).copied();
            let halves: Option<Vec<usize>> =
                [Part::Safe, Part::Unsafe].into_iter().map(f).collect();
            if let (Some(base), Some(halves)) = (f(Part::Base), halves) {
                b.partition(base, halves);
            }
            for set in [Part::Safe, Part::Unsafe] {
                let singles: Option<Vec<usize>> = spec
                    .values_of(set)
                    .into_iter()
                    .map(|v| f(Part::Value(v)))
                    .collect();
                if let (Some(whole), Some(singles)) = (f(set), singles) {
                    b.partition(whole, singles);
                }
            }
        }
    }
    add_links_and_caps(&mut b, p, specs, component, &cells, &n_cells);
    // A row hidden for its children is hidden for every figure of the block; the children part
    // keeps what its own protection decided.
    let mut forced = vec![false; b.model.figures.len()];
    for (g, &f) in n_figure.iter().enumerate() {
        forced[f] = row_hidden[g] && !b.model.figures[f].public;
    }
    for (&(_, g, _), &f) in &figure {
        if row_hidden[g] {
            forced[f] = true;
        }
    }
    let hidden = protect(&b.model, k, &forced);
    component
        .iter()
        .map(|&m| {
            let shown = figure
                .iter()
                .filter(|((mm, _, _), _)| *mm == m)
                .map(|(&(_, g, part), &f)| ((g, part), (!hidden[f]).then(|| b.model.value(f))))
                .collect();
            (m, shown)
        })
        .collect()
}

/// What holds whatever is published: the layers add up alike (per place part over setting
/// types, per answer over the whole); answers within children; follow-ups within the answers
/// that lead to them; a domain of one question equal to that question.
fn add_links_and_caps(
    b: &mut Builder,
    p: &Population,
    specs: &[MeasureSpec],
    component: &[usize],
    cells: &HashMap<usize, MeasureCells>,
    n: &LayerCells,
) {
    for &m in component {
        let mc = &cells[&m];
        for (part, values) in mc.place_parts.iter().enumerate() {
            // The part's answers per setting × age cell and per gender cell.
            let mut sa: Vec<Vec<Cell>> = vec![Vec::new(); p.setting_ages()];
            let mut gd: Vec<Vec<Cell>> = vec![Vec::new(); p.genders.len()];
            for v in values {
                let l = mc.value_layer(*v);
                for (j, c) in l.setting_age.iter().enumerate() {
                    sa[j].extend(c.iter());
                }
                for (g, c) in l.gender.iter().enumerate() {
                    gd[g].extend(c.iter());
                }
            }
            let place_layer = mc.place_layer(part);
            for s in 0..p.settings.len() {
                let ages = p.ages.len();
                let over_places = place_layer.of(p, &Members::Setting(s));
                let over_ages: Vec<Cell> =
                    (0..ages).flat_map(|a| sa[s * ages + a].clone()).collect();
                if !over_places.is_empty() || !over_ages.is_empty() {
                    b.model.links.push((over_places, over_ages));
                }
            }
            b.model.links.push((
                place_layer.of(p, &Members::Total),
                gd.into_iter().flatten().collect(),
            ));
        }
        for &v in &specs[m].values {
            let l = mc.value_layer(v);
            b.model.links.push((
                l.setting_age.iter().flatten().copied().collect(),
                l.gender.iter().flatten().copied().collect(),
            ));
        }
        let all = &specs[m].values;
        let layers = [
            (0, p.places.len(), &n.place),
            (1, p.setting_ages(), &n.setting_age),
            (2, p.genders.len(), &n.gender),
        ];
        for (layer, count, children) in layers {
            for (i, child) in children.iter().enumerate().take(count) {
                let lhs = mc.at(layer, i, all);
                if let (false, Some(c)) = (lhs.is_empty(), *child) {
                    b.model.caps.push(Cap {
                        lhs,
                        constant: 0,
                        rhs: vec![c],
                    });
                }
                if let Some((parent, trigger)) = &specs[m].parent {
                    if let Some(pc) = cells.get(parent) {
                        let lhs = mc.at(layer, i, all);
                        if !lhs.is_empty() {
                            b.model.caps.push(Cap {
                                lhs,
                                constant: 0,
                                rhs: pc.at(layer, i, trigger),
                            });
                        }
                    }
                }
                if let Some(item) = specs[m].same_as {
                    if let Some(ic) = cells.get(&item) {
                        for part in [Part::Safe, Part::Unsafe] {
                            let mine = mc.at(layer, i, &specs[m].values_of(part));
                            let theirs = ic.at(layer, i, &specs[item].values_of(part));
                            if !mine.is_empty() || !theirs.is_empty() {
                                b.model.links.push((mine, theirs));
                            }
                        }
                    }
                }
            }
        }
    }
}
