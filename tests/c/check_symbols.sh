#!/usr/bin/env bash
# The dynamic symbols of libvoipsign.so: it must define only `voipsign_*`
# functions, exactly the ones include/voipsign.h declares, and never the
# test-only `voipsign_test_panic`; the test-panic build (when given) must define
# that one function more and nothing else.
#
#   tests/c/check_symbols.sh HEADER LIB.so [TEST_PANIC_LIB.so]
#
# Prints "N passed, M failed" last; exit status 1 on any failure.
set -euo pipefail

header=$1 lib=$2 panic_lib=${3:-}
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# "TYPE NAME" of every defined dynamic symbol (nm -D --defined-only).
defined() { nm -D --defined-only "$1" | awk '{print $(NF-1), $NF}' | sort; }

# The functions the header declares: every "voipsign_name(" outside comments.
declared=$(grep -vE '^[[:space:]]*(//|/?\*)' "$header" | grep -oE '\bvoipsign_[a-z0-9_]+\(' | tr -d '(' | sort -u)
[ -n "$declared" ] && ok || fail "no function found in $header"

check_lib() { # LIB EXPECTED_NAMES
    local lib=$1 want=$2 syms names
    syms=$(defined "$lib")
    names=$(awk '{print $2}' <<<"$syms" | sort -u)
    local stray
    stray=$(grep -vE '^voipsign_' <<<"$names" || true)
    [ -z "$stray" ] && ok || fail "$lib exports symbols outside voipsign_*: $(echo $stray)"
    local not_text
    not_text=$(awk '$1 != "T" {print $2 " (" $1 ")"}' <<<"$syms")
    [ -z "$not_text" ] && ok || fail "$lib exports non-function symbols: $(echo $not_text)"
    local missing extra
    missing=$(comm -23 <(echo "$want") <(echo "$names"))
    extra=$(comm -13 <(echo "$want") <(echo "$names"))
    [ -z "$missing" ] && ok || fail "$lib lacks declared functions: $(echo $missing)"
    [ -z "$extra" ] && ok || fail "$lib exports functions not in the list: $(echo $extra)"
    echo "$lib: $(wc -l <<<"$names") symbols, all voipsign_*"
}

check_lib "$lib" "$declared"
if nm -D --defined-only "$lib" | grep -qw voipsign_test_panic; then
    fail "$lib (the release library) exports the test-only voipsign_test_panic"
else
    ok
fi
if grep -qw voipsign_test_panic "$header"; then
    fail "$header declares the test-only voipsign_test_panic"
else
    ok
fi
if [ -n "$panic_lib" ]; then
    check_lib "$panic_lib" "$(printf '%s\nvoipsign_test_panic\n' "$declared" | sort -u)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
