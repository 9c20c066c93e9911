//! The one entry to the schema for every transport (POST, GET, WebSocket, SSE, tests): it applies
//! the request policy (persisted queries, cost limits, the introspection switch, no NUL in text)
//! to the parsed document, then executes it in an `operation` span, gives async-graphql's own
//! errors their codes, and records per-operation metrics.
//!
//! These steps used to be async-graphql extensions. Any registered extension makes async-graphql
//! wrap every field's resolution in the extension chain (a registry lookup and a boxed future per
//! field), although none of ours looks at fields; as request-level steps here they cost nothing
//! per field. BENCHMARKS.md has the measurement.

use super::KizunaSchema;
use super::cost;
use super::introspection::INTROSPECTION_DISABLED;
use super::persisted::{NoMutations, PersistedQueries};
use crate::config::{Introspection, Limits};
use crate::metrics::Metrics;
use crate::read::{Known, Planned, ReadModel, plan};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::{ErrorExtensionValues, Request, Response, ServerError};
use futures::StreamExt;
use futures::stream::BoxStream;
use std::any::TypeId;
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument as _;

/// The schema behind its request policy. Cheap to clone.
#[derive(Clone)]
pub struct Gateway {
    schema: KizunaSchema,
    policy: Arc<Policy>,
}

struct Policy {
    limits: Limits,
    persisted: PersistedQueries,
    introspection: Introspection,
    metrics: Arc<Metrics>,
    read: Option<Arc<ReadModel>>,
}

/// What running a request over HTTP produced: async-graphql's response, or the body a
/// read-model plan wrote (always a successful query's `{"data": …}`).
pub enum Answer {
    Executed(Response),
    Rendered(Vec<u8>),
}

/// What the policy made of a request: the operation it may run, or its refusal.
type Prepared = Result<Option<Selected>, (Option<Selected>, ServerError)>;

/// The operation a request selects, as the metrics name it.
struct Selected {
    name: Option<String>,
    kind: &'static str,
}

impl Gateway {
    pub(crate) fn new(
        schema: KizunaSchema,
        limits: Limits,
        persisted: PersistedQueries,
        introspection: Introspection,
        metrics: Arc<Metrics>,
        read: Option<Arc<ReadModel>>,
    ) -> Self {
        Self {
            schema,
            policy: Arc::new(Policy {
                limits,
                persisted,
                introspection,
                metrics,
                read,
            }),
        }
    }

    /// Loads the read model's first snapshot, when the read model is on.
    pub async fn preload(&self) {
        if let Some(read) = &self.policy.read {
            read.preload().await;
        }
    }

    /// The schema itself (SDL, introspection of the type system).
    pub fn schema(&self) -> &KizunaSchema {
        &self.schema
    }

    /// Runs a query or mutation.
    pub async fn execute(&self, request: impl Into<Request>) -> Response {
        self.execute_and_tell(request).await.0
    }

    /// [`Gateway::execute`], also saying whether the request ran a query (which a response
    /// cache may keep; a mutation's answer never is).
    pub async fn execute_and_tell(&self, request: impl Into<Request>) -> (Response, bool) {
        let started = Instant::now();
        let mut request = request.into();
        let prepared = self.prepare(&mut request);
        self.execute_prepared(prepared, request, started).await
    }

    /// Runs a request the policy has looked at through async-graphql (or answers the policy's
    /// refusal), gives the errors their codes and records the operation; also says whether it
    /// was a query.
    async fn execute_prepared(
        &self,
        prepared: Prepared,
        request: Request,
        started: Instant,
    ) -> (Response, bool) {
        let (selected, mut response) = match prepared {
            Ok(selected) => {
                let span = operation_span(selected.as_ref());
                (
                    selected,
                    self.schema.execute(request).instrument(span).await,
                )
            }
            Err((selected, error)) => (selected, Response::from_errors(vec![error])),
        };
        super::codes::classify(&mut response);
        self.record(selected.as_ref(), started, &response);
        let query = selected.is_some_and(|s| s.kind == "query");
        (response, query)
    }

