#!/usr/bin/env bash
# Installs the Debian packages streamcheck uses where a machine lacks them: strace (file-operation
# traces, syscall crash points and power-loss states: level L5) and chromium (the headless browser
# the HTML report's test loads its pages in; playwright-core drives it and never downloads one) and
# python3 at /usr/bin/python3 (examples/python-sut's manifest names it there, not through a version
# manager's shim on PATH, which cost seconds per start on a loaded machine: PROTOCOL.md §9).
# Idempotent. Without root or apt-get it says which are missing and exits 0: the suite then runs the
# faults it can and names what it skipped (L5 is reported inconclusive, the browser test skipped).
set -uo pipefail

wanted=(strace chromium python3)
missing=()
# Where each is looked for: python3 at Debian's own path, the others anywhere on PATH.
where() { if [ "$1" = python3 ]; then [ -x /usr/bin/python3 ] && echo /usr/bin/python3; else command -v "$1"; fi; }
for p in "${wanted[@]}"; do
  if found=$(where "$p") && [ -n "$found" ]; then echo "$p: already installed ($found)"; else missing+=("$p"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "not installed, and cannot install here (needs root and apt-get): ${missing[*]}. Without strace level L5 is inconclusive; without chromium the HTML report's browser test is skipped."
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  for p in "${missing[@]}"; do echo "$p: installed ($(command -v "$p"))"; done
else
  echo "apt-get install ${missing[*]} failed: without strace level L5 is inconclusive; without chromium the HTML report's browser test is skipped"
fi
exit 0
