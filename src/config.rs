//! Configuration: command-line flags with environment fallbacks, read once in `main`.
//!
//! | flag | environment | default | meaning |
//! |---|---|---|---|
//! | `--database-url` | `DATABASE_URL` | `sqlite://kizuna.db?mode=rwc` | SQLite file or PostgreSQL URL |
//! | `--bind` | `KIZUNA_BIND` | `127.0.0.1:8000` | address `serve` listens on |
//! | `--default-page-size` | `KIZUNA_DEFAULT_PAGE_SIZE` | 50 | items per page when `first` is omitted |
//! | `--max-page-size` | `KIZUNA_MAX_PAGE_SIZE` | 100 | largest `first` accepted |
//! | `--batch-delay-ms` | `KIZUNA_BATCH_DELAY_MS` | 1 | DataLoader batching window |
//! | `--db-max-connections` | `KIZUNA_DB_MAX_CONNECTIONS` | 10 | database pool size |
//! | `--log-format` | `KIZUNA_LOG_FORMAT` | `text` | `text` or `json` logs |
//! | (none) | `RUST_LOG` | `info` | log filter |

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The embedded default: a SQLite file in the working directory, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://kizuna.db?mode=rwc";

/// Kizuna: a GraphQL API over the India–Japan Joint Vision partnership graph.
#[derive(Debug, Parser)]
#[command(name = "kizuna", version, about)]
pub struct Cli {
    /// Database URL: a SQLite file (`sqlite://path?mode=rwc`) or PostgreSQL (`postgres://…`).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// Database pool size.
    #[arg(
        long,
        env = "KIZUNA_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub db_max_connections: u32,

    /// Log format.
    #[arg(long, env = "KIZUNA_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve GraphQL over HTTP; migrates, and loads the shipped dataset into an empty database.
    Serve(ServeConfig),
    /// Apply pending migrations and exit.
    Migrate,
    /// Validate a dataset file and upsert it in one transaction (idempotent).
    Import {
        /// Path of a dataset JSON file (the format of `data/india-japan-partnership.json`).
        file: PathBuf,
    },
    /// Print the GraphQL schema (SDL) to standard output.
    ExportSchema,
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Settings of the HTTP server.
#[derive(Clone, Debug, Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "KIZUNA_BIND", default_value = "127.0.0.1:8000")]
    pub bind: SocketAddr,

    #[command(flatten)]
    pub limits: Limits,
}

/// Limits the GraphQL layer enforces.
#[derive(Clone, Copy, Debug, Args)]
pub struct Limits {
    /// Items per page when a connection's `first` is omitted.
    #[arg(long, env = "KIZUNA_DEFAULT_PAGE_SIZE", default_value_t = 50)]
    pub default_page_size: u32,

    /// Largest `first` a connection accepts; larger requests get BAD_USER_INPUT.
    #[arg(long, env = "KIZUNA_MAX_PAGE_SIZE", default_value_t = 100)]
    pub max_page_size: u32,

    /// How long a DataLoader waits to collect a batch, in milliseconds. Longer windows batch more
    /// reliably under load at the cost of latency per nesting level.
    #[arg(long, env = "KIZUNA_BATCH_DELAY_MS", default_value_t = 1)]
    pub batch_delay_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            default_page_size: 50,
            max_page_size: 100,
            batch_delay_ms: 1,
        }
    }
}
