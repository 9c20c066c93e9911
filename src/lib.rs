//! Kizuna: a GraphQL API server for the India–Japan "Joint Vision for the Next Decade".
//!
//! # Layout
//! Dependencies point one way: `http -> graphql -> db -> entity`.
//! - [`config`]: flags and environment, read once in `main`.
//! - [`cli`]: the subcommands (`serve`, `migrate`, `import`, `generate`, `export-schema`, `token`).
//! - [`startup`]: prepare the database, run the server, shutdown signals.
//! - [`state`]: [`state::AppState`], the shared runtime objects handed to every layer.
//! - [`http`]: the axum router; handlers only adapt HTTP to the schema.
//! - [`graphql`]: schema, object types, loaders and Relay plumbing; no axum.
//! - [`db`]: connecting, migrating, set-based page queries, the full-text search index; no
//!   async-graphql.
//! - [`auth`]: API tokens: generate, hash, store, revoke, authenticate; no HTTP.
//! - [`events`]: wakes subscribers when the initiative event log grows (LISTEN/NOTIFY on PostgreSQL).
//! - [`dataset`]: parse, validate and idempotently upsert the curated dataset.
//! - [`domain`]: enumerated words and partial dates shared by all layers.
//! - [`error`]: the request-path error and its codes.
//! - [`metrics`]: Prometheus metrics of one app.
//! - [`telemetry`]: logs, and OTLP span export with the `otel` feature.

pub mod auth;
pub mod cli;
pub mod config;
pub mod dataset;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod read;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use http::app;
pub use state::AppState;
