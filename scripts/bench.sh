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

# Starts `kizuna serve` on database URL $1 in mode $2 (cold|warm) on a free port.
start_server() {
    local log=$WORK/server-$RANDOM.log args=(serve --bind 127.0.0.1:0)
    if [ "$CACHE_SUPPORTED" = 1 ]; then
        if [ "$2" = warm ]; then args+=(--response-cache-mb "$CACHE_MB"); else args+=(--response-cache-mb 0); fi
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

RESULTS=$WORK/results.tsv # db scale mode query rps min max p50 p99 sql_seq sql_load rss bytes errors
: >"$RESULTS"

# Measures query $4 (body file $5, token $6) on server $BASE (pid $7) for db $1 scale $2 mode $3.
# URL: $8 (the GraphQL endpoint, or the ceiling's path).
measure() {
    local db=$1 scale=$2 mode=$3 query=$4 body=$5 token=$6 pid=$7 url=$8
    local rps=() p50=() p99=() load=() rss=0 errors=0 line s0 s1 r sql_seq=-
    if [ "$mode" != ceiling ]; then
        sql_seq=$(sequential_statements "$BASE" "$query" "$token")
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
        say "$db scale $scale cold on $BASE"
        for query in "${READS[@]}"; do
            measure "$db" "$scale" cold "$query" "$REQUESTS/$query.json" "" "$SERVER_PID" "$BASE/graphql"
        done
        stop_process "$SERVER_PID"

        # Reads, warm: served from the response cache, once the build has one.
        if [ "$CACHE_SUPPORTED" = 1 ]; then
            start_server "$DB_URL" warm
            say "$db scale $scale warm on $BASE"
            for query in "${READS[@]}"; do
                capture "$BASE/graphql" "$REQUESTS/$query.json" "" "$WORK/warm-check"
                cmp -s "$WORK/warm-check.body" "$CAPTURES/$query.body" ||
                    say "warning: warm $query answers other bytes than cold"
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

# The issue's targets against the results: one row per target and database.
targets() {
    local db first last
    first=${SCALES%% *}
    last=${SCALES##* }
    for db in $DBS; do
        awk -F'\t' -v db="$db" -v first="$first" -v last="$last" -v cache="$CACHE_SUPPORTED" '
            function row(target, measured, ok) { printf "| %s | %s | %s | %s |\n", target, db, measured, ok ? "yes" : "**no**" }
            $1 != db { next }
            $3 == "ceiling" { ceil[$2 FS $4] = $5 }
            $3 != "ceiling" { rps[$2 FS $3 FS $4] = $5; p99[$2 FS $3 FS $4] = $9; sql[$2 FS $4] = sql[$2 FS $4] " " $10
                              if ($12 > rss) rss = $12; queries[$4] = 1 }
            END {
                if ((first FS "cold" FS "nested") in rps && first == 1)
                    row("nested, cold, shipped data: ≥ 3,000 req/s", sprintf("%.0f req/s", rps[first FS "cold" FS "nested"]), rps[first FS "cold" FS "nested"] >= 3000)
                if ((last FS "cold" FS "nested") in rps && last == 100)
                    row("nested, cold, scale 100: ≥ 550 req/s", sprintf("%.0f req/s", rps[last FS "cold" FS "nested"]), rps[last FS "cold" FS "nested"] >= 550)
                if ((first FS "cold" FS "nested") in p99 && first == 1)
                    row("nested, cold, shipped data: p99 < 20 ms", sprintf("%.2f ms", p99[first FS "cold" FS "nested"]), p99[first FS "cold" FS "nested"] < 20)
                if (cache == 1 && (first FS "warm" FS "nested") in rps)
                    row("nested, warm: ≥ 50% of the ceiling", sprintf("%.1f%%", 100 * rps[first FS "warm" FS "nested"] / ceil[first FS "nested"]), rps[first FS "warm" FS "nested"] >= 0.5 * ceil[first FS "nested"])
                if (first != last) {
                    same = 1; detail = ""
                    for (q in queries) {
                        if (sql[first FS q] != sql[last FS q]) { same = 0; detail = detail " " q ":" sql[first FS q] " →" sql[last FS q] }
                    }
                    row("SQL statements per request independent of scale", same ? "same at scales " first " and " last : "differ:" detail, same)
                }
                if (rss != "") row("server RSS < 150 MB (HTTP runs)", sprintf("%.1f MB peak", rss), rss < 150)
            }' "$RESULTS"
        while IFS=$'\t' read -r fdb scale line rss; do
            [ "$fdb" = "$db" ] || continue
            local p99 worst
            p99=$(field "$line" commit_p99_pooled)
            worst=$(field "$line" commit_max_max)
            awk -v db="$db" -v s="$scale" -v p="$p99" -v w="$worst" -v d="$(field "$line" delivered)" -v e="$(field "$line" expected)" -v r="$rss" 'BEGIN {
                printf "| fan-out, scale %s: every subscriber gets each event, p99 < 100 ms after commit | %s | p99 %s ms (slowest delivery %s ms), %s/%s delivered | %s |\n", s, db, p, w, d, e, (p < 100 && d == e) ? "yes" : "**no**"
                printf "| server RSS < 150 MB (fan-out, scale %s) | %s | %s MB peak | %s |\n", s, db, r, (r < 150) ? "yes" : "**no**" }'
        done <"$FANOUT_RESULTS"
    done
}

mkdir -p "$OUT_DIR"
REPORT=$OUT_DIR/results.md
{
    echo "# Kizuna benchmark results"
    echo
    echo "- Commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)'), $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), $(uname -sr); load tool and server share the machine"
    echo "- wrk -t$THREADS -c$CONNECTIONS -d$DURATION, after a $WARMUP warm-up; each figure is the median of $REPEATS runs, [min–max] its spread"
    echo "- Dataset: \`kizuna generate --scale N --seed $SEED\`; request bodies: \`benches/requests/\`"
    if [ "$CACHE_SUPPORTED" = 1 ]; then
        echo "- cold: \`--response-cache-mb 0\`, every request executed; warm: \`--response-cache-mb $CACHE_MB\`, served from the cache"
    else
        echo "- cold: every request executed; warm: n/a (this build has no \`--response-cache-mb\`)"
    fi
    echo "- ceiling: the same response bytes and headers from a bare axum handler (\`examples/bench_ceiling.rs\`); ratio = req/s ÷ ceiling req/s"
    echo "- SQL/req: \`kizuna_db_statements_total\` delta per request, alone (5 in a row) and under load"
    echo "- RSS: the server's peak resident memory (VmHWM) during the measurement"
    echo
    echo "## Throughput and latency"
    echo
    echo "| db | scale | query | mode | req/s | [min–max] | p50 ms | p99 ms | ceiling req/s | ratio | SQL/req alone | SQL/req load | peak RSS MB | bytes | errors |"
    echo "|---|---:|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' -v cache="$CACHE_SUPPORTED" -v reads=" ${READS[*]} " '
        $3 == "ceiling" { ceil[$1 FS $2 FS $4] = $5; next }
        { rows[++n] = $0 }
        END {
            for (i = 1; i <= n; i++) {
                split(rows[i], f, "\t")
                key = f[1] FS f[2] FS f[4]
                c = ceil[key]
                ratio = (c > 0) ? sprintf("%.1f%%", 100 * f[5] / c) : "-"
                printf "| %s | %s | %s | %s | %.0f | [%.0f–%.0f] | %.2f | %.2f | %.0f | %s | %s | %s | %s | %s | %s |\n",
                    f[1], f[2], f[4], f[3], f[5], f[6], f[7], f[8], f[9], c, ratio, f[10], f[11], f[12], f[13], f[14]
                if (cache == 0 && f[3] == "cold" && index(reads, " " f[4] " "))
                    printf "| %s | %s | %s | warm | n/a | | | | %.0f | n/a | | | | | |\n", f[1], f[2], f[4], c
            }
        }' "$RESULTS"
    echo
    echo "## Cost with scale (cold)"
    echo
    echo "| db | query | req/s at each scale | req/s vs first scale | SQL/req alone at each scale | bytes at each scale |"
    echo "|---|---|---|---|---|---|"
    awk -F'\t' '
        $3 == "cold" {
            key = $1 FS $4
            if (!(key in first)) { order[++n] = key; first[key] = $5 }
            rps[key] = rps[key] (rps[key] == "" ? "" : " / ") sprintf("%.0f", $5)
            rel[key] = rel[key] (rel[key] == "" ? "" : " / ") sprintf("%.2f", $5 / first[key])
            sql[key] = sql[key] (sql[key] == "" ? "" : " / ") $10
            bytes[key] = bytes[key] (bytes[key] == "" ? "" : " / ") $13
        }
        END {
            for (i = 1; i <= n; i++) {
                split(order[i], k, FS)
                printf "| %s | %s | %s | %s | %s | %s |\n", k[1], k[2], rps[order[i]], rel[order[i]], sql[order[i]], bytes[order[i]]
            }
        }' "$RESULTS"
    echo
    echo "Scales: $SCALES."
    if [ -s "$FANOUT_RESULTS" ]; then
        echo
        echo "## Subscription fan-out"
        echo
        echo "Each of $SUBSCRIBERS graphql-transport-ws subscribers receives $FANOUT_EVENTS events, each committed by a mutation over HTTP."
        echo "Latency from the mutation's response (the commit) to each delivery; per event p50/p99/max, median [min–max] over events."
        echo
        echo "| db | scale | delivered | p50 ms | p99 ms | max ms | pooled p99 ms | p99 from send ms | mutation ms | peak RSS MB |"
        echo "|---|---:|---:|---|---|---|---:|---:|---:|---:|"
        while IFS=$'\t' read -r db scale line rss; do
            printf '| %s | %s | %s/%s | %s [%s–%s] | %s [%s–%s] | %s [%s–%s] | %s | %s | %s | %s |\n' "$db" "$scale" \
                "$(field "$line" delivered)" "$(field "$line" expected)" \
                "$(field "$line" commit_p50)" "$(field "$line" commit_p50_min)" "$(field "$line" commit_p50_max)" \
                "$(field "$line" commit_p99)" "$(field "$line" commit_p99_min)" "$(field "$line" commit_p99_max)" \
                "$(field "$line" commit_max)" "$(field "$line" commit_max_min)" "$(field "$line" commit_max_max)" \
                "$(field "$line" commit_p99_pooled)" "$(field "$line" send_p99)" "$(field "$line" mutation_ms)" "$rss"
        done <"$FANOUT_RESULTS"
    fi
    echo
    echo "## Targets"
    echo
    echo "| target | db | measured | met |"
    echo "|---|---|---|---|"
    targets
} | tee "$REPORT"
say "written to $REPORT"
