#!/usr/bin/env bash
# How labsite's full build grows with the number of labs.
#
#   bench/scaling.sh                     # N = 100, 1,000, 10,000, 30,000
#   SIZES="100 1000" RUNS=5 bench/scaling.sh
#
# For each N: a corpus from examples/gen_corpus.rs in bench/out/N/site (reused
# when it is already there for the same seed), then RUNS full builds (output
# removed before each), timed with /usr/bin/time: the median wall time and
# the largest peak RSS go to a table, printed and written to
# bench/out/scaling.md. Sizes above 10,000 run once unless RUNS_LARGE says
# otherwise. Outputs go to BENCH_OUTPUT (default /dev/shm/labsite-bench, a
# tmpfs): see bench/compare.sh for why not a freshly emptied ext4 folder.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
SIZES=${SIZES:-"100 1000 10000 30000"}
RUNS=${RUNS:-3}
RUNS_LARGE=${RUNS_LARGE:-1}
SEED=${SEED:-1}
NOW=${NOW:-2026-01-01T00:00:00+09:00}

die() {
    echo "scaling.sh: $*" >&2
    exit 1
}
[ -x /usr/bin/time ] || die "/usr/bin/time is missing; install with: apt-get install -y time"
command -v cargo >/dev/null 2>&1 || die "cargo is not installed"

# shellcheck source=bench/lib.sh
source bench/lib.sh

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

mkdir -p "$OUT"
table="$OUT/scaling.md"
rows=$(mktemp)
trap 'rm -f "$rows"; [ -z "$trash" ] || rm -rf "$trash"' EXIT
prev_n=""
prev_t=""
for n in $SIZES; do
    dir="$OUT/$n"
    ensure_corpus "$dir" "$n"
    runs=$RUNS
    [ "$n" -gt 10000 ] && runs=$RUNS_LARGE
    echo "== N = $n: $runs full build(s)"
    times=()
    cpus=()
    peak=0
    for ((i = 1; i <= runs; i++)); do
        out="$BENCH_OUTPUT/$n/labsite"
        mkdir -p "$BENCH_OUTPUT/$n"
        clear_output "$out"
        log="$dir/scaling-run.log"
        /usr/bin/time -f 'TIME %e %M %U %S' "$LABSITE" build --root "$dir/site" --out "$out" --now "$NOW" >"$log" 2>&1 || {
            cat "$log" >&2
            die "labsite build failed on N = $n"
        }
        read -r t rss cpu < <(awk '/^TIME / { print $2, $3, $4 + $5 }' "$log")
        echo "   run $i: ${t} s (CPU ${cpu} s), peak RSS $((rss / 1024)) MB; $(grep '^built' "$log" || true)"
        times+=("$t")
        cpus+=("$cpu")
        [ "$rss" -gt "$peak" ] && peak=$rss
    done
    median=$(printf '%s\n' "${times[@]}" | median)
    cpu_median=$(printf '%s\n' "${cpus[@]}" | median)
    files=$(find "$out" -type f | wc -l)
    clear_output "$BENCH_OUTPUT/$n"
    per_lab=$(awk -v t="$median" -v n="$n" 'BEGIN { printf "%.2f", t * 1000 / n }')
    growth="–"
    if [ -n "$prev_t" ]; then
        growth=$(awk -v a="$median" -v b="$prev_t" -v m="$n" -v p="$prev_n" 'BEGIN { printf "%.1f× for %.0f× labs", a / b, m / p }')
    fi
    printf '| %s | %s | %s | %.2f | %.2f | %s | %s | %s |\n' "$n" "$runs" "$files" "$median" "$cpu_median" "$per_lab" "$((peak / 1024))" "$growth" >>"$rows"
    prev_n=$n
    prev_t=$median
done

{
    echo "| labs | runs | output files | median wall time (s) | median CPU time (s) | wall ms per lab | peak RSS (MB) | wall-time growth vs previous row |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---|"
    cat "$rows"
} >"$table"
{
    echo
    echo "Outputs written to $BENCH_OUTPUT ($(stat -f -c %T "$BENCH_OUTPUT")). Load average (1, 5, 15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg); labsite $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
} >>"$table"
echo
echo "== scaling (also in $table)"
cat "$table"
