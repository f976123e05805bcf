//! A family of tables that are published together and add up to each other: organisations and
//! their regions; setting types, age bands and the two-way table of both; genders; the whole
//! wave. Every figure of a family is a sum over the same *cells* (the finest groups: one
//! organisation in one region, one setting type with one age band), so the engine can protect
//! all the family's tables at once: a hidden region is as much an unknown as a hidden
//! organisation, and no table can be subtracted from another to find it.

use super::engine::Dimension;
use crate::domain::SettingType;
use std::collections::{BTreeMap, HashMap};

/// Which tables are published together because they add up to each other. Every breakdown
/// belongs to exactly one family; the whole wave's figures are the total of every family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FamilyKind {
    /// The whole wave.
    Whole,
    Gender,
    /// Regions and the organisations in them.
    Place,
    /// Setting types, age bands, and the two-way table of both.
    Setting,
}

impl FamilyKind {
    pub const ALL: [FamilyKind; 4] = [
        FamilyKind::Whole,
        FamilyKind::Gender,
        FamilyKind::Place,
        FamilyKind::Setting,
    ];

    /// How the family is named where its published tables are stored.
    pub fn as_str(self) -> &'static str {
        match self {
            FamilyKind::Whole => "whole",
            FamilyKind::Gender => "gender",
            FamilyKind::Place => "place",
            FamilyKind::Setting => "setting",
        }
    }

    pub fn of(dimension: Dimension) -> FamilyKind {
        match dimension {
            Dimension::Overall => FamilyKind::Whole,
            Dimension::Gender => FamilyKind::Gender,
            Dimension::Region | Dimension::Organisation => FamilyKind::Place,
            Dimension::SettingType | Dimension::AgeBand | Dimension::SettingTypeByAgeBand => {
                FamilyKind::Setting
            }
        }
    }
}

/// One row of a table: which cells it adds up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub value: String,
    pub label: String,
    /// Indices into `Family::cells`; empty for a value no cell has (always shown as hidden).
    pub cells: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    pub dimension: Dimension,
    /// Every value of the breakdown, in display order, also when no child has it, so an
    /// absent row never tells that a group is empty.
    pub groups: Vec<Group>,
}

/// The cells (by key, as the counts name them) and the tables built from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    pub cells: Vec<String>,
    pub tables: Vec<TableSpec>,
    /// The setting types each cell's children can be in, where anyone with the register can
    /// know it (a setting type, an organisation's locations); missing or `None`: any. A
    /// question asked only in some setting types is known to be 0 in the other cells.
    pub cell_settings: Vec<Option<Vec<SettingType>>>,
}

impl Family {
    /// A family of one table whose rows are its cells (genders; the whole wave).
    pub fn one_way(dimension: Dimension, rows: Vec<(String, String)>) -> Family {
        let cells = rows.iter().map(|(value, _)| value.clone()).collect();
        let groups = rows
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| Group {
                value,
                label,
                cells: vec![i],
            })
            .collect();
        Family {
            cells,
            tables: vec![TableSpec { dimension, groups }],
            cell_settings: Vec::new(),
        }
    }

    /// The setting types of a cell, when known.
    pub fn settings_of(&self, cell: usize) -> Option<&[SettingType]> {
        self.cell_settings.get(cell).and_then(|s| s.as_deref())
    }

    /// Adds a cell for every count key the family does not list yet (a group that left the
    /// register): it still counts toward the total.
    pub fn with_cells_for<'a>(mut self, keys: impl IntoIterator<Item = &'a str>) -> Family {
        for key in keys {
            if !self.cells.iter().any(|c| c == key) {
                self.cells.push(key.to_string());
            }
        }
        self
    }

    pub fn cell_index(&self) -> HashMap<&str, usize> {
        self.cells
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect()
    }
}

/// The family as sets of cells: every distinct set is one *node* (a region with one
/// organisation is the same node as that organisation), with the sums that hold between them.
#[derive(Debug, Clone)]
pub struct Structure {
    /// The cells of each node, sorted. Node 0 is the total (every cell).
    pub nodes: Vec<Vec<usize>>,
    /// Whether a node is shown in some table (cells of no table are never published).
    pub shown: Vec<bool>,
    /// The node of each single cell.
    pub cell_node: Vec<usize>,
    /// `parent = sum of children`: the children are disjoint and together make the parent.
    pub partitions: Vec<(usize, Vec<usize>)>,
    /// The partitions each node is the parent of.
    pub parts_of: Vec<Vec<usize>>,
    /// The node of each row of each table; `None` for a row without cells.
    pub rows: Vec<Vec<Option<usize>>>,
    /// Nodes of left-out cells: known to be 0, so never unknown and never protected.
    pub ignored: Vec<bool>,
}

pub const TOTAL: usize = 0;

impl Structure {
    pub fn new(family: &Family) -> Structure {
        Structure::without(family, &[])
    }

