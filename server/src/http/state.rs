//! What every handler can reach: the state the router is built with.

use crate::db::Backend;
use crate::domain::instrument::InstrumentLibrary;
use crate::http::assets::Assets;
use crate::pepper::Pepper;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub backend: Backend,
    pub instruments: Arc<InstrumentLibrary>,
    pub pepper: Arc<Pepper>,
    pub assets: Arc<Assets>,
    pub leptos_options: LeptosOptions,
    /// Failed sign-ins and wrong access codes, counted with every server on the database.
    pub attempts: Arc<crate::attempts::Attempts>,
    /// Which roles sign in with a second factor, and the keys for it.
    pub two_factor: Arc<crate::accounts::two_factor::TwoFactor>,
    pub secure_cookies: bool,
    /// Browsers reach the server over HTTPS (HSTS, https:// on code cards).
    pub behind_tls: bool,
    /// Proxies whose `X-Forwarded-For` is believed (see `domain::network`).
    pub trusted_proxies: crate::domain::network::TrustedProxies,
    pub wave_instruments: Arc<crate::store::instruments::InstrumentCache>,
    /// The smallest number of children behind any published figure.
    pub k: u64,
    /// Stores checked surveys, those arriving together in one transaction.
    pub intake: crate::intake::Intake,
    /// Moves arriving responses into the results in batches.
    pub mixer: Arc<crate::mixer::Mixer>,
    /// How the child's survey behaves here (kiosk idle time, draft days, test locale).
    pub survey: crate::config::SurveySettings,
    /// Who children can turn to, read and checked at start.
    pub help: Arc<veilig_frontend::survey::HelpContacts>,
    /// Seals held responses (see `domain::seal`).
    pub seal_key: Arc<crate::domain::seal::SealKey>,
    /// Keys the stored hashes of access codes.
    pub code_key: Arc<crate::domain::access_code::CodeKey>,
    /// Signs the passes of unlocked kiosk tablets.
    pub kiosk_key: Arc<crate::kiosk::KioskKey>,
    /// The tables of published waves read or made so far (see `results::published`).
    pub published: Arc<crate::results::published::PublishedTables>,
    /// Waves this server is publishing, and how its last tries ended.
    pub publishing: Arc<crate::app::publish::PublishJobs>,
}

impl AppState {
    /// What taking in a child's survey uses.
    pub fn desk(&self) -> crate::submission::Desk<'_> {
        crate::submission::Desk {
            db: &self.db,
            code_key: &self.code_key,
            pepper: &self.pepper,
            instruments: &self.wave_instruments,
            intake: &self.intake,
            mixer: &self.mixer,
        }
    }

    /// The instrument a wave was opened with, parsed once per server and kept.
    pub async fn instrument_of(
        &self,
        wave: &crate::store::waves::Wave,
    ) -> Result<Arc<crate::domain::instrument::Instrument>, sea_orm::DbErr> {
        crate::store::instruments::load_instrument(&self.db, &self.wave_instruments, wave).await
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
