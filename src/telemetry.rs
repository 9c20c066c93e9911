//! Tracing output: log lines on standard error and, in a binary built with the `otel` feature,
//! spans exported by OTLP/HTTP to a collector.
//!
//! The HTTP layer opens a `request` span per request (adopting the caller's W3C `traceparent`
//! when spans are exported) and the gateway an `operation` span per GraphQL operation inside it;
//! nothing is traced per field, so a trace costs the same whatever the query selects.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// What tracing must finish at exit: the exporter's last batch of spans.
#[must_use = "call `shutdown` before exiting, or the last spans are lost"]
pub struct Telemetry {
    #[cfg(feature = "otel")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl Telemetry {
    /// Exports the spans still waiting in the batch and stops the exporter. It blocks for at
    /// most the SDK's shutdown timeout (5 s) when the collector does not answer.
    pub fn shutdown(self) {
        #[cfg(feature = "otel")]
        if let Some(provider) = self.provider
            && let Err(error) = provider.shutdown()
        {
            tracing::warn!(%error, "could not export the last spans");
        }
    }
}

/// Sets up tracing: the `RUST_LOG` filter (default `info`), text or JSON lines on standard error,
/// and, when `otel_endpoint` is given and the binary has the `otel` feature, OTLP export of the
/// spans the filter lets through.
pub fn init_tracing(format: LogFormat, otel_endpoint: Option<&str>) -> anyhow::Result<Telemetry> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // As `tracing_subscriber::fmt()` sets it up, which this replaced.
    let logs = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .log_internal_errors(true);
    let logs = match format {
        LogFormat::Text => logs.boxed(),
        LogFormat::Json => logs.json().boxed(),
    };
    let registry = tracing_subscriber::registry().with(filter).with(logs);

    #[cfg(feature = "otel")]
    {
        let provider = otel_endpoint.map(otel::build_provider).transpose()?;
        registry.with(provider.as_ref().map(otel::layer)).init();
        if let Some(endpoint) = otel_endpoint {
            tracing::info!(endpoint, "exporting spans by OTLP/HTTP");
        }
        Ok(Telemetry { provider })
    }

    #[cfg(not(feature = "otel"))]
    {
        registry.init();
        if let Some(endpoint) = otel_endpoint {
            tracing::warn!(
                endpoint,
                "--otel-endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) is set, but this binary was built \
                 without the `otel` feature: no spans are exported"
            );
        }
        Ok(Telemetry {})
    }
}

/// Makes `span` a child of the remote span a W3C `traceparent` header names, so that the
/// server's spans join the caller's trace. Without the header, or without the OpenTelemetry
/// layer, the span stays as it is.
#[cfg(feature = "otel")]
pub fn adopt_remote_parent(span: &tracing::Span, headers: &axum::http::HeaderMap) {
    use opentelemetry::propagation::TextMapPropagator as _;
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;

    if !headers.contains_key("traceparent") {
        return;
    }
    let parent = opentelemetry_sdk::propagation::TraceContextPropagator::new()
        .extract(&opentelemetry_http::HeaderExtractor(headers));
    // Fails only when nothing exports spans or the filter disabled this one: nothing to join.
    let _ = span.set_parent(parent);
}

#[cfg(feature = "otel")]
mod otel {
    use anyhow::Context as _;
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_otlp::WithExportConfig as _;
    use opentelemetry_sdk::Resource;
    use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
    use tracing_opentelemetry::OpenTelemetryLayer;

    /// The service name unless `OTEL_SERVICE_NAME` or `OTEL_RESOURCE_ATTRIBUTES` gives another.
    const SERVICE_NAME: &str = "kizuna";

    /// A provider exporting in batches, from the SDK's own thread, to `{endpoint}/v1/traces`.
    pub(super) fn build_provider(endpoint: &str) -> anyhow::Result<SdkTracerProvider> {
        // reqwest takes rustls' process-wide provider: ring, which the database driver already
        // builds. An error only says that one is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_endpoint(traces_url(endpoint))
            .build()
            .with_context(|| format!("setting up OTLP export to {endpoint}"))?;
        Ok(SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource())
            .build())
    }

    /// The tracing layer that hands finished spans to `provider`.
    pub(super) fn layer<S>(provider: &SdkTracerProvider) -> OpenTelemetryLayer<S, SdkTracer>
    where
        S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
    {
        tracing_opentelemetry::layer().with_tracer(provider.tracer(SERVICE_NAME))
    }

    /// The SDK's resource (which reads `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`), named
    /// `kizuna` where it would otherwise say `unknown_service`.
    fn resource() -> Resource {
        let detected = Resource::builder().build();
        let named = detected
            .get(&opentelemetry::Key::new("service.name"))
            .is_some_and(|name| !name.as_str().starts_with("unknown_service"));
        if named {
            detected
        } else {
            Resource::builder().with_service_name(SERVICE_NAME).build()
        }
    }

    /// The traces URL under an OTLP/HTTP base URL, as the specification builds it from
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter takes a URL set in code as it is).
    pub(super) fn traces_url(base: &str) -> String {
        format!("{}/v1/traces", base.trim_end_matches('/'))
    }
}

