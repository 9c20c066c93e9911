//! The HTTP surface: GraphQL over POST and GET, GraphiQL, health, readiness and metrics.
//! Handlers only adapt HTTP to the schema; no logic lives here.

pub mod cache;
mod graphiql;
pub mod limits;
mod negotiate;
mod ws;
mod ws_legacy;

use negotiate::{MediaType, graphql_response, is_json_body, negotiate, request_error};

use crate::auth;
use crate::graphql::auth::Caller;
use crate::graphql::gateway::Answer;
use crate::graphql::persisted::NoMutations;
use crate::state::AppState;
use async_graphql::http::WebSocketProtocols;
use async_graphql::parser::types::OperationType;
use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::extract::DefaultBodyLimit;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::WebSocketUpgrade;
use axum::extract::rejection::BytesRejection;
use axum::extract::rejection::JsonRejection;
use axum::extract::rejection::QueryRejection;
use axum::http::HeaderMap;
use axum::http::HeaderName;
use axum::http::HeaderValue;
use axum::http::{StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::StreamExt;
use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The application router. Tests bind it to 127.0.0.1:0; `serve` binds it to the configured
/// address.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(graphiql::router())
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", get(graphql_ws))
        .route("/graphql/stream", get(stream_get).post(stream_post))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(state.http.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            refuse_declared_oversize,
        ))
        .layer(cors(&state.http.cors_origins))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .layer(CatchPanicLayer::new())
        .with_state(state)
}

/// Refuses a body whose declared length is over the limit before reading any of it. The body
/// limit alone reads up to the limit first and then stops reading, so a client sending 50 MB
/// would learn of the refusal only from a reset connection, having sent more than it needed to.
async fn refuse_declared_oversize(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit = u64::try_from(state.http.max_body_bytes).unwrap_or(u64::MAX);
    if declared.is_some_and(|length| length > limit) {
        let media = negotiate(request.headers()).unwrap_or(MediaType::Json);
        return request_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "the request body is over the size limit",
            media,
        );
    }
    next.run(request).await
}

/// The span of one request. Every log line of the request carries its id, given by the client
/// or made here. When spans are exported, it is a server span in the caller's trace if the
/// request has a `traceparent`.
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let (method, uri) = (request.method(), request.uri());
    #[cfg(not(feature = "otel"))]
    let span = tracing::info_span!("request", %method, %uri, request_id = %id);
    #[cfg(feature = "otel")]
    let span = {
        let span =
            tracing::info_span!("request", %method, %uri, request_id = %id, otel.kind = "server");
        crate::telemetry::adopt_remote_parent(&span, request.headers());
        span
    };
    span
}

/// The header that carries a request's id: kept when the client (or a proxy) sends one, made
/// up otherwise, returned on the response and put on every log line of the request.
static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// CORS for the configured origins only; credentials stay off (tokens travel in headers, and
/// no cookie should ever authorise a cross-site request).
fn cors(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
        .max_age(std::time::Duration::from_secs(600))
}

/// GraphQL over POST, per the GraphQL-over-HTTP specification: `Accept` picks the media type
/// (406 when none fits), the body must be `application/json` (415 otherwise, which also turns
/// away cross-site form posts), oversize bodies get 413 and malformed JSON 400.
async fn graphql_post(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    if !is_json_body(&headers) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the request as application/json",
            media,
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "the request body is over the size limit",
                media,
            );
        }
        Err(_) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "the request body could not be read",
                media,
            );
        }
    };
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "the body is not a JSON GraphQL request ({\"query\": …}); batches are not accepted",
                media,
            );
        }
    };
    let caller = match admit(&state, &headers, peer.as_deref()).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let cache = CacheUse::plan(&state, &request, &caller, None);
    execute(&state, request.data(caller), media, cache).await
}

/// How a request may use the response cache: its key, the log head read before it runs, and
/// whether the answer carries HTTP validators (GET).
struct CacheUse {
    key: cache::Key,
    head: i64,
    validators: Option<Validators>,
}

/// What a GET brings for conditional requests, and who asks.
struct Validators {
    if_none_match: Option<HeaderValue>,
    private: bool,
}

impl CacheUse {
    fn plan(
        state: &AppState,
        request: &async_graphql::Request,
        caller: &Caller,
        get: Option<&HeaderMap>,
    ) -> Option<Self> {
        state.guards.cache.as_ref()?;
        let variables = serde_json::to_value(&request.variables).ok()?;
        let extensions = serde_json::to_value(&request.extensions).ok()?;
        let role = caller.0.as_ref().map(|p| p.role);
        let text = format!("{}\u{0}{extensions}", request.query);
        Some(Self {
            key: cache::key(&text, request.operation_name.as_deref(), &variables, role),
            head: i64::from(state.events.head()),
            validators: get.map(|headers| Validators {
                if_none_match: headers.get(header::IF_NONE_MATCH).cloned(),
                private: role.is_some(),
            }),
        })
    }
}

