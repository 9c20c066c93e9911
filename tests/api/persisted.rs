//! Persisted queries (Apollo APQ and allow-list mode) and the introspection switch.

use crate::helpers::{TestApp, db_test, error_code};
use kizuna::config::{Cli, Introspection, QueryPolicy};
use kizuna::graphql::persisted::{AllowList, LoadError, PersistedMode, SchemaOptions};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::num::NonZeroUsize;
use std::sync::Arc;

const DIRECTION: &str = "{ direction(number: 3) { name } }";

/// Computed here, independently of the server's own hashing.
fn sha256(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(client: &reqwest::Client, url: &str, body: Value) -> Value {
    client
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("JSON")
}

async fn get_by_hash(client: &reqwest::Client, url: &str, hash: &str) -> (StatusCode, Value) {
    let response = client
        .get(url)
        .query(&[("extensions", persisted(hash).to_string())])
        .send()
        .await
        .expect("GET");
    let status = response.status();
    (status, response.json().await.expect("JSON"))
}

/// Executes a request with these fields through the schema (no HTTP).
async fn exec(app: &TestApp, query: &str, extensions: Value) -> Value {
    let mut request = async_graphql::Request::new(query);
    request.extensions = serde_json::from_value(extensions).expect("extensions");
    let response = app.state.schema.execute(request).await;
    serde_json::to_value(&response).expect("response serialises")
}

db_test! {
    async fn apq_registers_over_post_and_then_runs_by_hash_over_post_and_get(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let client = reqwest::Client::new();
        let url = server.url("/graphql");
        let hash = sha256(DIRECTION);

        // Unknown hash: the answer Apollo clients recognise, so they resend with the query.
        let unknown = post(&client, &url, json!({ "extensions": persisted(&hash) })).await;
        assert_eq!(error_code(&unknown), "PERSISTED_QUERY_NOT_FOUND");
        assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound");
        let (status, unknown_get) = get_by_hash(&client, &url, &hash).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(error_code(&unknown_get), "PERSISTED_QUERY_NOT_FOUND");

        let registered = post(
            &client,
            &url,
            json!({ "query": DIRECTION, "extensions": persisted(&hash) }),
        )
        .await;
        assert_eq!(registered["data"]["direction"]["name"], "Next Generation Mobility");

        let by_hash = post(&client, &url, json!({ "extensions": persisted(&hash) })).await;
        assert_eq!(by_hash["data"]["direction"]["name"], "Next Generation Mobility", "{by_hash:#}");
        let (status, by_get) = get_by_hash(&client, &url, &hash).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(by_get["data"]["direction"]["name"], "Next Generation Mobility", "{by_get:#}");

        // A GET with neither a query nor a persisted query is still refused.
        let bare = client.get(&url).send().await.expect("GET");
        assert_eq!(bare.status(), StatusCode::BAD_REQUEST);
        server.shutdown().await.expect("clean shutdown");
    }
}

db_test! {
    async fn apq_refuses_a_hash_that_does_not_match_and_does_not_store_it(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let client = reqwest::Client::new();
        let url = server.url("/graphql");
        let wrong = sha256("{ __typename }");
        let before = app.statements();
        let refused = post(
            &client,
            &url,
            json!({ "query": DIRECTION, "extensions": persisted(&wrong) }),
        )
        .await;
        assert_eq!(error_code(&refused), "BAD_USER_INPUT");
        assert_eq!(refused["errors"][0]["message"], "provided sha does not match query");
        assert!(refused["data"].is_null(), "{refused:#}");
        assert_eq!(app.statements(), before, "a refused request sends no SQL");
        // Neither the wrong hash nor the real one was registered by the refused request.
        for hash in [wrong, sha256(DIRECTION)] {
            let again = post(&client, &url, json!({ "extensions": persisted(&hash) })).await;
            assert_eq!(error_code(&again), "PERSISTED_QUERY_NOT_FOUND");
        }
        server.shutdown().await.expect("clean shutdown");
    }
}

db_test! {
    async fn a_mutation_registered_by_hash_cannot_run_over_get(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let client = reqwest::Client::new();
        let url = server.url("/graphql");
        let mutation = "mutation { __typename }";
        let hash = sha256(mutation);
        let registered = post(
            &client,
            &url,
            json!({ "query": mutation, "extensions": persisted(&hash) }),
        )
        .await;
        assert_eq!(registered["data"]["__typename"], "MutationRoot", "{registered:#}");
        // The GET handler cannot see the operation type of a document named only by hash; the
        // schema refuses it instead.
        let (_, over_get) = get_by_hash(&client, &url, &hash).await;
        assert!(over_get["data"].is_null(), "{over_get:#}");
        assert_eq!(error_code(&over_get), "BAD_REQUEST");
        let by_post = post(&client, &url, json!({ "extensions": persisted(&hash) })).await;
        assert_eq!(by_post["data"]["__typename"], "MutationRoot");
        server.shutdown().await.expect("clean shutdown");
    }
}

db_test! {
    async fn the_apq_cache_forgets_the_least_recently_used_entry(backend) {
        let options = SchemaOptions {
            persisted: PersistedMode::Automatic { capacity: NonZeroUsize::MIN.saturating_add(1) },
            ..SchemaOptions::default()
        };
        let Some(app) = TestApp::with_options(backend, Default::default(), &options).await else {
            return;
        };
        let queries = ["{ a: __typename }", "{ b: __typename }", "{ c: __typename }"];
        for query in &queries[..2] {
            let registered = exec(&app, query, persisted(&sha256(query))).await;
            assert!(registered.get("errors").is_none(), "{registered:#}");
        }
        // Using `a` makes `b` the least recently used, so registering `c` evicts `b`.
        let a = exec(&app, "", persisted(&sha256(queries[0]))).await;
        assert_eq!(a["data"]["a"], "QueryRoot");
        exec(&app, queries[2], persisted(&sha256(queries[2]))).await;
        let codes: Vec<String> = futures::future::join_all(
            queries.iter().map(|q| exec(&app, "", persisted(&sha256(q)))),
        )
        .await
        .iter()
        .map(error_code)
        .collect();
        assert_eq!(codes, ["<none>", "PERSISTED_QUERY_NOT_FOUND", "<none>"]);
    }
}

/// A directory with two allowed operations; returns it and their texts.
fn allow_dir() -> (tempfile::TempDir, [&'static str; 2]) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let ops = [
        "query Direction {\n  direction(number: 3) {\n    name\n  }\n}\n",
        "query Fukuoka { prefecture(slug: \"fukuoka\") { nameJa } }\n",
    ];
    std::fs::write(dir.path().join("direction.graphql"), ops[0]).expect("write");
    std::fs::write(dir.path().join("fukuoka.graphql"), ops[1]).expect("write");
    // Not a *.graphql file: ignored, although it would not parse.
    std::fs::write(dir.path().join("README.md"), "not { graphql").expect("write");
    (dir, ops)
}

fn allow_only(dir: &std::path::Path) -> SchemaOptions {
    let list = AllowList::load_dir(dir).expect("allow-list loads");
    assert_eq!(list.len(), 2);
    SchemaOptions {
        persisted: PersistedMode::AllowList(Arc::new(list)),
        ..SchemaOptions::default()
    }
}

db_test! {
    async fn allow_list_mode_runs_registered_operations_only(backend) {
        let (dir, ops) = allow_dir();
        let Some(app) = TestApp::with_options(backend, Default::default(), &allow_only(dir.path())).await
        else {
            return;
        };
        let server = app.serve().await;
        let client = reqwest::Client::new();
        let url = server.url("/graphql");

        let before = app.statements();
        let by_hash = post(&client, &url, json!({ "extensions": persisted(&sha256(ops[0])) })).await;
        assert_eq!(by_hash["data"]["direction"]["name"], "Next Generation Mobility", "{by_hash:#}");
        assert!(app.statements() > before, "a registered operation runs its SQL");
        let (_, by_get) = get_by_hash(&client, &url, &sha256(ops[1])).await;
        assert_eq!(by_get["data"]["prefecture"]["nameJa"], "福岡県", "{by_get:#}");
        let by_text = post(&client, &url, json!({ "query": ops[1] })).await;
        assert_eq!(by_text["data"]["prefecture"]["nameJa"], "福岡県", "{by_text:#}");
        let with_both = post(
            &client,
            &url,
            json!({ "query": ops[0], "extensions": persisted(&sha256(ops[0])) }),
        )
        .await;
        assert_eq!(with_both["data"]["direction"]["name"], "Next Generation Mobility");

        let before = app.statements();
        let refused = [
            // The same operation reformatted is a different document.
            json!({ "query": DIRECTION }),
            json!({ "query": "{ directions(first: 5) { totalCount } }" }),
            // Registering by APQ is not possible in this mode.
            json!({ "query": DIRECTION, "extensions": persisted(&sha256(DIRECTION)) }),
            json!({ "extensions": persisted(&sha256(DIRECTION)) }),
            json!({ "query": "" }),
        ];
        for body in refused {
            let answer = post(&client, &url, body.clone()).await;
            assert_eq!(error_code(&answer), "PERSISTED_QUERY_NOT_ALLOWED", "{body}: {answer:#}");
            assert!(answer["data"].is_null(), "{answer:#}");
        }
        let (_, unknown_get) = get_by_hash(&client, &url, &sha256(DIRECTION)).await;
        assert_eq!(error_code(&unknown_get), "PERSISTED_QUERY_NOT_ALLOWED");
        let text_get = client
            .get(&url)
            .query(&[("query", DIRECTION)])
            .send()
            .await
            .expect("GET")
            .json::<Value>()
            .await
            .expect("JSON");
        assert_eq!(error_code(&text_get), "PERSISTED_QUERY_NOT_ALLOWED");
        assert_eq!(app.statements(), before, "refused operations send no SQL");
        server.shutdown().await.expect("clean shutdown");
    }
}

#[test]
fn start_up_refuses_a_missing_empty_or_unparsable_persisted_dir() {
    let policy = |dir: Option<&std::path::Path>| QueryPolicy {
        introspection: Introspection::Enabled,
        apq_cache_size: NonZeroUsize::MIN,
        persisted_only: true,
        persisted_dir: dir.map(ToOwned::to_owned),
        read_model: true,
    };
    let error = |dir| SchemaOptions::from_policy(&policy(dir)).expect_err("refused");

    assert!(matches!(error(None), LoadError::NoDir));
    let dir = tempfile::tempdir().expect("temporary directory");
    let missing = dir.path().join("missing");
    assert!(matches!(error(Some(&missing)), LoadError::Io { .. }));
    assert!(matches!(error(Some(dir.path())), LoadError::Empty { .. }));

    std::fs::write(dir.path().join("good.graphql"), "{ __typename }").expect("write");
    std::fs::write(dir.path().join("bad.graphql"), "query { direction(").expect("write");
    let message = error(Some(dir.path())).to_string();
    assert!(
        message.contains("bad.graphql") && message.contains("does not parse"),
        "{message}"
    );

    std::fs::remove_file(dir.path().join("bad.graphql")).expect("remove");
    let options = SchemaOptions::from_policy(&policy(Some(dir.path()))).expect("loads");
    assert!(matches!(options.persisted, PersistedMode::AllowList(list) if list.len() == 1));
}

#[tokio::test]
async fn serve_stops_before_the_database_when_the_persisted_dir_is_bad() {
    use clap::Parser as _;
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("kizuna.db");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let missing = dir.path().join("missing");
    let cli = Cli::try_parse_from([
        "kizuna",
        "--database-url",
        &url,
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--persisted-only",
        "--persisted-dir",
        missing.to_str().expect("UTF-8 path"),
    ])
    .expect("flags parse");
    let error = kizuna::cli::run(cli).await.expect_err("start-up refused");
    assert!(error.to_string().contains("missing"), "{error:#}");
    assert!(!db.exists(), "no database was created");
}

db_test! {
    async fn disabled_introspection_refuses_schema_and_type_but_answers_typename(backend) {
        let options = SchemaOptions {
            introspection: Introspection::Disabled,
            ..SchemaOptions::default()
        };
        let Some(app) = TestApp::with_options(backend, Default::default(), &options).await else {
            return;
        };
        let queries = [
            "{ __schema { queryType { name } } }",
            "{ __type(name: \"Direction\") { name } }",
            "{ ...F } fragment F on QueryRoot { __schema { queryType { name } } }",
        ];
        for query in queries {
            let refused = app.query(query).await;
            assert_eq!(error_code(&refused), "INTROSPECTION_DISABLED", "{query}: {refused:#}");
            assert!(refused["data"].is_null(), "{query}: {refused:#}");
        }
        assert_eq!(app.data("{ __typename }").await["__typename"], "QueryRoot");
        // The default keeps introspection on.
        let Some(open) = TestApp::new(backend).await else { return };
        assert_eq!(open.data("{ __schema { queryType { name } } }").await["__schema"]["queryType"]["name"], "QueryRoot");
    }
}
