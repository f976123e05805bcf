//! What a table of results says about the questionnaire: per question the base (children who
//! answered on the scale), the safe answers and their share, each answer's count and the mean
//! where the whole distribution is published; per domain the children with a score and the
//! share who feel safe there. Every figure comes out of the publication (`publication`).

use super::dimension::Dimension;
use super::intervals::Estimate;
use crate::domain::instrument::{Instrument, Item};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub key: String,
    /// Children who answered on the scale (not "don't know"): the base of the share and the
    /// mean; `None` when hidden.
    pub share_safe_n: Option<u64>,
    /// Children with a safe answer.
    pub safe: Option<u64>,
    /// (value, children) for each point of the scale, `None` where hidden.
    pub distribution: Vec<(i16, Option<u64>)>,
    /// Only where the whole distribution is published.
    pub mean: Option<Estimate>,
    pub share_safe: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainResult {
    pub key: String,
    /// Children with a score in this domain (the denominator); `None` when hidden.
    pub n: Option<u64>,
    /// Children who feel safe in it.
    pub safe: Option<u64>,
    pub share_safe: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupResult {
    pub value: String,
    pub label: String,
    /// Children behind this row; `None` when hidden (whatever the true number, also 0).
    pub n: Option<u64>,
    /// The headline: share of children who feel safe (on the headline question).
    pub share_safe: Option<Estimate>,
    /// Its denominator: children who answered the headline question on the scale.
    pub share_safe_n: Option<u64>,
    pub domains: Vec<DomainResult>,
    pub items: Vec<ItemResult>,
}

impl GroupResult {
    pub fn suppressed(&self) -> bool {
        self.n.is_none()
    }

    pub fn item(&self, key: &str) -> Option<&ItemResult> {
        self.items.iter().find(|i| i.key == key)
    }

    pub fn domain(&self, key: &str) -> Option<&DomainResult> {
        self.domains.iter().find(|d| d.key == key)
    }

    /// The row with nothing shown: how a group that cannot be shown looks, whatever it holds.
    pub fn hidden(&self) -> GroupResult {
        GroupResult {
            value: self.value.clone(),
            label: self.label.clone(),
            n: None,
            share_safe: None,
            share_safe_n: None,
            domains: self
                .domains
                .iter()
                .map(|d| DomainResult {
                    key: d.key.clone(),
                    n: None,
                    safe: None,
                    share_safe: None,
                })
                .collect(),
            items: self
                .items
                .iter()
                .map(|i| ItemResult {
                    key: i.key.clone(),
                    share_safe_n: None,
                    safe: None,
                    distribution: i.distribution.iter().map(|(v, _)| (*v, None)).collect(),
                    mean: None,
                    share_safe: None,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultTable {
    pub dimension: Dimension,
    /// The k applied.
    pub k: u64,
    pub total: GroupResult,
    pub rows: Vec<GroupResult>,
}

/// The items of a domain.
pub fn domain_items<'a>(instrument: &'a Instrument, domain: &str) -> Vec<&'a Item> {
    instrument
        .def()
        .items
        .iter()
        .filter(|i| i.domain == domain)
        .collect()
}
