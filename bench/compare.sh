#!/usr/bin/env bash
# Full builds, labsite vs Hugo, on the same generated reports.
#
#   apt-get install -y hugo hyperfine time     # once (time: peak memory;
#                                              # without it, Python's getrusage)
#   bench/compare.sh                           # N = 1,000 and 10,000
#
# Environment: SIZES="1000 10000" RUNS=5 WARMUP=1 SEED=1 NOW=2026-01-01T00:00:00+09:00
#   BASELINE=/path/to/labsite   also time another labsite binary (an older
#                               commit's) in the same hyperfine run, e.g.
#     git worktree add /tmp/base <commit> &&
#     cargo build --release --manifest-path /tmp/base/Cargo.toml &&
#     BASELINE=/tmp/base/target/release/labsite bench/compare.sh
#
# For each N it generates a corpus (examples/gen_corpus.rs) into bench/out/N/
# (labsite site in site/, Hugo site in hugo/), then times both generators
# with hyperfine, each run from an empty output directory (a full build),
# measures peak memory with /usr/bin/time, and checks that a second labsite
# build over an existing output rewrites nothing. A summary is printed and
# written to bench/out/compare.md; raw results are in bench/out/N/*.json.
#
# Outputs go to BENCH_OUTPUT (default /dev/shm/labsite-bench, a tmpfs). On
# ext4, creating tens of thousands of files right after deleting as many
# (what "empty the output before each run" does) costs seconds of kernel time
# in inode allocation (ext4 skips recently deleted inodes), which would swamp
# both generators' own work. With BENCH_OUTPUT on a disk, old outputs are
# moved aside between runs and deleted at the end instead.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/bench/out"
SIZES=${SIZES:-"1000 10000"}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
SEED=${SEED:-1}
NOW=${NOW:-2026-01-01T00:00:00+09:00}

die() {
    echo "compare.sh: $*" >&2
    exit 1
}

