#!/usr/bin/env python3
"""Generates hostile and large .mig inputs for the malformed/ lit tests.

Usage: gen.py KIND [N] [SEED] > file.mig

Large inputs are made at test time so that no large file is committed. Every
kind is deterministic for a given N and SEED (random.Random with an integer
seed gives the same sequence on every Python 3).
"""
import random
import sys


def check_table(expr):
    """One migration whose only operation is `create table` with `check (expr)`.

    The `check (` sits on line 4, column 7; the expression starts at column 14.
    """
    return ("migration m {\n  up {\n    create table t (a int, b bool, s text,\n"
            "      check (" + expr + "));\n  }\n}\n")


def nested(n):
    """n levels of five kinds of value nesting, then three kinds of boolean.

    Every level is one level of parentheses, `case` or prefix operator (the
    `case` level is also inside parentheses, so it counts two), all legal.
    """
    value = "a"
    for i in range(n):
        value = ["(%s)", "-%s", "abs(%s)", "case when b then %s else 0 end",
                 "(%s + 1)"][i % 5] % value
    cond = "b"
    for i in range(n):
        cond = ["(%s)", "not %s", "(%s and true)"][i % 3] % cond
    return check_table(value + " > 0 and " + cond)


# Expressions nested n levels deep, one kind at a time.
DEEP = {
    "parens": lambda n: "(" * n + "a > 0" + ")" * n,
    "case": lambda n: "case when b then " * n + "true" + " end" * n,
    "not": lambda n: "not " * n + "b",
    # `--` would start a comment, so the signs are spaced.
    "minus": lambda n: "- " * n + "a > 0",
    "plus": lambda n: "+ " * n + "a > 0",
    "not-parens": lambda n: "not (" * n + "b" + ")" * n,
    "call": lambda n: "abs(" * n + "a" + ")" * n + " > 0",
    "cast": lambda n: "cast(" * n + "a" + " as int)" * n + " > 0",
    "mixed": lambda n: "".join(["(", "not ", "case when b then ", "- "][i % 4]
                               for i in range(n)) + "b",
}

# Expressions n operands wide but shallow: long operator chains and lists.
WIDE = {
    "and-chain": lambda n: " and ".join(["b"] * n),
    "or-chain": lambda n: " or ".join("a = %d" % i for i in range(n)),
    "add-chain": lambda n: " + ".join(["a"] * n) + " > 0",
    "mul-chain": lambda n: " * ".join(["a"] * n) + " > 0",
    "concat-chain": lambda n: " || ".join(["s"] * n) + " <> ''",
    "in-list": lambda n: "a in (" + ", ".join(str(i) for i in range(n)) + ")",
    "when-list": lambda n: ("case " + " ".join("when a = %d then true" % i
                                                for i in range(n))
                            + " else false end"),
    "coalesce-args": lambda n: "coalesce(" + ", ".join(["a"] * n) + ") > 0",
}

TOKENS = ("migration m { } up down requires author description irreversible ; , "
          "( ) . create table drop rename add column alter type index on unique "
          "constraint check primary key foreign references default not null "
          "and or is in between like case when then else end cast as update set "
          "where delete from insert into values sql int text bigint varchar "
          "decimal bool a b t users 'x' \"q\" 1 2.5 - + * / % || = <> < >= now").split()


def many_ops(n):
    out = ["migration m {\n  up {\n    create table t (id bigint primary key);\n"]
    for i in range(n):
        out.append("    add column t.c%d int not null default %d check (c%d >= 0);\n"
                   % (i, i, i))
    out.append("  }\n}\n")
    return "".join(out)


def many_migrations(n):
    out = []
    for i in range(n):
        out.append("migration m%d {\n" % i)
        if i == 0:
            out.append("  up {\n    create table t0 (id bigint primary key, v int);\n"
                       "  }\n}\n")
            continue
        out.append("  requires m%d;\n" % (i - 1))
        out.append("  up {\n    create table t%d (id bigint primary key,\n"
                   "      p bigint references t%d (id), v int check (v > 0));\n"
                   "    add column t%d.w text default 'w';\n  }\n}\n" % (i, i - 1, i))
    return "".join(out)


def big_valid(size):
    """About `size` bytes of valid migrations, each requiring the previous one."""
    out, total, i = [], 0, 0
    while total < size:
        chunk = ("migration m%d {\n" % i
                 + ("  requires m%d;\n" % (i - 1) if i else "")
                 + "  author 'bench@example.com';\n"
                 + "  up {\n    create table t%d (\n" % i
                 + "      id bigint primary key identity,\n"
                 + "      name varchar(50) not null unique,\n"
                 + "      age int check (age >= 0 and age <= 150),\n"
                 + "      status text not null default 'active'"
                 + " check (status in ('active', 'banned'))\n"
                 + "    );\n"
                 + "    create index t%d_age_idx on t%d (age);\n" % (i, i)
                 + "  }\n}\n")
        out.append(chunk)
        total += len(chunk)
        i += 1
    return "".join(out)


def main():
    kind = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(seed)
    write = sys.stdout.write

    if kind == "random-bytes":
        sys.stdout.buffer.write(bytes(rng.getrandbits(8) for _ in range(n)))
    elif kind == "random-ascii":
        # Printable ASCII and newlines: valid UTF-8, so it reaches the lexer.
        chars = "".join(chr(c) for c in range(32, 127)) + "\n\n\n"
        write("".join(rng.choice(chars) for _ in range(n)))
    elif kind == "random-tokens":
        # Real tokens in random order: exercises the parser's recovery.
        write("migration m {\n  up {\n"
              + " ".join(rng.choice(TOKENS) for _ in range(n)) + "\n")
    elif kind in DEEP:
        write(check_table(DEEP[kind](n)))
    elif kind in WIDE:
        write(check_table(WIDE[kind](n)))
    elif kind == "nested":
        write(nested(n))
    elif kind == "long-ident":
        write("migration m {\n  up {\n    create table " + "x" * n + " (id int);\n"
              "  }\n}\n")
    elif kind == "long-quoted-ident":
        write("migration m {\n  up {\n    create table \"" + "q" * n + "\" (id int);\n"
              "  }\n}\n")
    elif kind == "long-string":
        write("migration m {\n  description '" + "s" * n + "';\n  up {\n"
              "    create table t (s text default '" + "d" * n + "');\n  }\n}\n")
    elif kind == "long-comments":
        write("/*" + "c" * n + "*/\n-- " + "d" * n + "\n")
    elif kind == "long-number":
        write(check_table("a > " + "9" * n))
    elif kind == "long-line-error":
        # A valid statement, n spaces, then a stray character on the same line.
        write("migration m { up { create table t (id int);" + " " * n + "@ } }\n")
    elif kind == "syntax-errors":
        # n statements with a syntax error each, one per line from line 3.
        write("migration m {\n  up {\n" + "    create table ;\n" * n + "  }\n}\n")
    elif kind == "bad-chars":
        write("@ #\n" * n)
    elif kind == "many-ops":
        write(many_ops(n))
    elif kind == "many-migrations":
        write(many_migrations(n))
    elif kind == "big-valid":
        write(big_valid(n))
    else:
        sys.exit("gen.py: unknown kind " + kind)


if __name__ == "__main__":
    main()
