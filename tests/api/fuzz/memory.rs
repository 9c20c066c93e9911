//! Memory stays bounded under a burst of large bodies.

use futures::StreamExt;
use serde_json::json;

/// Resident memory of process `pid`, in bytes.
fn resident_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("process status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .expect("VmRSS")
}

/// 100 bodies just under the 1 MiB limit and 100 declared far over it, sent to a `kizuna
/// serve` process of its own (so that no other test's memory is counted): the server holds
/// none of them after answering. Keeping each would grow it by some 90 MB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_large_bodies_leaves_memory_bounded() {
    let process = crate::faults::Process::serve().await;
    let url = format!("http://{}/graphql", process.addr);
    let client = reqwest::Client::new();
    let padding = "x".repeat(900 * 1024);
    let near_limit =
        json!({ "query": "{ __typename }", "variables": { "pad": padding } }).to_string();
    let document = format!("{{ __typename }} #{}", &padding[..800 * 1024]);
    let comment = json!({ "query": document }).to_string();
    let burst = |n: usize| {
        let sends = (0..n).map(|i| {
            let body = if i % 10 == 0 { &comment } else { &near_limit };
            client
                .post(&url)
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
        });
        futures::stream::iter(sends)
            .buffer_unordered(4)
            .collect::<Vec<_>>()
    };
    // Warm up first, so the allocator's pools are in place before measuring.
    for answer in burst(20).await {
        assert_eq!(answer.expect("answer").status(), 200);
    }
    let before = resident_bytes(process.pid());
    for answer in burst(100).await {
        assert_eq!(answer.expect("answer").status(), 200);
    }
    let declared = format!(
        "POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        50 * 1024 * 1024
    );
    for _ in 0..100 {
        let (status, _) = crate::hostile::raw_http(process.addr, declared.as_bytes()).await;
        assert_eq!(status, 413);
    }
    let grown = resident_bytes(process.pid()).saturating_sub(before);
    assert!(
        grown < 64 * 1024 * 1024,
        "resident memory grew by {} MB",
        grown / (1024 * 1024)
    );
    crate::hostile::assert_still_serving(&url).await;
    process.terminate();
    assert!(process.exit_status().await.success());
}
