//! The read model: queries it covers are answered from the in-memory snapshot by compiled plans,
//! with exactly the data async-graphql and SQL give; a write is visible to the next read; errors
//! still come from the general executor; anything it does not cover still works.

use crate::helpers::{Backend, RunningServer, TestApp, db_test, error_code, post_graphql as post};
use kizuna::domain::Role;
use kizuna::graphql::persisted::SchemaOptions;
use kizuna::metrics::Metrics;
use serde_json::{Value, json};
use std::time::Duration;

/// Bound on waiting for the snapshot to catch up (a hang detector, not a timing).
const PATIENCE: Duration = Duration::from_secs(20);

/// Queries the plans cover, with their variables: every type, link and paging form.
fn corpus() -> Vec<(&'static str, Value)> {
    vec![
        (
            "query Nested { directions { nodes { number name initiatives(first: 50) { totalCount nodes { slug name status sectors { nodes { slug name } } prefectures { nodes { slug nameJa region } } } } } } }",
            json!({}),
        ),
        (
            "{ directions(first: 3) { __typename totalCount edges { __typename cursor node { __typename id slug number name nameVariants jaLabel summary summaryNote } } pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor } } }",
            json!({}),
        ),
        (
            "query($n: Int = 3) { __typename initiatives(first: $n) { nodes { id slug name description status confidence directionMapping notes createdAt updatedAt direction { number slug } } pageInfo { hasNextPage endCursor } } }",
            json!({}),
        ),
        (
            "query($n: Int = 3) { initiatives(first: $n) { nodes { slug } } }",
            json!({ "n": 7 }),
        ),
        (
            "{ initiatives(last: 4) { totalCount nodes { slug indianStates { nodes { slug kind } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
            json!({}),
        ),
        (
            "{ initiatives(first: 0) { totalCount nodes { slug } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
            json!({}),
        ),
        (
            "{ a: initiatives(first: 2) { nodes { slug } } a: initiatives(first: 2) { nodes { name } } b: sectors(last: 2) { nodes { slug parent { slug name } children { totalCount nodes { slug } } initiatives(first: 3) { totalCount nodes { slug } } } } }",
            json!({}),
        ),
        (
            "query { ...Q } fragment Q on QueryRoot { prefectures(first: 20) { nodes { ...P ... on Node { id } ... on SearchResult { ... on Prefecture { nameJa } } } } } fragment P on Prefecture { slug name nameJa kind jisCode isoCode region capital notes initiatives { totalCount nodes { slug } } }",
            json!({}),
        ),
        (
            "{ indianStates(first: 40) { nodes { slug kind capital notes @skip(if: true) name @include(if: false) initiatives(first: 2) { nodes { slug ... @include(if: true) { confidence } direction { number } } } } } }",
            json!({}),
        ),
        (
            "{ sectors(first: 100) { totalCount nodes { id slug name parent { slug } initiatives(last: 2) { nodes { slug sectors { totalCount } prefectures(first: 1) { nodes { slug } pageInfo { hasNextPage } } } } } } }",
            json!({}),
        ),
        (
            "{ initiatives(first: 5, filter: null, orderBy: null) { edges { cursor node { slug } } } }",
            json!({}),
        ),
    ]
}

fn options(read_model: bool) -> SchemaOptions {
    SchemaOptions {
        read_model,
        ..SchemaOptions::default()
    }
}

/// Posts `query` until an answer comes without SQL (from a plan), and returns it. Panics when
/// no answer does within the patience: the plan is not being used.
async fn from_plan(app: &TestApp, url: &str, query: &str, variables: &Value) -> Value {
    from_plan_of(&app.metrics, url, query, variables).await
}

/// [`from_plan`] for any instance, by its metrics.
async fn from_plan_of(metrics: &Metrics, url: &str, query: &str, variables: &Value) -> Value {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let before = metrics.db_statements.get();
            let answer = post(url, None, query, variables.clone()).await;
            if metrics.db_statements.get() == before {
                return answer;
            }
            tokio::task::yield_now().await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no answer came from a plan: {query}"))
}

