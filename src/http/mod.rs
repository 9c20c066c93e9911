//! The HTTP surface: GraphQL over POST and GET, GraphiQL, health, readiness and metrics.
//! Handlers only adapt HTTP to the schema; no logic lives here.

use crate::state::AppState;
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::QueryRejection;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

/// The application router. Tests bind it to 127.0.0.1:0; `serve` binds it to the configured
/// address.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(graphiql))
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::new())
        .with_state(state)
}

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Kizuna GraphiQL")
            .finish(),
    )
}

async fn graphql_post(State(state): State<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    state.schema.execute(request.into_inner()).await.into()
}

/// Parameters of a GraphQL GET request, named as the GraphQL-over-HTTP spec names them.
/// (async-graphql's own query-string parser expects `operation_name`, so a spec-following
/// client's `operationName` would be ignored.)
#[derive(Debug, Deserialize)]
struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// A 400 answer in the GraphQL response shape.
fn bad_request(message: &str) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }]
    });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// GET runs queries only: a mutation over GET would let a link or an `<img>` change data, so it
/// is refused with 405 and `Allow: POST` before anything executes.
async fn graphql_get(
    State(state): State<AppState>,
    params: Result<Query<GetParams>, QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_request("malformed query string");
    };
    let Some(query) = params.query else {
        return bad_request("a GET request needs a `query` parameter");
    };
    let mut request = async_graphql::Request::new(query);
    if let Some(name) = params.operation_name.clone() {
        request = request.operation_name(name);
    }
    if let Some(text) = params.variables.as_deref() {
        match serde_json::from_str(text) {
            Ok(json) => request = request.variables(async_graphql::Variables::from_json(json)),
            Err(_) => return bad_request("`variables` is not a JSON object"),
        }
    }
    if let Some(text) = params.extensions.as_deref() {
        match serde_json::from_str(text) {
            Ok(extensions) => request.extensions = extensions,
            Err(_) => return bad_request("`extensions` is not a JSON object"),
        }
    }
    if let Ok(document) = request.parsed_query() {
        let wanted = params.operation_name.as_deref();
        let not_a_query = document.operations.iter().any(|(name, op)| {
            let selected = match (wanted, name) {
                (None, _) => true,
                (Some(wanted), Some(name)) => wanted == name.as_str(),
                (Some(_), None) => false,
            };
            selected && op.node.ty != OperationType::Query
        });
        if not_a_query {
            return (
                StatusCode::METHOD_NOT_ALLOWED,
                [(header::ALLOW, "POST")],
                "mutations and subscriptions are not allowed over GET; use POST",
            )
                .into_response();
        }
    }
    GraphQLResponse::from(state.schema.execute(request).await).into_response()
}

async fn health() -> &'static str {
    "ok"
}

async fn ready(State(state): State<AppState>) -> Response {
    match crate::db::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
