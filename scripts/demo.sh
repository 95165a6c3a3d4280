#!/usr/bin/env bash
# Installs what mailsim needs, builds it and runs the classroom demo (the six steps).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --target mailsim
mkdir -p out
build/mailsim run scenarios/six-steps.json --trace out/six-steps.trace.json --summary out/six-steps.summary.json \
  --export out/six-steps.maildirs
if build/mailsim --help | grep -q visualize; then
  build/mailsim visualize out/six-steps.trace.json -o out/six-steps.html
  echo "Lesson written to out/six-steps.html (open it in a browser)."
fi
echo "Trace written to out/six-steps.trace.json"
