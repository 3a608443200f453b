#!/usr/bin/env python3
"""Runs one scripted `migc lsp` session for a lit test, as clangd's tests do.

Usage: lsp-session.py MIGC SCRIPT [NAME=VALUE...]

SCRIPT holds messages separated by lines `---`; lines starting with `#`
(RUN and CHECK lines) are left out, and @NAME@ is replaced by VALUE (a path
put into a URI is percent-encoded where @NAME@ follows `file://`). Each
message is sent with its Content-Length header; a message starting with
`raw:` is sent as it is after `raw:`, with \\r, \\n and \\xHH escapes decoded
and no header added. The replies are printed one JSON value each, indented,
followed by `exit status: N`. A server that does not end within 60 s, or a
reply that is not framed right, fails the test.
"""
import json
import subprocess
import sys
import urllib.parse


def build_input(script, variables):
    lines = [l for l in script.splitlines() if not l.lstrip().startswith("#")]
    text = "\n".join(lines)
    for name, value in variables.items():
        text = text.replace("file://@" + name + "@",
                            "file://" + urllib.parse.quote(value))
        text = text.replace("@" + name + "@", value)
    out = bytearray()
    for block in text.split("\n---\n"):
        block = block.strip()
        if not block:
            continue
        if block.startswith("raw:"):
            raw = block[len("raw:"):].strip("\n")
            out += raw.encode("utf-8").decode("unicode_escape").encode("latin-1")
            continue
        body = block.encode("utf-8")
        out += b"Content-Length: %d\r\n\r\n" % len(body) + body
    return bytes(out)


def split_replies(data):
    replies = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep or not head.startswith(b"Content-Length: "):
            raise ValueError("bad frame at %r" % data[:60])
        length = int(head[len(b"Content-Length: "):])
        if len(rest) < length:
            raise ValueError("truncated reply")
        replies.append(json.loads(rest[:length].decode("utf-8")))
        data = rest[length:]
    return replies


def main():
    migc, script = sys.argv[1], sys.argv[2]
    variables = dict(arg.split("=", 1) for arg in sys.argv[3:])
    with open(script, encoding="utf-8") as f:
        data = build_input(f.read(), variables)
    try:
        proc = subprocess.run([migc, "lsp"], input=data, capture_output=True,
                              timeout=60)
    except subprocess.TimeoutExpired:
        print("error: migc lsp did not end within 60 s")
        return 1
    sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
    try:
        replies = split_replies(proc.stdout)
    except ValueError as e:
        print("error: %s" % e)
        return 1
    for r in replies:
        print(json.dumps(r, indent=2, ensure_ascii=False))
    print("exit status: %d" % proc.returncode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
