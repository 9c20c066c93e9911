//! Configuration: command-line flags with environment fallbacks, read once in `main`.
//!
//! | flag | environment | default | meaning |
//! |---|---|---|---|
//! | `--database-url` | `DATABASE_URL` | `sqlite://kizuna.db?mode=rwc` | SQLite file or PostgreSQL URL |
//! | `--bind` | `KIZUNA_BIND` | `127.0.0.1:8000` | address `serve` listens on |
//! | `--default-page-size` | `KIZUNA_DEFAULT_PAGE_SIZE` | 50 | items per page when `first` is omitted |
//! | `--max-body-bytes` | `KIZUNA_MAX_BODY_BYTES` | 1048576 | request body limit (413 above) |
//! | `--cors-origins` | `KIZUNA_CORS_ORIGINS` | none | browser origins allowed (CORS), comma-separated |
//! | `--max-page-size` | `KIZUNA_MAX_PAGE_SIZE` | 100 | largest `first` accepted |
//! | `--batch-delay-ms` | `KIZUNA_BATCH_DELAY_MS` | 1 | DataLoader batching window |
//! | `--max-subscriber-lag` | `KIZUNA_MAX_SUBSCRIBER_LAG` | 10000 | log entries a live subscriber may fall behind |
//! | `--max-depth` | `KIZUNA_MAX_DEPTH` | 12 | deepest field nesting a request may select |
//! | `--max-aliases` | `KIZUNA_MAX_ALIASES` | 30 | aliased fields a request may select |
//! | `--max-root-fields` | `KIZUNA_MAX_ROOT_FIELDS` | 20 | top-level fields an operation may select |
//! | `--max-complexity` | `KIZUNA_MAX_COMPLEXITY` | 1000000 | cost score a request may reach (page sizes multiply) |
//! | `--db-max-connections` | `KIZUNA_DB_MAX_CONNECTIONS` | 10 | database pool size |
//! | `--log-format` | `KIZUNA_LOG_FORMAT` | `text` | `text` or `json` logs |
//! | `--require-token-for-reads` | `KIZUNA_REQUIRE_TOKEN_FOR_READS` | `false` | queries need a token too (`serve`) |
//! | `--introspection` | `KIZUNA_INTROSPECTION` | `enabled` | `disabled` refuses `__schema`/`__type` (`serve`) |
//! | `--apq-cache-size` | `KIZUNA_APQ_CACHE_SIZE` | 1000 | automatic persisted queries remembered (LRU) |
//! | `--persisted-only` | `KIZUNA_PERSISTED_ONLY` | `false` | run only the operations of `--persisted-dir` |
//! | `--persisted-dir` | `KIZUNA_PERSISTED_DIR` | (none) | directory of `*.graphql` allowed operations |
//! | `--request-timeout-ms` | `KIZUNA_REQUEST_TIMEOUT_MS` | 10000 | time one request may run (TIMEOUT after) |
//! | `--rate-limit-ip` | `KIZUNA_RATE_LIMIT_IP` | 0 (off) | requests/s per client address without a token |
//! | `--rate-limit-token` | `KIZUNA_RATE_LIMIT_TOKEN` | 0 (off) | requests/s per token |
//! | `--rate-limit-burst` | `KIZUNA_RATE_LIMIT_BURST` | 50 | requests allowed at once above the rate |
//! | `--client-ip-header` | `KIZUNA_CLIENT_IP_HEADER` | (none) | trusted proxy header naming the client |
//! | `--max-ws-per-ip` | `KIZUNA_MAX_WS_PER_IP` | 64 | open WebSocket connections per address |
//! | `--max-ws-message-bytes` | `KIZUNA_MAX_WS_MESSAGE_BYTES` | 65536 | largest WebSocket message |
//! | `--response-cache-mb` | `KIZUNA_RESPONSE_CACHE_MB` | 64 | response cache memory (0 = off) |
//! | `--otel-endpoint` | `OTEL_EXPORTER_OTLP_ENDPOINT` | (none) | OTLP/HTTP base URL spans go to (`otel` builds only) |
//! | (none) | `RUST_LOG` | `info` | log filter |
//!
//! Subcommands: `serve`, `migrate`, `import FILE`, `generate --scale N [--seed S] [--output FILE]`,
//! `export-schema`, and `token create --role viewer|editor|admin --name NAME`, `token list`,
//! `token revoke NAME`.

