"""Writes a one-migration .mig file whose expression is nested N levels deep,
for nesting-too-deep.test. With --expect, the file announces the error that
the limit (200 levels) must produce on the line of the expression.

usage: nesting-too-deep-gen.py KIND N [--expect] > file.mig
KIND: paren | not | minus | case | check (parentheses inside a column check,
where the check's own parentheses count too) | siblings (three
expressions N levels deep side by side: depth is not a total)."""
import sys

kind, n = sys.argv[1], int(sys.argv[2])
expect = "--expect" in sys.argv[3:]
if kind == "paren":
    op = "update t set id = " + "(" * n + "1" + ")" * n + ";"
elif kind == "not":
    op = "delete from t where " + "not " * n + "true;"
elif kind == "minus":
    op = "update t set id = " + "- " * n + "1;"
elif kind == "case":
    op = ("update t set id = " + "case when true then " * n + "1" +
          " end" * n + ";")
elif kind == "check":
    op = ("add column t.c int check (" + "(" * n + "c > 0" + ")" * n + ");")
elif kind == "siblings":
    op = ("update t set id = " +
          " + ".join(["(" * n + "1" + ")" * n] * 3) + ";")
else:
    sys.exit("unknown kind " + kind)
print("migration deep {")
print("  up {")
print("    create table t (id int);")
if expect:
    print("    -- expected-error@+1 {{expression nested more than 200 levels "
          "deep; migc stops reading this file here [nesting-too-deep]}}")
print("    " + op)
print("  }")
print("}")
