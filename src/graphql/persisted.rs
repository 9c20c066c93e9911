//! Persisted queries, enforced in the schema so every transport (POST, GET, WebSocket, SSE) obeys
//! the same rules:
//!
//! - automatic persisted queries (Apollo's APQ protocol): `extensions.persistedQuery
//!   { version: 1, sha256Hash }` without a query runs the document stored under that hash, or
//!   answers `PersistedQueryNotFound` (code `PERSISTED_QUERY_NOT_FOUND`) so the client resends it
//!   with the query; with a query, the hash is checked and the document stored in a bounded LRU;
//! - allow-list mode: only the documents loaded at start-up run, by hash or by identical text;
//!   anything else is refused with `PERSISTED_QUERY_NOT_ALLOWED` before any resolver (or SQL) runs.
//!
//! async-graphql's own `ApolloPersistedQueries` extension is not used: its errors carry no
//! `extensions.code` (Apollo clients and gateways branch on `PERSISTED_QUERY_NOT_FOUND`), a
//! capacity of 0 panics, and it has no allow-list mode.

use crate::config::{Introspection, QueryPolicy};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensionValues, Pos, Request, ServerError, ServerResult};
use lru::LruCache;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Entries the APQ cache holds when not configured otherwise.
pub const DEFAULT_APQ_CACHE_SIZE: NonZeroUsize = NonZeroUsize::new(1000).expect("non-zero");

/// The `extensions.code` of a hash the server does not know (the client should resend the query).
pub const NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
/// The `extensions.code` of an operation the allow-list does not hold.
pub const NOT_ALLOWED: &str = "PERSISTED_QUERY_NOT_ALLOWED";

/// How the schema treats incoming documents.
#[derive(Clone, Debug)]
pub enum PersistedMode {
    /// Any document runs; documents sent with a hash are remembered in an LRU of this many entries.
    Automatic { capacity: NonZeroUsize },
    /// Only these documents run.
    AllowList(Arc<AllowList>),
}

impl Default for PersistedMode {
    fn default() -> Self {
        Self::Automatic {
            capacity: DEFAULT_APQ_CACHE_SIZE,
        }
    }
}

/// What `build_schema_with` needs beyond the database: introspection, persisted queries and
/// whether the read model answers the queries it covers.
#[derive(Clone, Debug)]
pub struct SchemaOptions {
    pub introspection: Introspection,
    pub persisted: PersistedMode,
    pub read_model: bool,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        Self {
            introspection: Introspection::default(),
            persisted: PersistedMode::default(),
            read_model: true,
        }
    }
}

impl SchemaOptions {
    /// Turns the `serve` flags into options, loading the allow-list directory in allow-list mode.
    pub fn from_policy(policy: &QueryPolicy) -> Result<Self, LoadError> {
        let persisted = if policy.persisted_only {
            let dir = policy.persisted_dir.as_deref().ok_or(LoadError::NoDir)?;
            PersistedMode::AllowList(Arc::new(AllowList::load_dir(dir)?))
        } else {
            PersistedMode::Automatic {
                capacity: policy.apq_cache_size,
            }
        };
        Ok(Self {
            introspection: policy.introspection,
            persisted,
            read_model: policy.read_model,
        })
    }
}

/// Why the allow-list could not be loaded; `serve` refuses to start with it.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("--persisted-only needs --persisted-dir (KIZUNA_PERSISTED_DIR)")]
    NoDir,
    #[error("reading the persisted-query directory {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("persisted query {} does not parse: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("the persisted-query directory {} holds no *.graphql files", path.display())]
    Empty { path: PathBuf },
}

/// The operations allowed in allow-list mode, by the hex SHA-256 of their file's bytes.
#[derive(Debug, Default)]
pub struct AllowList {
    operations: HashMap<String, ExecutableDocument>,
}

impl AllowList {
    /// Loads every `*.graphql` file of `dir`, each one operation document. An empty directory is
    /// an error: a server that can run nothing is a misconfiguration, not a policy.
    pub fn load_dir(dir: &Path) -> Result<Self, LoadError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| LoadError::Io { path, source }
        };
        let mut operations = HashMap::new();
        for entry in std::fs::read_dir(dir).map_err(io(dir))? {
            let path = entry.map_err(io(dir))?.path();
            if path.extension().is_none_or(|ext| ext != "graphql") || !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(io(&path))?;
            let document =
                async_graphql::parser::parse_query(&text).map_err(|error| LoadError::Parse {
                    path: path.clone(),
                    message: error.to_string(),
                })?;
            operations.insert(sha256_hex(&text), document);
        }
        if operations.is_empty() {
            return Err(LoadError::Empty {
                path: dir.to_owned(),
            });
        }
        Ok(Self { operations })
    }

    /// How many operations are allowed.
    pub fn len(&self) -> usize {
        self.operations.len()
    }

    /// Whether no operation is allowed (never true for a list `load_dir` returned).
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }
}

