//! Subscription fan-out: how long after a commit every one of many WebSocket subscribers has
//! the event.
//!
//! ```text
//! cargo run --release --example bench_fanout -- --url http://127.0.0.1:8000 --token kz_… \
//!     [--subscribers 1000] [--events 20]
//! ```
//!
//! Opens `--subscribers` graphql-transport-ws connections to `/graphql/ws`, each acknowledged
//! and subscribed to `initiativeEvents`. A subscriber counts as live once it has received a
//! warm-up event; warm-up writes repeat until every subscriber is live. Then it commits
//! `--events` mutations over HTTP with the editor `--token`, one at a time, each after the
//! previous one reached everybody (or timed out), and records when each subscriber received
//! each one. Latency is measured from the moment the mutation's HTTP response arrived (the
//! write is committed by then) and, as an upper bound, from the moment it was sent; a
//! subscriber may see the event before the writer sees its response, so the first can be
//! negative.
//!
//! Prints a text summary, a line `FANOUT {json}` and a line `BENCH key=value …` with the same
//! figures: for each, the median over events of the per-event value with the min–max over
//! events, and the percentile of all deliveries pooled. Each connection is a file descriptor on both sides: `ulimit -n` must
//! exceed `--subscribers` for this process and for the server.

use anyhow::{Context as _, bail};
use clap::Parser;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Debug, Parser)]
struct Args {
    /// The server's base URL (`http://host:port`).
    #[arg(long)]
    url: String,
    /// An editor token for the mutations.
    #[arg(long)]
    token: String,
    /// How many WebSocket subscribers to open.
    #[arg(long, default_value_t = 1000)]
    subscribers: usize,
    /// How many measured events to commit.
    #[arg(long, default_value_t = 20)]
    events: usize,
    /// Pause between one event's last delivery and the next commit, in milliseconds.
    #[arg(long, default_value_t = 100)]
    gap_ms: u64,
    /// How long to wait for an event to reach every subscriber, in seconds.
    #[arg(long, default_value_t = 10)]
    timeout_s: u64,
    /// How many connections to open at once.
    #[arg(long, default_value_t = 50)]
    connect_concurrency: usize,
}

const SUBSCRIPTION: &str =
    "subscription { initiativeEvents { id sequence kind initiative { slug } } }";

const CREATE: &str =
    "mutation($i: CreateInitiativeInput!) { createInitiative(input: $i) { event { id } } }";

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One subscriber received the event about initiative `slug` at `at`.
struct Delivery {
    subscriber: usize,
    slug: String,
    at: Instant,
}

/// Opens one connection and waits for `connection_ack`.
async fn connect(ws_url: &str) -> anyhow::Result<Socket> {
    let mut request = ws_url.into_client_request()?;
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().context("header value")?,
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .context("WebSocket connect")?;
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": {} }).to_string(),
        ))
        .await?;
    let deadline = Duration::from_secs(30);
    loop {
        let message = tokio::time::timeout(deadline, socket.next())
            .await
            .context("no connection_ack in time")?
            .context("socket closed before connection_ack")??;
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(&text)?;
            match value["type"].as_str() {
                Some("connection_ack") => return Ok(socket),
                Some("ping") => continue,
                _ => bail!("unexpected message before connection_ack: {value}"),
            }
        }
    }
}

