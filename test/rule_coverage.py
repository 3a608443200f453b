#!/usr/bin/env python3
"""Every rule in diag/Rules.def has a documentation page with a bad and a good
example, a -verify test that makes it fire (Carbon's coverage_test), a test
case that shows it not firing, and exactly one stage or pass of
passes/Passes.def that claims it; every pass has its file, the table of
docs/internals.md says what Passes.def says, and docs/rules/README.md lists
every rule with its default severity."""
import os
import re
import sys

root = sys.argv[1]
rule_ids = dict(re.findall(r'^MIGC_RULE\((\w+), "([a-z0-9-]+)"',
                           open(os.path.join(root, "diag", "Rules.def")).read(), re.M))
rules = list(rule_ids.values())
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


def passes():
    """(kind, identifier, name, [rule names]) of each line of Passes.def."""
    text = open(os.path.join(root, "passes", "Passes.def")).read()
    text = re.sub(r"//.*", "", text)
    out = []
    for m in re.finditer(r'^MIGC_(STAGE|PASS)\((\w+),\s*"([a-z-]+)",(.*?)\)\s*$',
                         text, re.M | re.S):
        kind, ident, name, rest = m.groups()
        rest = re.sub(r'"[^"]*"', "", rest)
        words = re.findall(r"\w+", rest)
        if kind == "PASS":
            words = words[2:]  # the shape and how it runs
        out.append((kind, ident, name, words))
    return out


def registry_problems():
    problems, claimed = [], {}
    entries = passes()
    if not entries:
        return ["passes/Passes.def: no stage or pass found"]
    for kind, ident, name, words in entries:
        for w in words:
            if w not in rule_ids:
                problems.append(f"passes/Passes.def: {name} claims `{w}`, which is not in diag/Rules.def")
                continue
            rule = rule_ids[w]
            # Stages may share a rule (the parser and the walk both report
            # syntax errors); a pass's rules are its own.
            if rule in claimed and (kind == "PASS" or claimed[rule][0][0] == "PASS"):
                problems.append(f"{rule}: claimed by both {claimed[rule][0][1]} and {name} in passes/Passes.def")
            claimed.setdefault(rule, []).append((kind, name))
        if kind == "PASS":
            src = os.path.join(root, "passes", ident + ".cpp")
            if not os.path.exists(src) or f"create{ident}Pass" not in open(src).read():
                problems.append(f"passes/Passes.def: pass {name} has no passes/{ident}.cpp defining create{ident}Pass")
    for rule in rules:
        if rule not in claimed:
            problems.append(f"{rule}: no stage or pass in passes/Passes.def claims it")
    # docs/internals.md lists, for each rule, the stage or pass that reports it.
    doc = os.path.join(root, "docs", "internals.md")
    listed = {}
    if os.path.exists(doc):
        for m in re.finditer(r"^\| `([a-z0-9-]+)` \| (`[a-z-]+`(?:, `[a-z-]+`)*) \|", open(doc).read(), re.M):
            listed[m.group(1)] = m.group(2)
    for rule, claims in claimed.items():
        names = ", ".join(f"`{n}`" for _, n in claims)
        if listed.get(rule) != names:
            problems.append(f"{rule}: docs/internals.md should list it under {names} (its table of rules)")
    for rule in listed:
        if rule not in claimed:
            problems.append(f"docs/internals.md lists `{rule}`, which no pass claims")
    return problems


def catalogue_problems():
    """docs/rules/README.md has one row per rule, with its default severity."""
    severity = dict(re.findall(r'^MIGC_RULE\(\w+, "([a-z0-9-]+)", (\w+),',
                               open(os.path.join(root, "diag", "Rules.def")).read(), re.M))
    doc = os.path.join(root, "docs", "rules", "README.md")
    if not os.path.exists(doc):
        return ["docs/rules/README.md is missing (the catalogue of rules)"]
    rows = {}
    for m in re.finditer(r"^\| \[`([a-z0-9-]+)`\]\(([a-z0-9-]+)\.md\) \| ([^|]+) \| (\w+) \|",
                         open(doc).read(), re.M):
        rule, page, sev = m.group(1), m.group(2), m.group(4)
        rows[rule] = ("twice" if rule in rows else
                      "link" if rule != page else sev)
    out = []
    for rule, sev in severity.items():
        got = rows.get(rule)
        if got is None:
            out.append(f"{rule}: no row in docs/rules/README.md")
        elif got in ("twice", "link"):
            out.append(f"{rule}: docs/rules/README.md lists it twice or links another page")
        elif got != sev.lower():
            out.append(f"{rule}: docs/rules/README.md says {got}, diag/Rules.def {sev.lower()}")
    out += [f"docs/rules/README.md lists `{r}`, which diag/Rules.def does not have"
            for r in rows if r not in severity]
    return out


problems = registry_problems() + catalogue_problems()
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