use crate::domain::Role;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
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

    /// Base URL of an OTLP/HTTP collector (`http://collector:4318`); spans go to its
    /// `/v1/traces`. Only a binary built with `--features otel` exports; others log a warning.
    /// The SDK's other `OTEL_*` variables (`OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_HEADERS`, …)
    /// apply as usual.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT", global = true)]
    pub otel_endpoint: Option<String>,

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
    /// Write a synthetic dataset N times the size of the shipped one, for load and N+1 testing.
    /// Needs no database; `import` loads the result.
    Generate {
        /// 1 writes the shipped file itself; N keeps its reference data (directions, sectors,
        /// prefectures, states) and adds N − 1 synthetic copies of everything else.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        scale: u32,
        /// Seed of the random choices: the same seed and scale give the same file.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the file; standard output when omitted.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Print the GraphQL schema (SDL) to standard output.
    ExportSchema,
    /// Manage API tokens (migrates the database first).
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

/// What to do with API tokens.
#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token and print it once on standard output; only its hash is stored.
    Create {
        /// What the token may do: viewer reads, editor and admin also write.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// A unique label for the token's holder: 1 to 64 characters of A-Z, a-z, 0-9, `.`, `_`, `-`.
        #[arg(long)]
        name: String,
    },
    /// List tokens: name, role, creation time, and whether revoked (never the token).
    List,
    /// Revoke a token by name; requests bearing it are refused from then on.
    Revoke {
        /// The token's name.
        name: String,
    },
}

/// A token role on the command line. Kept apart from [`Role`] so the domain stays free of clap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Viewer,
    Editor,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Viewer => Role::Viewer,
            RoleArg::Editor => Role::Editor,
            RoleArg::Admin => Role::Admin,
        }
    }
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

    /// Require a bearer token for queries as well as mutations (by default reads are public).
    /// The environment variable takes `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
    // Any other word is an error rather than "on" or "off": a typo must not silently open or
    // close the API.
    #[arg(
        long,
        env = "KIZUNA_REQUIRE_TOKEN_FOR_READS",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub require_token_for_reads: bool,

    /// Largest request body accepted, in bytes; larger ones get 413.
    #[arg(long, env = "KIZUNA_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Origins allowed to call the API from a browser (CORS), comma-separated; none by default.
    #[arg(long, env = "KIZUNA_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub queries: QueryPolicy,

    #[command(flatten)]
    pub traffic: Traffic,

    /// Memory for the response cache, in MiB (0 turns it off). Query responses are served from
    /// it until the next write; see the README's "Running in production".
    #[arg(long, env = "KIZUNA_RESPONSE_CACHE_MB", default_value_t = 64)]
    pub response_cache_mb: usize,
}

/// Limits on traffic: time per request, request rates, WebSocket connections and messages.
#[derive(Clone, Debug, Args)]
pub struct Traffic {
    /// How long one HTTP GraphQL request may run, in milliseconds. A request over it is
    /// cancelled (its transaction rolled back; on PostgreSQL the `statement_timeout` is 100 ms
    /// more, so the server stops the statement too) and answered with TIMEOUT.
    #[arg(long, env = "KIZUNA_REQUEST_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_ms: u64,

    /// Requests per second each client address may make without a token (token bucket; 0 = no
    /// limit). Over it: 429 with `Retry-After`.
    #[arg(long, env = "KIZUNA_RATE_LIMIT_IP", default_value_t = 0)]
    pub rate_limit_ip: u32,

    /// Requests per second each token may make (0 = no limit).
    #[arg(long, env = "KIZUNA_RATE_LIMIT_TOKEN", default_value_t = 0)]
    pub rate_limit_token: u32,

    /// Requests a client may make at once above its rate before it is refused.
    #[arg(long, env = "KIZUNA_RATE_LIMIT_BURST", default_value_t = 50)]
    pub rate_limit_burst: u32,

    /// Header naming the client address, set by a trusted reverse proxy (`x-forwarded-for`, whose
    /// last entry is used, or `x-real-ip`). Unset: the socket's peer address. Never set it
    /// without a proxy that overwrites the header, or clients choose their own address.
    #[arg(long, env = "KIZUNA_CLIENT_IP_HEADER")]
    pub client_ip_header: Option<String>,

    /// WebSocket connections one client address may hold open at once.
    #[arg(long, env = "KIZUNA_MAX_WS_PER_IP", default_value_t = 64)]
    pub max_ws_per_ip: usize,

