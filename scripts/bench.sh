#!/usr/bin/env bash
# The whole benchmark table in one command: builds release, prepares SQLite files and PostgreSQL
# databases at each scale, runs every benchmark request under wrk against `kizuna serve` (cold:
# every request executed; warm: served from the response cache) and against a bare axum server
# that answers the same bytes (the ceiling), runs the subscription fan-out, and writes a
# markdown table to standard output and to target/bench/results.md.
#
#   scripts/bench.sh
#   BENCH_DURATION=3s BENCH_REPEATS=1 BENCH_SCALES=1 BENCH_DBS=sqlite scripts/bench.sh   # quick
#
# Settings (environment):
#   BENCH_DURATION     wrk duration of one measurement               (10s)
#   BENCH_WARMUP       wrk duration of the warm-up before each query (2s)
#   BENCH_REPEATS      measurements per figure; median and min–max   (3)
#   BENCH_CONNECTIONS  wrk connections                               (64)
#   BENCH_THREADS      wrk threads                                   (2)
#   BENCH_SCALES       dataset scales (`kizuna generate --scale`)    ("1 100")
#   BENCH_SEED         dataset seed                                  (1)
#   BENCH_DBS          databases: sqlite and/or postgres             ("sqlite postgres")
#   BENCH_QUERIES      requests of benches/requests/ to run          ("nested paginated aggregate search mutation")
#   BENCH_SUBSCRIBERS  WebSocket subscribers of the fan-out; 0 skips ("1000")
#   BENCH_FANOUT_EVENTS  events measured in the fan-out              (20)
#   BENCH_CACHE_MB     response cache size in warm mode              (64)
#   BENCH_PG_URL       PostgreSQL server to create databases on      (postgres://postgres@127.0.0.1:5432/postgres)
#   BENCH_LOG          RUST_LOG of the server                        (info)
#
# Needs cargo, curl, wrk, awk, and psql when PostgreSQL is benchmarked. Everything it creates
# (temporary directory, PostgreSQL databases kizuna_bench_s<scale>, background processes) is
# removed on exit, also on failure or Ctrl-C.

set -euo pipefail

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
REPEATS=${BENCH_REPEATS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
SCALES=${BENCH_SCALES:-1 100}
SEED=${BENCH_SEED:-1}
DBS=${BENCH_DBS:-sqlite postgres}
QUERIES=${BENCH_QUERIES:-nested paginated aggregate search mutation}
SUBSCRIBERS=${BENCH_SUBSCRIBERS:-1000}
FANOUT_EVENTS=${BENCH_FANOUT_EVENTS:-20}
CACHE_MB=${BENCH_CACHE_MB:-64}
PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
LOG_FILTER=${BENCH_LOG:-info}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
KIZUNA=$TARGET/release/kizuna
CEILING=$TARGET/release/examples/bench_ceiling
FANOUT=$TARGET/release/examples/bench_fanout
REQUESTS=$ROOT/benches/requests
LUA=$ROOT/scripts/wrk/post.lua
OUT_DIR=$TARGET/bench

say() { echo "bench: $*" >&2; }
die() {
    say "error: $*"
    exit 1
}

for tool in cargo curl wrk awk; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
case " $DBS " in *" postgres "*) command -v psql >/dev/null || die "psql is not installed" ;; esac

# --- cleanup: every process and database this script starts or creates ----------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kizuna-bench.XXXXXX")
PIDS=()
PG_DATABASES=()

cleanup() {
    local pid db
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    for db in "${PG_DATABASES[@]}"; do
        psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 ||
            say "warning: could not drop database $db"
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Each WebSocket subscriber is a file descriptor in the server and in the fan-out client.
need_files=$((SUBSCRIBERS * 2 + 1024))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need_files" ]; then
    ulimit -n "$need_files" 2>/dev/null || ulimit -n "$(ulimit -Hn)" ||
        say "warning: open file limit $(ulimit -n) may be too low for $SUBSCRIBERS subscribers"
fi

# --- build ------------------------------------------------------------------------------------

say "building release"
cargo build --release --quiet --bins --examples

# Read whole before searching: with pipefail, `grep -q` closing the pipe early could fail it.
CACHE_SUPPORTED=0
serve_help=$("$KIZUNA" serve --help)
if grep -q -- --response-cache-mb <<<"$serve_help"; then
    CACHE_SUPPORTED=1
fi
READ_MODEL_SUPPORTED=0
if grep -q -- --read-model <<<"$serve_help"; then
    READ_MODEL_SUPPORTED=1
fi
RUN_ID=$(date +%s)

# --- helpers ----------------------------------------------------------------------------------

# The value of key=value field $2 in line $1.
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }

