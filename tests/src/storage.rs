//! What an attacker with the database holds: the SQLite files, or a `pg_dump`.

use crate::{Db, TestApp};

impl TestApp {
    /// The SQLite files of the test database: the database, its write-ahead log and shared
    /// memory, as an attacker who copied them holds them.
    pub fn sqlite_files(&self) -> Vec<u8> {
        let path = self
            .database
            .url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        let mut bytes = Vec::new();
        for suffix in ["", "-wal", "-shm"] {
            if let Ok(b) = std::fs::read(format!("{path}{suffix}")) {
                bytes.extend(b);
            }
        }
        bytes
    }

    /// A `pg_dump` of the test database's data.
    pub fn pg_dump(&self) -> String {
        let out = std::process::Command::new("pg_dump")
            .args(["--data-only", "--no-owner", &self.database.url])
            .output()
            .expect("pg_dump runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("a dump is text")
    }

    /// What an attacker with the database holds: the SQLite files, or a `pg_dump`.
    pub fn stored_bytes(&self) -> Vec<u8> {
        match self.backend {
            Db::Sqlite => self.sqlite_files(),
            Db::Postgres => self.pg_dump().into_bytes(),
        }
    }
}
