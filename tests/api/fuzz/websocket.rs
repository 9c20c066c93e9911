//! The WebSocket property: random frames of both protocols are answered or closed, never hung.

use super::{HANG, Harness, json_value};
use crate::helpers::Backend;
use crate::injection::LEAKS;
use futures::{SinkExt, StreamExt};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use reqwest::header::HeaderValue;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A WebSocket frame: garbage, or a message of either protocol with the wrong parts.
#[derive(Debug, Clone)]
enum Frame {
    Text(String),
    Message(&'static str, Option<String>, Value),
    Binary(Vec<u8>),
    Ping(Vec<u8>),
}

fn frame() -> impl Strategy<Value = Frame> {
    let kinds = prop::sample::select(vec![
        "connection_init",
        "connection_ack",
        "ping",
        "pong",
        "subscribe",
        "start",
        "stop",
        "complete",
        "connection_terminate",
        "next",
        "error",
        "ka",
        "bogus",
    ]);
    let payload = prop_oneof![
        json_value(),
        Just(json!({ "query": "subscription { initiativeEvents { sequence } }" })),
        Just(json!({ "query": "{ directions { totalCount } }" })),
        Just(json!({ "authorization": "Bearer kz_forged" })),
        (json_value(), json_value())
            .prop_map(|(query, variables)| json!({ "query": query, "variables": variables })),
    ];
    prop_oneof![
        any::<String>().prop_map(Frame::Text),
        (
            kinds,
            prop::option::of(
                prop::sample::select(vec!["1", "2", "", "__probe__"]).prop_map(str::to_owned)
            ),
            payload
        )
            .prop_map(|(kind, id, payload)| Frame::Message(kind, id, payload)),
        prop::collection::vec(any::<u8>(), 0..64).prop_map(Frame::Binary),
        prop::collection::vec(any::<u8>(), 0..16).prop_map(Frame::Ping),
    ]
}

/// Sends the frames, then a probe the protocol must answer; the server must answer it or close
/// the socket within [`HANG`].
async fn websocket_case(
    h: &Harness,
    protocol: &'static str,
    frames: Vec<Frame>,
) -> Result<(), TestCaseError> {
    let mut request = format!("ws://{}/graphql/ws", h.server().addr)
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", HeaderValue::from_static(protocol));
    let (socket, legacy) = match tokio_tungstenite::connect_async(request).await {
        Ok((socket, response)) => {
            // The protocol the server chose among those offered.
            let chosen = response.headers().get("sec-websocket-protocol").cloned();
            (
                socket,
                chosen == Some(HeaderValue::from_static("graphql-ws")),
            )
        }
        // No protocol we speak: refused at the upgrade with 400.
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            prop_assert_eq!(response.status().as_u16(), 400);
            return Ok(());
        }
        Err(error) => return Err(TestCaseError::fail(format!("upgrade failed: {error}"))),
    };
    let (mut sink, mut stream) = socket.split();
    for frame in frames {
        let message = match frame {
            Frame::Text(text) => Message::text(text),
            Frame::Message(kind, id, payload) => {
                let mut message = json!({ "type": kind, "payload": payload });
                if let Some(id) = id {
                    message["id"] = json!(id);
                }
                Message::text(message.to_string())
            }
            Frame::Binary(bytes) => Message::binary(bytes),
            Frame::Ping(bytes) => Message::Ping(bytes.into()),
        };
        if sink.send(message).await.is_err() {
            // The server closed the socket, as it may for a bad frame.
            return Ok(());
        }
    }
    let probe = if legacy {
        json!({ "id": "probe", "type": "start", "payload": { "query": "{ __typename }" } })
    } else {
        json!({ "type": "ping", "payload": { "probe": true } })
    };
    if sink.send(Message::text(probe.to_string())).await.is_err() {
        return Ok(());
    }
    let answered = tokio::time::timeout(HANG, async {
        while let Some(message) = stream.next().await {
            match message {
                Ok(Message::Text(text)) => {
                    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    let is_probe = if legacy {
                        value["id"] == "probe"
                    } else {
                        value["type"] == "pong" && value["payload"]["probe"] == true
                    };
                    if is_probe {
                        return Ok(());
                    }
                    let lower = text.to_lowercase();
                    for leak in LEAKS {
                        prop_assert!(!lower.contains(leak), "{:?} leaked: {}", leak, text);
                    }
                }
                Ok(Message::Close(frame)) => {
                    let code = frame.map_or(1005, |f| u16::from(f.code));
                    let expected = [1000, 1005, 4400, 4401, 4403, 4408, 4409, 4429];
                    prop_assert!(expected.contains(&code), "close code {}", code);
                    return Ok(());
                }
                Ok(_) => {}
                // A reset after the server closed: an answer too.
                Err(_) => return Ok(()),
            }
        }
        Ok(())
    })
    .await;
    answered.unwrap_or_else(|_| Err(TestCaseError::fail("the WebSocket hung")))
}

#[test]
fn random_websocket_frames_are_answered_or_closed_never_hung() {
    let Some(harness) = Harness::start(Backend::Sqlite) else {
        return;
    };
    let protocol = prop::sample::select(vec![
        "graphql-transport-ws",
        "graphql-ws",
        "graphql-ws, graphql-transport-ws",
        "mqtt",
    ]);
    harness.check(
        (protocol, prop::collection::vec(frame(), 0..6)),
        |h, (protocol, frames)| h.runtime.block_on(websocket_case(h, protocol, frames)),
    );
}
