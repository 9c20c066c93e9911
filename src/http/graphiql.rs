//! GraphiQL at `/`. When the bundle built from `web/graphiql` was embedded at build time (see
//! `build.rs`), the page and its assets come from this server alone, so GraphiQL works with no
//! internet access, under a CSP that lets nothing else run or load. Otherwise the page is
//! async-graphql's, which loads GraphiQL from a CDN.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

/// One embedded file, served under [`ASSETS_PATH`] by its content-hashed name.
struct Asset {
    name: &'static str,
    bytes: &'static [u8],
}

/// The offline GraphiQL: one script (GraphiQL, React, graphql-js and our entry) and one stylesheet.
struct Bundle {
    script: Asset,
    stylesheet: Asset,
}

// `const BUNDLE: Option<Bundle>`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/graphiql_bundle.rs"));

const ASSETS_PATH: &str = "/graphiql/assets";

/// The page may not be framed by other sites (clickjacking), sniffed, or leak its URL. The
/// offline page also may not run or load anything but its own assets; the CDN page needs inline
/// script and the CDN, so it keeps to `frame-ancestors`.
const OFFLINE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";
const CDN_CSP: &str = "frame-ancestors 'none'";

/// Assets are named by their content hash, so a name always means the same bytes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The GraphiQL page and its assets.
pub(super) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(page))
        .route(&format!("{ASSETS_PATH}/{{name}}"), get(asset))
}

async fn page() -> Response {
    page_for(BUNDLE.as_ref())
}

async fn asset(Path(name): Path<String>) -> Response {
    asset_for(BUNDLE.as_ref(), &name)
}

fn page_for(bundle: Option<&Bundle>) -> Response {
    let (csp, html) = match bundle {
        Some(bundle) => (OFFLINE_CSP, offline_page(bundle)),
        None => (CDN_CSP, cdn_page()),
    };
    (
        [
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        Html(html),
    )
        .into_response()
}

/// The page around the bundle. No inline script or style (the CSP forbids both): the entry
/// script reads the endpoints from the mount element's data attributes.
fn offline_page(bundle: &Bundle) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>Kizuna GraphiQL</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="{ASSETS_PATH}/{stylesheet}">
    <script defer src="{ASSETS_PATH}/{script}"></script>
  </head>
  <body>
    <div id="graphiql" data-endpoint="/graphql" data-subscription-endpoint="/graphql/ws">Loading GraphiQL…</div>
  </body>
</html>
"#,
        stylesheet = bundle.stylesheet.name,
        script = bundle.script.name,
    )
}

fn cdn_page() -> String {
    async_graphql::http::GraphiQLSource::build()
        .endpoint("/graphql")
        .subscription_endpoint("/graphql/ws")
        .title("Kizuna GraphiQL")
        .finish()
}

fn asset_for(bundle: Option<&Bundle>, name: &str) -> Response {
    let found = bundle.and_then(|bundle| {
        [
            (&bundle.script, "text/javascript; charset=utf-8"),
            (&bundle.stylesheet, "text/css; charset=utf-8"),
        ]
        .into_iter()
        .find(|(asset, _)| asset.name == name)
    });
    match found {
        Some((asset, content_type)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, IMMUTABLE),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such GraphiQL asset").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in bundle, so these tests run whether or not the real one was embedded.
    const FAKE: Bundle = Bundle {
        script: Asset {
            name: "graphiql-ABC.js",
            bytes: b"console.log(1)",
        },
        stylesheet: Asset {
            name: "graphiql-DEF.css",
            bytes: b"body{}",
        },
    };

    fn header(response: &Response, name: header::HeaderName) -> &str {
        response.headers()[name].to_str().expect("ASCII header")
    }

    #[test]
    fn the_offline_page_loads_only_its_own_assets_under_a_strict_csp() {
        let page = offline_page(&FAKE);
        assert!(page.contains(r#"<script defer src="/graphiql/assets/graphiql-ABC.js">"#));
        assert!(page.contains(r#"href="/graphiql/assets/graphiql-DEF.css""#));
        assert!(page.contains(r#"data-endpoint="/graphql""#));
        assert!(!page.contains("http"), "no absolute URL: {page}");
        assert!(
            !page.contains("<script>") && !page.contains("style="),
            "nothing inline"
        );

        let response = page_for(Some(&FAKE));
        let csp = header(&response, header::CONTENT_SECURITY_POLICY);
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(header(&response, header::X_FRAME_OPTIONS), "DENY");
    }

    #[test]
    fn without_a_bundle_the_page_comes_from_the_cdn_and_keeps_its_headers() {
        let response = page_for(None);
        assert_eq!(
            header(&response, header::CONTENT_SECURITY_POLICY),
            "frame-ancestors 'none'"
        );
        assert_eq!(header(&response, header::X_FRAME_OPTIONS), "DENY");
        assert_eq!(header(&response, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(header(&response, header::REFERRER_POLICY), "no-referrer");
        assert!(cdn_page().contains("unpkg.com/graphiql"));
    }

    #[test]
    fn assets_are_served_by_name_with_their_type_and_cached_for_good() {
        let script = asset_for(Some(&FAKE), "graphiql-ABC.js");
        assert_eq!(script.status(), StatusCode::OK);
        assert_eq!(
            header(&script, header::CONTENT_TYPE),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(header(&script, header::CACHE_CONTROL), IMMUTABLE);
        let css = asset_for(Some(&FAKE), "graphiql-DEF.css");
        assert_eq!(
            header(&css, header::CONTENT_TYPE),
            "text/css; charset=utf-8"
        );
        assert_eq!(
            asset_for(Some(&FAKE), "graphiql-OLD.js").status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            asset_for(None, "graphiql-ABC.js").status(),
            StatusCode::NOT_FOUND
        );
    }
}
