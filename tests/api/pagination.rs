//! Cursor pagination on root and nested connections.

use crate::helpers::{TestApp, db_test};
use serde_json::{Value, json};
use std::collections::BTreeSet;

async fn walk(app: &TestApp, query: &str, path: &[&str], first: i64) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let response = app
            .query_with(query, json!({ "first": first, "after": after }))
            .await;
        assert!(response.get("errors").is_none(), "{response}");
        let mut connection = &response["data"];
        for key in path {
            connection = &connection[key];
        }
        let nodes = connection["nodes"].as_array().expect("nodes");
        assert!(nodes.len() as i64 <= first);
        seen.extend(
            nodes
                .iter()
                .map(|n| n["slug"].as_str().expect("slug").to_owned()),
        );
        let info = &connection["pageInfo"];
        assert_eq!(
            info["hasPreviousPage"],
            !after.is_null(),
            "hasPreviousPage after {after}"
        );
        if info["hasNextPage"] == false {
            assert_eq!(connection["totalCount"].as_i64(), Some(seen.len() as i64));
            return seen;
        }
        assert_eq!(nodes.len() as i64, first, "only the last page is short");
        after = info["endCursor"].clone();
    }
}

db_test! {
    async fn walking_root_pages_visits_every_initiative_once(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let query = "query($first: Int, $after: String) { initiatives(first: $first, after: $after) \
                     { totalCount nodes { slug } pageInfo { hasNextPage hasPreviousPage endCursor } } }";
        let seen = walk(&app, query, &["initiatives"], 7).await;
        assert_eq!(seen.len(), 41);
        assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 41, "no initiative twice");
        let all = walk(&app, query, &["initiatives"], 100).await;
        assert_eq!(seen, all, "page size does not change the order");
    }
}

db_test! {
    async fn nested_connections_page_per_parent(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let query = "query($first: Int, $after: String) { direction(number: 4) { initiatives(first: $first, after: $after) \
                     { totalCount nodes { slug } pageInfo { hasNextPage hasPreviousPage endCursor } } } }";
        let seen = walk(&app, query, &["direction", "initiatives"], 3).await;
        assert_eq!(seen.len(), 10, "direction 4 has ten initiatives");

        // Every direction gets its own first page in one request.
        let data = app
            .data("{ directions { nodes { number initiatives(first: 2) { totalCount nodes { slug } pageInfo { hasNextPage } } } } }")
            .await;
        for direction in data["directions"]["nodes"].as_array().expect("directions") {
            let total = direction["initiatives"]["totalCount"].as_i64().expect("total");
            let shown = direction["initiatives"]["nodes"].as_array().expect("nodes").len() as i64;
            assert_eq!(shown, total.min(2), "direction {}", direction["number"]);
            assert_eq!(direction["initiatives"]["pageInfo"]["hasNextPage"], total > 2);
        }
    }
}

db_test! {
    async fn edges_carry_cursors_that_resume_after_their_node(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let data = app.data("{ prefectures(first: 3) { edges { cursor node { slug } } } }").await;
        let edges = data["prefectures"]["edges"].as_array().expect("edges");
        assert_eq!(edges[0]["node"]["slug"], "hokkaido");
        let next = app
            .query_with(
                "query($after: String) { prefectures(first: 1, after: $after) { nodes { slug } } }",
                json!({ "after": edges[1]["cursor"] }),
            )
            .await;
        assert_eq!(next["data"]["prefectures"]["nodes"][0]["slug"], edges[2]["node"]["slug"]);
    }
}
