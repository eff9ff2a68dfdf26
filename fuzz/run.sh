#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each (default 600) on inputs of up to
# 1 MiB, from the seeds and the corpus the earlier runs left. Needs the nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`). A crash, a leak, an input over 10 s or over 2 GB
# stops the run and leaves the input in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${SECONDS_EACH:-600}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(activity_parse application_quote batch_csv classify_name registry_import schedule_load)
fi
cargo +nightly fuzz build
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "== $t: ${seconds} s"
  cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -max_len=1048576 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>&1 |
    grep -E "^(stat::|==|SUMMARY|INFO: (Seed|Running|Loaded))|Done [0-9]+ runs|ERROR|panicked" || true
done
