#!/usr/bin/env bash
# Fails when a module includes what it must not see:
#   runtime/ must not include network/, orchestrator/ or yaml-cpp;
#   network/ must not include orchestrator/ or the container machinery of runtime/ (runtime/sys is fine);
#   nothing outside orchestrator/load/ includes yaml-cpp.
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
bad=0
check() {  # dir regex message
    local hits
    hits=$(grep -rnE --include='*.hpp' --include='*.cpp' --include='*.h' "$2" "$1" 2>/dev/null || true)
    if [ -n "$hits" ]; then
        echo "layering violation: $3"
        echo "$hits"
        bad=1
    fi
}
check runtime '#include\s*[<"](network|orchestrator)/' "runtime/ includes network/ or orchestrator/"
check runtime '#include\s*[<"]yaml-cpp/' "runtime/ includes yaml-cpp"
check network '#include\s*[<"]orchestrator/' "network/ includes orchestrator/"
check image '#include\s*[<"](network|orchestrator)/' "image/ includes network/ or orchestrator/"
hits=$(grep -rnP --include='*.hpp' --include='*.cpp' '#include\s*[<"]runtime/(?!sys/)' image 2>/dev/null | grep -v '^image/build/' || true)
[ -n "$hits" ] && { echo "layering violation: image/ beyond image/build/ includes runtime/ beyond runtime/sys"; echo "$hits"; bad=1; }
hits=$(grep -rnP --include='*.hpp' --include='*.cpp' '#include\s*[<"]runtime/(?!sys/)' network 2>/dev/null || true)
[ -n "$hits" ] && { echo "layering violation: network/ includes runtime/ beyond runtime/sys"; echo "$hits"; bad=1; }
hits=$(grep -rnE --include='*.hpp' --include='*.cpp' '#include\s*[<"]yaml-cpp/' runtime network image orchestrator 2>/dev/null \
       | grep -v '^orchestrator/load/' || true)
[ -n "$hits" ] && { echo "layering violation: yaml-cpp outside orchestrator/load/"; echo "$hits"; bad=1; }
hits=$(grep -rnE --include='*.hpp' '#include\s*[<"]boost/(asio|process|beast)' runtime/sys orchestrator/model orchestrator/load image/store 2>/dev/null || true)
[ -n "$hits" ] && { echo "layering violation: Boost-heavy header in a widely included header"; echo "$hits"; bad=1; }
[ $bad -eq 0 ] && echo "layering ok"
exit $bad