# Median, minimum and maximum of the numbers on standard input, space-separated.
spread() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan nan nan"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        print m, v[1], v[NR] }'
}

statements() { curl -fsS "$1/metrics" | awk '$1 == "kizuna_db_statements_total" { print $2 }'; }

# Peak resident memory of process $1 in MB, and a reset of that peak (Linux ≥ 4.0).
peak_rss() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
reset_peak_rss() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }

# The request body with a unique value in place of `__N__`.
body_instance() { sed "s/__N__/$2/g" "$REQUESTS/$1.json"; }

# wrk against URL $1 with body $2 and token $3 for duration $4; prints wrk's BENCH line.
run_wrk() {
    local check=""
    [ -n "$3" ] && check=1 # writes: count GraphQL errors, since they answer 200 too
    WRK_BODY=$2 WRK_TOKEN=$3 WRK_RUN="$RUN_ID-$RANDOM" WRK_CHECK=$check \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$4" --timeout 10s -s "$LUA" "$1" | grep '^BENCH' ||
        die "wrk printed no summary for $1"
}

SERVER_PID=""
BASE=""

# Starts `kizuna serve` on database URL $1 in mode $2 (cold|sql|warm) on a free port: cold
# executes every request (the read model answers what it covers), sql executes every request
# through async-graphql and SQL (read model off), warm answers from the response cache.
start_server() {
    local log=$WORK/server-$RANDOM.log args=(serve --bind 127.0.0.1:0)
    if [ "$CACHE_SUPPORTED" = 1 ]; then
        if [ "$2" = warm ]; then args+=(--response-cache-mb "$CACHE_MB"); else args+=(--response-cache-mb 0); fi
    fi
    if [ "$READ_MODEL_SUPPORTED" = 1 ] && [ "$2" = sql ]; then
        args+=(--read-model false)
    fi
    # Every load comes from loopback, one address: lift the per-address WebSocket cap for the
    # fan-out's subscribers.
    if grep -q -- --max-ws-per-ip <<<"$serve_help"; then
        args+=(--max-ws-per-ip $((SUBSCRIBERS + 64)))
    fi
    NO_COLOR=1 RUST_LOG=$LOG_FILTER "$KIZUNA" --database-url "$1" "${args[@]}" >"$log" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    local address="" _
    for _ in $(seq 600); do
        address=$(grep -o 'GraphiQL at http://[0-9.:]*' "$log" | head -n1 | sed 's#.*http://##') || true
        [ -n "$address" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || {
            cat "$log" >&2
            die "the server did not start"
        }
        sleep 0.1
    done
    [ -n "$address" ] || die "the server did not say where it listens (log: $log)"
    BASE=http://$address
}

stop_process() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    local keep=() pid
    for pid in "${PIDS[@]}"; do
        [ "$pid" = "$1" ] || keep+=("$pid")
    done
    PIDS=("${keep[@]}")
}

# POSTs body file $2 to URL $1 (token $3), writing $4.body and $4.headers; fails on errors.
capture() {
    local auth=()
    [ -n "$3" ] && auth=(-H "Authorization: Bearer $3")
    curl -fsS "$1" -H 'Content-Type: application/json' \
        -H 'Accept: application/graphql-response+json, application/json;q=0.9' "${auth[@]}" \
        --data-binary @"$2" -D "$4.headers" -o "$4.body"
    if grep -q '"errors"' "$4.body"; then
        die "$(basename "$4") answered with errors: $(head -c 400 "$4.body")"
    fi
}

# SQL statements of one request of body $2 (token $3) to server $1, averaged over 5 in a row.
sequential_statements() {
    local before after i
    before=$(statements "$1")
    for i in 1 2 3 4 5; do
        body_instance "$2" "seq-$RUN_ID-$RANDOM-$i" >"$WORK/seq.json"
        capture "$1/graphql" "$WORK/seq.json" "$3" "$WORK/seq"
    done
    after=$(statements "$1")
    awk -v a="$before" -v b="$after" 'BEGIN { printf "%.1f", (b - a) / 5 }'
}

# SQL statements per request alone of each read, on a server that has had no load yet.
declare -A QUIET_SQL=()
quiet_statements() {
    local query
    QUIET_SQL=()
    for query in "${READS[@]}"; do
        QUIET_SQL[$query]=$(sequential_statements "$BASE" "$query" "")
    done
}

RESULTS=$WORK/results.tsv # db scale mode query rps min max p50 p99 sql_seq sql_load rss bytes errors
: >"$RESULTS"