    /// Largest WebSocket message accepted, in bytes; a larger one closes the connection (1009).
    #[arg(long, env = "KIZUNA_MAX_WS_MESSAGE_BYTES", default_value_t = 64 * 1024)]
    pub max_ws_message_bytes: usize,
}

impl Traffic {
    /// The request time limit.
    pub fn request_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.request_timeout_ms)
    }

    /// PostgreSQL's `statement_timeout`: a little over the request time limit, so that the
    /// request reports TIMEOUT first and the server then stops whatever statement it left.
    pub fn statement_timeout(&self) -> std::time::Duration {
        self.request_timeout() + std::time::Duration::from_millis(100)
    }
}

impl Default for Traffic {
    fn default() -> Self {
        Self {
            request_timeout_ms: 10_000,
            rate_limit_ip: 0,
            rate_limit_token: 0,
            rate_limit_burst: 50,
            client_ip_header: None,
            max_ws_per_ip: 64,
            max_ws_message_bytes: 64 * 1024,
        }
    }
}

/// Whether `__schema` and `__type` are answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Introspection {
    #[default]
    Enabled,
    Disabled,
}

/// Which documents the server runs: introspection, automatic persisted queries, allow-list mode.
#[derive(Clone, Debug, Args)]
pub struct QueryPolicy {
    /// Whether introspection (`__schema`, `__type`) is answered. Production deployments whose
    /// clients are known may disable it; `__typename` keeps working either way.
    #[arg(long, env = "KIZUNA_INTROSPECTION", value_enum, default_value_t = Introspection::Enabled)]
    pub introspection: Introspection,

    /// How many automatic persisted queries (Apollo APQ) are remembered; the least recently used
    /// is forgotten first.
    #[arg(long, env = "KIZUNA_APQ_CACHE_SIZE", default_value_t = crate::graphql::persisted::DEFAULT_APQ_CACHE_SIZE)]
    pub apq_cache_size: NonZeroUsize,

    /// Run only the operations in `--persisted-dir`, by hash or identical text; anything else is
    /// refused with PERSISTED_QUERY_NOT_ALLOWED. The environment variable takes `true`/`false`.
    #[arg(
        long,
        env = "KIZUNA_PERSISTED_ONLY",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub persisted_only: bool,

    /// Directory of allowed operations: every `*.graphql` file is one document, named by the
    /// SHA-256 of its bytes. Read once at start-up; a file that does not parse stops start-up.
    #[arg(long, env = "KIZUNA_PERSISTED_DIR")]
    pub persisted_dir: Option<PathBuf>,

    /// Answer the queries it covers (the core graph: directions, initiatives, sectors,
    /// prefectures, states, paged in the default order) from an in-memory copy kept at the
    /// event-log head, by compiled plans; `false` runs every query through async-graphql and SQL.
    #[arg(
        long,
        env = "KIZUNA_READ_MODEL",
        default_value_t = true,
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub read_model: bool,
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

    /// How many log entries a live subscriber may fall behind before it is ended with
    /// SUBSCRIBER_TOO_SLOW (it can resume with `after`).
    #[arg(long, env = "KIZUNA_MAX_SUBSCRIBER_LAG", default_value_t = 10_000)]
    pub max_subscriber_lag: i32,

    /// Deepest field nesting a request may select (fragments do not add levels; `ofType` chains
    /// in introspection do not count). Deeper requests get QUERY_TOO_COMPLEX.
    #[arg(long, env = "KIZUNA_MAX_DEPTH", default_value_t = 12)]
    pub max_depth: u32,

    /// How many aliased fields a request may select, counted each time a fragment is used.
    #[arg(long, env = "KIZUNA_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: u32,

    /// How many distinct top-level fields an operation may select.
    #[arg(long, env = "KIZUNA_MAX_ROOT_FIELDS", default_value_t = 20)]
    pub max_root_fields: u32,

