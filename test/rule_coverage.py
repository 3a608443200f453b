#!/usr/bin/env python3
"""Every rule in diag/Rules.def has a documentation page with a bad and a good
example, and a -verify test that makes it fire (Carbon's coverage_test)."""
import os
import re
import sys

root = sys.argv[1]
rules = re.findall(r'^MIGC_RULE\(\w+, "([a-z0-9-]+)"',
                   open(os.path.join(root, "diag", "Rules.def")).read(), re.M)
problems = []
for rule in rules:
    doc = os.path.join(root, "docs", "rules", rule + ".md")
    if not os.path.exists(doc):
        problems.append(f"{rule}: no docs/rules/{rule}.md")
    else:
        text = open(doc).read().lower()
        for part in ("bad", "good"):
            if part not in text:
                problems.append(f"{rule}: docs/rules/{rule}.md has no '{part}' example")
    tests = os.path.join(root, "test", "lit", "rules")
    fires = False
    for dirpath, _, files in os.walk(tests):
        for name in files:
            text = open(os.path.join(dirpath, name), errors="replace").read()
            if f"[{rule}]" in text:
                fires = True
    if not fires:
        problems.append(f"{rule}: no test under test/lit/rules expects `[{rule}]`")
for p in problems:
    print("rule-coverage:", p)
print(f"rule-coverage: {len(rules)} rules, {len(problems)} problems")
sys.exit(1 if problems else 0)
