"""Health probe: exit 0 when the URL answers 200, 1 otherwise (no curl needed in the host view)."""
import sys
import urllib.request

try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception as e:  # noqa: BLE001 - any failure is an unhealthy probe
    print(e)
    sys.exit(1)
