//! Embeds the offline GraphiQL bundle when it has been built.
//!
//! `npm ci --ignore-scripts && npm run build` in `web/graphiql` writes `graphiql-<hash>.js` and
//! `graphiql-<hash>.css` to `web/graphiql/dist` (or to `$KIZUNA_GRAPHIQL_DIST`, relative paths
//! taken from the repository root). When both are there, this script writes a
//! `Some(Bundle { … include_bytes!(…) … })` for `src/http/graphiql.rs` to include; otherwise it
//! writes `None` and the server serves GraphiQL from a CDN. Either way the same Rust code is
//! compiled, so a machine without node builds, lints and tests the same handlers.

use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    println!("cargo::rerun-if-env-changed=KIZUNA_GRAPHIQL_DIST");
    let root =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let chosen = env::var_os("KIZUNA_GRAPHIQL_DIST").filter(|dir| !dir.is_empty());
    let explicit = chosen.is_some();
    let dist = root.join(chosen.unwrap_or_else(|| "web/graphiql/dist".into()));

    let bundle = find_bundle(&dist);
    if bundle.is_none() && explicit {
        panic!(
            "KIZUNA_GRAPHIQL_DIST is {}, which holds no graphiql-<hash>.js and graphiql-<hash>.css \
             (build them with `npm run build` in web/graphiql, or unset the variable)",
            dist.display()
        );
    }
    // A missing path would make Cargo rerun this script on every build; watch the folder that
    // will hold dist/ until it exists (its node_modules/ is only scanned for changed times).
    let watched = if dist.exists() {
        dist.clone()
    } else {
        root.join("web/graphiql")
    };
    println!("cargo::rerun-if-changed={}", watched.display());

    let code = match bundle {
        Some((script, stylesheet)) => format!(
            "Some(Bundle {{ script: {}, stylesheet: {} }})",
            asset(&script),
            asset(&stylesheet)
        ),
        None => "None".to_owned(),
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(
        out.join("graphiql_bundle.rs"),
        format!("/// Written by build.rs.\nconst BUNDLE: Option<Bundle> = {code};\n"),
    )
    .expect("OUT_DIR is writable");
}

/// The script and stylesheet in `dist`, when there is exactly one of each.
fn find_bundle(dist: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut scripts = Vec::new();
    let mut stylesheets = Vec::new();
    for entry in fs::read_dir(dist).ok()?.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.starts_with("graphiql-") {
            continue;
        }
        if name.ends_with(".js") {
            scripts.push(path);
        } else if name.ends_with(".css") {
            stylesheets.push(path);
        }
    }
    match (scripts.as_slice(), stylesheets.as_slice()) {
        ([script], [stylesheet]) => Some((script.clone(), stylesheet.clone())),
        ([], []) => None,
        _ => {
            println!(
                "cargo::warning={} should hold one graphiql-<hash>.js and one graphiql-<hash>.css; \
                 rebuild it with `npm run build` in web/graphiql. Serving GraphiQL from the CDN.",
                dist.display()
            );
            None
        }
    }
}

/// An `Asset { … }` expression that embeds the file at `path`.
fn asset(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a UTF-8 file name");
    let path = path.to_str().expect("the GraphiQL bundle's path is UTF-8");
    format!("Asset {{ name: {name:?}, bytes: include_bytes!({path:?}) }}")
}
