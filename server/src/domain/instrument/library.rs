//! The instruments this server knows: the default one compiled in, plus any files in the
//! instruments directory. A file whose version is already known must have the same content.

use super::{Instrument, InstrumentErrors};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

pub const DEFAULT_VERSION: &str = "veiligheid-v1";
const DEFAULT_TOML: &str = include_str!("../../../../instruments/veiligheid-v1.toml");

#[derive(Debug, Clone)]
pub struct InstrumentLibrary {
    by_version: BTreeMap<String, Arc<Instrument>>,
}

impl InstrumentLibrary {
    /// Only the compiled-in default instrument.
    pub fn builtin() -> Result<Self, InstrumentErrors> {
        let default = Instrument::parse("instruments/veiligheid-v1.toml", DEFAULT_TOML)?;
        let mut by_version = BTreeMap::new();
        by_version.insert(default.version().to_string(), Arc::new(default));
        Ok(InstrumentLibrary { by_version })
    }

    /// The default instrument plus every `*.toml` file in `dir`; all problems are reported.
    pub fn load(dir: &Path) -> Result<Self, InstrumentErrors> {
        let mut library = Self::builtin()?;
        let entries = std::fs::read_dir(dir).map_err(|e| {
            InstrumentErrors::single(
                &dir.display().to_string(),
                "",
                format!("cannot read the directory: {e}"),
            )
        })?;
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut errors = Vec::new();
        for path in paths {
            let source = path.display().to_string();
            let parsed = std::fs::read_to_string(&path)
                .map_err(|e| {
                    InstrumentErrors::single(&source, "", format!("cannot read the file: {e}"))
                })
                .and_then(|text| Instrument::parse(&source, &text))
                .and_then(|instrument| {
                    let stem = path
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or_default();
                    if instrument.version() != stem {
                        return Err(InstrumentErrors::single(
                            &source,
                            "version",
                            format!(
                                "{:?} must equal the file name {stem:?}",
                                instrument.version()
                            ),
                        ));
                    }
                    Ok(instrument)
                });
            match parsed {
                Ok(instrument) => {
                    if let Err(e) = library.insert(&source, instrument) {
                        errors.extend(e.0);
                    }
                }
                Err(e) => errors.extend(e.0),
            }
        }
        if errors.is_empty() {
            Ok(library)
        } else {
            Err(InstrumentErrors(errors))
        }
    }

    fn insert(&mut self, source: &str, instrument: Instrument) -> Result<(), InstrumentErrors> {
        match self.by_version.get(instrument.version()) {
            Some(known) if known.sha256() != instrument.sha256() => Err(InstrumentErrors::single(
                source,
                "version",
                format!(
                    "version {:?} is already known with other content; a changed instrument needs a new version",
                    instrument.version()
                ),
            )),
            Some(_) => Ok(()),
            None => {
                self.by_version.insert(instrument.version().to_string(), Arc::new(instrument));
                Ok(())
            }
        }
    }

    pub fn get(&self, version: &str) -> Option<Arc<Instrument>> {
        self.by_version.get(version).cloned()
    }

    pub fn default_instrument(&self) -> Arc<Instrument> {
        // `builtin` always inserts the default, and nothing removes it.
        self.by_version
            .get(DEFAULT_VERSION)
            .cloned()
            .unwrap_or_else(|| unreachable!("the default instrument is always loaded"))
    }

    pub fn versions(&self) -> impl Iterator<Item = &str> {
        self.by_version.keys().map(String::as_str)
    }
}
