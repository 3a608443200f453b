#!/usr/bin/env python3
"""The examples of docs/rules/<rule>.md stay true.

For every rule page marked `<!-- examples: checked -->` that shows
`$ migc check migrations` output under
`## Bad`, the page's `-- migrations/<file>` blocks (and a
`# migrations/migc.toml` block, if any) are written to a
temporary project and migc must print exactly that output. The `## Good`
examples must not draw the page's rule.

Usage: docs_examples.py MIGC ROOT
"""
import os
import re
import subprocess
import sys
import tempfile

migc, root = os.path.abspath(sys.argv[1]), sys.argv[2]
docs = os.path.join(root, "docs", "rules")
problems = []
checked = 0
env = dict(os.environ, NO_COLOR="1")
# DOCS_EXAMPLES_FIX=1: write what migc prints into the pages instead.
fix = os.environ.get("DOCS_EXAMPLES_FIX") == "1"
with tempfile.TemporaryDirectory() as tmp:
    for page in sorted(os.listdir(docs)):
        rule = page[:-3]
        text = open(os.path.join(docs, page)).read()
        if "<!-- examples: checked -->" not in text:
            continue
        for section in re.split(r"^## ", text, flags=re.M):
            name = section.split("\n", 1)[0].strip()
            if name not in ("Bad", "Good"):
                continue
            files, expected = {}, None
            for block in re.findall(r"^```\n(.*?)^```", section, flags=re.M | re.S):
                if block.startswith("-- migrations/"):
                    first, body = block.split("\n", 1)
                    files[first[3:].strip()] = body
                elif block.startswith("# migrations/migc.toml\n"):
                    files["migrations/migc.toml"] = block.split("\n", 1)[1]
                elif block.startswith("$ migc check migrations\n"):
                    expected = block.split("\n", 1)[1]
            # Only pages written for this check: output shown, files named.
            if not files or (name == "Bad" and expected is None):
                continue
            work = os.path.join(tmp, rule, name)
            os.makedirs(os.path.join(work, "migrations"))
            for path, body in files.items():
                open(os.path.join(work, path), "w").write(body)
            migs = sorted(m for m in os.listdir(os.path.join(work, "migrations"))
                          if m.endswith(".mig"))
            # A page that shows a project file checks the folder as a
            # project (with its settings); the others check the files alone.
            paths = (["migrations"] if "migrations/migc.toml" in files
                     else ["--isolated"] + ["migrations/" + m for m in migs])
            # The rules about how any migration runs (no lock timeout, lost
            # atomicity) would draw on most pages' examples: only their own
            # pages show them.
            quiet = [f for r, f in (
                ("missing-lock-timeout", "-Wno-missing-lock-timeout"),
                ("non-atomic-migration", "-Wno-non-atomic-migration"))
                if rule != r]
            run = subprocess.run(
                [migc, "check", "-Wno-missing-inverse"] + quiet + paths,
                cwd=work, capture_output=True, text=True, env=env, timeout=60)
            got = run.stderr + run.stdout
            checked += 1
            if name == "Bad" and got != expected and fix:
                # Rewrites the page's output (review the diff before
                # committing: the new output must be right).
                text = text.replace("$ migc check migrations\n" + expected,
                                    "$ migc check migrations\n" + got, 1)
                open(os.path.join(docs, page), "w").write(text)
            elif name == "Bad" and got != expected:
                problems.append(f"{page}: the Bad example prints\n{got}"
                                f"but the page shows\n{expected}")
            if name == "Good" and f"[{rule}]" in got:
                problems.append(f"{page}: the Good example draws [{rule}]:\n{got}")
for p in problems:
    print("docs-examples:", p)
print(f"docs-examples: {checked} examples, {len(problems)} problems")
sys.exit(1 if problems else 0)
