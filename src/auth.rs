//! API tokens: generating, hashing, storing, revoking and checking bearer tokens.
//!
//! A token is `kz_` followed by 32 random bytes in unpadded base64url. Only its SHA-256 is stored,
//! so a copy of the database does not hand out working tokens. Nothing here knows about HTTP or
//! GraphQL: the transport extracts the token (see [`parse_bearer`]) and asks [`authenticate`] who
//! it belongs to.

use crate::domain::Role;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::api_tokens;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    SqlErr,
};
use sha2::{Digest, Sha256};

/// Prefix of every token, so a leaked token is easy to grep for in logs and repositories.
pub const TOKEN_PREFIX: &str = "kz_";

/// Longest token name accepted.
pub const MAX_NAME_LEN: usize = 64;

/// Who a request acts as: the name and role of the token it presented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: Role,
}

/// A stored token as `token list` shows it; deliberately without the hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// `None` while the token is active.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Why a token operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("a token named `{0}` already exists (names stay taken after revocation)")]
    NameTaken(String),
    #[error(
        "invalid token name `{0}`: use 1 to {MAX_NAME_LEN} characters of A-Z, a-z, 0-9, `.`, `_` and `-`"
    )]
    InvalidName(String),
    #[error("no token named `{0}`")]
    NotFound(String),
    #[error("the token `{0}` is already revoked")]
    AlreadyRevoked(String),
    #[error("the operating system's random number generator failed: {0}")]
    Random(#[from] getrandom::Error),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A new token: `kz_` and 32 bytes (256 bits) from the OS random number generator, base64url
/// without padding.
///
/// Returns an error instead of panicking when the OS generator fails: there is no safe fallback,
/// and a CLI user should see why rather than a panic.
pub fn generate_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The stored form of a token: lower-case hex SHA-256.
///
/// A plain fast hash is enough here, unlike for passwords: tokens are 256-bit random values, so
/// there is no dictionary to try and a brute-force search of the hash is hopeless. A slow KDF would
/// only add latency to every authenticated request.
pub fn hash_token(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// The token of an `Authorization` header value `Bearer <token>`; the scheme is case-insensitive
/// (RFC 6750 / RFC 9110). `None` for another scheme, an empty token, or one containing whitespace
/// (a b64token never does).
pub fn parse_bearer(header_value: &str) -> Option<&str> {
    let (scheme, rest) = header_value
        .trim()
        .split_once(|c: char| c.is_ascii_whitespace())?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = rest.trim();
    (!token.is_empty() && !token.contains(|c: char| c.is_whitespace())).then_some(token)
}

/// Whether `name` is an acceptable token name: 1 to 64 characters of `[A-Za-z0-9._-]`, so names
/// are safe to print in tables and logs and to pass on a command line.
pub fn is_valid_name(name: &str) -> bool {
    (1..=MAX_NAME_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Creates a token named `name` with `role` and returns it in plain text. The plain token exists
/// only in the return value: the database gets its hash.
pub async fn create_token(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
) -> Result<String, AuthError> {
    if !is_valid_name(name) {
        return Err(AuthError::InvalidName(name.to_owned()));
    }
    let token = generate_token()?;
    let row = api_tokens::ActiveModel {
        name: Set(name.to_owned()),
        token_hash: Set(hash_token(&token)),
        role: Set(role.as_db().to_owned()),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    };
    // Insert and let the unique index decide, rather than look first: two concurrent creates of
    // the same name cannot both pass. The hash is unique too, but a collision of 256-bit random
    // values does not happen, so a violation means the name.
    match api_tokens::Entity::insert(row)
        .exec_without_returning(db)
        .await
    {
        Ok(_) => Ok(token),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(AuthError::NameTaken(name.to_owned()))
        }
        Err(error) => Err(error.into()),
    }
}

/// Every token, oldest first, without hashes.
pub async fn list_tokens(db: &impl ConnectionTrait) -> Result<Vec<TokenInfo>, DbErr> {
    let rows = api_tokens::Entity::find()
        .order_by_asc(api_tokens::Column::Id)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(TokenInfo {
                role: stored_role(&row)?,
                name: row.name,
                created_at: row.created_at,
                revoked_at: row.revoked_at,
            })
        })
        .collect()
}

/// Revokes the token named `name`. Its row stays, so `token list` keeps the history and the name
/// cannot be reused for a different client by accident.
pub async fn revoke_token(db: &impl ConnectionTrait, name: &str) -> Result<(), AuthError> {
    // One conditional UPDATE, so two concurrent revocations cannot both report success.
    let updated = api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_tokens::Column::Name.eq(name))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if updated.rows_affected > 0 {
        return Ok(());
    }
    // Nothing changed: find out why, for the message.
    let exists = api_tokens::Entity::find()
        .filter(api_tokens::Column::Name.eq(name))
        .one(db)
        .await?
        .is_some();
    Err(if exists {
        AuthError::AlreadyRevoked(name.to_owned())
    } else {
        AuthError::NotFound(name.to_owned())
    })
}