    /// [`Gateway::execute_and_tell`] for the HTTP transports: a query the read model covers is
    /// answered from its snapshot, as bytes; everything else runs through async-graphql. The
    /// first run of a document always goes through async-graphql, which validates it; only a
    /// run without errors lets its plan be used for the next ones.
    pub async fn execute_http(&self, request: impl Into<Request>) -> (Answer, bool) {
        let started = Instant::now();
        let mut request = request.into();
        let planned_first = self.plans_before_parsing(&request);
        if planned_first && let Some(body) = self.answer_planned(&request, started).await {
            return (Answer::Rendered(body), true);
        }
        let selected = match self.prepare(&mut request) {
            Ok(selected) => selected,
            refused @ Err(_) => {
                let (response, _) = self.execute_prepared(refused, request, started).await;
                return (Answer::Executed(response), false);
            }
        };
        let is_query = selected.as_ref().is_some_and(|s| s.kind == "query");
        let read = self.policy.read.as_ref().filter(|_| is_query);
        let mut learn = None;
        if let Some(read) = read
            && !request.query.is_empty()
        {
            let name = request.operation_name.clone();
            let name = name.as_deref();
            match read.known(&request.query, name) {
                // A request `answer_planned` already tried is not run by its plan again.
                Some(Known::Plan(planned)) if !planned_first => {
                    if let Some(graph) = read.current().await
                        && let Some(body) = plan::run(
                            &planned.plan,
                            &graph,
                            &self.policy.limits,
                            &request.variables,
                        )
                    {
                        self.record_planned(&planned, started);
                        return (Answer::Rendered(body), true);
                    }
                }
                Some(_) => {}
                None => {
                    let planned = request.parsed_query().ok().and_then(|document| {
                        let (operation_name, operation) = select(document, name)?;
                        Some(Planned {
                            plan: plan::compile(document, operation)?,
                            name: operation_name.map(str::to_owned),
                            document: document.clone(),
                        })
                    });
                    learn = Some((request.query.clone(), name.map(str::to_owned), planned));
                }
            }
        }
        let (response, _) = self.execute_prepared(Ok(selected), request, started).await;
        if let (Some(read), Some((query, name, planned))) = (read, learn) {
            match planned {
                None => read.remember(&query, name.as_deref(), Known::Unsupported),
                Some(planned) if response.errors.is_empty() => {
                    read.remember(&query, name.as_deref(), Known::Plan(Arc::new(planned)));
                }
                Some(_) => {}
            }
        }
        (Answer::Executed(response), is_query)
    }

    /// Whether a request may be answered by its plan before it is parsed: it carries its text
    /// and names no persisted query, and any text may run (not allow-list mode).
    fn plans_before_parsing(&self, request: &Request) -> bool {
        self.policy.read.is_some()
            && !request.query.is_empty()
            && request.extensions.is_empty()
            && self.policy.persisted.runs_any_text()
    }

    /// Answers a request whose document already has a plan without parsing it again: the
    /// checks that depend on the variables (NUL, cost) run on the stored document, the others
    /// passed when the plan was made. `None` sends the request down the ordinary path, which
    /// also produces every error. Only for requests [`Gateway::plans_before_parsing`] admits.
    async fn answer_planned(&self, request: &Request, started: Instant) -> Option<Vec<u8>> {
        let policy = &self.policy;
        let read = policy.read.as_ref()?;
        let name = request.operation_name.as_deref();
        let Known::Plan(planned) = read.known(&request.query, name)? else {
            return None;
        };
        let document = &planned.document;
        if super::text::has_nul(document, &request.variables)
            || cost::check(document, name, &request.variables, &policy.limits).is_err()
        {
            return None;
        }
        let graph = read.current().await?;
        let body = plan::run(&planned.plan, &graph, &policy.limits, &request.variables)?;
        self.record_planned(&planned, started);
        Some(body)
    }

