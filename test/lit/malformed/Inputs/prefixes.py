#!/usr/bin/env python3
"""Runs migc on damaged copies of valid files and checks it never crashes.

Usage: prefixes.py MIGC WORKDIR KIND FILE...

KIND is `prefixes` (the file cut after every token and just inside every
string, quoted name and comment, as an editor sees it while typing) or `mutants` (tokens deleted, doubled or
replaced by other tokens, 4 seeds per file). Every run must exit 0 or 1
within 20 seconds; an exit status of 1 must come with at least one located
error (`file:line:col: error:`). Prints a summary and, for each failure, the
damaged input kept in WORKDIR; exits 1 if anything failed.
"""
import os
import random
from concurrent.futures import ThreadPoolExecutor
import re
import subprocess
import sys

TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/"
                   r"|[A-Za-z_][A-Za-z0-9_]*|[0-9]+(?:\.[0-9]*)?|<>|<=|>=|!=|\|\||\S",
                   re.S)
LOCATED = re.compile(rb"^.+:[0-9]+:[0-9]+: error: .*\[[a-z-]+\]$", re.M)


def prefixes(text):
    """Cuts after every token, and inside strings, names and comments."""
    cuts = set()
    for m in TOKEN.finditer(text):
        cuts.add(m.end())
        if m.group()[0] in "'\"-/" and len(m.group()) > 1:
            cuts.add(m.start() + 1)
    return [text[:c] for c in sorted(cuts)]


def mutants(text, seed):
    rng = random.Random(seed)
    words = sorted(set(TOKEN.findall(text)))
    out = []
    for _ in range(25):
        s = text
        for _ in range(rng.randint(1, 3)):
            toks = list(TOKEN.finditer(s))
            t = rng.choice(toks)
            op = rng.randrange(3)
            rep = ("" if op == 0 else t.group() + " " + t.group() if op == 1
                   else rng.choice(words))
            s = s[:t.start()] + rep + s[t.end():]
        out.append(s)
    return out


def main():
    migc, work, kind = sys.argv[1:4]
    files = sys.argv[4:]
    os.makedirs(work, exist_ok=True)
    jobs = []
    for path in files:
        text = open(path, encoding="utf-8").read()
        if kind == "prefixes":
            inputs = prefixes(text)
        else:
            inputs = [m for seed in range(4) for m in mutants(text, seed)]
        base = os.path.splitext(os.path.basename(path))[0]
        for i, damaged in enumerate(inputs):
            mig = os.path.join(work, "%s-%s-%d.mig" % (base, kind, i))
            with open(mig, "w", encoding="utf-8") as f:
                f.write(damaged)
            jobs.append(mig)

    def run(mig):
        try:
            r = subprocess.run([migc, "check", "--isolated", mig],
                               capture_output=True, timeout=20)
            code, out = r.returncode, r.stdout + r.stderr
        except subprocess.TimeoutExpired:
            code, out = "timeout", b""
        if code not in (0, 1):
            return mig, "exit status %s" % code, out
        if code == 1 and not LOCATED.search(out):
            return mig, "exit status 1 without a located error", out
        os.unlink(mig)
        return None

    runs, failures = len(jobs), 0
    with ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as pool:
        for result in pool.map(run, jobs):
            if result:
                mig, bad, out = result
                failures += 1
                print("FAIL %s: %s" % (mig, bad))
                print(out.decode("utf-8", "replace")[:2000])
    print("%d runs, %d failures" % (runs, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
