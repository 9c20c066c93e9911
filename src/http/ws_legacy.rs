//! The legacy `graphql-ws` protocol (subscriptions-transport-ws's PROTOCOL.md), for older
//! Apollo clients. Implemented here rather than left to async-graphql, whose handler answers an
//! operation that fails validation with `data` + `complete` instead of the protocol's `error`,
//! closes the socket on a message it cannot parse instead of answering `connection_error` and
//! carrying on, and never sends the `ka` keep-alive the protocol's clients expect after the ack.
//!
//! As in [`super::ws`], each operation is a task writing into one bounded channel per socket.

use super::ws::{Dialect, close, going_away, run_operation, text};
use crate::graphql::auth::Caller;
use crate::state::AppState;
use axum::extract::ws::{Message, WebSocket};
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How often the server says it is alive (`ka`) once the connection is acknowledged.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Outgoing messages queued per socket before operation tasks wait.
const OUTGOING: usize = 64;

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Start {
        id: String,
        payload: Box<async_graphql::Request>,
    },
    Stop {
        id: String,
    },
    ConnectionTerminate,
}

/// Serves one socket until either side closes it.
pub async fn serve(socket: WebSocket, state: AppState) {
    let shutdown = state.shutdown.clone();
    let _open = shutdown.session();
    let (mut sink, mut incoming) = socket.split();
    let (outgoing, mut queue) = mpsc::channel::<Message>(OUTGOING);
    let writer = tokio::spawn(async move {
        while let Some(message) = queue.recv().await {
            let closing = matches!(message, Message::Close(_));
            if sink.send(message).await.is_err() || closing {
                break;
            }
        }
    });
    let mut caller: Option<Caller> = None;
    let mut running: HashMap<String, JoinHandle<()>> = HashMap::new();
    let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
    loop {
        let message = tokio::select! {
            message = incoming.next() => message,
            _ = keep_alive.tick(), if caller.is_some() => {
                let _ = outgoing.send(text(json!({ "type": "ka" }))).await;
                continue;
            }
            () = shutdown.stopping() => {
                let _ = outgoing.send(going_away()).await;
                break;
            }
        };
        let Some(Ok(message)) = message else { break };
        let body = match message {
            Message::Text(body) => body,
            Message::Close(_) => break,
            _ => continue,
        };
        let parsed: ClientMessage = match serde_json::from_str(body.as_str()) {
            Ok(parsed) => parsed,
            Err(error) => {
                // The protocol: report, ignore the message, keep the connection.
                let error = json!({ "type": "connection_error", "payload": { "message": format!("invalid message: {error}") } });
                let _ = outgoing.send(text(error)).await;
                continue;
            }
        };
        match parsed {
            ClientMessage::ConnectionInit { payload } => {
                let payload = payload.unwrap_or(Value::Null);
                let credentials = ["authorization", "Authorization"]
                    .iter()
                    .find_map(|key| payload.get(*key).and_then(Value::as_str));
                match super::caller_from_credentials(&state, credentials).await {
                    Ok(found) => {
                        caller = Some(found);
                        let _ = outgoing
                            .send(text(json!({ "type": "connection_ack" })))
                            .await;
                        let _ = outgoing.send(text(json!({ "type": "ka" }))).await;
                        keep_alive.reset();
                    }
                    Err(message) => {
                        let error = json!({ "type": "connection_error", "payload": { "message": message } });
                        let _ = outgoing.send(text(error)).await;
                        let _ = outgoing.send(close(1000, "connection refused")).await;
                        break;
                    }
                }
            }
            ClientMessage::Start { id, payload } => {
                let Some(caller) = caller.clone() else {
                    let error = json!({ "id": id, "type": "error", "payload": { "message": "send connection_init first" } });
                    let _ = outgoing.send(text(error)).await;
                    continue;
                };
                if let Some(previous) = running.remove(&id) {
                    previous.abort();
                }
                let request = (*payload).data(caller);
                let task = tokio::spawn(run_operation(
                    state.clone(),
                    outgoing.clone(),
                    id.clone(),
                    request,
                    &LEGACY,
                ));
                running.insert(id, task);
            }
            ClientMessage::Stop { id } => {
                if let Some(task) = running.remove(&id) {
                    task.abort();
                    let _ = outgoing
                        .send(text(json!({ "id": id, "type": "complete" })))
                        .await;
                }
            }
            ClientMessage::ConnectionTerminate => break,
        }
    }
    for (_, task) in running.drain() {
        task.abort();
    }
    drop(outgoing);
    let _ = writer.await;
}

/// subscriptions-transport-ws: `data`, and an `error` whose payload is one error object.
const LEGACY: Dialect = Dialect {
    result: "data",
    error_payload: |errors| {
        let message = errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        json!({ "message": message, "errors": serde_json::to_value(errors).unwrap_or_else(|_| json!([])) })
    },
};
