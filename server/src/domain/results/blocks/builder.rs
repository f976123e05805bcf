//! Building a block's model: one figure per distinct set of cells, and the sums between rows
//! that hold whatever is published.

use super::super::population::{Members, Population};
use super::Rows;
use crate::domain::disclosure::{Cell, Model};
use std::collections::HashMap;

/// Which layer of cells a figure adds up (see `population`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Place,
    SettingAge,
    Gender,
}

/// Builds a model figure by figure, one figure per distinct set of cells (a region of one
/// organisation is that organisation, and must be hidden or shown with it).
pub struct Builder {
    pub model: Model,
    by_cells: HashMap<Vec<Cell>, usize>,
    /// The layer each figure adds up.
    layer: Vec<Option<Layer>>,
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            model: Model::default(),
            by_cells: HashMap::new(),
            layer: Vec::new(),
        }
    }

    pub fn figure(&mut self, mut cells: Vec<Cell>, layer: Layer, floor: u64, rank: u8) -> usize {
        cells.sort_unstable();
        cells.dedup();
        if !cells.is_empty() {
            if let Some(&f) = self.by_cells.get(&cells) {
                let fig = &mut self.model.figures[f];
                fig.floor = fig.floor.max(floor);
                fig.rank = fig.rank.max(rank);
                return f;
            }
            self.by_cells
                .insert(cells.clone(), self.model.figures.len());
        }
        // An empty figure is known to be 0 everywhere: each keeps its own.
        let f = self.model.figure(cells, floor, rank);
        self.layer.push(Some(layer));
        f
    }

    /// `whole = Σ parts`, leaving out parts without cells: in cells when all are on one
    /// layer, else through the links between layers.
    pub fn partition(&mut self, whole: usize, parts: Vec<usize>) {
        let parts: Vec<usize> = parts
            .into_iter()
            .filter(|&f| !self.model.figures[f].cells.is_empty() && f != whole)
            .collect();
        if self.model.figures[whole].cells.is_empty() {
            return;
        }
        if parts.iter().all(|&f| self.layer[f] == self.layer[whole]) {
            self.model.partition(whole, parts);
        } else {
            self.model.partition_across(whole, parts);
        }
    }
}

/// Cells of one measure-part (or of the children) per cell of each layer; `None` where it
/// cannot occur.
#[derive(Debug, Clone, Default)]
pub struct LayerCells {
    pub place: Vec<Option<Cell>>,
    pub setting_age: Vec<Option<Cell>>,
    pub gender: Vec<Option<Cell>>,
}

impl LayerCells {
    /// The cells of a row on the layer it is counted on: region, organisation, setting type
    /// and total on the place layer; age bands and setting × age on theirs; genders on theirs.
    pub fn of(&self, p: &Population, members: &Members) -> Vec<Cell> {
        let ages = p.ages.len();
        let places = |f: &dyn Fn(usize) -> bool| -> Vec<Cell> {
            (0..self.place.len())
                .filter(|&i| f(i))
                .filter_map(|i| self.place[i])
                .collect()
        };
        match members {
            Members::Total => places(&|_| true),
            Members::Places(list) => list.iter().filter_map(|&i| self.place[i]).collect(),
            Members::Setting(s) => places(&|i| p.places[i].setting == p.settings[*s]),
            Members::Age(a) => (0..p.settings.len())
                .filter_map(|s| self.setting_age[s * ages + a])
                .collect(),
            Members::SettingAge(j) => self.setting_age[*j].into_iter().collect(),
            Members::Gender(g) => self.gender[*g].into_iter().collect(),
        }
    }

    /// The cells of a row on the setting × age layer (a setting type or the total counted over
    /// age bands); `None` for rows that layer does not hold.
    pub fn over_ages(&self, p: &Population, members: &Members) -> Option<Vec<Cell>> {
        let ages = p.ages.len();
        match members {
            Members::Total => Some(self.setting_age.iter().flatten().copied().collect()),
            Members::Setting(s) => Some(
                (0..ages)
                    .filter_map(|a| self.setting_age[s * ages + a])
                    .collect(),
            ),
            Members::Age(_) | Members::SettingAge(_) => Some(self.of(p, members)),
            Members::Gender(_) | Members::Places(_) => None,
        }
    }
}

/// The layer a row is counted on by `LayerCells::of`.
pub fn layer_of(members: &Members) -> Layer {
    match members {
        Members::Total | Members::Places(_) | Members::Setting(_) => Layer::Place,
        Members::Age(_) | Members::SettingAge(_) => Layer::SettingAge,
        Members::Gender(_) => Layer::Gender,
    }
}

/// The sums between rows that anyone can use, for one part of every row (`fig(row)`, `None`
/// where the part is not a figure of that row).
pub fn row_partitions(
    b: &mut Builder,
    p: &Population,
    rows: &Rows,
    fig: &dyn Fn(usize) -> Option<usize>,
) {
    let Some(total) = fig(0) else { return };
    for table in &rows.of_table {
        let parts: Option<Vec<usize>> = table[1..].iter().map(|&g| fig(g)).collect();
        if let Some(parts) = parts {
            b.partition(total, parts);
        }
    }
    let places = |g: usize| match &rows.groups[g] {
        Members::Places(list) => Some(list.clone()),
        _ => None,
    };
    let place_rows: Vec<usize> = (0..rows.groups.len())
        .filter(|&g| matches!(rows.groups[g], Members::Places(_)))
        .collect();
    for &r in &place_rows {
        let (Some(outer), Some(whole)) = (places(r), fig(r)) else {
            continue;
        };
        let inner: Option<Vec<usize>> = place_rows
            .iter()
            .copied()
            .filter(|&o| {
                o != r
                    && places(o).is_some_and(|l| {
                        l.len() < outer.len() && l.iter().all(|i| outer.contains(i))
                    })
            })
            .map(fig)
            .collect();
        if let Some(inner) = inner {
            b.partition(whole, inner);
        }
    }
    let ages = p.ages.len();
    let row_of = |m: Members| rows.groups.iter().position(|x| *x == m);
    for s in 0..p.settings.len() {
        let cells: Option<Vec<usize>> = (0..ages)
            .filter_map(|a| row_of(Members::SettingAge(s * ages + a)))
            .map(fig)
            .collect();
        if let (Some(g), Some(cells)) = (row_of(Members::Setting(s)).and_then(fig), cells) {
            b.partition(g, cells);
        }
    }
    for a in 0..ages {
        let cells: Option<Vec<usize>> = (0..p.settings.len())
            .filter_map(|s| row_of(Members::SettingAge(s * ages + a)))
            .map(fig)
            .collect();
        if let (Some(g), Some(cells)) = (row_of(Members::Age(a)).and_then(fig), cells) {
            b.partition(g, cells);
        }
    }
}
