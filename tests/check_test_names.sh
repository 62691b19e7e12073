#!/usr/bin/env bash
# catch_discover_tests splits test names at ';' (a CMake list), and the pieces then match no test
# and "pass" without running anything. Fails when a TEST_CASE name holds a ';'.
root=${1:-$(dirname "$0")/..}
hits=$(grep -rn --include='*.cpp' -E 'TEST_CASE\("[^"]*;' "$root/tests" || true)
[ -z "$hits" ] && { echo "test names ok"; exit 0; }
echo "test names with ';' (ctest would run none of them):"; echo "$hits"; exit 1
