//! Results: counts per cell become shares, means and intervals, under the disclosure rules.
//! Plain Rust: the store supplies counts, the HTTP layer shows what comes out.

#[cfg(test)]
mod attack;
pub mod change;
pub mod engine;
pub mod family;
pub mod figures;
pub mod incidents;
pub mod intervals;
mod linear;
#[cfg(test)]
mod lp;
pub mod measures;
pub mod protect;
mod ranges;
#[cfg(test)]
mod tests;

pub use engine::{protect_family, Base, Count, Dimension, Measure, Protected, Tally};
pub use family::{Family, Group, TableSpec};
pub use figures::{compute, compute_one_way, DomainResult, GroupResult, ItemResult, ResultTable};
pub use intervals::Estimate;
pub use protect::{effective_k, DEFAULT_K, MIN_K};
