#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, in build-fuzz/ or $MAILSIM_FUZZ_BUILD) and runs each for a
# bounded time: scripts/fuzz.sh [SECONDS_EACH] [TARGET ...]   (default 10 s, every target).
# Seeds: tests/fuzz/corpus/<target>/ (read only); inputs found on the way go to
# $build/corpus/<target>/; a crash is saved in $build/crashes/<target>/ and makes
# the script fail. Copy such an input to tests/fuzz/regressions/<target>/ with the fix, so
# ctest (fuzz_replay_<target>) replays it for ever.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cpp; do t=$(basename "$f" .cpp); targets+=("${t#fuzz_}"); done
fi
# MAILSIM_FUZZ_BUILD: an existing build made with -DMAILSIM_FUZZ=ON (CI reuses its own).
build=${MAILSIM_FUZZ_BUILD:-build-fuzz}
if [ -z "${MAILSIM_FUZZ_BUILD:-}" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DMAILSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target "${targets[@]/#/fuzz_}"
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/crashes/$t"
  echo "== fuzz_$t for ${seconds}s"
  if ! "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/crashes/$t/" \
      "$build/corpus/$t" "tests/fuzz/corpus/$t" 2> "$build/fuzz_$t.log"; then
    echo "fuzz_$t FOUND A PROBLEM: see $build/fuzz_$t.log and $build/crashes/$t/"
    grep -E "ERROR|SUMMARY|Test unit written" "$build/fuzz_$t.log" | head -5 || true
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/fuzz_$t.log" | tr '\n' ' '
  echo
done
exit $status