/// Subscribes, then reports every event it receives until the socket ends.
async fn listen(
    subscriber: usize,
    mut socket: Socket,
    deliveries: mpsc::UnboundedSender<Delivery>,
) -> anyhow::Result<()> {
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": SUBSCRIPTION } });
    socket.send(Message::text(subscribe.to_string())).await?;
    while let Some(message) = socket.next().await {
        // The time of arrival, before any parsing.
        let at = Instant::now();
        let Message::Text(text) = message? else {
            continue;
        };
        let value: Value = serde_json::from_str(&text)?;
        match value["type"].as_str() {
            Some("next") => {
                let slug = value["payload"]["data"]["initiativeEvents"]["initiative"]["slug"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                if deliveries
                    .send(Delivery {
                        subscriber,
                        slug,
                        at,
                    })
                    .is_err()
                {
                    return Ok(());
                }
            }
            Some("ping") => {
                socket
                    .send(Message::text(json!({ "type": "pong" }).to_string()))
                    .await?;
            }
            _ => bail!("subscriber {subscriber}: unexpected message {value}"),
        }
    }
    bail!("subscriber {subscriber}: the server closed the socket")
}

/// Times of one committed write.
struct Commit {
    sent: Instant,
    answered: Instant,
}

async fn commit(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    slug: &str,
) -> anyhow::Result<Commit> {
    let body = json!({ "query": CREATE, "variables": { "i": {
        "slug": slug, "name": "Fan-out benchmark", "description": "Written by the fan-out benchmark; not a fact.",
        "directionNumber": 2, "status": "ANNOUNCED", "sectors": ["batteries"] } } });
    let sent = Instant::now();
    let response = client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?;
    let value: Value = response.json().await?;
    let answered = Instant::now();
    if value.get("errors").is_some() {
        bail!("the mutation failed: {value}");
    }
    Ok(Commit { sent, answered })
}

/// Waits until every subscriber in `want` has reported `slug`, or `timeout` passes; returns who
/// did and when. Deliveries of other slugs are dropped.
async fn gather(
    deliveries: &mut mpsc::UnboundedReceiver<Delivery>,
    slug: &str,
    want: usize,
    timeout: Duration,
) -> Vec<(usize, Instant)> {
    let mut seen = HashSet::new();
    let mut got = Vec::with_capacity(want);
    let deadline = tokio::time::Instant::now() + timeout;
    while got.len() < want {
        match tokio::time::timeout_at(deadline, deliveries.recv()).await {
            Ok(Some(delivery)) => {
                if delivery.slug == slug && seen.insert(delivery.subscriber) {
                    got.push((delivery.subscriber, delivery.at));
                }
            }
            Ok(None) | Err(_) => break,
        }
    }
    got
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

/// A figure over events: the median of its per-event values and their range.
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(values: Vec<f64>) -> Spread {
        let values = sorted(values);
        let n = values.len();
        let median = match n {
            0 => f64::NAN,
            _ if n % 2 == 1 => values[n / 2],
            _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
        };
        Spread {
            median,
            min: values.first().copied().unwrap_or(f64::NAN),
            max: values.last().copied().unwrap_or(f64::NAN),
        }
    }

    fn json(&self) -> Value {
        json!({ "median": round(self.median), "min": round(self.min), "max": round(self.max) })
    }

    fn text(&self) -> String {
        format!("{:.2} [{:.2}–{:.2}]", self.median, self.min, self.max)
    }
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn ms(from: Instant, to: Instant) -> f64 {
    if to >= from {
        (to - from).as_secs_f64() * 1000.0
    } else {
        -((from - to).as_secs_f64() * 1000.0)
    }
}

/// Latencies of every event (each a list of per-subscriber milliseconds), summarised as JSON,
/// as text, and as `key=value` pairs prefixed with `prefix`.
fn summarise(per_event: &[Vec<f64>], prefix: &str) -> (Value, String, Vec<String>) {
    const POINTS: [(&str, f64); 4] = [("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("max", 100.0)];
    let per_event: Vec<Vec<f64>> = per_event.iter().cloned().map(sorted).collect();
    let pooled = sorted(per_event.iter().flatten().copied().collect());
    let mut json = serde_json::Map::new();
    let mut text = Vec::new();
    let mut pairs = Vec::new();
    for (name, p) in POINTS {
        let spread = Spread::of(per_event.iter().map(|v| percentile(v, p)).collect());
        let pooled = round(percentile(&pooled, p));
        text.push(format!("{name} {}", spread.text()));
        pairs.push(format!("{prefix}_{name}={}", round(spread.median)));
        pairs.push(format!("{prefix}_{name}_min={}", round(spread.min)));
        pairs.push(format!("{prefix}_{name}_max={}", round(spread.max)));
        pairs.push(format!("{prefix}_{name}_pooled={pooled}"));
        json.insert(
            format!("{name}_ms"),
            json!({ "per_event": spread.json(), "pooled": pooled }),
        );
    }
    (Value::Object(json), text.join("  "), pairs)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let base = args.url.trim_end_matches('/');
    let graphql = format!("{base}/graphql");
    let ws_url = format!("{}/graphql/ws", base.replacen("http", "ws", 1));
    let timeout = Duration::from_secs(args.timeout_s);
    let client = reqwest::Client::new();
    // Unique slugs for this run, so runs against the same database never collide.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis();

    let started = Instant::now();
    let sockets: Vec<anyhow::Result<Socket>> = futures::stream::iter(0..args.subscribers)
        .map(|_| connect(&ws_url))
        .buffer_unordered(args.connect_concurrency.max(1))
        .collect()
        .await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut listeners = Vec::with_capacity(args.subscribers);
    for (subscriber, socket) in sockets.into_iter().enumerate() {
        let socket = socket.with_context(|| format!("subscriber {subscriber}"))?;
        listeners.push(tokio::spawn(listen(subscriber, socket, tx.clone())));
    }
    drop(tx);
    eprintln!(
        "fanout: {} subscribers connected and acknowledged in {:.1} s",
        args.subscribers,
        started.elapsed().as_secs_f64()
    );

    // A subscriber is live once it has received an event; repeat warm-up writes until all are.
    let mut live = HashSet::new();
    for attempt in 0..10 {
        let slug = format!("fanout-{run}-warmup-{attempt}");
        commit(&client, &graphql, &args.token, &slug).await?;
        let got = gather(&mut rx, &slug, args.subscribers, timeout).await;
        live.extend(got.into_iter().map(|(subscriber, _)| subscriber));
        if live.len() == args.subscribers {
            break;
        }
    }
    if live.len() < args.subscribers {
        bail!(
            "only {} of {} subscribers became live",
            live.len(),
            args.subscribers
        );
    }
    eprintln!(
        "fanout: all subscribers live; measuring {} events",
        args.events
    );

    let mut from_commit = Vec::with_capacity(args.events);
    let mut from_send = Vec::with_capacity(args.events);
    let mut round_trips = Vec::with_capacity(args.events);
    let mut delivered = 0;
    for event in 0..args.events {
        tokio::time::sleep(Duration::from_millis(args.gap_ms)).await;
        let slug = format!("fanout-{run}-{event}");
        let times = commit(&client, &graphql, &args.token, &slug).await?;
        let got = gather(&mut rx, &slug, args.subscribers, timeout).await;
        delivered += got.len();
        from_commit.push(got.iter().map(|(_, at)| ms(times.answered, *at)).collect());
        from_send.push(got.iter().map(|(_, at)| ms(times.sent, *at)).collect());
        round_trips.push(ms(times.sent, times.answered));
    }
    for listener in &listeners {
        listener.abort();
    }

    let expected = args.subscribers * args.events;
    let (commit_json, commit_text, commit_pairs) = summarise(&from_commit, "commit");
    let (send_json, send_text, send_pairs) = summarise(&from_send, "send");
    let round_trip = Spread::of(round_trips);
    println!(
        "fanout: {} subscribers, {} events, {delivered}/{expected} deliveries within {} s each",
        args.subscribers, args.events, args.timeout_s
    );
    println!("  from commit (mutation response), ms, median [min–max] over events: {commit_text}");
    println!("  from send, ms, median [min–max] over events:                     {send_text}");
    println!("  mutation round trip, ms: {}", round_trip.text());
    let summary = json!({
        "subscribers": args.subscribers,
        "events": args.events,
        "delivered": delivered,
        "expected": expected,
        "from_commit": commit_json,
        "from_send": send_json,
        "mutation_ms": round_trip.json(),
    });
    println!("FANOUT {summary}");
    // The same figures flat, for scripts without a JSON parser.
    println!(
        "BENCH delivered={delivered} expected={expected} {} {} mutation_ms={}",
        commit_pairs.join(" "),
        send_pairs.join(" "),
        round(round_trip.median)
    );
    Ok(())
}
