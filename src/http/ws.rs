//! The `graphql-transport-ws` protocol (the graphql-ws library's PROTOCOL.md), implemented here
//! because async-graphql's built-in handler departs from the document in ways clients notice:
//! it closes with 1011 instead of `4401` for a subscribe before the ack, with 1002 instead of
//! `4403` for a refused `connection_init` and instead of `4400` for an invalid message, it
//! silently replaces a subscription whose id is in use instead of closing with `4409`, it has no
//! `4408` initialisation timeout, it reports validation errors as `next` + `complete` instead of
//! one `error` message, and it answers a client's `complete` with another `complete`.
//!
//! The legacy `graphql-ws` (subscriptions-transport-ws) protocol stays on async-graphql's handler.
//!
//! Each subscription runs as its own task writing into one bounded channel per socket: a client
//! that reads slowly makes its tasks wait (they pull from the event log only when they can send),
//! so it costs no unbounded memory and holds back nobody else.

use crate::graphql::auth::Caller;
use crate::state::AppState;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How long a client has to send `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes a socket reads from the network at a time. The WebSocket library's default is 128 KiB,
/// zero-filled on the first read, so with it every idle subscriber held 128 KiB of resident
/// memory for messages that are a few hundred bytes; a longer frame still arrives whole (the
/// buffer grows to its length, up to `--max-ws-message-bytes`).
pub(super) const READ_BUFFER: usize = 4 * 1024;

/// Outgoing messages queued per socket before subscription tasks wait.
const OUTGOING: usize = 64;

/// A message from the client, as far as the protocol defines one.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<Value>,
    },
    Ping {
        #[serde(default)]
        payload: Option<Value>,
    },
    Pong {
        #[serde(default)]
        #[allow(dead_code)]
        payload: Option<Value>,
    },
    Subscribe {
        id: String,
        /// A GraphQL request: query, operationName, variables, extensions.
        payload: Box<async_graphql::Request>,
    },
    Complete {
        id: String,
    },
}

pub(super) fn close(code: u16, reason: &str) -> Message {
    // Close reasons are limited to 123 bytes by RFC 6455.
    let mut reason = reason.to_owned();
    while reason.len() > 123 {
        reason.pop();
    }
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// The close frame a stopping server sends on every socket: 1001, Going Away (RFC 6455).
pub(super) fn going_away() -> Message {
    close(1001, "server shutting down")
}

pub(super) fn text(value: Value) -> Message {
    Message::Text(value.to_string().into())
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

    let mut session = Session {
        state,
        outgoing,
        caller: None,
        init_received: false,
        running: HashMap::new(),
    };
    let deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(deadline);
    loop {
        let message = tokio::select! {
            message = incoming.next() => message,
            () = &mut deadline, if session.caller.is_none() => {
                session.send(close(4408, "Connection initialisation timeout")).await;
                break;
            }
            () = shutdown.stopping() => {
                session.send(going_away()).await;
                break;
            }
        };
        let Some(Ok(message)) = message else { break };
        let keep_going = match message {
            Message::Text(body) => session.handle(body.as_str()).await,
            Message::Binary(_) => {
                session
                    .send(close(4400, "binary messages are not part of the protocol"))
                    .await;
                false
            }
            Message::Close(_) => false,
            Message::Ping(_) | Message::Pong(_) => true,
        };
        if !keep_going {
            break;
        }
    }
    for (_, task) in session.running.drain() {
        task.abort();
    }
    drop(session);
    let _ = writer.await;
}

struct Session {
    state: AppState,
    outgoing: mpsc::Sender<Message>,
    caller: Option<Caller>,
    init_received: bool,
    running: HashMap<String, JoinHandle<()>>,
}

impl Session {
    async fn send(&self, message: Message) {
        // The writer only stops when the socket is gone; nothing is left to tell then.
        let _ = self.outgoing.send(message).await;
    }

    /// Handles one text message; false when the socket must close.
    async fn handle(&mut self, body: &str) -> bool {
        let message: ClientMessage = match serde_json::from_str(body) {
            Ok(message) => message,
            Err(error) => {
                self.send(close(4400, &format!("invalid message: {error}")))
                    .await;
                return false;
            }
        };
        match message {
            ClientMessage::ConnectionInit { payload } => {
                if self.init_received {
                    self.send(close(4429, "Too many initialisation requests"))
                        .await;
                    return false;
                }
                self.init_received = true;
                let payload = payload.unwrap_or(Value::Null);
                let credentials = ["authorization", "Authorization"]
                    .iter()
                    .find_map(|key| payload.get(*key).and_then(Value::as_str));
                match super::caller_from_credentials(&self.state, credentials).await {
                    Ok(caller) => {
                        self.caller = Some(caller);
                        self.send(text(json!({ "type": "connection_ack" }))).await;
                        true
                    }
                    Err(_) => {
                        self.send(close(4403, "Forbidden")).await;
                        false
                    }
                }
            }
            ClientMessage::Ping { payload } => {
                let pong = match payload {
                    Some(payload) => json!({ "type": "pong", "payload": payload }),
                    None => json!({ "type": "pong" }),
                };
                self.send(text(pong)).await;
                true
            }
            ClientMessage::Pong { .. } => true,
            ClientMessage::Subscribe { id, payload } => {
                let Some(caller) = self.caller.clone() else {
                    self.send(close(4401, "Unauthorized")).await;
                    return false;
                };
                if self
                    .running
                    .get(&id)
                    .is_some_and(|task| !task.is_finished())
                {
                    self.send(close(4409, &format!("Subscriber for {id} already exists")))
                        .await;
                    return false;
                }
                let request = (*payload).data(caller);
                let task = tokio::spawn(run_operation(
                    self.state.clone(),
                    self.outgoing.clone(),
                    id.clone(),
                    request,
                    &TRANSPORT_WS,
                ));
                self.running.insert(id, task);
                true
            }
            ClientMessage::Complete { id } => {
                // The client stopped listening: stop, and send nothing more for this id.
                if let Some(task) = self.running.remove(&id) {
                    task.abort();
                }
                true
            }
        }
    }
}

/// How a protocol names a result message and shapes the error of an operation that fails
/// before it starts.
pub(super) struct Dialect {
    /// The type of a result message: `next` (graphql-transport-ws) or `data` (legacy).
    pub result: &'static str,
    /// The `error` message's payload built from the request errors.
    pub error_payload: fn(&[async_graphql::ServerError]) -> Value,
}

/// graphql-transport-ws: `next`, and an `error` whose payload is the list of errors.
const TRANSPORT_WS: Dialect = Dialect {
    result: "next",
    error_payload: |errors| serde_json::to_value(errors).unwrap_or_else(|_| json!([])),
};

/// Runs one operation: a result message for each result and `complete` at the end, or a single
/// `error` (and nothing after it) when the operation fails before producing any result (a
/// parse, validation or argument error).
pub(super) async fn run_operation(
    state: AppState,
    outgoing: mpsc::Sender<Message>,
    id: String,
    request: async_graphql::Request,
    dialect: &Dialect,
) {
    let mut responses = state.schema.execute_stream(request);
    let mut first = true;
    while let Some(response) = responses.next().await {
        let failed_before_start =
            first && response.data == async_graphql::Value::Null && !response.errors.is_empty();
        first = false;
        if failed_before_start {
            let payload = (dialect.error_payload)(&response.errors);
            let _ = outgoing
                .send(text(
                    json!({ "id": id, "type": "error", "payload": payload }),
                ))
                .await;
            return;
        }
        let payload = serde_json::to_value(&response).unwrap_or_else(|_| json!({}));
        let message = text(json!({ "id": id, "type": dialect.result, "payload": payload }));
        if outgoing.send(message).await.is_err() {
            return;
        }
    }
    let _ = outgoing
        .send(text(json!({ "id": id, "type": "complete" })))
        .await;
}