/// Runs a request within the configured time, through the response cache when it may use it.
/// A request over the time is dropped, which rolls back its transaction and, on PostgreSQL,
/// lets the server cancel its statement (the pool's `statement_timeout` ends 100 ms later).
async fn execute(
    state: &AppState,
    request: async_graphql::Request,
    media: MediaType,
    cache: Option<CacheUse>,
) -> Response {
    if let (Some(plan), Some(store)) = (&cache, &state.guards.cache)
        && let Some(entry) = store.get(&plan.key, plan.head)
    {
        return cached_response(entry, media, plan.validators.as_ref());
    }
    let limit = state.http.traffic.request_timeout();
    match tokio::time::timeout(limit, state.schema.execute_http(request)).await {
        Ok((Answer::Rendered(body), _)) => {
            let body = Bytes::from(body);
            match (cache, &state.guards.cache) {
                (Some(plan), Some(store)) => match store.put(plan.key, plan.head, body.clone()) {
                    Some(entry) => cached_response(entry, media, plan.validators.as_ref()),
                    None => rendered_response(body, media),
                },
                _ => rendered_response(body, media),
            }
        }
        Ok((Answer::Executed(response), is_query)) => {
            let keep = is_query && response.errors.is_empty();
            match (cache, &state.guards.cache) {
                (Some(plan), Some(store)) if keep => match response_bytes(&response) {
                    Some(body) => match store.put(plan.key, plan.head, body.clone()) {
                        Some(entry) => cached_response(entry, media, plan.validators.as_ref()),
                        None => graphql_response(&response, media),
                    },
                    None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                },
                _ => graphql_response(&response, media),
            }
        }
        Err(_) => {
            tracing::warn!(timeout_ms = limit.as_millis() as u64, "request timed out");
            state.metrics.record_timeout();
            request_error(
                StatusCode::GATEWAY_TIMEOUT,
                "TIMEOUT",
                &format!(
                    "the request did not finish within {} ms and was cancelled",
                    limit.as_millis()
                ),
                media,
            )
        }
    }
}

/// A body a read-model plan wrote: a successful query's answer.
fn rendered_response(body: Bytes, media: MediaType) -> Response {
    let mut out = (StatusCode::OK, body).into_response();
    out.headers_mut()
        .insert(header::CONTENT_TYPE, media.header());
    out
}

/// The body of a response as sent, or `None` (logged) when it cannot be serialised.
fn response_bytes(response: &async_graphql::Response) -> Option<Bytes> {
    match serde_json::to_vec(response) {
        Ok(body) => Some(Bytes::from(body)),
        Err(error) => {
            tracing::error!(%error, "cannot serialise a GraphQL response");
            None
        }
    }
}

/// A stored (error-free) response; for GET with its validator and caching headers, or 304 when
/// the client already holds it.
fn cached_response(
    entry: cache::Entry,
    media: MediaType,
    validators: Option<&Validators>,
) -> Response {
    let mut out = match validators {
        Some(v)
            if v.if_none_match
                .as_ref()
                .is_some_and(|tags| matches_etag(tags, &entry.etag)) =>
        {
            StatusCode::NOT_MODIFIED.into_response()
        }
        _ => {
            let mut out = (StatusCode::OK, entry.body).into_response();
            out.headers_mut()
                .insert(header::CONTENT_TYPE, media.header());
            out
        }
    };
    if let Some(validators) = validators {
        let headers = out.headers_mut();
        if let Ok(etag) = HeaderValue::from_str(&entry.etag) {
            headers.insert(header::ETAG, etag);
        }
        // Shared caches may keep anonymous answers; answers to a token stay with its holder.
        // Either way they revalidate, and the ETag makes that a 304 until the next write.
        let policy = if validators.private {
            "private, max-age=0, must-revalidate"
        } else {
            "public, max-age=0, must-revalidate"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Accept, Authorization"),
        );
    }
    out
}

/// Whether an `If-None-Match` value names `etag` (weak comparison, as RFC 9110 asks for it).
fn matches_etag(if_none_match: &HeaderValue, etag: &str) -> bool {
    let Ok(tags) = if_none_match.to_str() else {
        return false;
    };
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    tags.split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == opaque(etag))
}

