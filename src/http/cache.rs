//! The response cache: whole GraphQL responses of queries, as the bytes sent, keyed by the
//! normalised document, the operation name, the variables and the caller's role.
//!
//! Correctness rests on one number, the event-log head. Every write that changes data appends to
//! the log in its transaction and moves the head when it commits (on PostgreSQL other instances
//! learn of it through the same LISTEN/NOTIFY wake-up that drives subscriptions). An entry
//! remembers the head read *before* its query ran; it is served only while the head is still that
//! number, and the first request to see a newer head empties the cache. A response computed
//! while a write committed is thus never served as newer than it is.
//!
//! Only error-free query responses are stored (never mutations or subscriptions), memory is
//! bounded by the bytes held (least recently used goes first), and the role is part of the key,
//! so one role's answer never reaches another.

use crate::domain::Role;
use axum::body::Bytes;
use lru::LruCache;
use prometheus_client::metrics::counter::Counter;
use sha2::{Digest, Sha256};
use std::sync::{Mutex, PoisonError};

/// A cache key: SHA-256 over the normalised request and the role.
pub type Key = [u8; 32];

/// A stored response.
#[derive(Clone, Debug)]
pub struct Entry {
    pub body: Bytes,
    /// Weak validator for GET: the log head and the key. async-graphql may order sibling fields
    /// differently between executions, so equal data is promised, not equal bytes.
    pub etag: String,
}

/// The cache of one app.
pub struct ResponseCache {
    inner: Mutex<Inner>,
    max_bytes: usize,
    hits: Counter,
    misses: Counter,
}

struct Inner {
    /// The log head every entry was computed at.
    head: i64,
    entries: LruCache<Key, Entry>,
    bytes: usize,
}

