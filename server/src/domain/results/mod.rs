//! Results: counts per group become shares, means and intervals, under the disclosure rules.
//! Plain Rust: the store supplies counts, the HTTP layer shows what comes out.

#[cfg(test)]
mod attack;
pub mod engine;
pub mod intervals;
pub mod measures;
pub mod suppression;
#[cfg(test)]
mod tests;

pub use engine::{
    compute, Count, Dimension, DomainResult, Group, GroupResult, ItemResult, ResultTable,
};
pub use intervals::Estimate;
pub use suppression::{DEFAULT_K, MIN_K};
