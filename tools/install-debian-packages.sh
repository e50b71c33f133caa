#!/usr/bin/env bash
# Installs the Debian packages streamcheck uses where a machine lacks them: strace (file-operation
# traces, syscall crash points and power-loss states: level L5) and chromium (the headless browser
# the HTML report's test loads its pages in; playwright-core drives it and never downloads one) and
# postgresql (the server examples/postgres-sut keeps its state in; its test starts a private one, never
# the system's service) and python3 at /usr/bin/python3 (examples/python-sut's manifest names it there,
# not through a version manager's shim on PATH, which cost seconds per start on a loaded machine:
# PROTOCOL.md §9).
# Idempotent. Without root or apt-get it says which are missing and exits 0: the suite then runs the
# faults it can and names what it skipped (L5 is reported inconclusive, the browser test skipped).
set -uo pipefail

wanted=(strace chromium postgresql python3)
missing=()
# Where each is looked for: postgresql's server binaries (not on PATH), python3 at Debian's own
# path, the others anywhere on PATH.
where() {
  case $1 in
    postgresql) ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 ;;
    python3) [ -x /usr/bin/python3 ] && echo /usr/bin/python3 ;;
    *) command -v "$1" ;;
  esac
}
for p in "${wanted[@]}"; do
  if found=$(where "$p") && [ -n "$found" ]; then echo "$p: already installed ($found)"; else missing+=("$p"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "not installed, and cannot install here (needs root and apt-get): ${missing[*]}. Without strace level L5 is inconclusive; without chromium the HTML report's browser test is skipped; without postgresql the postgres-sut test (npm run test:services) is skipped."
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# The postgresql package would start the system's own cluster; nothing here uses it (tests run a
# private server), so service starts are refused for the duration of the install.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1; fi
if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  for p in "${missing[@]}"; do echo "$p: installed ($(where "$p"))"; done
else
  echo "apt-get install ${missing[*]} failed: without strace level L5 is inconclusive; without chromium the HTML report's browser test is skipped; without postgresql the postgres-sut test is skipped"
fi
if [ "$own_policy" -eq 1 ]; then rm -f "$policy"; fi
exit 0
