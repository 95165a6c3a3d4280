#!/usr/bin/env bash
# Installs what the build and the tests need, builds everything and runs every test
# (Catch2 unit tests and end-to-end tests through the real binary) with ctest.
# MAILSIM_SANITIZE=1 builds and tests under AddressSanitizer and UBSan instead (build-asan/).
# CI=true (.ci/run): one clang build with ASan + UBSan that also links the libFuzzer targets,
# warnings as errors (build-ci/): the whole suite runs under the sanitizers, then each fuzzer
# runs for 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dir=build
flags=()
if [ "${MAILSIM_SANITIZE:-0}" = 1 ]; then
  dir=build-asan
  flags=(-DMAILSIM_SANITIZE=ON)
fi
if [ "${CI:-}" = true ]; then
  dir=build-ci
  flags=(-DMAILSIM_SANITIZE=ON -DMAILSIM_FUZZ=ON -DMAILSIM_WERROR=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
fi
if [ -f tests/browser/package.json ] && [ ! -d tests/browser/node_modules ]; then
  npm --prefix tests/browser ci --no-audit --no-fund
fi
cmake -S . -B "$dir" -G Ninja "${flags[@]}"
cmake --build "$dir"
ctest --test-dir "$dir" --output-on-failure -j2
if [ "${CI:-}" = true ]; then
  MAILSIM_FUZZ_BUILD="$dir" bash scripts/fuzz.sh 10
fi
