//! A count as the store sums it for one breakdown: children of one group with one value of
//! one measure.

/// A count from the store, summed per group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub group: String,
    pub measure: String,
    pub value: i16,
    pub n: u64,
}
