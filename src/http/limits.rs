//! Abuse limits of the HTTP layer: token-bucket rate limits per client address and per token,
//! WebSocket connections per address, and which address a request comes from.
//!
//! The buckets are governor's GCRA (a token bucket without a refill task): each key refills at
//! the configured rate up to the burst, and a refused request learns when it may retry.

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often (in checks) idle keys are dropped, so that a stream of new addresses cannot grow
/// the buckets without bound.
const SWEEP_EVERY: u64 = 4096;

/// One keyed token bucket.
pub struct Bucket<K: Hash + Eq + Clone, C: Clock = DefaultClock> {
    limiter: RateLimiter<K, DefaultKeyedStateStore<K>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
    checks: AtomicU64,
}

impl<K: Hash + Eq + Clone> Bucket<K> {
    /// `per_second` requests a second with bursts of `burst`; `None` when `per_second` is 0 (off).
    pub fn new(per_second: u32, burst: u32) -> Option<Self> {
        Self::with_clock(per_second, burst, DefaultClock::default())
    }
}

impl<K: Hash + Eq + Clone, C: Clock + Clone> Bucket<K, C> {
    /// [`Bucket::new`] on a given clock (tests use a fake one).
    pub fn with_clock(per_second: u32, burst: u32, clock: C) -> Option<Self> {
        let rate = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(rate).allow_burst(burst);
        Some(Self {
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone()),
            clock,
            checks: AtomicU64::new(0),
        })
    }

    /// Takes one token for `key`, or says how long until one is available.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Keys currently tracked.
    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    /// True when no key is tracked.
    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }
}

/// The configured rate limits of one app.
#[derive(Default)]
pub struct RateLimits {
    /// Requests without a token, per client address.
    pub per_ip: Option<Bucket<IpAddr>>,
    /// Requests with a valid token, per token name.
    pub per_token: Option<Bucket<String>>,
}

impl RateLimits {
    pub fn new(settings: &RateSettings) -> Self {
        Self {
            per_ip: Bucket::new(settings.per_ip, settings.burst),
            per_token: Bucket::new(settings.per_token, settings.burst),
        }
    }
}

/// Rate-limit settings: requests per second (0 turns a limit off) and the burst both allow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateSettings {
    pub per_ip: u32,
    pub per_token: u32,
    pub burst: u32,
}

/// Open WebSocket connections per client address, with a cap. A slot is held by the
/// [`WsSlot`] it hands out and given back when that is dropped.
#[derive(Debug)]
pub struct WsConnections {
    max_per_ip: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection's place in [`WsConnections`].
#[derive(Debug)]
pub struct WsSlot {
    owner: Arc<WsConnections>,
    ip: IpAddr,
}

impl WsConnections {
    pub fn new(max_per_ip: usize) -> Arc<Self> {
        Arc::new(Self {
            max_per_ip,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A slot for one more connection from `ip`, or `None` when it has its maximum open.
    pub fn acquire(self: &Arc<Self>, ip: IpAddr) -> Option<WsSlot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(ip).or_default();
        if *count >= self.max_per_ip {
            return None;
        }
        *count += 1;
        Some(WsSlot {
            owner: self.clone(),
            ip,
        })
    }

    /// Connections open from `ip`.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.get(&ip).copied().unwrap_or(0)
    }
}

impl Drop for WsSlot {
    fn drop(&mut self) {
        let mut open = self.owner.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// The client's address: the socket peer, or, behind a trusted proxy configured with
/// `--client-ip-header`, the address that header names (for `X-Forwarded-For`, the last one,
/// which the nearest proxy appended; earlier entries are the client's own claims).
pub fn client_ip(
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
    trusted_header: Option<&str>,
) -> IpAddr {
    let from_header = trusted_header
        .and_then(|name| headers.get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    from_header
        .or_else(|| peer.map(|ConnectInfo(addr)| addr.ip()))
        // In-process callers (tests driving the router directly) have no socket.
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

/// Whole seconds to wait, rounded up, for `Retry-After`.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use governor::clock::FakeRelativeClock;

    #[test]
    fn a_bucket_allows_its_burst_then_refuses_until_it_refills() {
        let clock = FakeRelativeClock::default();
        let bucket = Bucket::<&str, _>::with_clock(2, 3, clock.clone()).expect("limit on");
        for _ in 0..3 {
            assert_eq!(bucket.check(&"a"), Ok(()));
        }
        let wait = bucket.check(&"a").expect_err("burst spent");
        assert_eq!(wait, Duration::from_millis(500));
        assert_eq!(retry_after_secs(wait), 1);
        // Another key has its own bucket.
        assert_eq!(bucket.check(&"b"), Ok(()));
        clock.advance(Duration::from_millis(500));
        assert_eq!(bucket.check(&"a"), Ok(()));
        assert!(bucket.check(&"a").is_err());
    }

    #[test]
    fn zero_turns_a_limit_off() {
        assert!(Bucket::<IpAddr>::new(0, 10).is_none());
        let limits = RateLimits::new(&RateSettings {
            per_ip: 0,
            per_token: 5,
            burst: 1,
        });
        assert!(limits.per_ip.is_none());
        assert!(limits.per_token.is_some());
    }

    #[test]
    fn websocket_slots_are_counted_per_address_and_given_back() {
        let connections = WsConnections::new(2);
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        let b: IpAddr = "10.0.0.2".parse().expect("ip");
        let first = connections.acquire(a).expect("first");
        let _second = connections.acquire(a).expect("second");
        assert!(connections.acquire(a).is_none());
        assert!(connections.acquire(b).is_some());
        drop(first);
        assert_eq!(connections.open_from(a), 1);
        assert!(connections.acquire(a).is_some());
    }

    #[test]
    fn the_trusted_header_is_used_only_when_configured() {
        let peer = ConnectInfo(SocketAddr::from(([192, 0, 2, 7], 4000)));
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 198.51.100.4"),
        );
        assert_eq!(
            client_ip(&headers, Some(&peer), None),
            "192.0.2.7".parse::<IpAddr>().expect("ip")
        );
        assert_eq!(
            client_ip(&headers, Some(&peer), Some("x-forwarded-for")),
            "198.51.100.4".parse::<IpAddr>().expect("ip")
        );
        headers.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(
            client_ip(&headers, Some(&peer), Some("x-forwarded-for")),
            "192.0.2.7".parse::<IpAddr>().expect("ip")
        );
    }
}
