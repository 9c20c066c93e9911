#!/usr/bin/env bash
# Where the instructions of one in-process benchmark go: runs the criterion bench under
# callgrind, counting only while criterion profiles that benchmark (not the database set-up),
# and prints the functions with the most inclusive and the most self instructions.
#
#   scripts/callgrind.sh                                  # the nested query
#   scripts/callgrind.sh 'schema/sqlite-scale1/search$' 30
#
# Arguments: a criterion filter (default the nested query) and the profiling time in seconds
# under valgrind (default 40). Needs valgrind (callgrind_control, callgrind_annotate). The raw
# profile is kept as target/bench/callgrind.out for kcachegrind or callgrind_annotate.

set -euo pipefail

FILTER=${1:-schema/sqlite-scale1/nested\$}
SECONDS_UNDER_VALGRIND=${2:-40}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT_DIR=${CARGO_TARGET_DIR:-$ROOT/target}/bench
mkdir -p "$OUT_DIR"

for tool in valgrind callgrind_control callgrind_annotate; do
    command -v "$tool" >/dev/null || {
        echo "callgrind: $tool is not installed" >&2
        exit 1
    }
done

bench=$(cargo bench --bench schema --no-run --message-format=json 2>/dev/null |
    grep '"kind":\["bench"\]' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n1)
[ -x "$bench" ] || {
    echo "callgrind: could not build the benchmark" >&2
    exit 1
}

LOG=$(mktemp)
PID=""
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
    rm -f "$LOG"
}
trap cleanup EXIT

valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT_DIR/callgrind.out" \
    "$bench" --bench --profile-time "$SECONDS_UNDER_VALGRIND" "$FILTER" >"$LOG" 2>&1 &
PID=$!

# Count only between criterion's "Profiling for" and "Complete" lines.
wait_for() {
    local _
    for _ in $(seq 2400); do
        grep -q "$1" "$LOG" && return 0
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.5
    done
    return 1
}
wait_for "Profiling for" || {
    cat "$LOG" >&2
    echo "callgrind: no benchmark matched $FILTER" >&2
    exit 1
}
callgrind_control -i on "$PID" >/dev/null 2>&1
wait_for "Complete" || true
callgrind_control -i off "$PID" >/dev/null 2>&1 || true
wait "$PID"
PID=""

# Requests executed while counting: one parse per request, summed over parse_query's callers
# (the `<` lines just above its `*` line in the caller tree).
requests=$(callgrind_annotate --tree=caller --inclusive=yes "$OUT_DIR/callgrind.out" 2>/dev/null | awk '
    /^ *[0-9,]+ .*< / { if (match($0, /\(([0-9,]+)x\)/)) { c = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", c); sum += c }; next }
    /\* .*async_graphql_parser::parse::executable::parse_query / { n += sum }
    { sum = 0 }
    END { print n + 0 }')
total=$(callgrind_annotate "$OUT_DIR/callgrind.out" 2>/dev/null |
    sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d , | awk 'NR == 1')
echo "== $FILTER: $requests requests profiled, $total instructions," \
    "$(awk -v t="$total" -v n="$requests" 'BEGIN { printf "%.1f M", (n > 0) ? t / n / 1e6 : 0 }') per request"
# Paths shortened to crate-relative ones: cargo's registry, the toolchain, this checkout.
shorten() { sed "s# \[/[^]]*\]\$##; s#[^ ]*/registry/src/[^/]*/##; s#/rustc/[0-9a-f]*/##; s#$ROOT/##" | cut -c1-200; }
echo "== inclusive (recursive frames and future plumbing left out)"
callgrind_annotate --inclusive=yes "$OUT_DIR/callgrind.out" 2>/dev/null |
    sed -n '/file:function/,$p' | grep -E '^ *[0-9,]+ \(' | grep -vE "'[0-9]|future\.rs:|backtrace|thread_start|call_once|function\.rs|boxed\.rs|criterion|alloca|tokio-1" |
    awk 'NR <= 40' | shorten
echo "== self"
callgrind_annotate "$OUT_DIR/callgrind.out" 2>/dev/null |
    sed -n '/file:function/,$p' | grep -E '^ *[0-9,]+ \(' | awk 'NR <= 25' | shorten
