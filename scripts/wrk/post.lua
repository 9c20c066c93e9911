-- wrk script: POSTs one GraphQL request body, read from a file, to the URL on wrk's command line,
-- and prints one machine-readable summary line at the end.
--
-- Environment:
--   WRK_BODY   path of the JSON request body (required)
--   WRK_TOKEN  bearer token sent as `Authorization` (optional)
--   WRK_RUN    a word unique to this run: every `__N__` in the body becomes WRK_RUN-<thread>-<n>,
--              so a mutation can create a new row per request (default "0")
--   WRK_CHECK  when set, responses whose body holds "errors" are counted (costs wrk some CPU)
--
-- The summary line starts with "BENCH" and holds key=value pairs; latencies are milliseconds.

local function read_body(path)
  if path == nil or path == "" then
    error("WRK_BODY must name the request body file")
  end
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  -- A trailing newline is not part of the request.
  return (text:gsub("%s+$", ""))
end

local body = read_body(os.getenv("WRK_BODY"))
local run = os.getenv("WRK_RUN") or "0"

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/graphql-response+json, application/json;q=0.9"
local token = os.getenv("WRK_TOKEN")
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

graphql_errors = 0

if body:find("__N__", 1, true) then
  local n = 0
  function request()
    n = n + 1
    local unique = run .. "-" .. tostring(tid) .. "-" .. tostring(n)
    return wrk.format(nil, nil, nil, (body:gsub("__N__", unique)))
  end
end

if os.getenv("WRK_CHECK") then
  function response(status, headers, text)
    if text ~= nil and text:find('"errors"', 1, true) then
      graphql_errors = graphql_errors + 1
    end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = 0
  for _, thread in ipairs(threads) do
    errors = errors + (thread:get("graphql_errors") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f "
      .. "non2xx=%d socket_errors=%d graphql_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout, errors))
end
