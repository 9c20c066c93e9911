// Opens Kizuna's GraphiQL page in headless Chromium with every request to a host other than
// loopback refused, types a query, runs it and waits for the answer. Run by tests/api/browser.rs:
//
//   node tests/browser/graphiql.mjs http://127.0.0.1:PORT/
//
// Uses the system's Chromium (CHROMIUM_PATH, default /usr/bin/chromium); playwright-core
// downloads no browser. Prints what it saw, and exits non-zero when GraphiQL did not answer, a
// request left the machine, or the page broke its Content-Security-Policy or threw.
import { chromium } from "playwright-core";

const QUERY = "{ directions { totalCount } }";
const EXPECTED = '"totalCount": 8';
const STEP_TIMEOUT_MS = 30_000;

const url = process.argv[2];
if (!url) {
  console.error("usage: node graphiql.mjs http://127.0.0.1:PORT/");
  process.exit(2);
}

// A last resort should Chromium hang: every step below has its own, shorter timeout.
setTimeout(() => {
  console.error("the browser test did not finish within 120 s");
  process.exit(1);
}, 120_000).unref();

function isLoopback(address) {
  const host = new URL(address).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const offsite = [];
const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
});
try {
  const context = await browser.newContext({ serviceWorkers: "block" });
  // The air gap: anything not on this machine fails as if there were no network.
  await context.route("**/*", (route) => {
    const address = route.request().url();
    if (isLoopback(address)) {
      return route.continue();
    }
    offsite.push(address);
    return route.abort("internetdisconnected");
  });
  // Injected by the browser itself, so the page's CSP does not apply to this script.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });

  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.on("websocket", (socket) => {
    if (!isLoopback(socket.url())) {
      offsite.push(socket.url());
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) {
      problems.push(`${response.status()} for ${response.url()}`);
    }
  });

  await page.goto(url);
  const editor = page.locator(".graphiql-query-editor .CodeMirror");
  await editor.click();
  await page.keyboard.press("Control+A");
  // insertText, not type: typed braces would be closed a second time by the editor.
  await page.keyboard.insertText(QUERY);
  await page
    .locator(".graphiql-query-editor .CodeMirror-code")
    .filter({ hasText: QUERY })
    .waitFor();
  await page.getByRole("button", { name: /execute query/i }).click();
  await page.waitForFunction(
    (expected) => document.querySelector(".graphiql-response")?.textContent.includes(expected),
    EXPECTED,
  );
  console.log(`GraphiQL answered ${QUERY} with ${EXPECTED}`);

  const violations = await page.evaluate(() => window.__cspViolations);
  problems.push(...violations.map((v) => `CSP violation: ${v}`));
} catch (error) {
  problems.push(`${error.name}: ${error.message}`);
} finally {
  await browser.close();
}

for (const address of offsite) {
  problems.push(`request to a host off this machine: ${address}`);
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("no request left loopback; no CSP violation; no page error");
