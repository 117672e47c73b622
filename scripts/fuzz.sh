#!/usr/bin/env bash
# Bounded fuzzing of every decoder target (tests/fuzz), one after another.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default 60 s, every target)
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). New inputs go to
# tests/fuzz/corpus/<target>; `cargo fuzz cmin` keeps it small before committing. A crash
# stops the script and leaves the input in tests/fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' tests/fuzz/Cargo.toml | grep -v '^cuedesk-fuzz$')
fi
# The seeds (small simulated answers and the wire's quirks) into the corpus.
cargo test --quiet --test fuzz_corpus -- --ignored write_seed_corpus >/dev/null
cargo +nightly fuzz build --fuzz-dir tests/fuzz -O
for t in "${targets[@]}"; do
    echo "== $t: ${secs} s"
    cargo +nightly fuzz run --fuzz-dir tests/fuzz -O "$t" "tests/fuzz/corpus/$t" -- \
        -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 2>&1 |
        grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done|==|SUMMARY)|panicked|ERROR' || true
    if [ -n "$(ls -A "tests/fuzz/artifacts/$t" 2>/dev/null)" ]; then
        echo "$t: crash inputs in tests/fuzz/artifacts/$t" >&2
        exit 1
    fi
done
