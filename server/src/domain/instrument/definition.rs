//! The file format, exactly as written in `instruments/*.toml` and returned by the API.

use crate::domain::SettingType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A text in every language of the instrument, keyed by language code.
pub type Texts = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentDef {
    pub version: String,
    pub languages: Vec<String>,
    pub title: Texts,
    pub scales: Vec<Scale>,
    pub domains: Vec<Domain>,
    pub items: Vec<Item>,
    pub open_question: OpenQuestion,
    /// The item whose "safe" share is the headline figure (share of children who feel safe);
    /// the first item when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleKind {
    /// Five faces, from very sad to very happy, with words under them.
    Smiley,
    /// Two to seven word buttons.
    Choice,
    /// A school mark from 1 to 10.
    Mark,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub key: String,
    pub kind: ScaleKind,
    pub safe_values: Vec<i16>,
    pub points: Vec<ScalePoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalePoint {
    pub value: i16,
    pub label: Texts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    pub key: String,
    pub title: Texts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub key: String,
    pub comparability_key: String,
    pub domain: String,
    pub scale: String,
    pub text: Texts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safe_values: Option<Vec<i16>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub help_if: Vec<i16>,
}

/// Routing: an item is shown only when every part of its condition holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting_types: Option<Vec<SettingType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<i16>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenQuestion {
    pub key: String,
    pub comparability_key: String,
    pub text: Texts,
    pub max_length: usize,
}
