#!/usr/bin/env python3
"""Pastes the output of `migc check --dump=down` into the migrations it came
from: each `down { ... }` block becomes the written `down` of its migration,
placed just before the migration's closing brace.

usage: paste_downs.py DUMP

The dump names each migration by a `-- FILE:LINE: migration NAME` comment;
FILE is read and rewritten in place (run migc on a copy of the project).
Prints how many downs it pasted.
"""
import re
import sys

HEADER = re.compile(r"^-- (.+):(\d+): migration (\S+)$")


def read_dump(path):
    """[(file, line, name, [lines of the down block])] in dump order."""
    blocks, current = [], None
    for line in open(path, encoding="utf-8").read().splitlines():
        m = HEADER.match(line)
        if m:
            current = (m.group(1), int(m.group(2)), m.group(3), [])
            blocks.append(current)
        elif current is not None:
            current[3].append(line)
    return blocks


def closing_brace(text, start):
    """The offset of the `}` that closes the first `{` at or after start,
    skipping strings, quoted names and comments."""
    depth, i = 0, text.index("{", start)
    while i < len(text):
        c = text[i]
        if c in "'\"":
            i += 1
            while i < len(text):
                if text[i] == c:
                    if text[i + 1:i + 2] == c:  # '' or "" escapes a quote
                        i += 2
                        continue
                    break
                i += 1
        elif text.startswith("--", i):
            i = text.find("\n", i)
            if i < 0:
                break
        elif text.startswith("/*", i):
            i = text.index("*/", i + 2) + 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise SystemExit(f"paste_downs: unbalanced braces after offset {start}")


def main():
    blocks = read_dump(sys.argv[1])
    by_file = {}
    for file, line, name, down in blocks:
        by_file.setdefault(file, []).append((line, name, down))
    for file, items in by_file.items():
        lines = open(file, encoding="utf-8").read().split("\n")
        # From the bottom up, so earlier offsets stay valid.
        for line, name, down in sorted(items, reverse=True):
            text = "\n".join(lines)
            start = sum(len(l) + 1 for l in lines[:line - 1])
            if not re.match(r"\s*migration\s+" + re.escape(name) + r"\b",
                            text[start:]):
                raise SystemExit(f"paste_downs: {file}:{line} is not "
                                 f"migration {name}")
            end = closing_brace(text, start)
            block = "".join("  " + l + "\n" for l in down)
            text = text[:end] + block + text[end:]
            lines = text.split("\n")
        with open(file, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
    print(f"paste_downs: {len(blocks)} downs pasted")


if __name__ == "__main__":
    main()