# Measures query $4 (body file $5, token $6) on server $BASE (pid $7) for db $1 scale $2 mode $3.
# URL: $8 (the GraphQL endpoint, or the ceiling's path).
measure() {
    local db=$1 scale=$2 mode=$3 query=$4 body=$5 token=$6 pid=$7 url=$8
    local rps=() p50=() p99=() load=() rss=0 errors=0 line s0 s1 r sql_seq=-
    if [ "$mode" != ceiling ]; then
        # Counted before any load on this server when `quiet_statements` ran: right after a
        # wrk run, the previous request's last in-flight requests still send statements.
        sql_seq=${QUIET_SQL[$query]:-}
        [ -n "$sql_seq" ] || sql_seq=$(sequential_statements "$BASE" "$query" "$token")
    fi
    run_wrk "$url" "$body" "$token" "$WARMUP" >/dev/null
    for r in $(seq "$REPEATS"); do
        reset_peak_rss "$pid"
        if [ "$mode" != ceiling ]; then s0=$(statements "$BASE"); fi
        line=$(run_wrk "$url" "$body" "$token" "$DURATION")
        if [ "$mode" != ceiling ]; then
            s1=$(statements "$BASE")
            load+=("$(awk -v a="$s0" -v b="$s1" -v n="$(field "$line" requests)" 'BEGIN { printf "%.2f", (b - a) / n }')")
        fi
        rps+=("$(field "$line" rps)")
        p50+=("$(field "$line" p50_ms)")
        p99+=("$(field "$line" p99_ms)")
        errors=$((errors + $(field "$line" non2xx) + $(field "$line" socket_errors) + $(field "$line" graphql_errors)))
        rss=$(awk -v a="$rss" -v b="$(peak_rss "$pid")" 'BEGIN { print (b > a) ? b : a }')
        say "  $db s$scale $mode $query #$r: $line"
    done
    local bytes
    bytes=$(wc -c <"$CAPTURES/$query.body")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$db" "$scale" "$mode" "$query" \
        "$(printf '%s\n' "${rps[@]}" | spread | tr ' ' '\t')" \
        "$(printf '%s\n' "${p50[@]}" | spread | cut -d' ' -f1)" \
        "$(printf '%s\n' "${p99[@]}" | spread | cut -d' ' -f1)" \
        "$sql_seq" \
        "$(if [ ${#load[@]} -gt 0 ]; then printf '%s\n' "${load[@]}" | spread | cut -d' ' -f1; else echo -; fi)" \
        "$rss" "$bytes	$errors" >>"$RESULTS"
}

FANOUT_RESULTS=$WORK/fanout.tsv
: >"$FANOUT_RESULTS"

# --- databases --------------------------------------------------------------------------------

# The database URL of db $1 at scale $2, created and loaded; sets TOKEN to an editor token.
prepare() {
    local db=$1 scale=$2 data=$WORK/data-s$2.json url
    [ -f "$data" ] || "$KIZUNA" generate --scale "$scale" --seed "$SEED" --output "$data" 2>/dev/null
    case $db in
    sqlite) url="sqlite://$WORK/s$scale.db?mode=rwc" ;;
    postgres)
        local name=kizuna_bench_s$scale
        psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
        psql -q "$PG_URL" -c "CREATE DATABASE $name" >/dev/null
        PG_DATABASES+=("$name")
        url="${PG_URL%%\?*}"
        url="${url%/*}/$name"
        ;;
    *) die "unknown database $db (BENCH_DBS takes sqlite and postgres)" ;;
    esac
    say "loading scale $scale into $db"
    "$KIZUNA" --database-url "$url" import "$data" >/dev/null 2>"$WORK/import.log" ||
        die "import failed: $(tail -n 5 "$WORK/import.log")"
    TOKEN=$("$KIZUNA" --database-url "$url" token create --role editor --name "bench-$RUN_ID" 2>/dev/null)
    DB_URL=$url
}

drop_postgres() {
    psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS kizuna_bench_s$1 WITH (FORCE)" >/dev/null
}

# --- the runs ---------------------------------------------------------------------------------

READS=()
WRITES=()
for query in $QUERIES; do
    [ -f "$REQUESTS/$query.json" ] || die "no request body $REQUESTS/$query.json"
    if grep -q '__N__' "$REQUESTS/$query.json"; then WRITES+=("$query"); else READS+=("$query"); fi
done