async fn serve(backend: Backend, read_model: bool) -> Option<(TestApp, RunningServer, String)> {
    let app = TestApp::with_options(backend, Default::default(), &options(read_model)).await?;
    let server = app.serve().await;
    let url = server.url("/graphql");
    Some((app, server, url))
}

db_test! {
    /// Every query of the corpus: the plan's answer equals async-graphql's, and is given
    /// without SQL.
    async fn plans_answer_exactly_as_the_general_executor(backend) {
        let Some((app, _server, url)) = serve(backend, true).await else { return };
        for (query, variables) in corpus() {
            let general = app.query_with(query, variables.clone()).await;
            assert!(general.get("errors").is_none(), "{query}: {general:#}");
            let first = post(&url, None, query, variables.clone()).await;
            assert_eq!(first, general, "{query}: the first run (async-graphql over HTTP)");
            let planned = from_plan(&app, &url, query, &variables).await;
            assert_eq!(planned, general, "{query}: the plan's answer");
        }
    }
}

db_test! {
    /// Paging with cursors through the plan gives the same pages as SQL, both ways.
    async fn cursors_page_through_plans_as_through_sql(backend) {
        let Some((app, _server, url)) = serve(backend, true).await else { return };
        let forward = "query($a: String) { initiatives(first: 7, after: $a) { nodes { slug } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }";
        let backward = "query($b: String) { initiatives(last: 6, before: $b) { nodes { slug } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }";
        // Learn both documents, then walk.
        from_plan(&app, &url, forward, &json!({})).await;
        from_plan(&app, &url, backward, &json!({})).await;
        let mut after = Value::Null;
        let mut seen = Vec::new();
        loop {
            let vars = json!({ "a": after });
            let planned = from_plan(&app, &url, forward, &vars).await;
            assert_eq!(planned, app.query_with(forward, vars).await, "page after {after}");
            let page = &planned["data"]["initiatives"];
            seen.extend(page["nodes"].as_array().expect("nodes").iter().map(|n| n["slug"].clone()));
            if page["pageInfo"]["hasNextPage"] != true { break; }
            after = page["pageInfo"]["endCursor"].clone();
        }
        let all = app.data("{ initiatives(first: 100) { totalCount } }").await;
        assert_eq!(Some(seen.len() as i64), all["initiatives"]["totalCount"].as_i64());
        let mut before = Value::Null;
        let mut back = Vec::new();
        loop {
            let vars = json!({ "b": before });
            let planned = from_plan(&app, &url, backward, &vars).await;
            assert_eq!(planned, app.query_with(backward, vars).await, "page before {before}");
            let page = &planned["data"]["initiatives"];
            let mut nodes: Vec<Value> = page["nodes"].as_array().expect("nodes").iter().map(|n| n["slug"].clone()).collect();
            nodes.extend(back);
            back = nodes;
            if page["pageInfo"]["hasPreviousPage"] != true { break; }
            before = page["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(back, seen, "backwards walks the same list");
    }
}

db_test! {
    /// The plan writes fields in the order the query selects them (async-graphql writes them
    /// in the order its loaders finish).
    async fn plans_write_fields_in_selection_order(backend) {
        let Some((app, _server, url)) = serve(backend, true).await else { return };
        let query = "{ initiatives(first: 3) { nodes { prefectures { totalCount } slug sectors { totalCount } } } }";
        from_plan(&app, &url, query, &json!({})).await;
        // The body as sent: parsed JSON would not keep the order of keys.
        let before = app.statements();
        let text = reqwest::Client::new()
            .post(&url)
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("POST")
            .text()
            .await
            .expect("body");
        assert_eq!(app.statements(), before, "answered by the plan");
        assert!(!text.contains("errors"), "{text}");
        let (p, s, c) = (text.find("\"prefectures\"").expect("p"), text.find("\"slug\"").expect("s"), text.find("\"sectors\"").expect("c"));
        assert!(p < s && s < c, "selection order: {text}");
    }
}

db_test! {
    /// A write is visible to the very next read, and the plan serves the new data once the
    /// snapshot has caught up.
    async fn a_write_is_visible_to_the_next_read_and_then_to_the_plan(backend) {
        let Some((app, server, url)) = serve(backend, true).await else { return };
        let editor = app.token(Role::Editor).await;
        let list = "{ initiatives(last: 3) { totalCount nodes { slug name sectors { nodes { slug } } } } }";
        let before = from_plan(&app, &url, list, &json!({})).await;
        let total = before["data"]["initiatives"]["totalCount"].as_i64().expect("total");
        let reloads_before_write = app.metrics.read_model_reloads.get();

        let made = post(&url, Some(&editor), "mutation($i: CreateInitiativeInput!) { createInitiative(input: $i) { initiative { slug } } }",
            json!({ "i": { "slug": "read-model-fresh", "name": "Read model test", "description": "Made by a read-model test.",
                "directionNumber": 2, "status": "ANNOUNCED", "sectors": ["batteries"] } })).await;
        assert_eq!(made["data"]["createInitiative"]["initiative"]["slug"], "read-model-fresh", "{made}");

        let next = post(&url, None, list, json!({})).await;
        assert_eq!(next["data"]["initiatives"]["totalCount"].as_i64(), Some(total + 1), "{next}");
        assert_eq!(next["data"]["initiatives"]["nodes"][2]["slug"], "read-model-fresh");

        let (answers, reloads) = (app.metrics.read_model_answers.get(), app.metrics.read_model_reloads.get());
        let planned = from_plan(&app, &url, list, &json!({})).await;
        assert_eq!(planned, next, "the plan's answer after the write");
        assert!(app.metrics.read_model_answers.get() > answers, "counted as a plan's answer");
        assert!(app.metrics.read_model_reloads.get() >= reloads, "reloads only grow");
        assert!(app.metrics.read_model_reloads.get() > reloads_before_write, "the write made a reader reload the snapshot");
        let text = reqwest::get(server.url("/metrics")).await.expect("GET").text().await.expect("body");
        assert!(text.contains("kizuna_read_model_answers_total"), "{text}");
        assert!(text.contains("kizuna_read_model_reloads_total"), "{text}");
        assert_eq!(planned["data"]["initiatives"]["nodes"][2]["sectors"]["nodes"][0]["slug"], "batteries");
    }
}

db_test! {
    /// A request the plan would get wrong goes to async-graphql: page sizes over the maximum,
    /// forged cursors, mixed directions, wrong variable types, missing required variables.
    async fn errors_still_come_from_the_general_executor(backend) {
        let Some((app, _server, url)) = serve(backend, true).await else { return };
        let query = "query($n: Int, $a: String, $l: Int) { initiatives(first: $n, after: $a, last: $l) { nodes { slug } } }";
        from_plan(&app, &url, query, &json!({ "n": 2 })).await;
        for (variables, code) in [
            (json!({ "n": 500 }), "BAD_USER_INPUT"),
            (json!({ "n": -1 }), "BAD_USER_INPUT"),
            (json!({ "a": "not-a-cursor" }), "BAD_USER_INPUT"),
            (json!({ "n": 2, "l": 2 }), "BAD_USER_INPUT"),
            (json!({ "n": "two" }), "BAD_USER_INPUT"),
        ] {
            let answer = post(&url, None, query, variables.clone()).await;
            assert_eq!(error_code(&answer), code, "{variables}: {answer}");
            assert_eq!(answer, app.query_with(query, variables.clone()).await, "{variables}");
        }
        let required = "query($n: Int!) { initiatives(first: $n) { nodes { slug } } }";
        from_plan(&app, &url, required, &json!({ "n": 1 })).await;
        let answer = post(&url, None, required, json!({})).await;
        assert!(answer.get("errors").is_some(), "a missing required variable is an error: {answer}");
    }
}

db_test! {
    /// What the plans do not cover (filters, other types, introspection) runs as before, and a
    /// server without the read model answers the corpus identically.
    async fn uncovered_queries_and_the_switch_work(backend) {
        let Some((app, _server, url)) = serve(backend, false).await else { return };
        for (query, variables) in corpus() {
            let first = post(&url, None, query, variables.clone()).await;
            let before = app.statements();
            let again = post(&url, None, query, variables.clone()).await;
            assert_eq!(again, first, "{query}");
            assert!(app.statements() > before, "without the read model every run uses SQL: {query}");
        }
        let Some((on, _on_server, on_url)) = serve(backend, true).await else { return };
        for filtered in [
            "{ initiatives(first: 5, filter: { status: { eq: ANNOUNCED } }) { nodes { slug status } } }",
            "{ initiatives(first: 5, orderBy: [{ field: NAME, direction: DESC }]) { nodes { slug } } }",
            "{ events(first: 2) { nodes { slug } } }",
            "query($f: InitiativeFilter) { initiatives(first: 5, filter: $f) { nodes { slug } } }",
        ] {
            let first = post(&on_url, None, filtered, json!({})).await;
            assert!(first.get("errors").is_none(), "{first}");
            let before = on.statements();
            let again = post(&on_url, None, filtered, json!({})).await;
            assert_eq!(again, first);
            assert_eq!(again, on.query(filtered).await);
            assert!(on.statements() > before, "runs through SQL: {filtered}");
        }
    }
}

/// Two instances over one PostgreSQL database: a write through the first reaches the second's
/// plans as soon as its NOTIFY arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_instances_write_reaches_this_instances_plans() {
    let Some(app) = TestApp::new(Backend::Postgres).await else {
        return;
    };
    let editor = app.token(Role::Editor).await;
    let first = app.serve().await;
    let second_state = app.second_instance().await;
    second_state.events.listening().await;
    let second = crate::helpers::serve_state(second_state.clone()).await;
    let url = second.url("/graphql");
    let list = "{ initiatives(last: 2) { totalCount nodes { slug } } }";
    let before = from_plan_of(&second_state.metrics, &url, list, &json!({})).await;
    let total = before["data"]["initiatives"]["totalCount"]
        .as_i64()
        .expect("total");

    let head = second_state.events.head();
    let made = post(&first.url("/graphql"), Some(&editor), "mutation($i: CreateInitiativeInput!) { createInitiative(input: $i) { initiative { slug } } }",
        json!({ "i": { "slug": "read-model-elsewhere", "name": "Read model test", "description": "Made through the other instance.",
            "directionNumber": 1, "status": "ANNOUNCED" } })).await;
    assert_eq!(
        made["data"]["createInitiative"]["initiative"]["slug"], "read-model-elsewhere",
        "{made}"
    );
    let mut heads = second_state.events.subscribe();
    tokio::time::timeout(PATIENCE, heads.wait_for(|seq| *seq > head))
        .await
        .expect("the second instance heard of the write")
        .expect("bus open");

    let after = from_plan_of(&second_state.metrics, &url, list, &json!({})).await;
    assert_eq!(
        after["data"]["initiatives"]["totalCount"].as_i64(),
        Some(total + 1),
        "{after}"
    );
    assert_eq!(
        after["data"]["initiatives"]["nodes"][1]["slug"],
        "read-model-elsewhere"
    );
}

db_test! {
    /// A planned document skips parsing, not the limits: its cost is measured with each
    /// request's variables, and a costly page size is refused as before.
    async fn planned_documents_are_still_measured_per_request(backend) {
        let limits = kizuna::config::Limits { max_complexity: 2_000, ..Default::default() };
        let Some(app) = TestApp::with_options(backend, limits, &options(true)).await else { return };
        let server = app.serve().await;
        let url = server.url("/graphql");
        let query = "query($n: Int) { initiatives(first: $n) { nodes { slug sectors(first: $n) { nodes { slug } } } } }";
        let cheap = from_plan(&app, &url, query, &json!({ "n": 2 })).await;
        assert!(cheap.get("errors").is_none(), "{cheap}");
        let costly = post(&url, None, query, json!({ "n": 100 })).await;
        assert_eq!(error_code(&costly), "QUERY_TOO_COMPLEX", "{costly}");
    }
}