    fn record_planned(&self, planned: &Planned, started: Instant) {
        self.policy.metrics.read_model_answers.inc();
        self.policy.metrics.record_operation(
            planned.name.as_deref(),
            "query",
            started.elapsed(),
            std::iter::empty(),
        );
    }

    /// Runs any operation as a stream of responses: a subscription's events, or the one response
    /// of a query or mutation.
    pub fn execute_stream(&self, request: impl Into<Request>) -> BoxStream<'static, Response> {
        let started = Instant::now();
        let mut request = request.into();
        let (selected, stream) = match self.prepare(&mut request) {
            Ok(selected) => {
                let span = operation_span(selected.as_ref());
                let stream = in_span(self.schema.execute_stream(request), span);
                (selected, stream)
            }
            Err((selected, error)) => (
                selected,
                futures::stream::once(async move { Response::from_errors(vec![error]) }).boxed(),
            ),
        };
        let gateway = self.clone();
        if selected.as_ref().is_some_and(|s| s.kind == "subscription") {
            // Live from here until the client or the server drops the stream.
            let live = LiveGuard::new(self.policy.metrics.clone());
            return stream
                .map(move |mut response| {
                    let _live = &live;
                    super::codes::classify(&mut response);
                    for code in codes(&response) {
                        gateway.policy.metrics.record_error(&code);
                    }
                    response
                })
                .boxed();
        }
        stream
            .map(move |mut response| {
                super::codes::classify(&mut response);
                gateway.record(selected.as_ref(), started, &response);
                response
            })
            .boxed()
    }

    fn record(&self, selected: Option<&Selected>, started: Instant, response: &Response) {
        let codes = codes(response);
        self.policy.metrics.record_operation(
            selected.and_then(|s| s.name.as_deref()),
            selected.map_or("unknown", |s| s.kind),
            started.elapsed(),
            codes.iter().map(String::as_str),
        );
    }

    /// Applies the policy. A document that does not parse passes untouched: execution reports
    /// the syntax error in its usual shape.
    #[allow(clippy::result_large_err)]
    fn prepare(&self, request: &mut Request) -> Prepared {
        let policy = &self.policy;
        let found = policy
            .persisted
            .resolve(request)
            .map_err(|error| (None, error))?;
        if let Some(document) = found {
            request.set_parsed_query(document);
        }
        let no_mutations = request.data.contains_key(&TypeId::of::<NoMutations>());
        let wanted = request.operation_name.clone();
        let variables = request.variables.clone();
        let document = match request.parsed_query() {
            Ok(document) => document,
            Err(error) => return Err((None, super::codes::parse_failed(error))),
        };
        if super::text::has_nul(document, &variables) {
            return Err((None, super::text::nul_refused()));
        }
        let Some((name, operation)) = select(document, wanted.as_deref()) else {
            return Ok(None);
        };
        let selected = Selected {
            name: name.map(str::to_owned),
            kind: match operation.ty {
                OperationType::Query => "query",
                OperationType::Mutation => "mutation",
                OperationType::Subscription => "subscription",
            },
        };
        if no_mutations && operation.ty == OperationType::Mutation {
            let refused = coded(
                "mutations are not allowed over GET; use POST",
                "BAD_REQUEST",
            );
            return Err((Some(selected), refused));
        }
        if let Err(error) = cost::check(document, wanted.as_deref(), &variables, &policy.limits) {
            let error = async_graphql::Error::from(error);
            let mut server = ServerError::new(error.message, None);
            server.extensions = error.extensions;
            return Err((Some(selected), server));
        }
        if policy.introspection == Introspection::Disabled
            && let Some(field) = introspection_field(document, &operation.selection_set.node)
        {
            let mut error = ServerError::new("introspection is disabled on this server", None);
            let mut extensions = ErrorExtensionValues::default();
            extensions.set("code", INTROSPECTION_DISABLED);
            error.extensions = Some(extensions);
            error.path = vec![async_graphql::PathSegment::Field(field.to_owned())];
            return Err((Some(selected), error));
        }
        Ok(Some(selected))
    }
}

