// Bundles src/main.js with GraphiQL, React and graphql-js into one script and one stylesheet,
// named by their content hash, in dist/ (or in $KIZUNA_GRAPHIQL_DIST, relative paths taken from
// the repository root, as kizuna's build.rs takes them). build.rs embeds the two files; without
// them the server serves GraphiQL from a CDN.
import { build } from "esbuild";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = process.env.KIZUNA_GRAPHIQL_DIST
  ? resolve(here, "../..", process.env.KIZUNA_GRAPHIQL_DIST)
  : join(here, "dist");

// Old bundles would otherwise pile up beside the new ones and be embedded too. Only our own
// outputs go: $KIZUNA_GRAPHIQL_DIST may name a directory that holds other files.
mkdirSync(outdir, { recursive: true });
for (const name of readdirSync(outdir)) {
  if (/^graphiql-[A-Z0-9]+\.(js|css)$/.test(name)) {
    rmSync(join(outdir, name));
  }
}

await build({
  absWorkingDir: here,
  entryPoints: { graphiql: "src/main.js" },
  entryNames: "[name]-[hash]",
  outdir,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  define: { "process.env.NODE_ENV": '"production"' },
  // The licences of the bundled packages travel with the bundle.
  legalComments: "eof",
  logLevel: "info",
});
