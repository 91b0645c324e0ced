#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (address sanitizer, libFuzzer coverage in the Swift and C code)
# and runs each for the given number of seconds from its seed corpus. Fails on any crash, leak, time-out
# (an input that takes over 5 s) or memory blow-up, leaving the input under Fuzz/.build/artifacts/.
#
#   scripts/fuzz.sh [seconds-per-target] [target…]     (default: 60 s, every target)
#   scripts/fuzz.sh 12 FuzzEventLogs
#
# New inputs the fuzzer finds go to Fuzz/.build/corpus/<target>/ (kept between runs, never committed);
# the seeds in Fuzz/Corpus/<target>/ are only read. To replay one input: Fuzz/.build/debug/<target> FILE.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
export PATH="/opt/swift/usr/bin:$PATH"

seconds="${1:-60}"
shift || true
all_targets=(FuzzGuideLint FuzzCondition FuzzUserState FuzzEventLogs)
targets=("${@:-${all_targets[@]}}")

# The longest input per target: enough for a guide, a request, a few states or a few dozen events,
# small enough that libFuzzer spends its time on structure rather than on bulk.
max_len() {
    case "$1" in
        FuzzCondition) echo 4096 ;;
        *) echo 16384 ;;
    esac
}

# `--sanitize` instruments the C targets (CHotPath, libyaml) too, but passes swiftc one `-sanitize=` per
# sanitizer, and swiftc keeps only the last: without `-Xswiftc -sanitize=fuzzer,address` (which comes
# last) the Swift code would have no coverage counters. `-parse-as-library`: main is libFuzzer's.
echo "== building the fuzz targets (debug, fuzzer + address sanitizer)"
mkdir -p .build
build_log=".build/fuzz-build.log"
if ! swift build -c debug --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address \
    -Xswiftc -parse-as-library >"$build_log" 2>&1; then
    grep -v "Cannot export local symbol '__asan" "$build_log" | grep -E "error|warning" | head -40
    echo "FAILED: the fuzz targets do not build (log: Fuzz/$build_log)"
    exit 1
fi
tail -n 1 "$build_log"

# Leaks fail the run; a finished input that leaves memory behind is a leak. Swift's own crash handler
# is off: it reads memory that the address sanitizer then reports instead of the real failure.
export SWIFT_BACKTRACE="enable=no"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

failed=()
for target in "${targets[@]}"; do
    corpus=".build/corpus/$target"
    artifacts=".build/artifacts/$target/"
    mkdir -p "$corpus" "$artifacts"
    dict=()
    [[ -f "Dictionaries/$target.dict" ]] && dict=("-dict=Dictionaries/$target.dict")
    echo "== $target: ${seconds}s"
    log=".build/fuzz-$target.log"
    if ".build/debug/$target" "$corpus" "Corpus/$target" "${dict[@]}" \
        -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=5 -rss_limit_mb=2048 \
        -malloc_limit_mb=1024 -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1; then
        grep -E "^(stat::number_of_executed_units|stat::new_units_added)|Done [0-9]+ runs" "$log" | tr '\n' ' '
        echo
    else
        echo "FAILED: $target (log: Fuzz/$log)"
        grep -E "ERROR|Fatal error|SUMMARY|Test unit written|timeout|leak" "$log" | head -20
        failed+=("$target")
    fi
done

if ((${#failed[@]})); then
    echo "== fuzzing found problems in: ${failed[*]}"
    exit 1
fi
echo "== no crash, leak or time-out in ${#targets[@]} targets"
