//! Veilig: anonymous safety-perception surveys for children who live away from home.
//!
//! `domain` is plain Rust (no HTTP, no database types); `store` persists what the domain needs;
//! `http` is a thin axum layer; `startup` wires them into a server.

pub mod accounts;
pub mod app;
pub mod attempts;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod domain;
pub mod export;
pub mod help;
pub mod http;
pub mod incidents;
pub mod intake;
pub mod kiosk;
pub mod mixer;
pub mod participation;
pub mod pepper;
pub mod results;
pub mod startup;
pub mod store;
pub mod submission;
pub mod telemetry;