/// Lets a request in, or answers it: the per-address bucket for requests without a token (before
/// any database work), authentication, then the per-token bucket.
async fn admit(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
) -> Result<Caller, Response> {
    let has_token = headers.contains_key(header::AUTHORIZATION);
    if !has_token && let Some(bucket) = &state.guards.rates.per_ip {
        let ip = limits::client_ip(
            headers,
            peer,
            state.http.traffic.client_ip_header.as_deref(),
        );
        bucket
            .check(&ip)
            .map_err(|wait| too_many_requests(state, wait))?;
    }
    let caller = caller_from_headers(state, headers).await?;
    if let (Some(principal), Some(bucket)) = (&caller.0, &state.guards.rates.per_token) {
        bucket
            .check(&principal.name)
            .map_err(|wait| too_many_requests(state, wait))?;
    }
    Ok(caller)
}

/// 429 with `Retry-After` in whole seconds.
fn too_many_requests(state: &AppState, wait: Duration) -> Response {
    state.metrics.record_rate_limited();
    let seconds = limits::retry_after_secs(wait);
    let body = serde_json::json!({ "errors": [{
        "message": format!("rate limit reached; retry in {seconds} s"),
        "extensions": { "code": "RATE_LIMITED", "retryAfterSeconds": seconds } }] });
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, seconds.to_string())],
        axum::Json(body),
    )
        .into_response()
}

fn not_acceptable() -> Response {
    let body = serde_json::json!({ "errors": [{
        "message": "acceptable response types: application/graphql-response+json, application/json",
        "extensions": { "code": "NOT_ACCEPTABLE" } }] });
    (StatusCode::NOT_ACCEPTABLE, axum::Json(body)).into_response()
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
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    params: Result<Query<GetParams>, QueryRejection>,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let caller = match admit(&state, &headers, peer.as_deref()).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let mut request = match request_from_params(params) {
        Ok(request) => request,
        Err(message) => {
            return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", message, media);
        }
    };
    let cache = CacheUse::plan(&state, &request, &caller, Some(&headers));
    request = request.data(caller);
    if matches!(
        operation_type(&mut request),
        Some(OperationType::Mutation | OperationType::Subscription)
    ) {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "POST")],
            "mutations and subscriptions are not allowed over GET; use POST",
        )
            .into_response();
    }
    execute(&state, request, media, cache).await
}

/// Builds a GraphQL request from GET parameters, or says why it cannot (a 400 answer).
fn request_from_params(
    params: Result<Query<GetParams>, QueryRejection>,
) -> Result<async_graphql::Request, &'static str> {
    let Ok(Query(params)) = params else {
        return Err("malformed query string");
    };
    let has_query = params.query.is_some();
    // Marked so that a mutation found by persisted-query hash is refused too (see `NoMutations`).
    let mut request =
        async_graphql::Request::new(params.query.unwrap_or_default()).data(NoMutations);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(text) = params.variables.as_deref() {
        match serde_json::from_str(text) {
            Ok(json) => request = request.variables(async_graphql::Variables::from_json(json)),
            Err(_) => return Err("`variables` is not a JSON object"),
        }
    }
    if let Some(text) = params.extensions.as_deref() {
        match serde_json::from_str(text) {
            Ok(extensions) => request.extensions = extensions,
            Err(_) => return Err("`extensions` is not a JSON object"),
        }
    }
    // Only an automatic persisted query may leave the query out: its hash names the document.
    if !has_query && !request.extensions.contains_key("persistedQuery") {
        return Err("a GET request needs a `query` parameter");
    }
    Ok(request)
}

/// The type of the operation the request selects; `None` when the document does not parse or
/// names no such operation (executing it then reports the error).
fn operation_type(request: &mut async_graphql::Request) -> Option<OperationType> {
    let wanted = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    crate::graphql::gateway::select(document, wanted.as_deref()).map(|(_, op)| op.ty)
}

/// Resolves the `Authorization` header to a caller. A header that is malformed or names an
/// unknown or revoked token is refused outright (401), as is a missing one when reads need a
/// token; no header means an anonymous reader.
async fn caller_from_headers(state: &AppState, headers: &HeaderMap) -> Result<Caller, Response> {
    let value = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or_default());
    caller_from_credentials(state, value)
        .await
        .map_err(|message| unauthorized(&message))
}

/// The same rules for any transport: `credentials` is an `Authorization` value, if any.
async fn caller_from_credentials(
    state: &AppState,
    credentials: Option<&str>,
) -> Result<Caller, String> {
    let Some(value) = credentials else {
        if state.access.require_token_for_reads {
            return Err("this server requires a bearer token".into());
        }
        return Ok(Caller(None));
    };
    let token =
        auth::parse_bearer(value).ok_or("the Authorization value must be `Bearer <token>`")?;
    match auth::authenticate(&state.db, token).await {
        Ok(Some(principal)) => Ok(Caller(Some(principal))),
        Ok(None) => Err("unknown or revoked token".into()),
        Err(error) => {
            tracing::error!(error = ?error, "token lookup failed");
            Err("the token could not be checked".into())
        }
    }
}

