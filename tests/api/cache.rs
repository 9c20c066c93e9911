//! The response cache: hits run no SQL, a write makes every older entry stale (on this instance
//! and, through LISTEN/NOTIFY, on another), roles never share entries, mutations are never
//! stored, and GET answers carry an ETag that turns into 304 until the next write.

use crate::helpers::{Backend, TestApp, db_test, error_code, post_graphql as post};
use kizuna::domain::Role;
use kizuna::state::HttpSettings;
use serde_json::{Value, json};
use std::time::Duration;

/// Bound on waiting for another instance to hear of a write (a hang detector).
const PATIENCE: Duration = Duration::from_secs(20);

const LIST: &str = "{ initiatives(first: 100) { totalCount nodes { slug } } }";

fn cached(mb: usize) -> HttpSettings {
    HttpSettings {
        response_cache_bytes: mb * 1024 * 1024,
        ..HttpSettings::default()
    }
}

fn create(slug: &str) -> Value {
    json!({ "i": { "slug": slug, "name": "Cache test", "description": "Made by a cache test.",
        "directionNumber": 3, "status": "ANNOUNCED" } })
}

const CREATE: &str =
    "mutation($i: CreateInitiativeInput!) { createInitiative(input: $i) { initiative { slug } } }";

db_test! {
    /// A repeated query is answered without SQL; after a write the next answer shows it.
    async fn hits_run_no_sql_and_a_write_makes_older_entries_stale(backend) {
        let Some(mut app) = TestApp::new(backend).await else { return };
        app.state = app.state.clone().with_http(cached(8));
        let editor = app.token(Role::Editor).await;
        let server = app.serve().await;
        let url = server.url("/graphql");

        let first = post(&url, None, LIST, json!({})).await;
        let total = first["data"]["initiatives"]["totalCount"].as_i64().expect("count");
        let before = app.statements();
        // The same document in another layout is the same entry.
        let again = post(&url, None, "# again\n{initiatives(first:100){totalCount,nodes{slug}}}", json!({})).await;
        assert_eq!(again, first);
        assert_eq!(app.statements(), before, "a hit sends no statement");
        assert_eq!(app.metrics.cache_hits.get(), 1);

        let made = post(&url, Some(&editor), CREATE, create("cache-fresh")).await;
        assert_eq!(made["data"]["createInitiative"]["initiative"]["slug"], "cache-fresh", "{made}");
        let after = post(&url, None, LIST, json!({})).await;
        assert_eq!(after["data"]["initiatives"]["totalCount"].as_i64(), Some(total + 1));
        assert!(after.to_string().contains("cache-fresh"));

        // The same mutation again is executed again (a CONFLICT now), never answered from the cache.
        let twice = post(&url, Some(&editor), CREATE, create("cache-fresh")).await;
        assert_eq!(error_code(&twice), "CONFLICT", "{twice}");
    }
}

db_test! {
    /// Each role has its own entries: a viewer's request after an anonymous one is executed.
    async fn roles_never_share_entries(backend) {
        let Some(mut app) = TestApp::new(backend).await else { return };
        app.state = app.state.clone().with_http(cached(8));
        let viewer = app.token(Role::Viewer).await;
        let editor = app.token(Role::Editor).await;
        let server = app.serve().await;
        let url = server.url("/graphql");

        post(&url, None, LIST, json!({})).await;
        let misses = app.metrics.cache_misses.get();
        let statements = app.statements();
        post(&url, Some(&viewer), LIST, json!({})).await;
        assert_eq!(app.metrics.cache_misses.get(), misses + 1, "the viewer's request is its own entry");
        assert!(app.statements() > statements, "and was executed");
        post(&url, Some(&editor), LIST, json!({})).await;
        assert_eq!(app.metrics.cache_misses.get(), misses + 2);
        // Each role now hits its own entry.
        let hits = app.metrics.cache_hits.get();
        post(&url, Some(&viewer), LIST, json!({})).await;
        post(&url, None, LIST, json!({})).await;
        assert_eq!(app.metrics.cache_hits.get(), hits + 2);
        // Variables are part of the key too.
        let one = "query($s: String!) { initiative(slug: $s) { slug } }";
        let a = post(&url, None, one, json!({ "s": "ijicp" })).await;
        let b = post(&url, None, one, json!({ "s": "india-japan-fund-ifsc" })).await;
        assert_eq!(a["data"]["initiative"]["slug"], "ijicp", "{a}");
        assert_eq!(b["data"]["initiative"]["slug"], "india-japan-fund-ifsc", "{b}");
    }
}

