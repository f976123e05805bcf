//! What a database error means to the caller: the database cannot serve us now (503), another
//! request changed the same rows at the same moment (409), or a request ran into one named
//! uniqueness rule of the schema ([`Unique`]), which its caller turns into its own answer ("this
//! e-mail address is taken", "this code was stored already"). An error that is none of these is
//! a bug or an outage: the caller logs it and answers 500.

use sea_orm::{sqlx, DbErr, RuntimeErr};

/// A uniqueness rule of the schema that a request can run into, by the name each database
/// gives it: PostgreSQL names the constraint or index, SQLite the table and columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    /// `region.name`: two imports making the same region at once.
    RegionName,
    /// `organisation.name`.
    OrganisationName,
    /// `location (organisation_id, name)`: a location's name within its organisation.
    LocationName,
    /// `wave.label`.
    WaveLabel,
    /// `instrument (version, sha256)`: two waves storing the same new instrument at once.
    InstrumentVersion,
    /// `staff_user.email`.
    StaffEmail,
    /// `access_code.code_hash`: a freshly drawn code that exists already.
    CodeHash,
    /// `pending_response.submission_hash`: the same submission sent twice at once.
    HeldSubmission,
}

impl Unique {
    /// Every rule, each with its PostgreSQL name and SQLite's description of it.
    const ALL: [(Unique, &'static str, &'static str); 8] = [
        (Unique::RegionName, "region_name_key", "region.name"),
        (
            Unique::OrganisationName,
            "organisation_name_key",
            "organisation.name",
        ),
        (
            Unique::LocationName,
            "ux_location_organisation_name",
            "location.organisation_id, location.name",
        ),
        (Unique::WaveLabel, "wave_label_key", "wave.label"),
        (
            Unique::InstrumentVersion,
            "ux_instrument_version_sha256",
            "instrument.version, instrument.sha256",
        ),
        (
            Unique::StaffEmail,
            "staff_user_email_key",
            "staff_user.email",
        ),
        (
            Unique::CodeHash,
            "access_code_pkey",
            "access_code.code_hash",
        ),
        (
            Unique::HeldSubmission,
            "pending_response_submission_hash_key",
            "pending_response.submission_hash",
        ),
    ];

    /// The rule a PostgreSQL constraint name or an SQLite description names, if it is one of
    /// [`Unique::ALL`].
    fn named(name: &str) -> Option<Unique> {
        Self::ALL
            .iter()
            .find(|(_, postgres, sqlite)| name == *postgres || name == *sqlite)
            .map(|(rule, _, _)| *rule)
    }
}

/// What SQLite writes before the columns of the uniqueness rule an insert broke.
const SQLITE_UNIQUE: &str = "UNIQUE constraint failed: ";

/// The database's own error inside a sea-orm error, if there is one.
fn database_error(err: &DbErr) -> Option<&dyn sqlx::error::DatabaseError> {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sqlx::Error::Database(db) => Some(db.as_ref()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A broken uniqueness rule's name as the database gave it: PostgreSQL's constraint name, or
/// the table and columns from SQLite's message.
fn broken_unique_name(err: &DbErr) -> Option<String> {
    let db = database_error(err)?;
    if !matches!(db.kind(), sqlx::error::ErrorKind::UniqueViolation) {
        return None;
    }
    if let Some(constraint) = db.constraint() {
        return Some(constraint.to_string());
    }
    db.message()
        .strip_prefix(SQLITE_UNIQUE)
        .map(|columns| columns.trim().to_string())
}

/// Which of the schema's uniqueness rules the error broke. `None` for any other error,
/// including a uniqueness rule that is not in [`Unique`]: that one is unexpected, and its caller
/// must not read it as an expected one.
pub fn unique_violated(err: &DbErr) -> Option<Unique> {
    Unique::named(&broken_unique_name(err)?)
}

/// Whether an error means the database cannot serve us right now (it is down, restarting,
/// unreachable, or — on SQLite — busy), as opposed to a bad query: the caller answers 503 and
/// the device sends again later.
pub fn is_unavailable(err: &DbErr) -> bool {
    let sqlx_error = match err {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match sqlx_error.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            if code.len() == 5 {
                // PostgreSQL: connection exceptions (08…), shutting down or starting (57P…).
                code.starts_with("08") || code.starts_with("57P")
            } else {
                // SQLite (extended codes): busy or locked beyond the busy timeout.
                code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
            }
        }),
        _ => false,
    }
}

/// Whether an error means another request changed the same rows at the same moment: one of the
/// schema's uniqueness rules that lost a race (two imports making the same region), or on
/// PostgreSQL a serialization failure or deadlock. The caller answers 409: the same request
/// again works.
pub fn is_conflict(err: &DbErr) -> bool {
    unique_violated(err).is_some()
        || database_error(err)
            .is_some_and(|db| matches!(db.code().as_deref(), Some("40001") | Some("40P01")))
}

#[cfg(test)]
mod tests {
    use super::{is_unavailable, Unique};
    use sea_orm::{sqlx, DbErr, RuntimeErr};
    use std::sync::Arc;

    #[test]
    fn a_lost_connection_is_unavailable_and_a_bad_query_is_not() {
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(is_unavailable(&DbErr::Exec(RuntimeErr::SqlxError(
            Arc::new(io)
        ))));
        assert!(is_unavailable(&DbErr::Query(RuntimeErr::SqlxError(
            Arc::new(sqlx::Error::PoolTimedOut)
        ))));
        let bad = sqlx::Error::RowNotFound;
        assert!(!is_unavailable(&DbErr::Query(RuntimeErr::SqlxError(
            Arc::new(bad)
        ))));
        assert!(!is_unavailable(&DbErr::Custom("a bug".into())));
    }

    #[test]
    fn every_rule_is_found_by_either_name_and_an_unknown_name_by_neither() {
        for (rule, postgres, sqlite) in Unique::ALL {
            assert_eq!(Unique::named(postgres), Some(rule));
            assert_eq!(Unique::named(sqlite), Some(rule));
        }
        assert_eq!(Unique::named("response_submission_hash_key"), None);
        assert_eq!(Unique::named("response.submission_hash"), None);
        assert_eq!(Unique::named("wave.label, wave.id"), None);
    }
}