/// A 401 answer in the GraphQL response shape.
fn unauthorized(message: &str) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": "UNAUTHENTICATED" } }]
    });
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        axum::Json(body),
    )
        .into_response()
}

/// GraphQL over WebSocket on `/graphql/ws`: graphql-transport-ws ([`ws`]) or the legacy
/// graphql-ws, i.e. subscriptions-transport-ws ([`ws_legacy`]), each to the letter of its
/// protocol document, chosen by `Sec-WebSocket-Protocol`. The token comes in the
/// `connection_init` payload as `{"authorization": "Bearer …"}`.
async fn graphql_ws(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let ip = limits::client_ip(
        &headers,
        peer.as_deref(),
        state.http.traffic.client_ip_header.as_deref(),
    );
    // Opening a connection counts as a request of the address; the token, if any, comes later.
    if let Some(bucket) = &state.guards.rates.per_ip
        && let Err(wait) = bucket.check(&ip)
    {
        return too_many_requests(&state, wait);
    }
    let Some(slot) = state.guards.websockets.acquire(ip) else {
        state.metrics.record_rate_limited();
        let message = format!(
            "this address already holds {} WebSocket connections",
            state.http.traffic.max_ws_per_ip
        );
        return (StatusCode::TOO_MANY_REQUESTS, message).into_response();
    };
    // The first protocol the client offers that we speak.
    let chosen = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .and_then(|offered| {
            offered
                .split(',')
                .find_map(|p| p.trim().parse::<WebSocketProtocols>().ok())
        });
    let Some(chosen) = chosen else {
        let message = "Sec-WebSocket-Protocol must offer graphql-transport-ws or graphql-ws";
        return (StatusCode::BAD_REQUEST, message).into_response();
    };
    // Answer with the protocol the socket will speak: axum would otherwise pick by its own list's
    // order, naming graphql-transport-ws to a client that offered graphql-ws first.
    let max_message = state.http.traffic.max_ws_message_bytes;
    upgrade
        .protocols([chosen.sec_websocket_protocol()])
        .read_buffer_size(ws::READ_BUFFER)
        .max_message_size(max_message)
        .max_frame_size(max_message)
        .on_upgrade(move |socket| async move {
            let _slot = slot;
            if chosen == WebSocketProtocols::GraphQLWS {
                ws::serve(socket, state).await;
            } else {
                ws_legacy::serve(socket, state).await;
            }
        })
}

/// GraphQL over Server-Sent Events (graphql-sse, "distinct connections" mode): each request
/// gets its own event stream of `next` events and a final `complete` event.
async fn stream_post(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Result<axum::Json<async_graphql::Request>, JsonRejection>,
) -> Response {
    let caller = match admit(&state, &headers, peer.as_deref()).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let Ok(axum::Json(request)) = body else {
        return bad_request("the body must be a JSON GraphQL request");
    };
    event_stream(&state, request.data(caller))
}

async fn stream_get(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    params: Result<Query<GetParams>, QueryRejection>,
) -> Response {
    let caller = match admit(&state, &headers, peer.as_deref()).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    match request_from_params(params) {
        Ok(mut request) => {
            if operation_type(&mut request) == Some(OperationType::Mutation) {
                return (
                    StatusCode::METHOD_NOT_ALLOWED,
                    [(header::ALLOW, "POST")],
                    "mutations need POST",
                )
                    .into_response();
            }
            event_stream(&state, request.data(caller))
        }
        Err(message) => bad_request(message),
    }
}

fn event_stream(state: &AppState, request: async_graphql::Request) -> Response {
    // A stopping server ends live streams (with `complete`), or graceful shutdown would wait
    // for them forever.
    let shutdown = state.shutdown.clone();
    let stopping = async move { shutdown.stopping().await };
    let responses = state.schema.execute_stream(request).take_until(stopping);
    let responses = responses.map(|response| {
        let json = serde_json::to_string(&response).unwrap_or_else(|_| "{}".to_owned());
        Ok::<_, std::convert::Infallible>(SseEvent::default().event("next").data(json))
    });
    let complete = futures::stream::once(async {
        Ok::<_, std::convert::Infallible>(SseEvent::default().event("complete").data(""))
    });
    Sse::new(responses.chain(complete))
        .keep_alive(KeepAlive::default())
        .into_response()
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
    let (size, idle) = crate::db::pool_usage(&state.db);
    state.metrics.observe_pool(size, idle);
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
