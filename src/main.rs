use clap::Parser;
use kizuna::cli;
use kizuna::config::Cli;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Cli::parse();
    cli::init_tracing(args.log_format);
    cli::run(args).await
}
