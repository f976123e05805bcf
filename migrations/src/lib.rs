//! Schema migrations for Veilig. Every migration runs unchanged on SQLite and PostgreSQL (but for
//! storage settings only PostgreSQL has: `m20261204_000013`) and has an `up` and a `down`.
//! Shipped migrations are never edited; a change is a new migration.
//!
//! The anonymity rules live in the schema itself: tables holding what a child produced
//! (`response`, `answer`, `open_answer`, `pending_response`) have no column for an IP address, a user agent, a device
//! or a time, their keys are random, and no column of `access_code` points at a response.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_organisations_and_locations;
mod m20261124_000002_create_instruments_and_waves;
mod m20261124_000003_create_access_codes;
mod m20261124_000004_create_responses;
mod m20261124_000005_create_incident_counts;
mod m20261124_000006_create_staff_accounts_and_audit_log;
mod m20261124_000007_create_survey_drafts;
mod m20261124_000008_create_result_counts;
mod m20261125_000009_create_pending_responses;
mod m20261125_000010_create_open_answer_themes;
mod m20261125_000011_add_setting_type_to_incident_counts;
mod m20261125_000012_create_published_tables;
mod m20261204_000013_tune_postgres_writes;
mod m20261206_000014_drop_family_tables;
mod m20261206_000020_add_hash_version_to_access_codes;
mod m20261207_000021_create_incident_revision;
mod m20261207_000022_add_rewritten_to_waves;
mod m20261207_000023_create_rate_limit;
mod m20261207_000024_strip_bidi_controls;
mod m20261208_000025_add_two_factor;
mod without_rowid;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_organisations_and_locations::Migration),
            Box::new(m20261124_000002_create_instruments_and_waves::Migration),
            Box::new(m20261124_000003_create_access_codes::Migration),
            Box::new(m20261124_000004_create_responses::Migration),
            Box::new(m20261124_000005_create_incident_counts::Migration),
            Box::new(m20261124_000006_create_staff_accounts_and_audit_log::Migration),
            Box::new(m20261124_000007_create_survey_drafts::Migration),
            Box::new(m20261124_000008_create_result_counts::Migration),
            Box::new(m20261125_000009_create_pending_responses::Migration),
            Box::new(m20261125_000010_create_open_answer_themes::Migration),
            Box::new(m20261125_000011_add_setting_type_to_incident_counts::Migration),
            Box::new(m20261125_000012_create_published_tables::Migration),
            Box::new(m20261204_000013_tune_postgres_writes::Migration),
            Box::new(m20261206_000014_drop_family_tables::Migration),
            Box::new(m20261206_000020_add_hash_version_to_access_codes::Migration),
            Box::new(m20261207_000021_create_incident_revision::Migration),
            Box::new(m20261207_000022_add_rewritten_to_waves::Migration),
            Box::new(m20261207_000023_create_rate_limit::Migration),
            Box::new(m20261207_000024_strip_bidi_controls::Migration),
            Box::new(m20261208_000025_add_two_factor::Migration),
        ]
    }
}
