#!/usr/bin/env bash
# The benchmarks of docs/performance.md, in one command:
#   bash bench/run.sh [MESSAGES ...]        (default: 10000 100000)
# 1. Google Benchmark (build/bench/mailsim_bench): PHOLD on the engine and on a bare
#    std::priority_queue loop in the same process (BM_PholdRatio's `ratio`), engine micro-benchmarks.
# 2. The mail flow (50 domains, 1000 users, 1000 messages/s, 20 ms between servers, POP3 every 10 s),
#    written by `mailsim generate`, run by the real binary in both network models, trace off and
#    streaming to a JSON Lines file: wall and CPU time (user + system), messages per CPU second
#    (steady on a shared machine, where wall time is not) and peak RSS (/usr/bin/time).
# Builds build/ with -DMAILSIM_BENCH=ON (Release) first.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMAILSIM_BENCH=ON >/dev/null
cmake --build build --target mailsim mailsim_bench >/dev/null
build/bench/mailsim_bench --benchmark_filter='Phold|ScheduleAndRun|CancelHeavy'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '\n%-9s %-8s %-6s %8s %8s %14s %9s %9s\n' model messages trace "wall s" "CPU s" "messages/CPU s" "peak MiB" "trace MB"
for n in "${sizes[@]}"; do
  for model in packets lines; do
    build/mailsim generate "$tmp/flow.json" --force --domains 50 --users 1000 --rate 1000/s --messages "$n" \
      --user-latency 1ms --server-latency 20ms --poll 10s --same-domain 0 --network "$model"
    for trace in off jsonl; do
      args=(run "$tmp/flow.json" -q)
      [ "$trace" = off ] || args+=(--trace "$tmp/t.jsonl")
      /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" build/mailsim "${args[@]}"
      read -r wall user sys kib < "$tmp/time"
      size=$([ "$trace" = off ] && echo - || echo $(( $(stat -c %s "$tmp/t.jsonl") / 1000000 )))
      rm -f "$tmp/t.jsonl"
      awk -v m="$model" -v n="$n" -v t="$trace" -v w="$wall" -v u="$user" -v y="$sys" -v k="$kib" -v s="$size" \
        'BEGIN { c = u + y; printf "%-9s %-8d %-6s %8.2f %8.2f %14.0f %9.0f %9s\n", m, n, t, w, c, n / c, k / 1024, s }'
    done
  done
done
