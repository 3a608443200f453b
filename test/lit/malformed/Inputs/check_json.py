#!/usr/bin/env python3
"""Checks that a file is one JSON array of well-formed migc diagnostics.

Usage: check_json.py FILE [--located] [--rules rule,rule] [--count N]

Every element must have file, line, column, endLine, endColumn, severity,
rule, message and notes, with sane types; the location is either all null
(nothing to point into) or a file with line and column at least 1. --located
requires every diagnostic to have a location; --rules lists
rules that must all appear; --count gives the exact number of diagnostics.
Prints nothing and exits 0 when the file passes.
"""
import json
import sys


def fail(msg):
    sys.exit("check_json.py: " + msg)


def main():
    args = sys.argv[1:]
    path = args.pop(0)
    located = "--located" in args
    rules = []
    count = None
    if "--rules" in args:
        rules = args[args.index("--rules") + 1].split(",")
    if "--count" in args:
        count = int(args[args.index("--count") + 1])
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, list):
        fail("not a JSON array")
    for d in data:
        for key, kind in (("severity", str), ("rule", str), ("message", str),
                          ("notes", list)):
            if not isinstance(d.get(key), kind):
                fail("diagnostic without a %s %s: %r" % (kind.__name__, key, d))
        # A diagnostic without a location (an unreadable path) has nulls.
        for key, kind in (("file", str), ("line", int), ("column", int),
                          ("endLine", int), ("endColumn", int)):
            if key not in d or not (d[key] is None or isinstance(d[key], kind)):
                fail("diagnostic without a %s %s: %r" % (kind.__name__, key, d))
        if d["severity"] not in ("error", "warning", "note"):
            fail("bad severity: %r" % d)
        if not d["rule"] or not d["message"]:
            fail("empty rule or message: %r" % d)
        if d["line"] is None:
            if located:
                fail("diagnostic without a location: %r" % d)
            continue
        if not d["file"] or d["line"] < 1 or d["column"] < 1:
            fail("diagnostic with a bad location: %r" % d)
        if (d["endLine"], d["endColumn"]) < (d["line"], d["column"]):
            fail("range ends before it starts: %r" % d)
    seen = {d["rule"] for d in data}
    for r in rules:
        if r not in seen:
            fail("no %s diagnostic among %s" % (r, sorted(seen)))
    if count is not None and len(data) != count:
        fail("%d diagnostics, expected %d" % (len(data), count))


if __name__ == "__main__":
    main()
