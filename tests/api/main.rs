//! Integration tests: the real server on port 0, over HTTP, each on SQLite and PostgreSQL.

mod demo;
mod health;
mod instrument;
mod migrations;
mod pages;
mod schema;
