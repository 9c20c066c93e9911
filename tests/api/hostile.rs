//! Hostile input, case by case: oversize and malformed bodies, nesting bombs, invalid UTF-8,
//! NUL characters, huge numbers, forged cursors. Each is refused with a code, before any SQL
//! where it can be, and the server keeps answering. Elsewhere: depth and alias bombs in
//! `cost.rs`; oversize page sizes and foreign cursors in `errors.rs` and `querying.rs`; the
//! body limit and media types in `http_spec.rs`; SQL metacharacters in every argument in
//! `injection.rs`; the database going away and SIGTERM in `faults.rs`; random input in `fuzz.rs`.

use crate::helpers::{Backend, TestApp, db_test, error_code};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A failing test must end, not hang: every wait for the server is bounded by this.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Sends `request` as raw bytes on a new connection and reads the whole answer (the request
/// should say `Connection: close`). Returns the status and the body.
pub async fn raw_http(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write request");
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("the server answered in time")
        .expect("read answer");
    parse_answer(&answer)
}

/// The status and body of a raw HTTP/1.1 answer.
pub fn parse_answer(answer: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The server whose GraphQL endpoint is `graphql` still answers a query correctly.
pub async fn assert_still_serving(graphql: &str) {
    let response: Value = reqwest::Client::new()
        .post(graphql)
        .json(&json!({ "query": "{ directions { totalCount } }" }))
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        response["data"]["directions"]["totalCount"], 8,
        "{response}"
    );
}

/// `depth` JSON arrays inside one another.
fn nested_arrays(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_async_graphql_raises_itself_carry_codes_too() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let first = "query($n: Int) { initiatives(first: $n) { totalCount } }";
    let cases = [
        (
            "{ directions { totalCount }",
            json!({}),
            "GRAPHQL_PARSE_FAILED",
        ),
        ("{ noSuchField }", json!({}), "GRAPHQL_VALIDATION_FAILED"),
        (
            "{ initiatives(first: 2147483648) { totalCount } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        (first, json!({ "n": 2_147_483_648_u64 }), "BAD_USER_INPUT"),
        (
            first,
            json!({ "n": 9_007_199_254_740_992_u64 }),
            "BAD_USER_INPUT",
        ),
        (first, json!({ "n": 1e300 }), "BAD_USER_INPUT"),
        (first, json!({ "n": "ten" }), "BAD_USER_INPUT"),
        (
            "query($a: BigInt) { initiatives(filter: { investmentTargets: { some: { amount: { eq: $a } } } }) { totalCount } }",
            json!({ "a": "'" }),
            "BAD_USER_INPUT",
        ),
        (
            "query($n: Int!) { initiatives(first: $n) { totalCount } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
    ];
    for (query, variables, code) in cases {
        let response = app.query_with(query, variables.clone()).await;
        assert_eq!(
            error_code(&response),
            code,
            "{query} {variables}: {response}"
        );
        assert_eq!(response["data"]["initiatives"], Value::Null);
    }
    // Requests that cannot run as asked.
    for (query, operation) in [
        ("subscription { initiativeEvents { sequence } }", None),
        ("query A { __typename } query B { __typename }", None),
        ("query A { __typename }", Some("C")),
    ] {
        let mut request = async_graphql::Request::new(query);
        if let Some(name) = operation {
            request = request.operation_name(name);
        }
        let response = serde_json::to_value(app.state.schema.execute(request).await).expect("JSON");
        assert_eq!(error_code(&response), "BAD_REQUEST", "{query}: {response}");
    }
    // Codes set by our own checks are kept, not overwritten.
    let too_deep = format!(
        "{{ {}slug{} }}",
        "initiatives(first: 1) { nodes { sectors(first: 1) { nodes { ".repeat(4),
        " } } } }".repeat(4)
    );
    assert_eq!(error_code(&app.query(&too_deep).await), "QUERY_TOO_COMPLEX");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifty_megabyte_body_is_refused_before_it_is_read() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let server = app.serve().await;
    const FIFTY_MB: usize = 50 * 1024 * 1024;
    // Declared: refused on the headers alone, though not one byte of the body is sent (a
    // server that read up to its limit first would wait here until the bound).
    let declared = format!(
        "POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
         Accept: application/graphql-response+json\r\nContent-Length: {FIFTY_MB}\r\nConnection: close\r\n\r\n"
    );
    let (status, body) = raw_http(server.addr, declared.as_bytes()).await;
    assert_eq!(status, 413, "{body}");
    let body: Value = serde_json::from_str(&body).expect("a JSON body");
    assert_eq!(error_code(&body), "PAYLOAD_TOO_LARGE");

    // Chunked, so nothing is declared: the server stops reading at its limit and answers 413
    // while the client is still sending.
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
              Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        )
        .await
        .expect("headers");
    let (mut reader, mut writer) = stream.into_split();
    let sender = tokio::spawn(async move {
        let chunk = vec![b' '; 64 * 1024];
        let mut sent = 0;
        while sent < FIFTY_MB {
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            if writer.write_all(&framed).await.is_err() {
                break;
            }
            sent += chunk.len();
        }
        sent
    });
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(PATIENCE, reader.read_to_end(&mut answer))
        .await
        .expect("the server answered in time");
    let sent = tokio::time::timeout(PATIENCE, sender)
        .await
        .expect("the sender stopped in time")
        .expect("sender");
    assert_eq!(parse_answer(&answer).0, 413);
    assert!(
        sent < FIFTY_MB,
        "the server stopped reading long before 50 MB ({sent} bytes sent)"
    );
    assert_still_serving(&server.url("/graphql")).await;
    server.shutdown().await.expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_json_is_refused_without_exhausting_the_stack() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let server = app.serve().await;
    let client = reqwest::Client::new();
    let query = "query($v: [String]) { __typename }";
    let bomb = nested_arrays(10_000);
    let body = format!(r#"{{"query": "{query}", "variables": {{"v": {bomb}}}}}"#);
    let post = client
        .post(server.url("/graphql"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .expect("POST");
    assert_eq!(post.status(), 400);
    let answer: Value = post.json().await.expect("JSON");
    assert_eq!(error_code(&answer), "BAD_REQUEST");

    let get = client
        .get(server.url("/graphql"))
        .query(&[
            ("query", query),
            ("variables", &format!(r#"{{"v": {bomb}}}"#)),
        ])
        .send()
        .await
        .expect("GET");
    assert_eq!(get.status(), 400);

    // The same bomb in a document: the parser's depth limit refuses it.
    let literal = app
        .query(&format!(
            "{{ initiatives(after: {bomb}) {{ totalCount }} }}"
        ))
        .await;
    assert_eq!(error_code(&literal), "GRAPHQL_PARSE_FAILED");

    // Over WebSocket, in a subscribe payload: graphql-transport-ws closes with 4400, the legacy
    // protocol reports it and keeps the socket.
    for (protocol, expected) in [("graphql-transport-ws", 4400), ("graphql-ws", 0)] {
        let mut request = format!("ws://{}/graphql/ws", server.addr)
            .into_client_request()
            .expect("request");
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", protocol.parse().expect("header"));
        let (mut socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("connect");
        let kind = if protocol == "graphql-ws" {
            "start"
        } else {
            "subscribe"
        };
        socket
            .send(Message::text(
                json!({ "type": "connection_init" }).to_string(),
            ))
            .await
            .expect("init");
        let frame = format!(
            r#"{{"id": "1", "type": "{kind}", "payload": {{"query": "{query}", "variables": {{"v": {bomb}}}}}}}"#
        );
        socket.send(Message::text(frame)).await.expect("send");
        let mut outcome = None;
        while outcome.is_none() {
            let message = tokio::time::timeout(PATIENCE, socket.next())
                .await
                .expect("answered in time");
            outcome = match message {
                Some(Ok(Message::Close(frame))) => Some(frame.map_or(0, |f| u16::from(f.code))),
                Some(Ok(Message::Text(text))) if text.contains("connection_error") => Some(0),
                Some(Ok(_)) => None,
                other => panic!("{protocol}: {other:?}"),
            };
        }
        assert_eq!(outcome, Some(expected), "{protocol}");
    }

    // Within serde's limit the nesting reaches the filter, whose own limit refuses it.
    let mut filter = json!({ "slug": { "eq": "x" } });
    for _ in 0..60 {
        filter = json!({ "not": filter });
    }
    let before = app.statements();
    let deep = app
        .query_with(
            "query($f: InitiativeFilter) { initiatives(filter: $f) { totalCount } }",
            json!({ "f": filter }),
        )
        .await;
    assert_eq!(error_code(&deep), "BAD_USER_INPUT", "{deep}");
    assert_eq!(deep["errors"][0]["extensions"]["field"], "filter");
    assert_eq!(app.statements(), before, "refused before any SQL");
    assert_still_serving(&server.url("/graphql")).await;
    server.shutdown().await.expect("clean shutdown");
}

db_test! {
    /// Each level of a related-row condition joins more tables; SQLite refuses a statement of
    /// more than 64, which used to reach clients as INTERNAL. Past the limit it is the client's
    /// error; at the limit it runs on both databases.
    async fn related_row_conditions_nest_up_to_a_limit_and_no_further(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let nested = |levels: usize| {
            // Sectors and initiatives both filter by slug; the outermost link is a sector's.
            let mut filter = json!({ "slug": { "ne": "no-such-slug" } });
            for level in 0..levels {
                let link = if (levels - level) % 2 == 1 { "initiatives" } else { "sectors" };
                filter = json!({ link: { "some": filter } });
            }
            filter
        };
        let query = "query($f: SectorFilter) { sectors(filter: $f) { totalCount } }";
        let at_limit = app.query_with(query, json!({ "f": nested(8) })).await;
        assert!(at_limit.get("errors").is_none(), "{at_limit}");
        assert!(at_limit["data"]["sectors"]["totalCount"].as_i64() > Some(0), "{at_limit}");
        for levels in [9, 30] {
            let before = app.statements();
            let over = app.query_with(query, json!({ "f": nested(levels) })).await;
            assert_eq!(error_code(&over), "BAD_USER_INPUT", "{levels}: {over}");
            assert_eq!(over["errors"][0]["extensions"]["field"], "filter");
            assert_eq!(app.statements(), before, "refused before any SQL");
        }
    }
}

db_test! {
    /// PostgreSQL cannot store NUL in text and failed the statement (INTERNAL to the client);
    /// SQLite cut the text at it and answered something else. Refused everywhere instead.
    async fn nul_characters_are_refused_wherever_they_appear(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let cases = [
            (r#"{ initiative(slug: "a\u0000b") { name } }"#, json!({})),
            ("query($s: String!) { initiative(slug: $s) { name } }", json!({ "s": "bat\u{0}teries" })),
            ("query($s: String! = \"x\\u0000\") { initiative(slug: $s) { name } }", json!({})),
            (
                "query($f: InitiativeFilter) { initiatives(filter: $f) { totalCount } }",
                json!({ "f": { "name": { "contains": "\u{0}" } } }),
            ),
            (
                r#"{ ...F } fragment F on QueryRoot { sectors(filter: { slug: { in: ["x", "\u0000"] } }) { totalCount } }"#,
                json!({}),
            ),
        ];
        for (query, variables) in cases {
            let before = app.statements();
            let response = app.query_with(query, variables.clone()).await;
            assert_eq!(error_code(&response), "BAD_USER_INPUT", "{query} {variables}: {response}");
            assert_eq!(app.statements(), before, "refused before any SQL: {query}");
        }
        let clean = app.query(r#"{ initiative(slug: "ijicp") { slug } }"#).await;
        assert_eq!(clean["data"]["initiative"]["slug"], "ijicp", "{clean}");
        // `search(query:)` reads control characters as spaces itself (see search.rs).
        let search = app.query(r#"{ search(query: "e10\u0000shinkansen") { totalCount } }"#).await;
        assert!(search["data"]["search"]["totalCount"].as_i64() > Some(0), "{search}");
    }
}

/// A cursor as the server makes one, with whatever payload the forger chooses: the checksum
/// detects edits, not forgery, since anyone can compute it.
fn signed_cursor(payload: &Value) -> String {
    let payload = payload.to_string();
    let mut bytes = Sha256::digest(payload.as_bytes())[..6].to_vec();
    bytes.extend_from_slice(payload.as_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

db_test! {
    async fn edited_and_forged_cursors_are_refused_or_read_as_plain_values(backend) {
        let Some(app) = TestApp::new(backend).await else { return };
        let query = "query($c: String) { initiatives(first: 2, after: $c, orderBy: [{ field: NAME }]) { totalCount nodes { slug } } }";
        let data = app.data("{ initiatives(first: 2, orderBy: [{ field: NAME }]) { pageInfo { endCursor } } }").await;
        let real = data["initiatives"]["pageInfo"]["endCursor"].as_str().expect("cursor").to_owned();
        let mut bytes = URL_SAFE_NO_PAD.decode(&real).expect("base64");
        let payload: Value = serde_json::from_slice(&bytes[6..]).expect("JSON payload");

        // One byte of the payload changed, the checksum left as it was.
        let last = bytes.len() - 3;
        bytes[last] ^= 0x01;
        let edited = URL_SAFE_NO_PAD.encode(&bytes);
        let before = app.snapshot().await;
        let response = app.query_with(query, json!({ "c": edited })).await;
        assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");

        // Re-signed with hostile keys: wrong types and NUL are refused; text and huge numbers
        // are plain values compared in SQL, never SQL.
        let forged = |keys: Value, id: Value| {
            let mut payload = payload.clone();
            payload["k"] = keys;
            payload["i"] = id;
            signed_cursor(&payload)
        };
        for (cursor, refused) in [
            (forged(json!([7]), json!(1)), true),
            (forged(json!(["x\u{0}"]), json!(1)), true),
            (forged(json!(["a"]), json!("1; DROP TABLE initiatives")), true),
            (forged(json!(["' OR 1=1 --"]), json!(i64::MAX)), false),
            (forged(json!(["\\\"; DELETE FROM initiatives; --"]), json!(-1)), false),
        ] {
            let response = app.query_with(query, json!({ "c": cursor })).await;
            if refused {
                assert_eq!(error_code(&response), "BAD_USER_INPUT", "{response}");
            } else {
                assert!(response.get("errors").is_none(), "{response}");
                assert_eq!(response["data"]["initiatives"]["totalCount"], 41, "{response}");
            }
        }
        assert_eq!(app.snapshot().await, before, "nothing was written");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_in_a_body_query_string_or_header_is_a_client_error() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let server = app.serve().await;
    let body: &[u8] = b"{\"query\": \"{ initiative(slug: \\\"\xff\xfe\\\") { name } }\"}";
    let post = [
        format!(
            "POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
        body,
    ]
    .concat();
    let (status, answer) = raw_http(server.addr, &post).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(
        error_code(&serde_json::from_str(&answer).expect("JSON")),
        "BAD_REQUEST"
    );

    // Percent-encoded invalid UTF-8 in the query string is decoded with U+FFFD, which no
    // document may hold; raw bytes in the request line do not make a request at all.
    let (status, answer) = raw_http(
        server.addr,
        b"GET /graphql?query=%7B%20__typename%20%FF%7D HTTP/1.1\r\nHost: test\r\n\
          Accept: application/graphql-response+json\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(
        error_code(&serde_json::from_str(&answer).expect("JSON")),
        "GRAPHQL_PARSE_FAILED"
    );
    let (status, _) = raw_http(
        server.addr,
        b"GET /graphql?query=\xff\xfe HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 400);

    // Bytes that are not UTF-8 in Authorization (obs-text is legal in a header value).
    let authorization = [
        &b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nAuthorization: Bearer \xff\xfe\r\n"[..],
        b"Content-Length: 27\r\nConnection: close\r\n\r\n{\"query\": \"{ __typename }\"}",
    ]
    .concat();
    let (status, answer) = raw_http(server.addr, &authorization).await;
    assert_eq!(status, 401, "{answer}");
    assert_still_serving(&server.url("/graphql")).await;
    server.shutdown().await.expect("clean shutdown");
}
