# Shared by bench/compare.sh and bench/scaling.sh (sourced from the
# repository root, after ROOT, OUT, SEED and a die() are set): builds
# labsite and the corpus generator, picks where outputs go, and makes or
# reuses a corpus.

echo "== building labsite (release)"
cargo build --release --quiet --bin labsite --example gen_corpus
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
LABSITE="$TARGET_DIR/release/labsite"
GEN="$TARGET_DIR/release/examples/gen_corpus"
[ -x "$LABSITE" ] || die "no binary at $LABSITE"

# A corpus is reused while the generator, the Hugo skeleton and the seed are
# the same: gen_corpus is deterministic.
KEY="seed $SEED, generator $(find examples/gen_corpus.rs bench/hugo -type f | sort | xargs cat | md5sum | cut -c1-12)"

# Outputs go to BENCH_OUTPUT (default /dev/shm/labsite-bench, a tmpfs). On
# ext4, creating tens of thousands of files right after deleting as many
# costs seconds of kernel time in inode allocation; on a disk, old outputs
# are moved into $trash instead, which the caller deletes at the end.
if [ -z "${BENCH_OUTPUT:-}" ]; then
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        BENCH_OUTPUT=/dev/shm/labsite-bench
    else
        BENCH_OUTPUT=$OUT/output
    fi
fi
mkdir -p "$BENCH_OUTPUT"
BENCH_OUTPUT=$(cd "$BENCH_OUTPUT" && pwd)
trash=""
if [ "$(stat -f -c %T "$BENCH_OUTPUT")" = tmpfs ]; then
    clear_cmd() { echo "rm -rf '$1'"; }
else
    trash="$BENCH_OUTPUT/.trash"
    mkdir -p "$trash"
    clear_cmd() { echo "if [ -e '$1' ]; then mv '$1' \"\$(mktemp -d -p '$trash')/\"; fi"; }
fi
# The command that empties an output folder (for hyperfine's --prepare),
# and running it.
clear_output() { eval "$(clear_cmd "$1")"; }

# ensure_corpus DIR N [hugo]: the N-lab corpus in DIR/site (and its Hugo
# twin in DIR/hugo when asked for or already there).
ensure_corpus() {
    local dir=$1 n=$2 want_hugo=${3:-}
    if [ "$(cat "$dir/.corpus-key" 2>/dev/null || true)" = "$KEY" ] &&
        [ -f "$dir/site/content/site.yaml" ] &&
        { [ -z "$want_hugo" ] || [ -f "$dir/hugo/hugo.toml" ]; }; then
        echo "== N = $n: reusing the corpus in $dir"
        return
    fi
    echo "== N = $n: generating the corpus into $dir"
    if [ -n "$want_hugo" ] || [ -d "$dir/hugo" ]; then
        "$GEN" --labs "$n" --seed "$SEED" --out "$dir/site" --hugo "$dir/hugo" --force
    else
        "$GEN" --labs "$n" --seed "$SEED" --out "$dir/site" --force
    fi
    echo "$KEY" >"$dir/.corpus-key"
}
