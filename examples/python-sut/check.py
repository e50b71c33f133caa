#!/usr/bin/env python3
"""Self-test of the Python SUT (run from the repository root, after `npx tsc -p .`):

  python3 examples/python-sut/check.py [--no-reference] [--every K] [program.json input.json ...]

For each (program, input) pair (default: every tests/*.program.json with its .input.json):
  1. failure-free run of the SUT; its output directory must equal the reference engine's byte for byte
     (run as a black box: node dist/reference/cli/engine.js);
  2. for every crash point n (or every K-th): STREAMCHECK_CRASH_AT=n, then restart without it until
     exit 0; the output directory must equal the failure-free run's.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SUT = [sys.executable, os.path.join(HERE, "sut.py")]
REF = ["node", "dist/reference/cli/engine.js"]


def tree(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            if f.startswith(".") or f.endswith(".tmp"):
                continue
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def run(cmd, prog, inp, ck, out, crash_at=None):
    env = dict(os.environ, STREAMCHECK_PROGRAM=prog, STREAMCHECK_INPUT=inp, STREAMCHECK_CHECKPOINT_DIR=ck,
               STREAMCHECK_OUTPUT_DIR=out, STREAMCHECK_SCRATCH_DIR=tempfile.mkdtemp(), STREAMCHECK_EVENTS="no-crash-points")
    env.pop("STREAMCHECK_CRASH_AT", None)
    if crash_at is not None:
        env["STREAMCHECK_CRASH_AT"] = str(crash_at)
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return r


def fresh():
    d = tempfile.mkdtemp(prefix="pysut-")
    ck, out = os.path.join(d, "ck"), os.path.join(d, "out")
    os.makedirs(ck)
    os.makedirs(out)
    return d, ck, out


def diff(a, b):
    ka, kb = set(a), set(b)
    if ka != kb:
        return "files differ: only left %s, only right %s" % (sorted(ka - kb)[:5], sorted(kb - ka)[:5])
    for k in sorted(ka):
        if a[k] != b[k]:
            return "%s differs:\n  %r\n  %r" % (k, a[k][:300], b[k][:300])
    return None


def main(argv):
    use_ref = "--no-reference" not in argv
    every = 1
    if "--every" in argv:
        every = int(argv[argv.index("--every") + 1])
    args = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--every")]
    if args:
        pairs = list(zip(args[0::2], args[1::2]))
    else:
        pairs = [(p, p.replace(".program.json", ".input.json"))
                 for p in sorted(glob.glob(os.path.join(HERE, "tests", "*.program.json")))]
    failures = 0
    for prog, inp in pairs:
        name = os.path.basename(prog)
        d, ck, out = fresh()
        r = run(SUT, prog, inp, ck, out)
        if r.returncode != 0:
            print("FAIL %s: SUT exit %d\n%s" % (name, r.returncode, r.stderr))
            failures += 1
            continue
        base = tree(out)
        points = [int(l.split('"crashPoints":')[1].rstrip("}")) for l in r.stdout.splitlines() if '"done"' in l][0]
        msg = "%s: %d files, %d crash points" % (name, len(base), points)
        if use_ref:
            d2, ck2, out2 = fresh()
            rr = subprocess.run(REF + ["--program", prog, "--input", inp, "--checkpoint-dir", ck2, "--output-dir", out2,
                                       "--events", "none"], capture_output=True, text=True)
            if rr.returncode != 0:
                print("FAIL %s: reference exit %d %s" % (name, rr.returncode, rr.stderr))
                failures += 1
                continue
            dd = diff(base, tree(out2))
            if dd:
                print("FAIL %s vs reference: %s" % (name, dd))
                failures += 1
            else:
                msg += ", equals the reference engine"
            shutil.rmtree(d2)
        crash_fail = 0
        tried = 0
        for n in range(1, points + 1, every):
            tried += 1
            d3, ck3, out3 = fresh()
            r = run(SUT, prog, inp, ck3, out3, crash_at=n)
            if r.returncode != -9:
                print("FAIL %s crash at %d: expected SIGKILL, exit %d" % (name, n, r.returncode))
                crash_fail += 1
                continue
            for _ in range(5):
                r = run(SUT, prog, inp, ck3, out3)
                if r.returncode == 0:
                    break
            if r.returncode != 0:
                print("FAIL %s crash at %d: restart exit %d %s" % (name, n, r.returncode, r.stderr))
                crash_fail += 1
                continue
            dd = diff(base, tree(out3))
            if dd:
                print("FAIL %s crash at %d: %s" % (name, n, dd))
                crash_fail += 1
            shutil.rmtree(d3)
        failures += crash_fail
        print("%s %s; %d crash runs, %d failed" % ("ok  " if not crash_fail else "FAIL", msg, tried, crash_fail))
        shutil.rmtree(d)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
