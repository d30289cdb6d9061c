#!/usr/bin/env bash
# run_fuzzer.sh FUZZER SECONDS CORPUS_DIR SEED_DIR...: fuzz for SECONDS (bounded time, for CI),
# starting from the seeds; a crash fails the run and leaves crash-* beside the corpus.
set -euo pipefail
fuzzer=$1 secs=$2 corpus=$3
shift 3
mkdir -p "$corpus"
seeds=()
for d in "$@"; do [ -d "$d" ] && seeds+=("$d"); done
extra=()
# The RSP harness keeps one machine (Unicorn engines) for all inputs: a leak check after every
# input would scan all of it (100x slower); leaks are checked by the ASan unit tests instead.
case "$fuzzer" in *rsp*) extra+=(-detect_leaks=0) ;; esac
cd "$(dirname "$corpus")"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
    -print_final_stats=1 "${extra[@]}" "$corpus" "${seeds[@]}"