    /// Largest cost score a request may reach: each field costs 1, and a connection's `nodes`
    /// or `edges` cost their selection once per item of the page asked for.
    #[arg(long, env = "KIZUNA_MAX_COMPLEXITY", default_value_t = 1_000_000)]
    pub max_complexity: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            default_page_size: 50,
            max_page_size: 100,
            batch_delay_ms: 1,
            max_subscriber_lag: 10_000,
            max_depth: 12,
            max_aliases: 30,
            max_root_fields: 20,
            max_complexity: 1_000_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_commands_parse_and_reject_unknown_roles() {
        let cli = Cli::try_parse_from([
            "kizuna", "token", "create", "--role", "editor", "--name", "ci",
        ])
        .expect("valid command");
        match cli.command {
            Command::Token {
                action: TokenAction::Create { role, name },
            } => {
                assert_eq!(Role::from(role), Role::Editor);
                assert_eq!(name, "ci");
            }
            other => panic!("unexpected command {other:?}"),
        }
        assert!(
            Cli::try_parse_from([
                "kizuna", "token", "create", "--role", "root", "--name", "ci"
            ])
            .is_err()
        );
    }

    #[test]
    fn generate_takes_a_positive_scale_and_defaults_to_seed_one_and_stdout() {
        let cli = Cli::try_parse_from(["kizuna", "generate", "--scale", "10"]).expect("valid");
        match cli.command {
            Command::Generate {
                scale,
                seed,
                output,
            } => assert_eq!((scale, seed, output), (10, 1, None)),
            other => panic!("unexpected command {other:?}"),
        }
        assert!(Cli::try_parse_from(["kizuna", "generate", "--scale", "0"]).is_err());
        assert!(Cli::try_parse_from(["kizuna", "generate"]).is_err());
    }

    #[test]
    fn reads_are_public_unless_the_flag_is_given() {
        let serve = |args: &[&str]| match Cli::try_parse_from(args).expect("valid").command {
            Command::Serve(config) => config.require_token_for_reads,
            other => panic!("unexpected command {other:?}"),
        };
        // The environment variable could override either case; these tests run without it.
        if std::env::var_os("KIZUNA_REQUIRE_TOKEN_FOR_READS").is_none() {
            assert!(!serve(&["kizuna", "serve"]));
        }
        assert!(serve(&["kizuna", "serve", "--require-token-for-reads"]));
    }

    #[test]
    fn introspection_takes_enabled_or_disabled_and_persisted_flags_parse() {
        let queries = |args: &[&str]| match Cli::try_parse_from(args).expect("valid").command {
            Command::Serve(config) => config.queries,
            other => panic!("unexpected command {other:?}"),
        };
        if std::env::var_os("KIZUNA_INTROSPECTION").is_none() {
            assert_eq!(
                queries(&["kizuna", "serve"]).introspection,
                Introspection::Enabled
            );
        }
        let policy = queries(&[
            "kizuna",
            "serve",
            "--introspection",
            "disabled",
            "--persisted-only",
            "--persisted-dir",
            "ops",
            "--apq-cache-size",
            "5",
        ]);
        assert_eq!(policy.introspection, Introspection::Disabled);
        assert!(policy.persisted_only);
        assert_eq!(policy.persisted_dir, Some(PathBuf::from("ops")));
        assert_eq!(policy.apq_cache_size.get(), 5);
        for bad in [
            ["kizuna", "serve", "--introspection", "off"],
            ["kizuna", "serve", "--apq-cache-size", "0"],
        ] {
            assert!(Cli::try_parse_from(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn query_limit_flags_parse_and_default_like_limits_default() {
        let limits = |args: &[&str]| match Cli::try_parse_from(args).expect("valid").command {
            Command::Serve(config) => config.limits,
            other => panic!("unexpected command {other:?}"),
        };
        let tight = limits(&[
            "kizuna",
            "serve",
            "--max-depth",
            "3",
            "--max-aliases",
            "4",
            "--max-root-fields",
            "5",
            "--max-complexity",
            "600",
        ]);
        assert_eq!(
            (
                tight.max_depth,
                tight.max_aliases,
                tight.max_root_fields,
                tight.max_complexity
            ),
            (3, 4, 5, 600)
        );
        // The environment could override the defaults; compare only when it does not.
        let vars = [
            "KIZUNA_MAX_DEPTH",
            "KIZUNA_MAX_ALIASES",
            "KIZUNA_MAX_ROOT_FIELDS",
            "KIZUNA_MAX_COMPLEXITY",
        ];
        if vars.iter().all(|v| std::env::var_os(v).is_none()) {
            let parsed = limits(&["kizuna", "serve"]);
            let default = Limits::default();
            assert_eq!(
                (
                    parsed.max_depth,
                    parsed.max_aliases,
                    parsed.max_root_fields,
                    parsed.max_complexity
                ),
                (
                    default.max_depth,
                    default.max_aliases,
                    default.max_root_fields,
                    default.max_complexity
                )
            );
        }
    }
}
