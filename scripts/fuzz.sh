#!/usr/bin/env bash
# Bounded fuzzing of every decoder target (tests/fuzz), one after another, then a trim of
# the corpus to what is committed.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default 60 s, every target)
#   scripts/fuzz.sh trim [TARGET...]                       (only the trim)
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). A crash stops the
# script and leaves the input in tests/fuzz/artifacts/<target>/: add it to the corpus once
# fixed, so tests/fuzz_corpus.rs replays it in every test run.
#
# The trim keeps the corpus small enough to commit: the seeds, plus the smallest inputs of an
# edge-cover merge of everything found, spread over their sizes (at most 40 files and
# 64 KB a target). A long run's
# full corpus stays on the machine that ran it (tests/fuzz/full/, ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=run
if [ "${1:-}" = trim ]; then
    mode=trim
    shift
fi
secs=60
if [ "$mode" = run ] && [ $# -gt 0 ]; then
    secs="$1"
    shift
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' tests/fuzz/Cargo.toml | grep -v '^cuedesk-fuzz$')
fi
bin=tests/fuzz/target/x86_64-unknown-linux-gnu/release
# The seeds (small simulated answers and the wire's quirks) into the corpus.
cargo test --quiet --test fuzz_corpus -- --ignored write_seed_corpus >/dev/null
cargo +nightly fuzz build --fuzz-dir tests/fuzz -O
for t in "${targets[@]}"; do
    corpus="tests/fuzz/corpus/$t"
    full="tests/fuzz/full/$t"
    mkdir -p "$full"
    cp -n "$corpus"/* "$full"/ 2>/dev/null || true
    if [ "$mode" = run ]; then
        echo "== $t: ${secs} s"
        cargo +nightly fuzz run --fuzz-dir tests/fuzz -O "$t" "$full" -- \
            -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 2>&1 |
            grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done|==|SUMMARY)|panicked|ERROR' || true
        if [ -n "$(ls -A "tests/fuzz/artifacts/$t" 2>/dev/null)" ]; then
            echo "$t: crash inputs in tests/fuzz/artifacts/$t" >&2
            exit 1
        fi
    fi
    # Trim: an edge-cover merge of the full corpus, then the seeds and the smallest inputs.
    merged=$(mktemp -d)
    "$bin/$t" -set_cover_merge=1 -use_counters=0 -use_value_profile=0 -rss_limit_mb=4096 \
        "$merged" "$full" >/dev/null 2>&1
    find "$corpus" -type f ! -name 'seed-*' -delete
    # 40 inputs spread evenly over the merge's sizes (tiny ones fail early; big ones reach
    # the tables), within 64 KB.
    mapfile -t files < <(find "$merged" -type f -printf '%s %p\n' | sort -n)
    n=${#files[@]}
    want=$((n < 40 ? n : 40))
    budget=65536
    for ((i = 0; i < want; i++)); do
        read -r size file <<<"${files[i * n / want]}"
        [ "$size" -gt "$budget" ] && continue
        cp "$file" "$corpus/"
        budget=$((budget - size))
    done
    rm -rf "$merged"
    bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
    echo "$t: $(ls "$corpus" | wc -l) files, $bytes bytes committed ($(ls "$full" | wc -l) in the full corpus)"
done