missing=()
command -v hugo >/dev/null 2>&1 || missing+=(hugo)
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
command -v cargo >/dev/null 2>&1 || die "cargo is not installed"
if [ ${#missing[@]} -gt 0 ]; then
    die "missing: ${missing[*]}; install with: apt-get install -y ${missing[*]}"
fi

# shellcheck source=bench/lib.sh
source bench/lib.sh
[ -z "$trash" ] || trap 'rm -rf "$trash"' EXIT

mkdir -p "$OUT"
summary="$OUT/compare.md"
{
    echo "| labs | labsite median (s) | Hugo median (s) | labsite / Hugo | labsite CPU (s) | Hugo CPU (s) | labsite peak RSS (MB) | Hugo peak RSS (MB) |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$summary.rows"
: >"$summary.noop"
: >"$summary.baseline"

# Median wall time (s) of one command from a hyperfine CSV export.
median_of() { # csv name
    awk -F, -v name="$2" 'NR > 1 && $1 == name { print $4 }' "$1"
}

# Mean CPU time (user + system, s) of one command from a hyperfine CSV export:
# less sensitive than wall time to other work on the machine.
cpu_of() { # csv name
    awk -F, -v name="$2" 'NR > 1 && $1 == name { printf "%.2f", $5 + $6 }' "$1"
}

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_START=$(load_avg)

# Peak resident set size in MB of one run of a command: GNU time's when it
# is installed (Debian: time), else the kernel's ru_maxrss through Python,
# else "n/a".
peak_rss_mb() {
    local log
    log=$(mktemp)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$@" >/dev/null 2>"$log" || {
            cat "$log" >&2
            rm -f "$log"
            die "command failed: $*"
        }
        awk -F: '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log"
    elif command -v python3 >/dev/null 2>&1; then
        python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if r.returncode != 0:
    sys.exit(r.returncode)
print("%.0f" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))' "$@" >"$log" ||
            die "command failed: $*"
        cat "$log"
    else
        echo "n/a"
    fi
    rm -f "$log"
}

declare -A LS_MEDIAN HUGO_MEDIAN
for n in $SIZES; do
    dir="$OUT/$n"
    echo
    ensure_corpus "$dir" "$n" hugo

    ls_out="$BENCH_OUTPUT/$n/labsite"
    hugo_out="$BENCH_OUTPUT/$n/hugo"
    mkdir -p "$BENCH_OUTPUT/$n"
    ls_build=("$LABSITE" build --root "$dir/site" --out "$ls_out" --now "$NOW")
    hugo_build=(hugo --quiet -s "$dir/hugo" -d "$hugo_out")

    # Both must succeed before anything is timed.
    clear_output "$ls_out"
    clear_output "$hugo_out"
    "${ls_build[@]}" >"$dir/labsite-build.log" 2>&1 || {
        cat "$dir/labsite-build.log" >&2
        die "labsite build failed on N = $n"
    }
    tail -n 1 "$dir/labsite-build.log"
    "${hugo_build[@]}" || die "hugo failed on N = $n"

    baseline_cmd=()
    if [ -n "${BASELINE:-}" ]; then
        base_out="$BENCH_OUTPUT/$n/baseline"
        base_build=("$BASELINE" build --root "$dir/site" --out "$base_out" --now "$NOW")
        baseline_cmd=(-n baseline --prepare "$(clear_cmd "$base_out")" "${base_build[*]@Q}")
    fi
    echo "== N = $n: hyperfine ($WARMUP warm-up, $RUNS runs each; output removed before every run)"
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --style basic \
        --export-json "$dir/hyperfine.json" --export-csv "$dir/hyperfine.csv" \
        -n labsite --prepare "$(clear_cmd "$ls_out")" "${ls_build[*]@Q}" \
        -n hugo --prepare "$(clear_cmd "$hugo_out")" "${hugo_build[*]@Q}" \
        "${baseline_cmd[@]}"
    if [ -n "${BASELINE:-}" ]; then
        base_med=$(median_of "$dir/hyperfine.csv" baseline)
        base_cpu=$(cpu_of "$dir/hyperfine.csv" baseline)
        clear_output "$base_out"
        base_rss=$(peak_rss_mb "${base_build[@]}")
        clear_output "$base_out"
    fi

    ls_med=$(median_of "$dir/hyperfine.csv" labsite)
    ls_cpu=$(cpu_of "$dir/hyperfine.csv" labsite)
    hugo_cpu=$(cpu_of "$dir/hyperfine.csv" hugo)
    hugo_med=$(median_of "$dir/hyperfine.csv" hugo)
    LS_MEDIAN[$n]=$ls_med
    HUGO_MEDIAN[$n]=$hugo_med

    echo "== N = $n: peak memory (one full build each)"
    clear_output "$ls_out"
    clear_output "$hugo_out"
    ls_rss=$(peak_rss_mb "${ls_build[@]}")
    hugo_rss=$(peak_rss_mb "${hugo_build[@]}")

    echo "== N = $n: no-op rebuild (labsite build again over its own output)"
    sample="$dir/noop-sample.txt"
    (cd "$ls_out" && find . -type f | sort | awk 'NR % 97 == 1') >"$sample"
    stamp() { (cd "$ls_out" && xargs -d '\n' stat -c '%n %i %y' <"$sample"); }
    before=$(stamp)
    files_before=$(find "$ls_out" -type f | wc -l)
    sleep 1.1 # so a rewrite would show in the mtime even on coarse clocks
    "${ls_build[@]}" >"$dir/labsite-rebuild.log" 2>&1 || {
        cat "$dir/labsite-rebuild.log" >&2
        die "labsite rebuild failed on N = $n"
    }
    after=$(stamp)
    files_after=$(find "$ls_out" -type f | wc -l)
    sampled=$(wc -l <"$sample")
    changed=$(diff <(echo "$before") <(echo "$after") | grep -c '^>' || true)
    if [ "$changed" -eq 0 ] && [ "$files_before" -eq "$files_after" ]; then
        noop="no file rewritten ($sampled of $files_after files sampled: same inode and mtime)"
    else
        noop="REWROTE $changed of $sampled sampled files (files: $files_before -> $files_after)"
    fi
    echo "   $noop"
    echo "   labsite says: $(tail -n 1 "$dir/labsite-rebuild.log")"

    ratio=$(awk -v a="$ls_med" -v b="$hugo_med" 'BEGIN { printf "%.2f", a / b }')
    printf '   labsite median %.3f s, Hugo median %.3f s, labsite/Hugo %s; peak RSS labsite %s MB, Hugo %s MB\n' \
        "$ls_med" "$hugo_med" "$ratio" "$ls_rss" "$hugo_rss"
    printf '| %s | %.3f | %.3f | %s | %s | %s | %s | %s |\n' "$n" "$ls_med" "$hugo_med" "$ratio" "$ls_cpu" "$hugo_cpu" "$ls_rss" "$hugo_rss" >>"$summary.rows"
    echo "N = $n no-op rebuild: $noop" >>"$summary.noop"
    if [ -n "${BASELINE:-}" ]; then
        printf '| %s | %.3f | %.3f | %s | %s | %s | %s | %s |\n' "$n" "$ls_med" "$base_med" \
            "$(awk -v a="$ls_med" -v b="$base_med" 'BEGIN { printf "%.2f", a / b }')" \
            "$ls_cpu" "$base_cpu" "$ls_rss" "$base_rss" >>"$summary.baseline"
    fi
    clear_output "$BENCH_OUTPUT/$n"
done

{
    echo "# bench/compare.sh, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM;" \
        "labsite $(git rev-parse --short HEAD 2>/dev/null || echo '?'), Hugo $(hugo version | cut -d' ' -f2), hyperfine $(hyperfine --version | cut -d' ' -f2)."
    echo "Outputs written to $BENCH_OUTPUT ($(stat -f -c %T "$BENCH_OUTPUT")). Load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $(load_avg)."
    echo
    cat "$summary.rows"
    echo
    set -- $SIZES
    if [ $# -ge 2 ]; then
        small=$1
        large=${!#}
        awk -v a="${LS_MEDIAN[$large]}" -v b="${LS_MEDIAN[$small]}" -v c="${HUGO_MEDIAN[$large]}" -v d="${HUGO_MEDIAN[$small]}" \
            -v s="$small" -v l="$large" \
            'BEGIN { printf "time(%s)/time(%s): labsite %.2f, Hugo %.2f\n\n", l, s, a / b, c / d }'
    fi
    cat "$summary.noop"
    if [ -s "$summary.baseline" ]; then
        echo
        echo "Against the baseline binary $BASELINE, same hyperfine runs:"
        echo
        echo "| labs | labsite median (s) | baseline median (s) | labsite / baseline | labsite CPU (s) | baseline CPU (s) | labsite peak RSS (MB) | baseline peak RSS (MB) |"
        echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
        cat "$summary.baseline"
    fi
} >"$summary"
rm -f "$summary.rows" "$summary.noop" "$summary.baseline"

echo
echo "== summary (also in $summary)"
cat "$summary"
