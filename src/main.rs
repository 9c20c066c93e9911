use clap::Parser;
use kizuna::cli;
use kizuna::config::Cli;
use kizuna::telemetry;

// The server allocates many small, short-lived objects per request (GraphQL values, futures);
// mimalloc serves them faster than the system allocator (see BENCHMARKS.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Cli::parse();
    let telemetry = telemetry::init_tracing(args.log_format, args.otel_endpoint.as_deref())?;
    let outcome = cli::run(args).await;
    telemetry.shutdown();
    outcome
}
