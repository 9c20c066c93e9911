//! GraphQL over HTTP as its specification describes it: media types by `Accept`, status codes by
//! kind of result, JSON-only POST bodies (CSRF-safe), body size limit, CORS, GraphiQL headers.

use crate::helpers::{Backend, TestApp};
use kizuna::state::HttpSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};

const GRAPHQL_TYPE: &str = "application/graphql-response+json";

async fn app_with(http: HttpSettings) -> Option<(TestApp, crate::helpers::RunningServer)> {
    let mut app = TestApp::new(Backend::Sqlite).await?;
    app.state = app.state.clone().with_http(http);
    let server = app.serve().await;
    Some((app, server))
}

fn post(
    server: &crate::helpers::RunningServer,
    accept: &str,
    body: Value,
) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(server.url("/graphql"))
        .header("accept", accept)
        .json(&body)
}

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_codes_follow_the_media_type_the_client_accepts() {
    let Some((_app, server)) = app_with(HttpSettings::default()).await else {
        return;
    };
    let cases = [
        (
            json!({ "query": "{ directions { totalCount }" }),
            "a document that does not parse",
        ),
        (
            json!({ "query": "{ noSuchField }" }),
            "a document that does not validate",
        ),
        (
            json!({ "query": "query($n: Int!) { directions(first: $n) { totalCount } }", "variables": { "n": "x" } }),
            "bad variables",
        ),
    ];
    for (body, what) in cases {
        let spec = post(&server, GRAPHQL_TYPE, body.clone())
            .send()
            .await
            .expect("POST");
        assert_eq!(
            spec.status(),
            StatusCode::BAD_REQUEST,
            "{what} with the GraphQL media type"
        );
        assert!(content_type(&spec).starts_with(GRAPHQL_TYPE));
        let legacy = post(&server, "application/json", body)
            .send()
            .await
            .expect("POST");
        assert_eq!(
            legacy.status(),
            StatusCode::OK,
            "{what} with application/json"
        );
        assert!(content_type(&legacy).starts_with("application/json"));
        let json: Value = legacy.json().await.expect("JSON");
        assert!(json["errors"].as_array().is_some_and(|e| !e.is_empty()));
    }
    // A field error is a result, not a failed request: 200 with either type.
    let field_error = post(
        &server,
        GRAPHQL_TYPE,
        json!({ "query": "{ initiative(slug: \"nope\") { name } }" }),
    )
    .send()
    .await
    .expect("POST");
    assert_eq!(field_error.status(), StatusCode::OK);
    let ok = post(
        &server,
        GRAPHQL_TYPE,
        json!({ "query": "{ directions { totalCount } }" }),
    )
    .send()
    .await
    .expect("POST");
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(content_type(&ok).starts_with(GRAPHQL_TYPE));
    let none_acceptable = post(&server, "text/html", json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(none_acceptable.status(), StatusCode::NOT_ACCEPTABLE);
    server.shutdown().await.expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_json_bodies_within_the_size_limit_reach_the_schema() {
    let http = HttpSettings {
        max_body_bytes: 4096,
        ..HttpSettings::default()
    };
    let Some((app, server)) = app_with(http).await else {
        return;
    };
    let client = reqwest::Client::new();
    let before = app.snapshot().await;
    let mutation = "mutation { createSource(input: { slug: \"csrf\", title: \"x\", kind: PRIMARY }) { source { slug } } }";
    for (content_type, body) in [
        ("text/plain", json!({ "query": mutation }).to_string()),
        (
            "application/x-www-form-urlencoded",
            format!("query={mutation}"),
        ),
        ("multipart/form-data; boundary=x", "--x--".to_owned()),
    ] {
        let response = client
            .post(server.url("/graphql"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("POST");
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
    }
    let malformed = client
        .post(server.url("/graphql"))
        .header("content-type", "application/json")
        .body("{\"query\": ")
        .send()
        .await
        .expect("POST");
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let huge = json!({ "query": format!("{{ __typename }} # {}", "x".repeat(10_000)) });
    let too_big = client
        .post(server.url("/graphql"))
        .json(&huge)
        .send()
        .await
        .expect("POST");
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.snapshot().await, before, "nothing was written");
    let still_serving = client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(still_serving.status(), StatusCode::OK);
    server.shutdown().await.expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_allows_only_configured_origins_without_credentials() {
    let http = HttpSettings {
        cors_origins: vec!["https://app.example".to_owned()],
        ..HttpSettings::default()
    };
    let Some((_app, server)) = app_with(http).await else {
        return;
    };
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, server.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    let allowed = preflight("https://app.example").await.expect("OPTIONS");
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    assert!(
        allowed
            .headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
    let other = preflight("https://evil.example").await.expect("OPTIONS");
    assert!(other.headers().get("access-control-allow-origin").is_none());

    let page = client.get(server.url("/")).send().await.expect("GET /");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    server.shutdown().await.expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_request_id_given_or_made() {
    let Some((_app, server)) = app_with(HttpSettings::default()).await else {
        return;
    };
    let client = reqwest::Client::new();
    let given = client
        .post(server.url("/graphql"))
        .header("x-request-id", "trace-me-123")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("POST");
    assert_eq!(given.headers()["x-request-id"], "trace-me-123");
    let made = client.get(server.url("/health")).send().await.expect("GET");
    let made = made.headers()["x-request-id"]
        .to_str()
        .expect("text")
        .to_owned();
    assert_eq!(made.len(), 36, "a UUID: {made}");
    let again = client.get(server.url("/health")).send().await.expect("GET");
    assert_ne!(
        again.headers()["x-request-id"].to_str().expect("text"),
        made,
        "one per request"
    );
    server.shutdown().await.expect("clean shutdown");
}
