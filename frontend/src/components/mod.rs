//! Reusable parts of pages.

mod layout;

pub use layout::Layout;