/// Marks a request that must not run a mutation (it came over GET). The HTTP layer refuses
/// mutations it can see in the query text; a document found by hash is only known here.
#[derive(Clone, Copy, Debug)]
pub struct NoMutations;

/// The hex SHA-256 of a document's text, as APQ and the allow-list name documents.
pub fn sha256_hex(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

/// The store enforcing a [`PersistedMode`]; the [`super::gateway::Gateway`] consults it.
pub(crate) struct PersistedQueries(Store);

impl PersistedQueries {
    /// True when any document text may run (automatic persisted queries), false in allow-list
    /// mode.
    pub(crate) fn runs_any_text(&self) -> bool {
        matches!(self.0, Store::Automatic(_))
    }
}

#[derive(Clone)]
enum Store {
    Automatic(Arc<Mutex<LruCache<String, ExecutableDocument>>>),
    AllowList(Arc<AllowList>),
}

impl PersistedQueries {
    pub(crate) fn new(mode: &PersistedMode) -> Self {
        Self(match mode {
            PersistedMode::Automatic { capacity } => {
                Store::Automatic(Arc::new(Mutex::new(LruCache::new(*capacity))))
            }
            PersistedMode::AllowList(list) => Store::AllowList(list.clone()),
        })
    }

    /// The document a request runs when the policy decides it (by hash, or from the
    /// allow-list), `None` to let the request parse its own text, or the refusal.
    pub(crate) fn resolve(
        &self,
        request: &mut Request,
    ) -> ServerResult<Option<ExecutableDocument>> {
        self.0.resolve(request)
    }
}

/// The `persistedQuery` extension of a request, as Apollo clients send it.
#[derive(Deserialize)]
struct PersistedQuery {
    version: i32,
    #[serde(rename = "sha256Hash")]
    sha256_hash: String,
}

fn error(message: &str, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None::<Pos>);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

fn not_allowed() -> ServerError {
    error(
        "this server runs only its registered persisted queries",
        NOT_ALLOWED,
    )
}

impl Store {
    fn get(&self, hash: &str) -> Option<ExecutableDocument> {
        match self {
            // A poisoned lock only means another request panicked mid-update of an LRU of
            // immutable documents; the cache is still consistent enough to use.
            Store::Automatic(cache) => cache
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(hash)
                .cloned(),
            Store::AllowList(list) => list.operations.get(hash).cloned(),
        }
    }

    /// Resolves a request to the document it runs, or refuses it. `Ok(None)` leaves the request
    /// to the ordinary pipeline (which parses and reports errors as usual).
    fn resolve(&self, request: &mut Request) -> ServerResult<Option<ExecutableDocument>> {
        let persisted = match request.extensions.remove("persistedQuery") {
            None => None,
            Some(value) => {
                let persisted: PersistedQuery = async_graphql::from_value(value).map_err(|_| {
                    error(
                        "`persistedQuery` needs `version` and `sha256Hash`",
                        "BAD_USER_INPUT",
                    )
                })?;
                if persisted.version != 1 {
                    return Err(error(
                        "only version 1 of `persistedQuery` is supported",
                        "BAD_USER_INPUT",
                    ));
                }
                // Hex digits are case-insensitive; we compute lower case.
                Some(persisted.sha256_hash.to_ascii_lowercase())
            }
        };
        match (persisted, request.query.is_empty()) {
            (Some(hash), true) => match self.get(&hash) {
                Some(document) => Ok(Some(document)),
                None if matches!(self, Store::AllowList(_)) => Err(not_allowed()),
                None => Err(error("PersistedQueryNotFound", NOT_FOUND)),
            },
            (Some(hash), false) => {
                if sha256_hex(&request.query) != hash {
                    return Err(error("provided sha does not match query", "BAD_USER_INPUT"));
                }
                self.resolve_text(request, hash)
            }
            (None, _) => match self {
                Store::Automatic(_) => Ok(None),
                Store::AllowList(_) => {
                    let hash = sha256_hex(&request.query);
                    self.resolve_text(request, hash)
                }
            },
        }
    }

    /// A document sent as text whose hash is `hash`: remembered (APQ) or looked up (allow-list).
    fn resolve_text(
        &self,
        request: &Request,
        hash: String,
    ) -> ServerResult<Option<ExecutableDocument>> {
        match self {
            Store::AllowList(list) => list
                .operations
                .get(&hash)
                .cloned()
                .map(Some)
                .ok_or_else(not_allowed),
            Store::Automatic(cache) => {
                // Only documents that parse are remembered; a broken one falls through to the
                // ordinary pipeline, which reports the syntax error.
                let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
                    return Ok(None);
                };
                cache
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .put(hash, document.clone());
                Ok(Some(document))
            }
        }
    }
}
