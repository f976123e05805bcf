//! The questionnaire as data: a versioned file with items, scales, domains, texts per language
//! and routing. `Instrument::parse` is the only way to get one, so every `Instrument` is valid.

mod definition;
mod library;
mod routing;
pub use routing::AnswersSoFar;
mod validate;

pub use definition::{
    Condition, Domain, InstrumentDef, Item, OpenQuestion, Scale, ScaleKind, ScalePoint, Texts,
};
pub use library::{InstrumentLibrary, DEFAULT_VERSION};
pub use validate::{InstrumentError, InstrumentErrors};

use sha2::{Digest, Sha256};

/// A validated instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    def: InstrumentDef,
}

impl Instrument {
    /// Parses and validates an instrument file; `source` names it in error messages.
    pub fn parse(source: &str, toml_text: &str) -> Result<Instrument, InstrumentErrors> {
        let def: InstrumentDef = toml::from_str(toml_text)
            .map_err(|e| InstrumentErrors::single(source, "", e.to_string()))?;
        validate::validate(source, &def)?;
        Ok(Instrument { def })
    }

    /// Re-reads an instrument stored as JSON (as a wave keeps it) and validates it again.
    pub fn from_json(source: &str, json: &str) -> Result<Instrument, InstrumentErrors> {
        let def: InstrumentDef = serde_json::from_str(json)
            .map_err(|e| InstrumentErrors::single(source, "", e.to_string()))?;
        validate::validate(source, &def)?;
        Ok(Instrument { def })
    }

    pub fn def(&self) -> &InstrumentDef {
        &self.def
    }

    pub fn version(&self) -> &str {
        &self.def.version
    }

    /// The canonical JSON form: what a wave stores and what the API returns.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.def).unwrap_or_default()
    }

    /// SHA-256 of the canonical JSON: two waves share an instrument only if this is equal.
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.to_json().as_bytes()))
    }

    pub fn item(&self, key: &str) -> Option<&Item> {
        self.def.items.iter().find(|i| i.key == key)
    }

    pub fn scale_of(&self, item: &Item) -> Option<&Scale> {
        self.def.scales.iter().find(|s| s.key == item.scale)
    }

    /// The item behind the headline figure: the share of children who feel safe.
    pub fn headline_item(&self) -> Option<&Item> {
        match &self.def.headline {
            Some(key) => self.item(key),
            None => self.def.items.first(),
        }
    }

    /// The answer values that count as "feels safe" for this item: its own, or its scale's.
    pub fn safe_values(&self, item: &Item) -> Vec<i16> {
        match (&item.safe_values, self.scale_of(item)) {
            (Some(own), _) => own.clone(),
            (None, Some(scale)) => scale.safe_values.clone(),
            (None, None) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
