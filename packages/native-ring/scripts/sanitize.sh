#!/bin/sh
# Builds the C++ ring core (csrc/) with AddressSanitizer and UndefinedBehaviorSanitizer into a
# standalone test binary and runs it: SPSC and broadcast across fork(), layout checks, segment and
# futex calls. CI runs this; any sanitizer report or failed check exits non-zero.
#
# Usage: scripts/sanitize.sh [messages-per-test]   (default 2000000)
set -eu
cd "$(dirname "$0")/.."
CXX="${CXX:-g++}"
OUT=build/sanitize
mkdir -p "$OUT"
"$CXX" -std=c++17 -O1 -g -fno-omit-frame-pointer \
  -fsanitize=address,undefined -fno-sanitize-recover=all \
  -Wall -Wextra -Wpedantic -Werror \
  csrc/ring_test.cc csrc/shm_segment.cc -o "$OUT/ring_test" -lrt -pthread
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  "$OUT/ring_test" "${1:-2000000}"
