//! Results: counts of children become shares, means and intervals, published under the
//! disclosure rules. Plain Rust: the store supplies counts and the register, the HTTP layer
//! shows what comes out. One publication per wave (`publication`), protected by the one
//! engine (`crate::domain::disclosure`) through the models of `blocks`.

pub mod blocks;
pub mod change;
pub mod count;
pub mod dimension;
pub mod figures;
pub mod incidents;
pub mod intervals;
pub mod measures;
pub mod population;
pub mod publication;
pub mod register;
pub mod themes;

pub use blocks::Protections;
pub use count::Count;
pub use dimension::Dimension;
pub use figures::{DomainResult, GroupResult, ItemResult, ResultTable};
pub use intervals::Estimate;
pub use population::JointCount;
pub use publication::{
    compute, compute_with, effective_k, Publication, PublicationInput, DEFAULT_K, MIN_K,
    SERVED_MIN_K,
};
pub use register::Register;
