#!/usr/bin/env python3
"""Every rule in diag/Rules.def has a documentation page with a bad and a good
example, a -verify test that makes it fire (Carbon's coverage_test), and a
test case that shows it not firing."""
import os
import re
import sys

root = sys.argv[1]
rules = re.findall(r'^MIGC_RULE\(\w+, "([a-z0-9-]+)"',
                   open(os.path.join(root, "diag", "Rules.def")).read(), re.M)
tests = os.path.join(root, "test", "lit", "rules")


def not_firing_problems(rules, tests):
    """Rules without a case that shows them silent: an `expected-none
    {{rule}}` in a .mig under test/lit/rules, or a FileCheck `-NOT:` line
    naming `[rule]` in a .test there."""
    silent = set()
    for dirpath, _, files in os.walk(tests):
        for name in files:
            text = open(os.path.join(dirpath, name), errors="replace").read()
            if name.endswith(".mig"):
                silent.update(re.findall(
                    r"expected-none(?:@[+-]?\d+)?\s*\{\{\s*([a-z0-9-]+)\s*\}\}", text))
            elif name.endswith(".test"):
                for line in text.splitlines():
                    if re.search(r"[\w-]+-NOT:", line):
                        silent.update(r for r in rules if f"[{r}]" in line)
    return [f"{rule}: no test under test/lit/rules shows it not firing "
            f"(`expected-none@+1 {{{{{rule}}}}}` in a .mig, "
            f"`-NOT: [{rule}]` in a .test)"
            for rule in rules if rule not in silent]


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
    fires = False
    for dirpath, _, files in os.walk(tests):
        for name in files:
            text = open(os.path.join(dirpath, name), errors="replace").read()
            if f"[{rule}]" in text:
                fires = True
    if not fires:
        problems.append(f"{rule}: no test under test/lit/rules expects `[{rule}]`")
problems += not_firing_problems(rules, tests)
for p in problems:
    print("rule-coverage:", p)
print(f"rule-coverage: {len(rules)} rules, {len(problems)} problems")
sys.exit(1 if problems else 0)
