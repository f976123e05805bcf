//! Disclosure control: the one engine behind every number anyone sees or exports. A
//! publication is written as a linear model (`model`): cells of children, figures that add
//! them up, and what anyone knows besides (links and caps from the register and the
//! questionnaire). `protect` decides which figures are hidden so that, given everything
//! published at once, no hidden figure can be narrowed below its floor; `audit` is the
//! linear programme that checks it, with the dense simplex of `simplex`.

pub mod audit;
pub mod model;
pub mod protect;
mod simplex;

pub use audit::{audit, Audit, Narrow};
pub use model::{Cap, Cell, Figure, Model};
pub use protect::protect;
