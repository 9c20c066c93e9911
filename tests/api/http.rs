//! HTTP tests on a real socket: GraphQL over POST and GET, GraphiQL, probes, metrics, shutdown.

use crate::helpers::{TestApp, db_test};
use reqwest::StatusCode;
use serde_json::{Value, json};

db_test! {
    async fn graphql_answers_over_post_and_get_on_a_real_socket(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let client = reqwest::Client::new();
        let post: Value = client
            .post(server.url("/graphql"))
            .json(&json!({ "query": "{ direction(number: 3) { name } }" }))
            .send()
            .await
            .expect("POST")
            .json()
            .await
            .expect("JSON");
        assert_eq!(post["data"]["direction"]["name"], "Next Generation Mobility");

        let get = client
            .get(server.url("/graphql"))
            .query(&[("query", "{ prefecture(slug: \"fukuoka\") { nameJa } }")])
            .send()
            .await
            .expect("GET");
        assert_eq!(get.status(), StatusCode::OK);
        let body: Value = get.json().await.expect("JSON");
        assert_eq!(body["data"]["prefecture"]["nameJa"], "福岡県");
        server.shutdown().await.expect("clean shutdown");
    }
}

db_test! {
    async fn a_mutation_over_get_is_refused_with_405_and_allow_post(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let response = reqwest::Client::new()
            .get(server.url("/graphql"))
            .query(&[("query", "mutation { __typename }")])
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()["allow"], "POST");
        // A named query in a document that also holds a mutation is still a query.
        let named = reqwest::Client::new()
            .get(server.url("/graphql"))
            .query(&[
                ("query", "query Q { directions(first: 1) { totalCount } } mutation M { __typename }"),
                ("operationName", "Q"),
            ])
            .send()
            .await
            .expect("GET");
        assert_eq!(named.status(), StatusCode::OK);
        server.shutdown().await.expect("clean shutdown");
    }
}

db_test! {
    async fn graphiql_health_readiness_and_metrics_are_served(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let server = app.serve().await;
        let client = reqwest::Client::new();
        let page = client.get(server.url("/")).send().await.expect("GET /");
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.expect("body").contains("graphiql"), "GraphiQL page");
        assert_eq!(client.get(server.url("/health")).send().await.expect("health").status(), StatusCode::OK);
        assert_eq!(client.get(server.url("/ready")).send().await.expect("ready").status(), StatusCode::OK);

        client
            .post(server.url("/graphql"))
            .json(&json!({ "query": "{ sectors { totalCount } }" }))
            .send()
            .await
            .expect("POST");
        let metrics = client.get(server.url("/metrics")).send().await.expect("metrics").text().await.expect("body");
        let line = metrics
            .lines()
            .find(|l| l.starts_with("kizuna_db_statements_total "))
            .expect("statement counter exposed");
        let count: u64 = line.rsplit(' ').next().and_then(|n| n.parse().ok()).expect("a number");
        assert_eq!(count, app.statements(), "the endpoint shows this app's counter");
        assert!(count > 0);

        // Without a database the app is alive but not ready.
        app.state.db.clone().close().await.expect("close pool");
        assert_eq!(client.get(server.url("/ready")).send().await.expect("ready").status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(client.get(server.url("/health")).send().await.expect("health").status(), StatusCode::OK);
        server.shutdown().await.expect("clean shutdown");
    }
}
