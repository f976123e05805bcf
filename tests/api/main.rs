//! Integration tests: the real server on port 0, over HTTP, each on SQLite and PostgreSQL.

mod anonymity;
mod authorization;
mod compare;
mod dashboard;
mod demo;
mod health;
mod instrument;
mod migrations;
mod pages;
mod participation;
mod responses;
mod results;
mod schema;
mod staff_accounts;
mod survey;
