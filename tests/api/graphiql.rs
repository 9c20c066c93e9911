//! GraphiQL's page and asset routes on a real socket, with or without the offline bundle
//! embedded (`npm run build` in web/graphiql before building says which).

use crate::helpers::{Backend, TestApp};
use reqwest::StatusCode;

/// The `/graphiql/assets/…` paths the page links to; none for the CDN page.
fn asset_paths(page: &str) -> Vec<String> {
    page.split('"')
        .filter(|part| part.starts_with("/graphiql/assets/"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn graphiql_is_served_with_a_csp_and_its_assets_are_cached_for_good() {
    let app = TestApp::new(Backend::Sqlite).await.expect("SQLite app");
    let server = app.serve().await;
    let client = reqwest::Client::new();

    let page = client.get(server.url("/")).send().await.expect("GET /");
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.expect("body");

    let unknown = client
        .get(server.url("/graphiql/assets/graphiql-NOSUCH.js"))
        .send()
        .await
        .expect("GET asset");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let assets = asset_paths(&html);
    if assets.is_empty() {
        assert!(html.contains("unpkg.com"), "the CDN page: {html}");
        eprintln!(
            "skipped: GraphiQL asset checks (the offline bundle is not embedded; run \
             `npm ci --ignore-scripts && npm run build` in web/graphiql, then rebuild)"
        );
        server.shutdown().await.expect("clean shutdown");
        return;
    }
    assert!(!html.contains("unpkg.com"), "the offline page uses no CDN");
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(assets.len(), 2, "one script and one stylesheet: {assets:?}");
    for path in assets {
        let response = client
            .get(server.url(&path))
            .send()
            .await
            .expect("GET asset");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let expected = if path.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else {
            "text/css; charset=utf-8"
        };
        assert_eq!(response.headers()["content-type"], expected, "{path}");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(
            response.bytes().await.expect("body").len() > 10_000,
            "{path}"
        );
    }
    server.shutdown().await.expect("clean shutdown");
}
