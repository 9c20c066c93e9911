//! API tests: one integration binary. Every database test runs on SQLite, and on PostgreSQL when
//! `KIZUNA_TEST_DATABASE_URL` is set, each in its own freshly created database.

mod helpers;

mod browser;
mod cache;
mod cost;
mod errors;
mod explain;
mod faults;
mod fuzz;
mod graphiql;
mod hostile;
mod http;
mod http_spec;
mod import;
mod injection;
mod limits;
mod live;
mod nplus1;
mod nplus1_suite;
mod pagination;
mod persisted;
mod proxy;
mod queries;
mod querying;
mod read_model;
mod schema;
mod search;
mod tokens;
mod writes;