impl ResponseCache {
    /// A cache holding up to `max_bytes` of responses, counting its hits and misses; `None` when
    /// `max_bytes` is 0 (off).
    pub fn new(max_bytes: usize, hits: Counter, misses: Counter) -> Option<Self> {
        (max_bytes > 0).then(|| Self {
            inner: Mutex::new(Inner {
                head: i64::MIN,
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
            max_bytes,
            hits,
            misses,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave an entry half-written: entries are whole values.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The response stored for `key` if it was computed at `head`, the current log head.
    pub fn get(&self, key: &Key, head: i64) -> Option<Entry> {
        let found = {
            let mut inner = self.lock();
            if inner.head != head {
                inner.clear_for(head);
                None
            } else {
                inner.entries.get(key).cloned()
            }
        };
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.inc();
        found
    }

    /// Stores a response computed from data at `head` (read before the query ran). Dropped when
    /// the log has moved on since, or when it alone exceeds the cache.
    pub fn put(&self, key: Key, head: i64, body: Bytes) -> Option<Entry> {
        let size = footprint(body.len());
        if size > self.max_bytes {
            return None;
        }
        let entry = Entry {
            etag: format!("W/\"{head}-{}\"", hex(&key[..8])),
            body,
        };
        let mut inner = self.lock();
        if head > inner.head {
            inner.clear_for(head);
        }
        if head != inner.head {
            return Some(entry);
        }
        if let Some(old) = inner.entries.put(key, entry.clone()) {
            inner.bytes -= footprint(old.body.len());
        }
        inner.bytes += size;
        while inner.bytes > self.max_bytes {
            match inner.entries.pop_lru() {
                Some((_, old)) => inner.bytes -= footprint(old.body.len()),
                None => break,
            }
        }
        Some(entry)
    }

    /// Responses held and their bytes.
    pub fn usage(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.entries.len(), inner.bytes)
    }
}

/// The memory an entry with a body of `body` bytes is charged: the body, its key, and a
/// rough allowance for the entry and the LRU's node.
fn footprint(body: usize) -> usize {
    body + std::mem::size_of::<Key>() + 64
}

impl Inner {
    fn clear_for(&mut self, head: i64) {
        self.head = head;
        self.entries.clear();
        self.bytes = 0;
    }
}

/// The key of a request: its document with comments and insignificant white space removed, its
/// operation name, its variables (as canonical JSON: object keys sorted) and the caller's role.
pub fn key(
    query: &str,
    operation_name: Option<&str>,
    variables: &serde_json::Value,
    role: Option<Role>,
) -> Key {
    let mut hasher = Sha256::new();
    hasher.update(normalise(query).as_bytes());
    hasher.update([0]);
    hasher.update(operation_name.unwrap_or_default().as_bytes());
    hasher.update([0]);
    // serde_json's maps keep keys sorted (no preserve_order feature), so equal variables
    // serialise equally.
    hasher.update(variables.to_string().as_bytes());
    hasher.update([0]);
    hasher.update(role.map_or("anonymous", |r| r.as_db()).as_bytes());
    hasher.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The document's tokens separated by single spaces where needed: comments, commas (which
/// GraphQL ignores) and runs of white space go; strings and block strings stay as written.
pub fn normalise(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut chars = query.chars().peekable();
    // Whether a separator is owed before the next token.
    let mut gap = false;
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
                gap = true;
            }
            ' ' | '\t' | '\n' | '\r' | ',' | '\u{feff}' => gap = true,
            '"' => {
                push_gap(&mut out, &mut gap, c);
                out.push('"');
                let block = chars.peek() == Some(&'"') && {
                    let mut ahead = chars.clone();
                    ahead.next();
                    ahead.peek() == Some(&'"')
                };
                if block {
                    chars.next();
                    chars.next();
                    out.push_str("\"\"");
                    // A block string ends at an unescaped `"""`.
                    let mut quotes = 0;
                    while let Some(c) = chars.next() {
                        out.push(c);
                        if c == '\\' && quotes == 0 {
                            let mut ahead = chars.clone();
                            if ahead.next() == Some('"')
                                && ahead.next() == Some('"')
                                && ahead.next() == Some('"')
                            {
                                for _ in 0..3 {
                                    if let Some(q) = chars.next() {
                                        out.push(q);
                                    }
                                }
                            }
                            continue;
                        }
                        quotes = if c == '"' { quotes + 1 } else { 0 };
                        if quotes == 3 {
                            break;
                        }
                    }
                } else {
                    while let Some(c) = chars.next() {
                        out.push(c);
                        match c {
                            '\\' => {
                                if let Some(escaped) = chars.next() {
                                    out.push(escaped);
                                }
                            }
                            '"' | '\n' | '\r' => break,
                            _ => {}
                        }
                    }
                }
            }
            _ => {
                push_gap(&mut out, &mut gap, c);
                out.push(c);
            }
        }
    }
    out
}

/// Writes the owed separator before `next` when two name-like tokens would otherwise merge.
fn push_gap(out: &mut String, gap: &mut bool, next: char) {
    if *gap && let Some(last) = out.chars().last() {
        let word = |c: char| c.is_alphanumeric() || c == '_' || c == '"';
        let spread = last == '.' && next == '.';
        if (word(last) && (word(next) || next == '-' || next == '.' || next == '$'))
            || spread
            || (last == '.' && word(next))
        {
            out.push(' ');
        }
    }
    *gap = false;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn layout_comments_and_commas_do_not_change_the_key() {
        let a = "{ directions { nodes { number name } } }";
        let b = "# the eight directions\n{\n  directions {\n    nodes { number, name }\n  }\n}\n";
        assert_eq!(normalise(a), normalise(b));
        assert_eq!(normalise(a), "{directions{nodes{number name}}}");
        assert_eq!(
            key(a, None, &json!({}), None),
            key(b, None, &json!({}), None)
        );
    }

    #[test]
    fn strings_names_numbers_and_spreads_keep_their_meaning() {
        // Space and `#` inside strings are content.
        assert_ne!(
            normalise(r#"{ a(s: "x  y") }"#),
            normalise(r#"{ a(s: "x y") }"#)
        );
        assert_eq!(normalise(r##"{ a(s: "#x, y") }"##), r##"{a(s:"#x, y")}"##);
        assert_eq!(
            normalise(r##"{ a(s: "q\"  #") b }"##),
            r##"{a(s:"q\"  #")b}"##
        );
        assert_eq!(
            normalise("{ a(s: \"\"\"x  \\\"\"\"  #y\"\"\") }"),
            "{a(s:\"\"\"x  \\\"\"\"  #y\"\"\")}"
        );
        // Tokens that would merge stay apart.
        assert_eq!(
            normalise("query Q($n: Int) { a(first: 10) }"),
            "query Q($n:Int){a(first:10)}"
        );
        assert_eq!(normalise("{ ... F ... on T { a } }"), "{... F ... on T{a}}");
        assert_eq!(normalise("{ a(n: -1, m: 2) }"), "{a(n:-1 m:2)}");
        assert_ne!(normalise("{ a b }"), normalise("{ ab }"));
    }

    #[test]
    fn variables_operation_and_role_are_part_of_the_key() {
        let q = "query($s: String!) { initiative(slug: $s) { name } }";
        let base = key(q, None, &json!({ "s": "a" }), None);
        assert_ne!(base, key(q, None, &json!({ "s": "b" }), None));
        assert_ne!(base, key(q, Some("Q"), &json!({ "s": "a" }), None));
        assert_ne!(base, key(q, None, &json!({ "s": "a" }), Some(Role::Viewer)));
        assert_ne!(
            key(q, None, &json!({}), Some(Role::Viewer)),
            key(q, None, &json!({}), Some(Role::Editor))
        );
        // Key order in the variables does not matter.
        assert_eq!(
            key(q, None, &json!({ "a": 1, "b": 2 }), None),
            key(q, None, &json!({ "b": 2, "a": 1 }), None)
        );
    }

    #[test]
    fn a_newer_head_empties_the_cache_and_older_results_are_not_stored() {
        let hits = Counter::default();
        let cache = ResponseCache::new(1 << 20, hits.clone(), Counter::default()).expect("on");
        let k = key("{ a }", None, &json!({}), None);
        cache.put(k, 5, "one".into());
        assert_eq!(cache.get(&k, 5).map(|e| e.body), Some("one".into()));
        // The log moved to 6: the entry is stale and everything goes.
        assert!(cache.get(&k, 6).is_none());
        assert_eq!(cache.usage().0, 0);
        // A response computed at 5 that finishes after the cache saw 6 is not stored.
        cache.put(k, 5, "late".into());
        assert!(cache.get(&k, 6).is_none());
        cache.put(k, 6, "fresh".into());
        assert_eq!(cache.get(&k, 6).map(|e| e.body), Some("fresh".into()));
        assert_eq!(hits.get(), 2);
    }

    #[test]
    fn memory_is_bounded_by_evicting_the_least_recently_used() {
        let per_entry = 1000 + 32 + 64;
        let cache =
            ResponseCache::new(per_entry * 3, Counter::default(), Counter::default()).expect("on");
        let keys: Vec<Key> = (0..5)
            .map(|i| key(&format!("{{ a{i} }}"), None, &json!({}), None))
            .collect();
        for k in &keys[..3] {
            cache.put(*k, 1, vec![b'x'; 1000].into());
        }
        // Touch the first so the second is the least recently used.
        assert!(cache.get(&keys[0], 1).is_some());
        cache.put(keys[3], 1, vec![b'x'; 1000].into());
        assert!(cache.get(&keys[1], 1).is_none());
        assert!(cache.get(&keys[0], 1).is_some());
        let (count, bytes) = cache.usage();
        assert_eq!(count, 3);
        assert!(bytes <= per_entry * 3);
        // A response larger than the whole cache is not stored at all.
        cache.put(keys[4], 1, vec![b'x'; per_entry * 4].into());
        assert!(cache.get(&keys[4], 1).is_none());
    }
}
