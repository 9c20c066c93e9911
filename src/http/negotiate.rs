//! GraphQL over HTTP, as its specification describes it: the response media type chosen from
//! `Accept`, the status code chosen from the kind of result, and POST bodies accepted only as
//! `application/json`.
//!
//! async-graphql-axum answers `application/graphql-response+json` with status 200 whatever the
//! request asks, and accepts form and text bodies; a spec-following client (or a browser
//! sending a "simple" cross-site request) expects otherwise.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The GraphQL response media type of the specification.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// Which media type to answer in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`: request errors get 4xx statuses.
    GraphqlResponse,
    /// `application/json`: the legacy type, always 200 for a well-formed request.
    Json,
}

impl MediaType {
    pub fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }
}

/// Picks the response type from `Accept`: the GraphQL type when listed (and not refused with
/// q=0), JSON when only it or a wildcard is listed, JSON when the header is absent (legacy
/// clients send none), and `None` (406) when nothing acceptable is listed.
pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let mut graphql = false;
    let mut json = false;
    for item in accept.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if refused {
            continue;
        }
        match media.as_str() {
            GRAPHQL_RESPONSE_JSON => graphql = true,
            "application/json" | "application/*" | "*/*" => json = true,
            _ => {}
        }
    }
    if graphql {
        Some(MediaType::GraphqlResponse)
    } else if json {
        Some(MediaType::Json)
    } else {
        None
    }
}

/// True when a POST body is declared `application/json` (any charset parameter). Anything else
/// is refused with 415, which also keeps "simple" cross-site requests (forms, text/plain) from
/// reaching the schema.
pub fn is_json_body(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// A request-level failure answered before execution, in the chosen media type.
pub fn request_error(status: StatusCode, code: &str, message: &str, media: MediaType) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let status = match media {
        // The legacy type reports well-formed requests with 200; malformed ones are 4xx in both.
        MediaType::Json if status == StatusCode::UNPROCESSABLE_ENTITY => StatusCode::OK,
        _ => status,
    };
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.header());
    response
}

/// The response to an executed request. With the GraphQL media type, a result without data
/// whose errors are all request errors (parsing, validation, variables: they carry no path) is a
/// 400; field errors, even when they null out all data, are 200.
pub fn graphql_response(response: &async_graphql::Response, media: MediaType) -> Response {
    let request_failed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let status = match media {
        MediaType::GraphqlResponse if request_failed => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let body = match serde_json::to_vec(response) {
        Ok(body) => Bytes::from(body),
        Err(error) => {
            tracing::error!(%error, "cannot serialise a GraphQL response");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut out = (status, body).into_response();
    out.headers_mut()
        .insert(header::CONTENT_TYPE, media.header());
    if let Some(value) = response
        .cache_control
        .value()
        .and_then(|v| HeaderValue::from_str(&v).ok())
    {
        out.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn accept_picks_the_graphql_type_when_listed_and_json_otherwise() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(MediaType::Json));
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(MediaType::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept("application/json")),
            Some(MediaType::Json)
        );
        assert_eq!(negotiate(&accept("*/*")), Some(MediaType::Json));
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json;q=0, application/json"
            )),
            Some(MediaType::Json)
        );
        assert_eq!(negotiate(&accept("text/html")), None);
    }

    #[test]
    fn only_json_bodies_are_accepted() {
        let mut headers = HeaderMap::new();
        assert!(!is_json_body(&headers));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        assert!(is_json_body(&headers));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(!is_json_body(&headers));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        assert!(!is_json_body(&headers));
    }
}