/// The span of one operation, named and typed as OpenTelemetry's GraphQL conventions say; with
/// the `otel` feature its exported name is `query Name` (or just `query` when anonymous). It opens
/// after the policy lets the operation run: a refused request has only its `request` span.
fn operation_span(selected: Option<&Selected>) -> tracing::Span {
    let name = selected.and_then(|s| s.name.as_deref());
    let kind = selected.map_or("unknown", |s| s.kind);
    #[cfg(not(feature = "otel"))]
    let span = tracing::info_span!(
        "operation",
        graphql.operation.name = name,
        graphql.operation.type = kind
    );
    #[cfg(feature = "otel")]
    let span = tracing::info_span!(
        "operation",
        graphql.operation.name = name,
        graphql.operation.type = kind,
        otel.name = %name.map_or_else(|| kind.to_owned(), |name| format!("{kind} {name}"))
    );
    span
}

/// Polls `stream` inside `span`, so that whatever executing it logs carries the operation. (The
/// `tracing` crate instruments futures only.)
fn in_span(
    mut stream: BoxStream<'static, Response>,
    span: tracing::Span,
) -> BoxStream<'static, Response> {
    futures::stream::poll_fn(move |cx| {
        let _entered = span.enter();
        stream.poll_next_unpin(cx)
    })
    .boxed()
}

/// The operation a request runs, with its name, chosen as async-graphql chooses it: the one
/// `wanted` names, or without a name the document's only operation (anonymous or named).
/// `None` when there is no such operation; executing the request then reports why.
pub fn select<'d>(
    document: &'d ExecutableDocument,
    wanted: Option<&str>,
) -> Option<(Option<&'d str>, &'d OperationDefinition)> {
    match (&document.operations, wanted) {
        (DocumentOperations::Single(op), None) => Some((None, &op.node)),
        (DocumentOperations::Single(_), Some(_)) => None,
        (DocumentOperations::Multiple(ops), Some(wanted)) => ops
            .get_key_value(wanted)
            .map(|(name, op)| (Some(name.as_str()), &op.node)),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops
            .iter()
            .next()
            .map(|(name, op)| (Some(name.as_str()), &op.node)),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// `__schema` or `__type` among an operation's top-level fields, fragments included (they exist
/// on the query root only). `__typename` is not introspection of the schema and stays allowed.
fn introspection_field<'d>(
    document: &'d ExecutableDocument,
    set: &'d SelectionSet,
) -> Option<&'d str> {
    let mut pending = vec![set];
    let mut seen_fragments = std::collections::HashSet::new();
    while let Some(set) = pending.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    if matches!(name, "__schema" | "__type") {
                        return Some(name);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    pending.push(&fragment.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if seen_fragments.insert(name.as_str())
                        && let Some(fragment) = document.fragments.get(name)
                    {
                        pending.push(&fragment.node.selection_set.node);
                    }
                }
            }
        }
    }
    None
}

fn coded(message: &str, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// The `extensions.code` of each error, `NONE` when it has none.
fn codes(response: &Response) -> Vec<String> {
    response
        .errors
        .iter()
        .map(|error| {
            error
                .extensions
                .as_ref()
                .and_then(|e| e.get("code"))
                .and_then(|code| match code {
                    async_graphql::Value::String(code) => Some(code.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| "NONE".to_owned())
        })
        .collect()
}

/// Holds one count of the live-subscription gauge while its stream lives.
struct LiveGuard(Arc<Metrics>);

impl LiveGuard {
    fn new(metrics: Arc<Metrics>) -> Self {
        metrics.live_subscriptions.inc();
        Self(metrics)
    }
}

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.live_subscriptions.dec();
    }
}
