"""What the integration tests share: the check tally, running migc, and the
run-every-part-then-clean-up frame of their main(). Standard library only."""

import json
import os
import re
import shutil
import subprocess
import time


class Checks:
    """One line per check; the tally decides the exit status."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def record(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("PASS " + name)
        else:
            self.failed += 1
            self.failures.append(name)
            print("FAIL " + name)
            lines = (detail or "").rstrip().splitlines()
            for line in lines[:40]:
                print("    " + line)
            if len(lines) > 40:
                print("    ... (%d more lines)" % (len(lines) - 40))
        return ok


def run(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


def migc_schema(migc, path, at=None):
    """`migc schema --format=json`; a single file is taken alone
    (--isolated), as an emit of it is."""
    argv = [migc, "schema", "--format=json"]
    if os.path.isfile(path):
        argv.append("--isolated")
    if at:
        argv.append("--at=" + at)
    r = run(argv + [path])
    if r.returncode != 0:
        raise RuntimeError("migc schema failed (%d): %s" % (r.returncode, r.stderr))
    return json.loads(r.stdout)


def migc_emit_dir(migc, path, out, target):
    """`migc emit -o`: [((n, name), up_path, down_path or None)] in order."""
    r = run([migc, "emit", "--target=" + target, "-o", out, path])
    if r.returncode != 0:
        raise RuntimeError("migc emit -o failed (%d): %s" % (r.returncode, r.stderr))
    ups, downs = {}, {}
    for f in os.listdir(out):
        m = re.fullmatch(r"(\d+)_(.+)\.(up|down)\.sql", f)
        if m:
            key = (int(m.group(1)), m.group(2))
            (ups if m.group(3) == "up" else downs)[key] = os.path.join(out, f)
    return [(k, ups[k], downs.get(k)) for k in sorted(ups)]


def concat(paths, dest):
    with open(dest, "w") as out:
        for p in paths:
            with open(p) as f:
                out.write(f.read())
            out.write("\n")
    return dest


def run_parts(checks, parts, only=None):
    """Runs each (label, fn); an exception is a failed check, not a crash."""
    for label, fn in parts:
        if only and label not in only:
            continue
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            checks.record("%s: unexpected error" % label, False,
                          "%s: %s" % (type(e).__name__, e))


def finish(checks, server, tmp, keep, started_at):
    """Stops the server, removes (or keeps) the temp folder, prints the
    tally; returns the exit status."""
    server.stop()
    if keep:
        print("kept %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print("time: %.1fs" % (time.time() - started_at))
    if checks.failures:
        print("failed: " + "; ".join(checks.failures))
    print("%d passed, %d failed" % (checks.passed, checks.failed))
    return 0 if checks.failed == 0 else 1
