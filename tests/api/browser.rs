//! GraphiQL in a real browser with no internet: headless Chromium, driven by
//! `tests/browser/graphiql.mjs` (playwright-core), opens `/`, runs a query and sees its result,
//! while every request to a host other than loopback is refused.
//!
//! Needs Chromium (`CHROMIUM_PATH`, default `/usr/bin/chromium`), node, `npm ci --ignore-scripts`
//! in tests/browser and the offline bundle embedded (README, "GraphiQL offline").
//! Without them the test says it is skipped and passes, unless `KIZUNA_REQUIRE_BROWSER_TEST=1`
//! (CI sets it), when it fails instead.

use crate::helpers::{Backend, TestApp};
use std::path::{Path, PathBuf};
use std::process::Command;

const BROWSER_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser");

/// Says why the test cannot run: a failure when CI requires it, a skip otherwise.
fn cannot_run(why: &str) {
    if std::env::var("KIZUNA_REQUIRE_BROWSER_TEST").as_deref() == Ok("1") {
        panic!("the browser test is required (KIZUNA_REQUIRE_BROWSER_TEST=1) but {why}");
    }
    eprintln!("skipped: browser test, because {why}");
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn node_runs() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_runs_a_query_in_chromium_without_internet() {
    let chromium = chromium();
    if !chromium.is_file() {
        return cannot_run(&format!(
            "{} is missing (apt-get install chromium, or set CHROMIUM_PATH)",
            chromium.display()
        ));
    }
    if !node_runs() {
        return cannot_run("`node` is not on PATH");
    }
    if !Path::new(BROWSER_DIR)
        .join("node_modules/playwright-core")
        .is_dir()
    {
        return cannot_run(
            "playwright-core is not installed (run `npm ci --ignore-scripts` in tests/browser)",
        );
    }

    let app = TestApp::new(Backend::Sqlite).await.expect("SQLite app");
    let server = app.serve().await;
    let page = reqwest::get(server.url("/"))
        .await
        .expect("GET /")
        .text()
        .await
        .expect("body");
    if !page.contains("/graphiql/assets/") {
        server.shutdown().await.expect("clean shutdown");
        return cannot_run(
            "the offline GraphiQL bundle is not embedded (run `npm ci --ignore-scripts && npm \
             run build` in web/graphiql, then rebuild)",
        );
    }

    let url = server.url("/");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(Path::new(BROWSER_DIR).join("graphiql.mjs"))
            .arg(url)
            .env("CHROMIUM_PATH", chromium)
            .output()
    })
    .await
    .expect("the browser task")
    .expect("node starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser run failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains(r#"answered { directions { totalCount } } with "totalCount": 8"#));
    server.shutdown().await.expect("clean shutdown");
}
