//! Any view as an export, with its methods note: the one function behind the download
//! buttons, the API's file formats and `veilig export`.

use super::{change, compare, methods, table, views, ResultsError, Source};
use crate::domain::results::Dimension;
use crate::export::Export;
use crate::store::waves::{self, Wave};

/// What can be exported: a breakdown of one wave, a comparison of two, or within-child
/// change between two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Results {
        wave: String,
        by: Dimension,
    },
    Compare {
        from: String,
        to: String,
        by: Dimension,
    },
    Change {
        from: String,
        to: String,
        by: Dimension,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("there is no wave {0:?}")]
    UnknownWave(String),
    #[error(transparent)]
    Results(#[from] ResultsError),
}

impl From<sea_orm::DbErr> for ViewError {
    fn from(e: sea_orm::DbErr) -> Self {
        ViewError::Results(ResultsError::Db(e))
    }
}

impl View {
    /// How the audit log names the view.
    pub fn describe(&self) -> String {
        match self {
            View::Results { wave, by } => format!("wave {wave}, by {}", by.as_str()),
            View::Compare { from, to, by } => format!("{from} → {to}, by {}", by.as_str()),
            View::Change { from, to, by } => {
                format!("within-child change {from} → {to}, by {}", by.as_str())
            }
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            View::Results { .. } => "results",
            View::Compare { .. } => "compare",
            View::Change { .. } => "change",
        }
    }
}

pub async fn wave(state: &Source<'_>, label: &str) -> Result<Wave, ViewError> {
    waves::find_by_label(state.db, label)
        .await?
        .ok_or_else(|| ViewError::UnknownWave(label.to_string()))
}

async fn instrument_version(state: &Source<'_>, wave: &Wave) -> Result<String, ViewError> {
    let i = crate::store::instruments::load_instrument(state.db, state.instruments, wave).await?;
    Ok(i.version().to_string())
}

pub async fn export_view(state: &Source<'_>, view: &View) -> Result<Export, ViewError> {
    match view {
        View::Results { wave: label, by } => {
            let wave = wave(state, label).await?;
            let t = table(state, &wave, *by).await?;
            let instrument =
                crate::store::instruments::load_instrument(state.db, state.instruments, &wave)
                    .await?;
            let note = methods::note(
                state,
                &format!("{}: national results", view.describe()),
                &[(&wave, instrument.version())],
            )
            .await?;
            Ok(views::results_export(&instrument, &t, &wave.label, note))
        }
        View::Compare { from, to, by } | View::Change { from, to, by } => {
            let (a, b) = (wave(state, from).await?, wave(state, to).await?);
            let (va, vb) = (
                instrument_version(state, &a).await?,
                instrument_version(state, &b).await?,
            );
            let note = methods::note(state, &view.describe(), &[(&a, &va), (&b, &vb)]).await?;
            if matches!(view, View::Compare { .. }) {
                let c = compare::compare(state, &a, &b, *by).await?;
                Ok(compare::compare_export(&c, *by, &a.label, &b.label, note))
            } else {
                let (measures, t) = change::change(state, &a, &b, *by).await?;
                Ok(change::change_export(
                    &measures, &t, &a.label, &b.label, note,
                ))
            }
        }
    }
}