#[cfg(all(test, feature = "otel"))]
mod tests {
    use super::otel;
    use crate::config::Limits;
    use crate::metrics::Metrics;
    use crate::state::{Access, AppState};
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use opentelemetry::Value;
    use opentelemetry::trace::{SpanId, TraceId};
    use opentelemetry_sdk::error::OTelSdkResult;
    use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
    use std::sync::{Arc, Mutex};
    use tower::ServiceExt as _;
    use tracing_subscriber::layer::SubscriberExt as _;

    const CALLER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    const CALLER_SPAN: &str = "00f067aa0ba902b7";

    /// Keeps the finished spans. (The SDK's `InMemorySpanExporter` needs its `testing` feature,
    /// which builds its metrics and logs as well, and a dev-dependency cannot depend on `otel`.)
    #[derive(Clone, Debug, Default)]
    struct Collected(Arc<Mutex<Vec<SpanData>>>);

    impl SpanExporter for Collected {
        async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
            self.0.lock().expect("span list").extend(batch);
            Ok(())
        }
    }

    fn attribute<'s>(span: &'s SpanData, key: &str) -> Option<&'s Value> {
        span.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| &kv.value)
    }

    #[test]
    fn the_traces_url_is_the_base_url_with_the_signal_path() {
        assert_eq!(
            otel::traces_url("http://collector:4318"),
            "http://collector:4318/v1/traces"
        );
        assert_eq!(
            otel::traces_url("https://otlp.example/api/"),
            "https://otlp.example/api/v1/traces"
        );
    }

    // Current-thread runtime: the subscriber below is this thread's default, and every task of
    // the request runs here.
    #[tokio::test]
    async fn a_graphql_request_exports_its_operation_span_in_the_callers_trace() {
        let exporter = Collected::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let subscriber = tracing_subscriber::registry().with(otel::layer(&provider));
        let _default = tracing::subscriber::set_default(subscriber);

        let metrics = Arc::new(Metrics::default());
        let db = crate::db::connect("sqlite::memory:", 1, metrics.clone())
            .await
            .expect("in-memory SQLite");
        crate::db::migrate(&db).await.expect("migrations");
        let state = AppState::build(db, metrics, Limits::default(), Access::default())
            .await
            .expect("app state");
        let request = Request::post("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header("traceparent", format!("00-{CALLER_TRACE}-{CALLER_SPAN}-01"))
            .body(Body::from(
                r#"{"query": "query Directions { directions { totalCount } }"}"#,
            ))
            .expect("request");
        let response = crate::app(state).oneshot(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::OK);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        assert!(
            body.starts_with(br#"{"data":{"directions":{"totalCount":0}}"#),
            "{body:?}"
        );

        let spans = exporter.0.lock().expect("span list").clone();
        let named = |name: &str| {
            spans
                .iter()
                .find(|span| span.name == name)
                .unwrap_or_else(|| panic!("no `{name}` span among {spans:#?}"))
        };
        let request = named("request");
        let operation = named("query Directions");
        assert_eq!(
            attribute(operation, "graphql.operation.name"),
            Some(&Value::from("Directions"))
        );
        assert_eq!(
            attribute(operation, "graphql.operation.type"),
            Some(&Value::from("query"))
        );
        assert_eq!(operation.parent_span_id, request.span_context.span_id());
        let caller_trace = TraceId::from_hex(CALLER_TRACE).expect("trace id");
        assert_eq!(request.span_context.trace_id(), caller_trace);
        assert_eq!(operation.span_context.trace_id(), caller_trace);
        assert_eq!(
            request.parent_span_id,
            SpanId::from_hex(CALLER_SPAN).expect("span id")
        );
    }
}
