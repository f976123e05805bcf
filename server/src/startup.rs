//! Wiring: configuration → database → router → listener.

use crate::cli::{GlobalArgs, ServeArgs};
use crate::config::Settings;
use crate::db::{self, Backend};
use crate::domain::instrument::InstrumentLibrary;
use crate::http::{self, assets::Assets, AppState};
use crate::pepper::Pepper;
use anyhow::Context;
use leptos::prelude::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::net::TcpListener;

pub fn load_instruments(
    settings_dir: Option<&std::path::Path>,
) -> anyhow::Result<InstrumentLibrary> {
    Ok(match settings_dir {
        Some(dir) => InstrumentLibrary::load(dir)?,
        None => InstrumentLibrary::builtin()?,
    })
}

/// A server bound to its address (port 0 picks a free one) and ready to run.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    connections: crate::config::ConnectionSettings,
}

impl Application {
    /// Connects, runs pending migrations and binds the listener.
    pub async fn build(settings: &Settings, pepper: Pepper) -> anyhow::Result<Application> {
        let instruments = load_instruments(settings.instruments_dir.as_deref())?;
        let db = db::connect(&settings.database_url)
            .await
            .context("cannot connect to the database (check DATABASE_URL)")?;
        db::migrate(&db)
            .await
            .context("cannot run the database migrations")?;
        Application::with_database(settings, pepper, db, instruments).await
    }

