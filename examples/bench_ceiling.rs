//! The ceiling of the HTTP benchmark: a bare axum server that answers `/<name>` with the status,
//! headers and body captured from the real server for benchmark request `<name>`, and does
//! nothing else. Whatever the real server achieves is measured against this, on the same
//! machine, in the same run, with the same load tool and the same response bytes.
//!
//! ```text
//! cargo run --release --example bench_ceiling -- DIR [--bind 127.0.0.1:0]
//! ```
//!
//! `DIR` holds `<name>.body` (the response body) and `<name>.headers` (the status line and
//! headers as `curl -D` writes them) for each request. The bound address is printed as
//! `listening on http://ADDR`.

use anyhow::{Context as _, bail};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use clap::Parser;
use std::collections::HashMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

/// Serves captured responses by name.
#[derive(Debug, Parser)]
struct Args {
    /// Directory of `<name>.body` and `<name>.headers` files.
    dir: PathBuf,
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: SocketAddr,
}

/// One captured answer.
struct Captured {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

type Responses = Arc<HashMap<String, Captured>>;

/// Headers that describe one transfer rather than the response; hyper sets its own.
const PER_TRANSFER: [&str; 5] = [
    "content-length",
    "date",
    "transfer-encoding",
    "connection",
    "keep-alive",
];

fn parse_headers(text: &str) -> anyhow::Result<(StatusCode, HeaderMap)> {
    let mut lines = text.lines().map(str::trim_end);
    let status_line = lines.next().context("empty headers file")?;
    let code = status_line
        .split_whitespace()
        .nth(1)
        .context("no status code in the status line")?;
    let status = StatusCode::from_bytes(code.as_bytes()).context("invalid status code")?;
    let mut headers = HeaderMap::new();
    for line in lines.take_while(|line| !line.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            bail!("malformed header line {line:?}");
        };
        let name = HeaderName::from_bytes(name.trim().as_bytes())?;
        if PER_TRANSFER.contains(&name.as_str()) {
            continue;
        }
        headers.append(name, HeaderValue::from_str(value.trim())?);
    }
    Ok((status, headers))
}

fn load(dir: &FsPath) -> anyhow::Result<HashMap<String, Captured>> {
    let mut responses = HashMap::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("body") {
            continue;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .context("file name is not UTF-8")?
            .to_owned();
        let body = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let header_path = path.with_extension("headers");
        let text = std::fs::read_to_string(&header_path)
            .with_context(|| format!("reading {}", header_path.display()))?;
        let (status, headers) =
            parse_headers(&text).with_context(|| format!("parsing {}", header_path.display()))?;
        responses.insert(
            name,
            Captured {
                status,
                headers,
                body: Bytes::from(body),
            },
        );
    }
    if responses.is_empty() {
        bail!("no <name>.body files in {}", dir.display());
    }
    Ok(responses)
}

/// Reads the request body, as the real server must, then answers with the captured bytes.
async fn answer(
    State(responses): State<Responses>,
    Path(name): Path<String>,
    _body: Bytes,
) -> Response {
    match responses.get(&name) {
        Some(captured) => (
            captured.status,
            captured.headers.clone(),
            captured.body.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let responses: Responses = Arc::new(load(&args.dir)?);
    let app = Router::new()
        .route("/{name}", any(answer))
        .with_state(responses);
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("binding {}", args.bind))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{}", listener.local_addr()?)?;
    out.flush()?;
    drop(out);
    axum::serve(listener, app).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_headers;

    #[test]
    fn captured_headers_keep_content_type_and_drop_per_transfer_ones() {
        let text = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\
                    x-request-id: abc\r\ndate: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n";
        let (status, headers) = parse_headers(text).expect("parses");
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(headers["x-request-id"], "abc");
        assert!(headers.get("content-length").is_none());
        assert!(headers.get("date").is_none());
    }
}
