//! Per-operation metrics: every request, whatever its transport, is timed and counted by
//! operation name and kind, its errors by code, and live subscriptions are gauged.
//!
//! It hooks only the request-level steps (never `resolve`), so it adds no per-field work.

use crate::metrics::Metrics;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
    NextSubscribe,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerResult, Variables};
use futures::StreamExt;
use futures::stream::BoxStream;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Registers [`Observe`] for each request.
pub struct OperationMetrics(pub Arc<Metrics>);

impl ExtensionFactory for OperationMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Observe {
            metrics: self.0.clone(),
            operation: Arc::new(Mutex::new(Operation::default())),
        })
    }
}

#[derive(Default)]
struct Operation {
    requested: Option<String>,
    name: Option<String>,
    kind: Option<&'static str>,
    /// Held while a subscription's stream lives.
    live: Option<LiveGuard>,
}

struct Observe {
    metrics: Arc<Metrics>,
    operation: Arc<Mutex<Operation>>,
}

fn with<T>(operation: &Mutex<Operation>, f: impl FnOnce(&mut Operation) -> T) -> T {
    let mut operation = operation.lock().unwrap_or_else(|p| p.into_inner());
    f(&mut operation)
}

impl Observe {
    fn with<T>(&self, f: impl FnOnce(&mut Operation) -> T) -> T {
        with(&self.operation, f)
    }
}

/// The name and kind of the operation `requested` selects in `document`.
fn selected(
    document: &ExecutableDocument,
    requested: Option<&str>,
) -> Option<(Option<String>, &'static str)> {
    document.operations.iter().find_map(|(name, op)| {
        let chosen = match (requested, name) {
            (None, _) => true,
            (Some(wanted), Some(name)) => wanted == name.as_str(),
            (Some(_), None) => false,
        };
        chosen.then(|| {
            let kind = match op.node.ty {
                OperationType::Query => "query",
                OperationType::Mutation => "mutation",
                OperationType::Subscription => "subscription",
            };
            (name.map(|n| n.to_string()), kind)
        })
    })
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

#[async_graphql::async_trait::async_trait]
impl Extension for Observe {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let response = next.run(ctx).await;
        let (name, kind) = self.with(|op| (op.name.take(), op.kind.unwrap_or("unknown")));
        let codes = codes(&response);
        self.metrics.record_operation(
            name.as_deref(),
            kind,
            started.elapsed(),
            codes.iter().map(String::as_str),
        );
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        // Over WebSocket and SSE queries and mutations come this way too: those are recorded like
        // any request when their one response arrives; a subscription's errors are counted as
        // they stream, and it is live from parsing until its stream is dropped.
        let metrics = self.metrics.clone();
        let operation = self.operation.clone();
        let started = Instant::now();
        next.run(ctx, stream)
            .map(move |response| {
                let (name, kind) = with(&operation, |op| (op.name.clone(), op.kind));
                let codes = codes(&response);
                let codes = codes.iter().map(String::as_str);
                if kind == Some("subscription") {
                    codes.for_each(|code| metrics.record_error(code));
                } else {
                    let kind = kind.unwrap_or("unknown");
                    metrics.record_operation(name.as_deref(), kind, started.elapsed(), codes);
                }
                response
            })
            .boxed()
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let requested = request.operation_name.clone();
        self.with(|op| op.requested = requested);
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.with(|op| {
            if let Some((name, kind)) = selected(&document, op.requested.as_deref()) {
                op.name = name;
                op.kind = Some(kind);
                if kind == "subscription" {
                    op.live = Some(LiveGuard::new(self.metrics.clone()));
                }
            }
        });
        Ok(document)
    }
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
