//! API tokens on both databases: through the library (create, authenticate, revoke, errors) and
//! through the `kizuna token` commands.

use crate::helpers::{TestDb, db_test};
use kizuna::auth::{self, AuthError};
use kizuna::domain::Role;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::process::Output;
use std::sync::Arc;

async fn migrated(db: &TestDb) -> DatabaseConnection {
    let conn = kizuna::db::connect(&db.url, 2, Arc::default())
        .await
        .expect("connect");
    kizuna::db::migrate(&conn).await.expect("migrate");
    conn
}

db_test! {
    async fn tokens_authenticate_until_revoked_and_only_the_hash_is_stored(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let conn = migrated(&db).await;

        let token = auth::create_token(&conn, "ci-bot", Role::Editor).await.expect("create");
        assert!(token.starts_with("kz_"), "{token}");
        let principal = auth::authenticate(&conn, &token).await.expect("query").expect("known token");
        assert_eq!((principal.name.as_str(), principal.role), ("ci-bot", Role::Editor));

        let row = entity::api_tokens::Entity::find()
            .filter(entity::api_tokens::Column::Name.eq("ci-bot"))
            .one(&conn)
            .await
            .expect("query")
            .expect("row");
        assert_ne!(row.token_hash, token);
        assert_eq!(row.token_hash, auth::hash_token(&token));
        assert_eq!(row.role, "editor");

        assert_eq!(auth::authenticate(&conn, "kz_not-a-token").await.expect("query"), None);

        let listed = auth::list_tokens(&conn).await.expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].name.as_str(), listed[0].role, listed[0].revoked_at), ("ci-bot", Role::Editor, None));

        auth::revoke_token(&conn, "ci-bot").await.expect("revoke");
        assert_eq!(auth::authenticate(&conn, &token).await.expect("query"), None, "revoked tokens stop working");
        let listed = auth::list_tokens(&conn).await.expect("list");
        assert!(listed[0].revoked_at.is_some());
        assert!(matches!(
            auth::revoke_token(&conn, "ci-bot").await,
            Err(AuthError::AlreadyRevoked(name)) if name == "ci-bot"
        ));
    }
}

db_test! {
    async fn duplicate_invalid_and_unknown_names_are_refused(backend) {
        let Some(db) = TestDb::create(backend).await else { return };
        let conn = migrated(&db).await;

        let first = auth::create_token(&conn, "ops", Role::Admin).await.expect("create");
        assert!(matches!(
            auth::create_token(&conn, "ops", Role::Viewer).await,
            Err(AuthError::NameTaken(name)) if name == "ops"
        ));
        assert!(matches!(
            auth::create_token(&conn, "has space", Role::Viewer).await,
            Err(AuthError::InvalidName(_))
        ));
        assert!(matches!(
            auth::revoke_token(&conn, "nobody").await,
            Err(AuthError::NotFound(name)) if name == "nobody"
        ));
        // The refused duplicate left the first token as it was.
        let principal = auth::authenticate(&conn, &first).await.expect("query").expect("still valid");
        assert_eq!(principal.role, Role::Admin);
        assert_eq!(auth::list_tokens(&conn).await.expect("list").len(), 1);
    }
}

/// Runs `kizuna token ARGS` against `db`.
fn kizuna_token(db: &TestDb, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kizuna"))
        .arg("token")
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run kizuna token")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

db_test! {
    async fn the_token_commands_create_list_and_revoke(backend) {
        let Some(db) = TestDb::create(backend).await else { return };

        let created = kizuna_token(&db, &["create", "--role", "editor", "--name", "ci-bot"]);
        assert!(created.status.success(), "{}", stderr(&created));
        let out = stdout(&created);
        let token = out.trim();
        assert_eq!(out, format!("{token}\n"), "only the token, on its own line");
        assert!(token.starts_with("kz_"), "{out}");
        assert!(stderr(&created).contains("will not be shown again"), "{}", stderr(&created));

        let conn = kizuna::db::connect(&db.url, 1, Arc::default()).await.expect("connect");
        let principal = auth::authenticate(&conn, token).await.expect("query").expect("known token");
        assert_eq!((principal.name.as_str(), principal.role), ("ci-bot", Role::Editor));

        let listed = kizuna_token(&db, &["list"]);
        assert!(listed.status.success(), "{}", stderr(&listed));
        let table = stdout(&listed);
        let line = table.lines().find(|l| l.starts_with("ci-bot")).unwrap_or_else(|| panic!("{table}"));
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!((cells[1], cells.last().copied()), ("editor", Some("active")), "{table}");
        assert!(!table.contains(token) && !stderr(&listed).contains(token), "list never shows the token");
        assert!(!table.contains(&auth::hash_token(token)), "nor its hash");

        let revoked = kizuna_token(&db, &["revoke", "ci-bot"]);
        assert!(revoked.status.success(), "{}", stderr(&revoked));
        let table = stdout(&kizuna_token(&db, &["list"]));
        let line = table.lines().find(|l| l.starts_with("ci-bot")).unwrap_or_else(|| panic!("{table}"));
        assert!(line.contains("revoked") && !line.contains("active"), "{table}");
        assert_eq!(auth::authenticate(&conn, token).await.expect("query"), None);

        let again = kizuna_token(&db, &["revoke", "ci-bot"]);
        assert!(!again.status.success());
        assert!(stderr(&again).contains("already revoked"), "{}", stderr(&again));
        let unknown = kizuna_token(&db, &["revoke", "nobody"]);
        assert!(!unknown.status.success());
        assert!(stderr(&unknown).contains("no token named `nobody`"), "{}", stderr(&unknown));
    }
}

db_test! {
    async fn the_token_command_refuses_bad_roles_and_taken_names(backend) {
        let Some(db) = TestDb::create(backend).await else { return };

        let bad_role = kizuna_token(&db, &["create", "--role", "superuser", "--name", "x"]);
        assert!(!bad_role.status.success());
        assert!(stdout(&bad_role).is_empty());
        let err = stderr(&bad_role);
        assert!(err.contains("superuser") && err.contains("viewer") && err.contains("admin"), "{err}");

        let first = kizuna_token(&db, &["create", "--role", "viewer", "--name", "dash"]);
        assert!(first.status.success(), "{}", stderr(&first));
        let taken = kizuna_token(&db, &["create", "--role", "admin", "--name", "dash"]);
        assert!(!taken.status.success());
        assert!(stdout(&taken).is_empty(), "no token is printed on failure");
        assert!(stderr(&taken).contains("already exists"), "{}", stderr(&taken));

        let bad_name = kizuna_token(&db, &["create", "--role", "viewer", "--name", "a b"]);
        assert!(!bad_name.status.success());
        assert!(stderr(&bad_name).contains("invalid token name"), "{}", stderr(&bad_name));
    }
}