for db in $DBS; do
    for scale in $SCALES; do
        prepare "$db" "$scale"
        CAPTURES=$WORK/captures-$db-s$scale
        mkdir -p "$CAPTURES"

        # Reads, cold: every request executed.
        start_server "$DB_URL" cold
        for query in "${READS[@]}"; do
            capture "$BASE/graphql" "$REQUESTS/$query.json" "" "$CAPTURES/$query"
        done
        quiet_statements
        say "$db scale $scale cold on $BASE"
        for query in "${READS[@]}"; do
            measure "$db" "$scale" cold "$query" "$REQUESTS/$query.json" "" "$SERVER_PID" "$BASE/graphql"
        done
        stop_process "$SERVER_PID"

        # Reads, cold through the general executor alone (no read model), for comparison.
        if [ "$READ_MODEL_SUPPORTED" = 1 ]; then
            start_server "$DB_URL" sql
            say "$db scale $scale sql on $BASE"
            for query in "${READS[@]}"; do
                capture "$BASE/graphql" "$REQUESTS/$query.json" "" "$WORK/sql-check"
            done
            quiet_statements
            for query in "${READS[@]}"; do
                measure "$db" "$scale" sql "$query" "$REQUESTS/$query.json" "" "$SERVER_PID" "$BASE/graphql"
            done
            stop_process "$SERVER_PID"
        fi

        # Reads, warm: served from the response cache, once the build has one.
        if [ "$CACHE_SUPPORTED" = 1 ]; then
            start_server "$DB_URL" warm
            say "$db scale $scale warm on $BASE"
            for query in "${READS[@]}"; do
                capture "$BASE/graphql" "$REQUESTS/$query.json" "" "$WORK/warm-check"
                cmp -s "$WORK/warm-check.body" "$CAPTURES/$query.body" ||
                    say "warning: warm $query answers other bytes than cold"
            done
            quiet_statements
            for query in "${READS[@]}"; do
                measure "$db" "$scale" warm "$query" "$REQUESTS/$query.json" "" "$SERVER_PID" "$BASE/graphql"
            done
            stop_process "$SERVER_PID"
        fi

        # Writes and the fan-out last, since they change the data the reads see.
        if [ ${#WRITES[@]} -gt 0 ] || [ "$SUBSCRIBERS" -gt 0 ]; then
            start_server "$DB_URL" cold
            for query in "${WRITES[@]}"; do
                body_instance "$query" "capture-$RUN_ID" >"$WORK/$query.json"
                capture "$BASE/graphql" "$WORK/$query.json" "$TOKEN" "$CAPTURES/$query"
                measure "$db" "$scale" cold "$query" "$REQUESTS/$query.json" "$TOKEN" "$SERVER_PID" "$BASE/graphql"
            done
            if [ "$SUBSCRIBERS" -gt 0 ]; then
                say "$db scale $scale: fan-out to $SUBSCRIBERS subscribers"
                reset_peak_rss "$SERVER_PID"
                "$FANOUT" --url "$BASE" --token "$TOKEN" --subscribers "$SUBSCRIBERS" \
                    --events "$FANOUT_EVENTS" >"$WORK/fanout.out" || die "the fan-out failed"
                grep -v '^BENCH' "$WORK/fanout.out" >&2
                line=$(grep '^BENCH' "$WORK/fanout.out")
                printf '%s\t%s\t%s\t%s\n' "$db" "$scale" "$line" "$(peak_rss "$SERVER_PID")" >>"$FANOUT_RESULTS"
            fi
            stop_process "$SERVER_PID"
        fi

        # The ceiling: the same bytes from a bare axum handler, in the same run.
        "$CEILING" "$CAPTURES" >"$WORK/ceiling.out" 2>&1 &
        CEILING_PID=$!
        PIDS+=("$CEILING_PID")
        for _ in $(seq 100); do
            grep -q '^listening on' "$WORK/ceiling.out" && break
            sleep 0.1
        done
        BASE=$(sed -n 's/^listening on //p' "$WORK/ceiling.out")
        [ -n "$BASE" ] || die "the ceiling did not start: $(cat "$WORK/ceiling.out")"
        for query in "${READS[@]}" "${WRITES[@]}"; do
            measure "$db" "$scale" ceiling "$query" "$REQUESTS/$query.json" "" "$CEILING_PID" "$BASE/$query"
        done
        stop_process "$CEILING_PID"

        [ "$db" = postgres ] && drop_postgres "$scale"
    done
done

# --- the report ------------------------------------------------------------------------------

# shellcheck source=scripts/bench_report.sh
source "$ROOT/scripts/bench_report.sh"
mkdir -p "$OUT_DIR"
REPORT=$OUT_DIR/results.md
write_report | tee "$REPORT"
say "written to $REPORT"
