//! Integration tests: the real server on port 0, over HTTP, each on SQLite and PostgreSQL.

mod anonymity;
mod authorization;
mod compare;
mod dashboard;
mod database_down;
mod demo;
mod drafts;
mod exports;
mod found_by_fuzzing;
mod health;
mod incidents;
mod instrument;
mod kiosk;
mod migrations;
mod organisations;
mod pages;
mod participation;
mod rate_limits;
mod research_pages;
mod responses;
mod results;
mod retention;
mod schema;
mod staff_accounts;
mod survey;
mod survey_device;
