# The benchmark report: sourced by scripts/bench.sh, whose variables it reads (RESULTS and
# FANOUT_RESULTS, the tab-separated results, and the settings of the run).
#
# RESULTS columns: db, scale, mode (cold|sql|warm|ceiling), query, req/s median, min, max, p50 ms,
# p99 ms, SQL/req alone, SQL/req under load, peak RSS MB, response bytes, errors.
# FANOUT_RESULTS columns: db, scale, the fan-out's BENCH line, peak RSS MB.

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
            # The targets are the server as shipped: the sql mode (read model off) is a comparison.
            $3 == "sql" { next }
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

# The markdown report of the results, to standard output.
write_report() {
    echo "# Kizuna benchmark results"
    echo
    echo "- Commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)'), $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), $(uname -sr); load tool and server share the machine"
    echo "- wrk -t$THREADS -c$CONNECTIONS -d$DURATION, after a $WARMUP warm-up; each figure is the median of $REPEATS runs, [min–max] its spread"
    echo "- Dataset: \`kizuna generate --scale N --seed $SEED\`; request bodies: \`benches/requests/\`"
    if [ "$CACHE_SUPPORTED" = 1 ]; then
        echo "- cold: \`--response-cache-mb 0\`, every request executed (the read model answers the queries it covers); sql: the same with \`--read-model false\`, every request through async-graphql and SQL; warm: \`--response-cache-mb $CACHE_MB\`, served from the cache"
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
    echo "## Cost with scale (cold and sql)"
    echo
    echo "| db | mode | query | req/s at each scale | req/s vs first scale | SQL/req alone at each scale | bytes at each scale |"
    echo "|---|---|---|---|---|---|---|"
    awk -F'\t' '
        $3 == "cold" || $3 == "sql" {
            key = $1 FS $3 FS $4
            if (!(key in first)) { order[++n] = key; first[key] = $5 }
            rps[key] = rps[key] (rps[key] == "" ? "" : " / ") sprintf("%.0f", $5)
            rel[key] = rel[key] (rel[key] == "" ? "" : " / ") sprintf("%.2f", $5 / first[key])
            sql[key] = sql[key] (sql[key] == "" ? "" : " / ") $10
            bytes[key] = bytes[key] (bytes[key] == "" ? "" : " / ") $13
        }
        END {
            for (i = 1; i <= n; i++) {
                split(order[i], k, FS)
                printf "| %s | %s | %s | %s | %s | %s | %s |\n", k[1], k[2], k[3], rps[order[i]], rel[order[i]], sql[order[i]], bytes[order[i]]
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
}
