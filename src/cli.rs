//! The subcommands: each turns configuration into calls into the library.

use crate::auth;
use crate::config::{Cli, Command, ServeConfig, TokenAction};
use crate::dataset;
use crate::graphql::persisted::{PersistedMode, SchemaOptions};
use crate::metrics::Metrics;
use crate::startup::{prepare_database, redact, run_server, shutdown_signal};
use crate::state::{Access, AppState, HttpSettings};
use anyhow::Context as _;
use std::io::Write as _;
use std::sync::Arc;

/// Runs the command the user asked for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(config) => serve(&cli.database_url, cli.db_max_connections, config).await,
        Command::Migrate => {
            let db = crate::db::connect(&cli.database_url, 1, Arc::default()).await?;
            crate::db::migrate(&db)
                .await
                .context("applying migrations")?;
            tracing::info!(database = %redact(&cli.database_url), "migrations applied");
            Ok(())
        }
        Command::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            // Validate the whole file before touching the database.
            let data = dataset::parse(&text)
                .with_context(|| format!("{} is not a valid dataset", file.display()))?;
            let db = crate::db::connect(&cli.database_url, 2, Arc::default()).await?;
            crate::db::migrate(&db)
                .await
                .context("applying migrations")?;
            let report = dataset::import(&db, &data)
                .await
                .context("importing the dataset")?;
            tracing::info!(file = %file.display(), "imported: {report}");
            println!("{report}");
            Ok(())
        }
        Command::Generate {
            scale,
            seed,
            output,
        } => generate(scale, seed, output.as_deref()),
        Command::ExportSchema => {
            print!("{}", crate::graphql::schema_sdl());
            Ok(())
        }
        Command::Token { action } => token(&cli.database_url, action).await,
    }
}

/// `kizuna generate`: a synthetic dataset to a file or standard output. No database is opened.
fn generate(scale: u32, seed: u64, output: Option<&std::path::Path>) -> anyhow::Result<()> {
    let text = dataset::generate(scale, seed).context("generating the dataset")?;
    match output {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
            tracing::info!(file = %path.display(), scale, seed, "generated a dataset");
        }
        None => {
            // write_all rather than print!, which panics when the reader goes away; a reader
            // that stops early (`| head`) has what it wanted, so that is not an error either.
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(e).context("writing to standard output");
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// `kizuna token …`: manages API tokens directly in the database, so the first admin token can be
/// made before any server runs.
async fn token(database_url: &str, action: TokenAction) -> anyhow::Result<()> {
    let db = crate::db::connect(database_url, 1, Arc::default()).await?;
    crate::db::migrate(&db)
        .await
        .context("applying migrations")?;
    match action {
        TokenAction::Create { role, name } => {
            let token = auth::create_token(&db, &name, role.into()).await?;
            // The token alone on stdout, so scripts can capture it; the note goes to stderr.
            println!("{token}");
            eprintln!(
                "created token `{name}` with role {}; store it now, it will not be shown again",
                crate::domain::Role::from(role)
            );
        }
        TokenAction::List => {
            let tokens = auth::list_tokens(&db).await.context("listing tokens")?;
            print!("{}", token_table(&tokens));
            if tokens.is_empty() {
                eprintln!("no tokens yet; create one with `kizuna token create`");
            }
        }
        TokenAction::Revoke { name } => {
            auth::revoke_token(&db, &name).await?;
            eprintln!("revoked token `{name}`");
        }
    }
    Ok(())
}

/// The `token list` table: name, role, created, and revocation time or `active`.
fn token_table(tokens: &[auth::TokenInfo]) -> String {
    const TIME: &str = "%Y-%m-%d %H:%M:%SZ";
    let rows: Vec<[String; 4]> = tokens
        .iter()
        .map(|t| {
            [
                t.name.clone(),
                t.role.to_string(),
                t.created_at.format(TIME).to_string(),
                t.revoked_at.map_or_else(
                    || "active".to_owned(),
                    |at| format!("revoked {}", at.format(TIME)),
                ),
            ]
        })
        .collect();
    let header = ["NAME", "ROLE", "CREATED", "STATUS"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

async fn serve(
    database_url: &str,
    max_connections: u32,
    config: ServeConfig,
) -> anyhow::Result<()> {
    // Before touching the database: a bad allow-list must stop start-up, not serve without it.
    let options = SchemaOptions::from_policy(&config.queries)?;
    if let PersistedMode::AllowList(list) = &options.persisted {
        tracing::info!(
            operations = list.len(),
            "persisted-only: serving the allow-list"
        );
    }
    let metrics = Arc::new(Metrics::default());
    let pool = crate::db::PoolSettings {
        max_connections,
        statement_timeout: Some(config.traffic.statement_timeout()),
    };
    let (db, loaded) = prepare_database(database_url, pool, metrics.clone()).await?;
    match loaded {
        Some(report) => tracing::info!("empty database: loaded the shipped dataset: {report}"),
        None => tracing::info!("database already holds data; shipped dataset not loaded"),
    }
    let access = Access {
        require_token_for_reads: config.require_token_for_reads,
    };
    let http = HttpSettings {
        max_body_bytes: config.max_body_bytes,
        cors_origins: config.cors_origins.clone(),
        traffic: config.traffic.clone(),
        response_cache_bytes: config.response_cache_mb.saturating_mul(1024 * 1024),
    };
    let state = AppState::build_with(db, metrics, config.limits, access, &options)
        .await
        .context("reading the event log")?
        .with_http(http);
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let address = listener.local_addr()?;
    tracing::info!(database = %redact(database_url), "GraphiQL at http://{address}/ , GraphQL at http://{address}/graphql");
    run_server(listener, state, shutdown_signal())
        .await
        .context("serving HTTP")?;
    tracing::info!("stopped");
    Ok(())
}