    /// The structure of the family with some cells left out: cells where a measure is known
    /// to be 0, so they are neither unknowns nor anything to protect. A row made only of
    /// left-out cells has no node (it shows as hidden, and is known to be 0).
    pub fn without(family: &Family, left_out: &[bool]) -> Structure {
        let kept = |c: usize| !left_out.get(c).copied().unwrap_or(false);
        let all: Vec<usize> = (0..family.cells.len()).filter(|&c| kept(c)).collect();
        let mut s = Structure {
            nodes: Vec::new(),
            shown: Vec::new(),
            cell_node: Vec::new(),
            partitions: Vec::new(),
            parts_of: Vec::new(),
            rows: Vec::new(),
            ignored: Vec::new(),
        };
        let mut index: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
        let total = s.node(&mut index, all.clone());
        s.shown[total] = true;
        // Left-out cells keep their own node, never shown: nothing refers to it.
        s.cell_node = (0..family.cells.len())
            .map(|c| s.node(&mut index, vec![c]))
            .collect();
        for table in &family.tables {
            let mut rows = Vec::new();
            for group in &table.groups {
                let mut cells: Vec<usize> =
                    group.cells.iter().copied().filter(|&c| kept(c)).collect();
                cells.sort_unstable();
                cells.dedup();
                let node = (!cells.is_empty()).then(|| s.node(&mut index, cells));
                if let Some(n) = node {
                    s.shown[n] = true;
                }
                rows.push(node);
            }
            s.rows.push(rows);
        }
        let mut partitions: Vec<(usize, Vec<usize>)> = Vec::new();
        for rows in s.rows.clone() {
            let mut children: Vec<usize> = rows.into_iter().flatten().collect();
            children.sort_unstable();
            children.dedup();
            if s.partitions_exactly(total, &children) {
                partitions.push((total, children));
            }
        }
        let singles = s.cell_node.clone();
        for node in 0..s.nodes.len() {
            if s.nodes[node].iter().any(|&c| !kept(c)) {
                continue;
            }
            if s.nodes[node].len() >= 2 {
                let children: Vec<usize> = s.nodes[node].iter().map(|&c| singles[c]).collect();
                partitions.push((node, children));
            }
        }
        partitions.sort();
        partitions.dedup();
        s.partitions = partitions;
        s.ignored = s
            .nodes
            .iter()
            .map(|cells| cells.iter().any(|&c| !kept(c)))
            .collect();
        s.parts_of = vec![Vec::new(); s.nodes.len()];
        for (i, (parent, _)) in s.partitions.iter().enumerate() {
            s.parts_of[*parent].push(i);
        }
        s
    }

    fn node(&mut self, index: &mut BTreeMap<Vec<usize>, usize>, cells: Vec<usize>) -> usize {
        if let Some(&n) = index.get(&cells) {
            return n;
        }
        self.nodes.push(cells.clone());
        self.shown.push(false);
        index.insert(cells, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    /// Whether `children` (at least two) are disjoint and together are exactly `parent`.
    fn partitions_exactly(&self, parent: usize, children: &[usize]) -> bool {
        if children.len() < 2 {
            return false;
        }
        let mut covered: Vec<usize> = children
            .iter()
            .flat_map(|&c| self.nodes[c].iter().copied())
            .collect();
        let count = covered.len();
        covered.sort_unstable();
        covered.dedup();
        covered.len() == count && covered == self.nodes[parent]
    }

    pub fn is_single_cell(&self, node: usize) -> bool {
        self.nodes[node].len() == 1
    }

    /// The value of every node, from the values of the cells.
    pub fn values(&self, cells: &[u64]) -> Vec<u64> {
        self.nodes
            .iter()
            .map(|n| n.iter().map(|&c| cells[c]).sum())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(value: &str, cells: Vec<usize>) -> Group {
        Group {
            value: value.into(),
            label: value.into(),
            cells,
        }
    }

    #[test]
    fn a_region_with_one_organisation_is_the_same_node_as_that_organisation() {
        // Organisations 0, 1 in region A; organisation 2 alone in region B; region C empty.
        let family = Family {
            cell_settings: Vec::new(),
            cells: vec!["o0".into(), "o1".into(), "o2".into()],
            tables: vec![
                TableSpec {
                    dimension: Dimension::Region,
                    groups: vec![
                        group("A", vec![0, 1]),
                        group("B", vec![2]),
                        group("C", vec![]),
                    ],
                },
                TableSpec {
                    dimension: Dimension::Organisation,
                    groups: vec![
                        group("o0", vec![0]),
                        group("o1", vec![1]),
                        group("o2", vec![2]),
                    ],
                },
            ],
        };
        let s = Structure::new(&family);
        assert_eq!(s.rows[0][1], s.rows[1][2], "region B is organisation 2");
        assert_eq!(s.rows[0][2], None, "an empty region has no node");
        assert_eq!(s.nodes.len(), 5, "total, three organisations, region A");
        let region_a = s.rows[0][0].unwrap();
        assert!(s
            .partitions
            .contains(&(region_a, vec![s.cell_node[0], s.cell_node[1]])));
        assert!(s
            .partitions
            .iter()
            .any(|(p, c)| *p == TOTAL && c.len() == 2));
        assert!(s
            .partitions
            .iter()
            .any(|(p, c)| *p == TOTAL && c.len() == 3));
    }
}