db_test! {
    /// GET answers carry a weak ETag; sending it back gets 304 until a write, then 200 with a
    /// new tag. Answers with errors are not stored.
    async fn get_answers_revalidate_with_etags(backend) {
        let Some(mut app) = TestApp::new(backend).await else { return };
        app.state = app.state.clone().with_http(cached(8));
        let editor = app.token(Role::Editor).await;
        let server = app.serve().await;
        let url = format!("{}?query={}", server.url("/graphql"), "%7B%20directions%20%7B%20totalCount%20%7D%20%7D");
        let client = reqwest::Client::new();

        let first = client.get(&url).send().await.expect("GET");
        assert_eq!(first.status(), 200);
        let etag = first.headers()["etag"].to_str().expect("ascii").to_owned();
        assert!(etag.starts_with("W/\""), "{etag}");
        assert_eq!(first.headers()["cache-control"], "public, max-age=0, must-revalidate");
        let revalidated = client.get(&url).header("if-none-match", &etag).send().await.expect("GET");
        assert_eq!(revalidated.status(), 304);
        assert_eq!(revalidated.headers()["etag"].to_str().expect("ascii"), etag);

        post(&server.url("/graphql"), Some(&editor), CREATE, create("etag-bump")).await;
        let changed = client.get(&url).header("if-none-match", &etag).send().await.expect("GET");
        assert_eq!(changed.status(), 200);
        assert_ne!(changed.headers()["etag"].to_str().expect("ascii"), etag);

        // An answer with an error is executed every time.
        let bad = format!("{}?query={}", server.url("/graphql"), "%7B%20initiative(slug%3A%20%22nope%22)%20%7B%20slug%20%7D%20%7D");
        for _ in 0..2 {
            let response = client.get(&bad).send().await.expect("GET");
            assert!(response.headers().get("etag").is_none());
            let body: Value = response.json().await.expect("JSON");
            assert_eq!(error_code(&body), "NOT_FOUND");
        }
    }
}

/// Two instances over one PostgreSQL database: a write through the first makes the second's
/// cached answer stale as soon as the NOTIFY reaches it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_instances_write_invalidates_through_notify() {
    let Some(app) = TestApp::new(Backend::Postgres).await else {
        return;
    };
    let editor = app.token(Role::Editor).await;
    let first = app.serve().await;
    let second_state = app.second_instance().await.with_http(cached(8));
    second_state.events.listening().await;
    let second = crate::helpers::serve_state(second_state.clone()).await;

    let before = post(&second.url("/graphql"), None, LIST, json!({})).await;
    let total = before["data"]["initiatives"]["totalCount"]
        .as_i64()
        .expect("count");
    let again = post(&second.url("/graphql"), None, LIST, json!({})).await;
    assert_eq!(again, before);
    assert_eq!(
        second_state.metrics.cache_hits.get(),
        1,
        "the second instance cached it"
    );
    let head = second_state.events.head();
    post(
        &first.url("/graphql"),
        Some(&editor),
        CREATE,
        create("notify-bump"),
    )
    .await;
    let mut heads = second_state.events.subscribe();
    tokio::time::timeout(PATIENCE, heads.wait_for(|seq| *seq > head))
        .await
        .expect("the second instance heard of the write")
        .expect("bus open");
    let after = post(&second.url("/graphql"), None, LIST, json!({})).await;
    assert_eq!(
        after["data"]["initiatives"]["totalCount"].as_i64(),
        Some(total + 1)
    );
}