    /// Like `build`, on a database that is already connected and migrated.
    pub async fn with_database(
        settings: &Settings,
        pepper: Pepper,
        db: DatabaseConnection,
        instruments: InstrumentLibrary,
    ) -> anyhow::Result<Application> {
        let help = crate::help::load(settings.survey.help_file.as_deref())?;
        if settings.k < crate::domain::results::SERVED_MIN_K {
            anyhow::bail!(
                "k is {}: a wave is published with k of at least {}, so that no published figure \
                 rests on fewer children and nothing hidden can be worked out (docs/disclosure.md)",
                settings.k,
                crate::domain::results::SERVED_MIN_K
            );
        }
        // Codes from before keyed hashes: the pepper is needed, and only the server has it.
        let code_key = crate::domain::access_code::CodeKey::from_pepper(&pepper);
        crate::store::rekey::rekey_unkeyed_codes(&db, &code_key)
            .await
            .context("cannot rekey the stored access codes")?;
        let seal_key = Arc::new(crate::domain::seal::SealKey::from_pepper(&pepper));
        let weakened = settings.two_factor.weakened();
        if !weakened.is_empty() {
            let roles: Vec<&str> = weakened.iter().map(|r| r.as_str()).collect();
            tracing::warn!(
                "two-factor sign-in is off for {}: they reach every organisation's figures with a \
                 password alone; keep this for trials (--two-factor-roles)",
                roles.join(" and ")
            );
        }
        let listener = TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("cannot listen on {}", settings.addr))?;
        let leptos_options = LeptosOptions::builder()
            .output_name("veilig")
            .site_root(settings.site_dir.display().to_string())
            .site_pkg_dir("pkg")
            .build();
        let backend = Backend::of(&db);
        // SQLite takes one writer at a time; PostgreSQL commits several at once.
        let writers = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => 4,
        };
        // One server on SQLite counts in memory; PostgreSQL's servers count together.
        let attempts = Arc::new(match backend {
            Backend::Sqlite => crate::attempts::Attempts::in_memory(),
            Backend::Postgres => crate::attempts::Attempts::shared(db.clone(), &pepper)
                .await
                .context("cannot read the rate limits")?,
        });
        let pepper = Arc::new(pepper);
        let state = AppState {
            two_factor: Arc::new(crate::accounts::two_factor::TwoFactor::new(
                settings.two_factor.clone(),
                pepper.clone(),
            )),
            intake: crate::intake::Intake::start(db.clone(), seal_key.clone(), writers),
            seal_key,
            kiosk_key: Arc::new(crate::kiosk::KioskKey::from_pepper(&pepper)),
            code_key: Arc::new(code_key),
            published: Arc::default(),
            publishing: Arc::default(),
            help: Arc::new(help),
            survey: settings.survey.clone(),
            backend,
            db,
            instruments: Arc::new(instruments),
            pepper,
            assets: Arc::new(Assets::load(&settings.site_dir)),
            leptos_options,
            attempts,
            secure_cookies: settings.secure_cookies,
            behind_tls: settings.behind_tls,
            trusted_proxies: settings.trusted_proxies.clone(),
            wave_instruments: Default::default(),
            k: settings.k,
            mixer: Arc::new(crate::mixer::Mixer::new(settings.mix)),
        };
        Ok(Application {
            listener,
            state,
            connections: settings.connections,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    pub fn url(&self) -> String {
        match self.listener.local_addr() {
            Ok(addr) => format!("http://{addr}"),
            Err(_) => "(unknown address)".to_string(),
        }
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes the requests under way.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tokio::spawn(
            self.state
                .mixer
                .clone()
                .run(self.state.db.clone(), self.state.seal_key.clone()),
        );
        tokio::spawn(purge_drafts_periodically(
            self.state.db.clone(),
            self.state.survey.draft_days,
        ));
        tokio::spawn(publications_made_missing(self.state.clone()));
        tokio::spawn(crate::app::closing::rewrite_left_over(
            self.state.db.clone(),
        ));
        let router = http::router(self.state);
        // The peer address is used for the rate limits only; it is never stored.
        http::connections::serve(self.listener, router, self.connections, shutdown_signal()).await
    }
}

/// A wave published before publications were stored has none yet: it is made now, beside
/// the requests, instead of in the first request that needs it (the engine may take minutes).
async fn publications_made_missing(state: AppState) {
    let waves = match crate::store::waves::list(&state.db).await {
        Ok(waves) => waves,
        Err(e) => return tracing::warn!(error = %e, "cannot list waves to check publications"),
    };
    let source = crate::results::Source::from(&state);
    for wave in waves
        .iter()
        .filter(|w| w.state == crate::domain::wave::WaveState::Published)
    {
        if let Err(e) = crate::results::published::publication(&source, wave).await {
            tracing::warn!(wave = %wave.label, error = %e, "cannot make the wave's publication");
        }
    }
}

/// Half-finished surveys are not kept: every hour, drafts older than `days` are deleted (and
/// those of a wave when it closes, see `store::waves::advance`).
async fn purge_drafts_periodically(db: DatabaseConnection, days: u32) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        match crate::store::drafts::purge_older_than(&db, i64::from(days)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(drafts = n, days, "old survey drafts deleted"),
            Err(e) => tracing::warn!(error = %e, "old survey drafts could not be deleted"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

/// `veilig serve`
pub async fn serve(global: &GlobalArgs, args: &ServeArgs) -> anyhow::Result<()> {
    let settings = global.settings(args);
    let pepper = Pepper::load_or_create(settings.pepper_file.as_deref(), &settings.database_url)?;
    let app = Application::build(&settings, pepper).await?;
    if args.demo {
        crate::demo::fill_if_empty(
            &app.state().db,
            &app.state().pepper,
            &app.state().instruments,
            &Default::default(),
        )
        .await?;
    }
    if !app.state().assets.has_bundle() {
        eprintln!(
            "veilig: no WASM bundle in {}: pages work, but without JavaScript.",
            settings.site_dir.display()
        );
    }
    println!(
        "Veilig is running at {}/ (database: {}). Stop with Ctrl-C.",
        app.url(),
        app.state().backend.name()
    );
    app.run_until_stopped()
        .await
        .context("the server stopped with an error")
}

/// `veilig migrate`
pub async fn migrate_only(global: &GlobalArgs) -> anyhow::Result<()> {
    let db = db::connect(&global.database_url)
        .await
        .context("cannot connect to the database")?;
    db::migrate(&db)
        .await
        .context("cannot run the database migrations")?;
    println!(
        "veilig: migrations are current ({}).",
        Backend::of(&db).name()
    );
    Ok(())
}

/// Results are read from the server's database, instruments, k and publications.
impl<'a> From<&'a AppState> for crate::results::Source<'a> {
    fn from(state: &'a AppState) -> Self {
        crate::results::Source {
            db: &state.db,
            instruments: &state.wave_instruments,
            k: state.k,
            published: &state.published,
        }
    }
}