/// Who `token` belongs to; `None` when it is unknown or revoked.
///
/// One query on the unique `token_hash` index. Looking up by hash rather than comparing tokens
/// means response timing can reveal nothing about stored tokens.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<Principal>, DbErr> {
    let row = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(hash_token(token)))
        .one(db)
        .await?;
    match row {
        Some(row) if row.revoked_at.is_none() => Ok(Some(Principal {
            role: stored_role(&row)?,
            name: row.name,
        })),
        _ => Ok(None),
    }
}

/// The role of a stored row. An unknown word is a database fault, reported rather than mapped to
/// some role: guessing would grant or deny access silently.
fn stored_role(row: &api_tokens::Model) -> Result<Role, DbErr> {
    Role::from_word(&row.role).ok_or_else(|| {
        DbErr::Custom(format!(
            "api_tokens row `{}` has an unknown role `{}`",
            row.name, row.role
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_256_bit_base64url_and_distinct() {
        let a = generate_token().expect("OS RNG");
        let b = generate_token().expect("OS RNG");
        assert_ne!(a, b);
        let body = a.strip_prefix(TOKEN_PREFIX).expect("prefixed");
        // 32 bytes in unpadded base64 are 43 characters.
        assert_eq!(body.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(body).expect("base64url").len(), 32);
        assert!(
            body.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }

    #[test]
    fn hash_is_hex_sha256() {
        // SHA-256("abc") from FIPS 180-2.
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = generate_token().expect("OS RNG");
        assert_eq!(hash_token(&token), hash_token(&token));
        assert_ne!(hash_token(&token), token);
        assert_eq!(hash_token(&token).len(), 64);
    }

    #[test]
    fn bearer_scheme_is_case_insensitive_and_token_trimmed() {
        assert_eq!(parse_bearer("Bearer kz_abc"), Some("kz_abc"));
        assert_eq!(parse_bearer("bearer kz_abc"), Some("kz_abc"));
        assert_eq!(parse_bearer("BEARER   kz_abc  "), Some("kz_abc"));
        assert_eq!(parse_bearer("  Bearer\tkz_abc"), Some("kz_abc"));
    }

    #[test]
    fn other_schemes_and_empty_or_spaced_tokens_are_rejected() {
        for value in [
            "",
            "Bearer",
            "Bearer ",
            "Bearer    ",
            "Basic dXNlcjpwYXNz",
            "Bearerkz_abc",
            "kz_abc",
            "Bearer kz_a kz_b",
        ] {
            assert_eq!(parse_bearer(value), None, "{value:?}");
        }
    }

    #[test]
    fn names_are_short_and_plain() {
        for name in ["ci-bot", "a", "deploy.prod_2", &"x".repeat(64)] {
            assert!(is_valid_name(name), "{name}");
        }
        for name in ["", "has space", "ünï", "semi;colon", &"x".repeat(65)] {
            assert!(!is_valid_name(name), "{name}");
        }
    }
}
