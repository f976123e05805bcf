//! The children behind each row. Where their number per place cell (organisation and
//! setting type) is known to everyone (children who responded: the response page shows them
//! during the wave), every place row is public and only the age band, gender and setting ×
//! age rows are protected; otherwise (linked pairs) every row is.

use super::super::population::{JointCount, Layers, Members, Population};
use super::builder::{layer_of, row_partitions, Builder, Layer, LayerCells};
use super::{group_rank, ChildrenSpec, Rows};
use crate::domain::disclosure::protect;
use crate::domain::disclosure::Cell;

/// Children per layer cell and per row.
pub struct Children {
    pub layers: Layers,
    pub place_public: bool,
    /// Per row: the true number, and whether everyone knows it.
    pub n: Vec<(u64, bool)>,
}

impl Children {
    pub fn new(p: &Population, rows: &Rows, counts: &[JointCount], spec: ChildrenSpec) -> Children {
        let layers = p
            .layers(counts, spec.measure)
            .remove(&0)
            .unwrap_or_else(|| Layers {
                place: vec![0; p.places.len()],
                setting_age: vec![0; p.setting_ages()],
                gender: vec![0; p.genders.len()],
            });
        let index = |i: usize| Some(i as Cell);
        let all = LayerCells {
            place: (0..p.places.len()).map(index).collect(),
            setting_age: (0..p.setting_ages())
                .map(|j| index(p.places.len() + j))
                .collect(),
            gender: (0..p.genders.len())
                .map(|g| index(p.places.len() + p.setting_ages() + g))
                .collect(),
        };
        let truth: Vec<u64> = layers
            .place
            .iter()
            .chain(&layers.setting_age)
            .chain(&layers.gender)
            .copied()
            .collect();
        let n = rows
            .groups
            .iter()
            .map(|m| {
                let sum = all.of(p, m).iter().map(|&c| truth[c as usize]).sum();
                let public = spec.place_public && layer_of(m) == Layer::Place;
                (sum, public)
            })
            .collect();
        Children {
            layers,
            place_public: spec.place_public,
            n,
        }
    }
}

/// `Σ over place cells = Σ over setting × age cells` per setting type, and every layer's
/// total the same: what holds between the layers whatever is published.
pub fn link_layers(b: &mut Builder, p: &Population, place: &[Option<Cell>], cells: &LayerCells) {
    let by_places = LayerCells {
        place: place.to_vec(),
        ..Default::default()
    };
    for s in 0..p.settings.len() {
        let over_places = by_places.of(p, &Members::Setting(s));
        let over_ages = cells.over_ages(p, &Members::Setting(s)).unwrap_or_default();
        if !over_places.is_empty() || !over_ages.is_empty() {
            b.model.links.push((over_places, over_ages));
        }
    }
    let over_genders: Vec<Cell> = cells.gender.iter().flatten().copied().collect();
    b.model
        .links
        .push((by_places.of(p, &Members::Total), over_genders));
}

/// Adds the children's cells and figures to `b`; returns their cells and each row's figure.
pub fn children_part(
    b: &mut Builder,
    p: &Population,
    rows: &Rows,
    children: &Children,
    k: u64,
) -> (LayerCells, Vec<usize>) {
    let l = &children.layers;
    let cells = LayerCells {
        place: l.place.iter().map(|&n| Some(b.model.cell(n))).collect(),
        setting_age: l
            .setting_age
            .iter()
            .map(|&n| Some(b.model.cell(n)))
            .collect(),
        gender: l.gender.iter().map(|&n| Some(b.model.cell(n))).collect(),
    };
    if children.place_public {
        // Each place cell is on the response page.
        for c in cells.place.iter().flatten() {
            let f = b.figure(vec![*c], Layer::Place, k, 9);
            b.model.figures[f].public = true;
        }
    }
    let figure_of: Vec<usize> = rows
        .groups
        .iter()
        .enumerate()
        .map(|(g, members)| {
            let f = b.figure(
                cells.of(p, members),
                layer_of(members),
                k,
                group_rank(members),
            );
            b.model.figures[f].public |= children.n[g].1;
            f
        })
        .collect();
    link_layers(b, p, &cells.place, &cells);
    row_partitions(b, p, rows, &|g| Some(figure_of[g]));
    (cells, figure_of)
}

/// Which rows' children are hidden: public rows when they are under k, the others as the
/// engine decides.
pub fn protect_children(p: &Population, rows: &Rows, children: &Children, k: u64) -> Vec<bool> {
    let mut b = Builder::new();
    let (_, figure_of) = children_part(&mut b, p, rows, children, k);
    let hidden = protect(&b.model, k, &[]);
    (0..rows.groups.len())
        .map(|g| {
            let (n, public) = children.n[g];
            if public {
                n < k
            } else {
                hidden[figure_of[g]]
            }
        })
        .collect()
}
