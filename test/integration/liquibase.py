#!/usr/bin/env python3
"""Integration test: run migc's Liquibase changelog through the Liquibase CLI
against a real PostgreSQL 15.

Usage:
  python3 test/integration/liquibase.py --migc build/bin/migc --examples examples

Fetches Liquibase 4.28.1 with scripts/fetch-liquibase (npm; cached), starts a
throwaway server listening on 127.0.0.1 (a free port, trust auth, in a fresh
temp folder), keeps Liquibase's own tables in a schema `liquibase` so that
`public` holds only what the changelog made, then:
  * shop/full        `update`, compare the catalog with `migc schema
                     --format=json`, `rollback-count <all>`, require an empty
                     public schema;
  * shop/step/...    per migration: `update-count 1`, `rollback-count 1`
                     (the catalog must be exactly what it was before),
                     `update-count 1` again;
  * gen300/...       a generated project of 300 migrations (seed 11): `update`,
                     compare; `rollback-count` over the reversible tail,
                     compare with `migc schema --at`; when the tail ends at an
                     irreversible migration, rolling that back fails with
                     migc's message and changes nothing; and a window of 20
                     consecutive reversible migrations: update-count to its
                     end, rollback-count over it, compare, update again;
  * ops/...          test/lit/emit/liquibase-ops.mig (every operation kind):
                     the same as gen300's tail, then each changeSet alone as
                     for shop;
  * injection/...    test/lit/emit/liquibase-injection.mig (hostile names and
                     strings): `update`, compare, values read back,
                     `rollback-count <all>`, empty schema;
  * batches/...      `update ... in batches of N`: runInTransaction="false",
                     every row updated, one transaction id per batch;
  * refused/...      a migration with a character XML cannot carry: emit
                     reports it (target-unsupported), exits 1 and writes no
                     changelog.

Prints one line per check and a final `N passed, M failed`; exits 0 only if
every check passes. Standard library only (reuses postgres.py's server and
catalog comparison).
"""

import json
import re
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import postgres  # noqa: E402  (test/integration/postgres.py)
from postgres import Checks, check_compare, public_objects, run  # noqa: E402
from common import (base_parser, finish, generate,  # noqa: E402
                    migc_schema, run_parts)

# A JVM that starts fast: these runs are short.
JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

NS = "{http://www.liquibase.org/xml/ns/dbchangelog}"


def fetch_liquibase():
    r = run([os.path.join(REPO, "scripts", "fetch-liquibase")])
    if r.returncode != 0:
        raise RuntimeError("scripts/fetch-liquibase failed:\n" + r.stderr)
    return r.stdout.strip().splitlines()[-1]


class Liquibase:
    def __init__(self, cli, server):
        self.cli = cli
        self.server = server

    def create_db(self, name):
        self.server.create_db(name)
        r = self.server.psql(name, sql="CREATE SCHEMA liquibase")
        if r.returncode != 0:
            raise RuntimeError("CREATE SCHEMA liquibase failed: " + r.stderr)

    def __call__(self, db, changelog, *command):
        """Runs one Liquibase command; (ok, output)."""
        folder, name = os.path.split(os.path.abspath(changelog))
        argv = [self.cli, "--show-banner=false", "--log-level=severe",
                "--search-path=" + folder, "--changelog-file=" + name,
                "--url=jdbc:postgresql://127.0.0.1:%d/%s"
                % (self.server.port, db),
                "--username=postgres", "--liquibase-schema-name=liquibase"]
        argv += list(command)
        # cwd: the changelog's folder, so no stray liquibase.properties is read
        r = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, cwd=folder,
                           env=dict(os.environ, JAVA_OPTS=JAVA_OPTS))
        return r.returncode == 0, short(r.stdout)


def short(out):
    """Liquibase's output without Java stack frames."""
    lines = [l for l in out.splitlines()
             if l.strip() and not l.lstrip().startswith("at ")
             and not l.lstrip().startswith("... ")]
    return "\n".join(lines)


def emit_changelog(checks, tag, migc, path, out_dir, extra=()):
    """migc emit --target=liquibase -o out_dir; the changeSets as
    (id, reversible) from the written file, or None."""
    r = run([migc, "emit", "--target=liquibase", "-o", out_dir] + list(extra)
            + [path])
    changelog = os.path.join(out_dir, "changelog.xml")
    ok = r.returncode == 0 and os.path.exists(changelog)
    checks.record("%s: migc emit --target=liquibase -o" % tag, ok, r.stderr)
    if not ok:
        return None, None
    try:
        root = ET.parse(changelog).getroot()
    except ET.ParseError as e:
        checks.record("%s: changelog is well-formed XML" % tag, False, str(e))
        return None, None
    sets = []
    for cs in root.iter(NS + "changeSet"):
        rb = cs.find(NS + "rollback")
        reversible = rb is not None and rb.find(NS + "stop") is None
        sets.append((cs.get("id"), reversible))
    return changelog, sets


def reversible_tail(sets, limit=None):
    n = 0
    for _, rev in reversed(sets):
        if not rev or (limit is not None and n == limit):
            break
        n += 1
    return n


def check_empty(checks, name, server, db):
    left = public_objects(server, db)
    checks.record(name, not left, "left over (relkind name): " + ", ".join(left))


def full_cycle(checks, lb, tag, migc, proj, changelog, sets, db, server,
               window=None):
    """update; compare; rollback-count over the reversible tail; compare with
    --at; roll back into an irreversible migration: refused, nothing changes."""
    lb.create_db(db)
    ok, out = lb(db, changelog, "update")
    checks.record("%s: liquibase update (%d changeSets)" % (tag, len(sets)),
                  ok, out)
    if not ok:
        return
    expected = migc_schema(migc, proj)
    check_compare(checks, "%s: catalog matches migc schema" % tag, server, db,
                  expected)
    n = reversible_tail(sets, window)
    if n == 0:
        checks.record("%s: the last migration is reversible" % tag, False)
        return
    ok, out = lb(db, changelog, "rollback-count", "--count=%d" % n)
    checks.record("%s: liquibase rollback-count --count=%d" % (tag, n), ok, out)
    if not ok:
        return
    if n == len(sets):
        check_empty(checks, "%s: public schema empty after rolling back all"
                    % tag, server, db)
        return
    before = sets[len(sets) - n - 1]
    exp = migc_schema(migc, proj, at=before[0])
    check_compare(checks, "%s: catalog after rollback matches migc schema --at "
                  "%s" % (tag, before[0]), server, db, exp)
    if not before[1]:
        ok, out = lb(db, changelog, "rollback-count", "--count=1")
        refused = not ok and ("migration %s is irreversible" % before[0] in out
                              or "migration %s has no down" % before[0] in out)
        checks.record("%s: rolling back irreversible %s fails with migc's "
                      "message" % (tag, before[0]), refused,
                      "exit %s, output:\n%s" % ("0" if ok else "!= 0", out))
        check_compare(checks, "%s: ... and changes nothing" % tag, server, db,
                      exp)


def test_shop(checks, lb, server, migc, shop, tmp):
    out = os.path.join(tmp, "shop_lb")
    changelog, sets = emit_changelog(checks, "shop", migc, shop, out)
    if not changelog:
        return
    n = len(sets)
    lb.create_db("shop_full")
    ok, log = lb("shop_full", changelog, "update")
    checks.record("shop: liquibase update (%d changeSets)" % n, ok, log)
    if ok:
        check_compare(checks, "shop: catalog matches migc schema", server,
                      "shop_full", migc_schema(migc, shop))
        ok, log = lb("shop_full", changelog, "rollback-count", "--count=%d" % n)
        checks.record("shop: liquibase rollback-count --count=%d" % n, ok, log)
        if ok:
            check_empty(checks, "shop: public schema empty after rollback",
                        server, "shop_full")

    step_cycle(checks, lb, "shop", migc, shop, changelog, sets, "shop_step",
               server)


def catalog_diff(a, b):
    """Tables that differ between two catalogs (read_catalog), with both
    versions."""
    ta = {t["name"]: t for t in a}
    tb = {t["name"]: t for t in b}
    out = []
    for name in sorted(set(ta) | set(tb)):
        if ta.get(name) != tb.get(name):
            out.append("table %s:\n  before:   %s\n  rollback: %s"
                       % (name, json.dumps(ta.get(name)),
                          json.dumps(tb.get(name))))
    return out


def validated_by(changelog):
    """{changeSet id: the constraints it validates}, from its <sql>."""
    out = {}
    for cs in ET.parse(changelog).getroot().iter(NS + "changeSet"):
        names = set()
        for sql in cs.findall(NS + "sql"):  # not those of <rollback>
            names |= set(re.findall(r'VALIDATE CONSTRAINT "((?:[^"]|"")+)"',
                                    sql.text or ""))
        out[cs.get("id")] = {n.replace('""', '"') for n in names}
    return out


def left_valid(before, after, names):
    """after, with each of the constraints names that the rollback left
    valid, where they were NOT VALID before the update, as they were: no
    statement makes a constraint NOT VALID again, and migc's rollback of
    `validate constraint` leaves it valid (docs/decisions.md)."""
    was = {(t["name"], k["name"]): k for t in before
           for k in t.get("constraints", [])}
    out = json.loads(json.dumps(after))
    for t in out:
        for k in t.get("constraints", []):
            b = was.get((t["name"], k["name"]))
            if (k["name"] in names and b is not None
                    and b["definition"] == k["definition"] + " NOT VALID"):
                k["definition"] = b["definition"]
    return out


def step_cycle(checks, lb, tag, migc, proj, changelog, sets, db, server):
    """Each changeSet alone: update-count 1, rollback-count 1 (then the
    catalog is exactly what it was before, but that a constraint the
    changeSet validated may stay valid), update-count 1 again. An
    irreversible one must refuse the rollback."""
    lb.create_db(db)
    validated = validated_by(changelog)
    for i, (cid, reversible) in enumerate(sets):
        name = "%s: step %02d %s update/rollback/update" % (tag, i + 1, cid)
        before = postgres.read_catalog(server, db)
        ok, log = lb(db, changelog, "update-count", "--count=1")
        if not ok:
            checks.record(name, False, "update-count 1 failed:\n" + log)
            return  # later steps would not start where they should
        if not reversible:
            ok, log = lb(db, changelog, "rollback-count", "--count=1")
            checks.record("%s: step %02d %s (irreversible) refuses rollback"
                          % (tag, i + 1, cid), not ok and cid in log, log)
            continue
        ok, log = lb(db, changelog, "rollback-count", "--count=1")
        if not ok:
            checks.record(name, False, "rollback-count 1 failed:\n" + log)
            return
        after = left_valid(before, postgres.read_catalog(server, db),
                           validated.get(cid, set()))
        if after != before:
            diffs = catalog_diff(before, after)
            checks.record(name, False, "after rollback-count 1, the catalog "
                          "is not what it was before the update:\n"
                          + "\n".join(diffs))
            return
        ok, log = lb(db, changelog, "update-count", "--count=1")
        checks.record(name, ok, "" if ok else "update-count 1 again failed:\n"
                      + log)
        if not ok:
            return
    check_compare(checks, "%s: catalog after the steps matches migc schema"
                  % tag, server, db, migc_schema(migc, proj))


def test_generated(checks, lb, server, migc, gen, tmp, count, seed, window):
    made = generate(checks, gen, tmp, count, seed)
    if not made:
        return
    proj, tag = made
    changelog, sets = emit_changelog(checks, tag, migc, proj,
                                     os.path.join(tmp, "gen_lb"))
    if not changelog:
        return
    checks.record("%s: one changeSet per migration" % tag, len(sets) == count,
                  "%d changeSets" % len(sets))
    full_cycle(checks, lb, tag, migc, proj, changelog, sets, "gen", server,
               window)

    # a window of `window` consecutive reversible migrations, the last such
    # (as postgres.py): update-count to its end, rollback-count over it,
    # compare with --at the one before, update-count over it again.
    best, end, run_len = 0, None, 0
    for i, (_, rev) in enumerate(sets):
        run_len = run_len + 1 if rev else 0
        if run_len and min(run_len, window) >= best:
            best, end = min(run_len, window), i
    if end is None or end - best < 0:
        checks.record("%s: some migration is reversible" % tag, False)
        return
    start = end - best + 1
    db = "gen_window"
    lb.create_db(db)
    ok, out = lb(db, changelog, "update-count", "--count=%d" % (end + 1))
    checks.record("%s: update-count --count=%d (to %s)" % (tag, end + 1,
                                                           sets[end][0]),
                  ok, out)
    if not ok:
        return
    ok, out = lb(db, changelog, "rollback-count", "--count=%d" % best)
    checks.record("%s: rollback-count --count=%d (window %s..%s)"
                  % (tag, best, sets[start][0], sets[end][0]), ok, out)
    if not ok:
        return
    if start > 0:
        check_compare(checks, "%s: catalog after the window's rollback matches "
                      "migc schema --at %s" % (tag, sets[start - 1][0]),
                      server, db, migc_schema(migc, proj,
                                              at=sets[start - 1][0]))
    ok, out = lb(db, changelog, "update-count", "--count=%d" % best)
    checks.record("%s: the window updates again after its rollback" % tag,
                  ok, out)


def test_fixture(checks, lb, server, migc, tag, path, tmp, extra=()):
    changelog, sets = emit_changelog(checks, tag, migc, path,
                                     os.path.join(tmp, tag + "_lb"),
                                     ["--isolated"] + list(extra))
    if not changelog:
        return None, None
    return changelog, sets


def test_ops(checks, lb, server, migc, tmp):
    path = os.path.join(REPO, "test", "lit", "emit", "liquibase-ops.mig")
    extra = ["-Wno-missing-inverse", "-Wno-lossy-down", "-Wno-opaque-sql"]
    changelog, sets = test_fixture(checks, lb, server, migc, "ops", path, tmp,
                                   extra)
    if changelog:
        # migc schema on a single file: the same flags, --isolated
        full_cycle(checks, lb, "ops", migc, path, changelog, sets, "ops",
                   server)
        step_cycle(checks, lb, "ops", migc, path, changelog, sets, "ops_step",
                   server)


def test_injection(checks, lb, server, migc, tmp):
    path = os.path.join(REPO, "test", "lit", "emit", "liquibase-injection.mig")
    changelog, sets = test_fixture(checks, lb, server, migc, "injection", path,
                                   tmp)
    if not changelog:
        return
    db = "injection"
    lb.create_db(db)
    ok, out = lb(db, changelog, "update")
    checks.record("injection: liquibase update", ok, out)
    if not ok:
        return
    check_compare(checks, "injection: catalog matches migc schema", server, db,
                  migc_schema(migc, path))
    r = server.psql(db, tuples=True, sql=(
        'SELECT "a`b;c" || \'|\' || "été ☃" FROM "x""; DROP TABLE users; --"'))
    want = "it's <b>&amp;</b>?|tab\tand\nnewline"
    checks.record("injection: values arrive exactly", r.stdout.rstrip("\n")
                  == want, "want %r, got %r %s" % (want, r.stdout, r.stderr))
    ok, out = lb(db, changelog, "rollback-count", "--count=%d" % len(sets))
    checks.record("injection: liquibase rollback-count --count=%d" % len(sets),
                  ok, out)
    if ok:
        check_empty(checks, "injection: public schema empty after rollback",
                    server, db)


BATCH_ROWS, BATCH_SIZE = 1000, 100
BATCHES_MIG = """\
migration batch_tables {
  up {
    create table bt (id int primary key, status text);
  }
}

migration batch_fill {
  requires batch_tables;
  up {
    update bt set status = 'done' where status is null in batches of %d;
  }
  irreversible;
}
""" % BATCH_SIZE


def test_batches(checks, lb, server, migc, tmp):
    """`update ... in batches of N`: a changeSet with runInTransaction=
    "false" whose <sql> DO block commits every batch (one transaction id per
    batch of N rows)."""
    proj = os.path.join(tmp, "batches")
    os.makedirs(proj)
    path = os.path.join(proj, "b.mig")
    with open(path, "w") as f:
        f.write(BATCHES_MIG)
    changelog, sets = test_fixture(checks, lb, server, migc, "batches", path,
                                   tmp)
    if not changelog:
        return
    root = ET.parse(changelog).getroot()
    fill = [cs for cs in root.iter(NS + "changeSet")
            if cs.get("id") == "batch_fill"]
    checks.record("batches: the changeSet runs outside a transaction",
                  len(fill) == 1
                  and fill[0].get("runInTransaction") == "false")
    db = "batches"
    lb.create_db(db)
    ok, out = lb(db, changelog, "update-count", "--count=1")
    if ok:
        r = server.psql(db, sql="INSERT INTO bt SELECT g, NULL FROM "
                        "generate_series(1, %d) g" % BATCH_ROWS)
        ok, out = r.returncode == 0, r.stderr
    if not checks.record("batches: the table exists, with rows", ok, out):
        return
    ok, out = lb(db, changelog, "update")
    checks.record("batches: liquibase update", ok, out)
    r = server.psql(db, tuples=True, sql=(
        "SELECT count(*) FILTER (WHERE status = 'done'), count(DISTINCT xmin::text), "
        "(SELECT max(n) FROM (SELECT count(*) n FROM bt GROUP BY xmin) x) "
        "FROM bt"))
    want = "%d|%d|%d" % (BATCH_ROWS, BATCH_ROWS // BATCH_SIZE, BATCH_SIZE)
    checks.record("batches: every row updated, each batch of %d committed on "
                  "its own (one transaction id per batch)" % BATCH_SIZE,
                  r.stdout.strip() == want,
                  "want %s, got %s %s" % (want, r.stdout, r.stderr))


def test_refused(checks, lb, server, migc, tmp):
    proj = os.path.join(tmp, "refused")
    os.makedirs(proj)
    with open(os.path.join(proj, "all.mig"), "w") as f:
        f.write('migration ok { up { create table t (id int); } }\n'
                'migration "bad\x01" { requires ok;\n'
                '  up { add column t.v text default \'a\x02b\'; } }\n')
    out = os.path.join(tmp, "refused_lb")
    r = run([migc, "emit", "--target=liquibase", "-o", out, proj])
    changelog = os.path.join(out, "changelog.xml")
    checks.record("refused: emit reports the character XML cannot carry, "
                  "exits 1 and writes no changelog",
                  r.returncode == 1 and "U+0001" in r.stderr
                  and "[target-unsupported]" in r.stderr
                  and not os.path.exists(changelog), r.stderr)


# Liquibase's own forIndexName, tried by hand on PostgreSQL: Liquibase 4.28
# writes `ADD CONSTRAINT t_b_key UNIQUE (b) USING INDEX public.t_b_idx`
# (Oracle's form), which PostgreSQL refuses as a syntax error, so migc's
# changelog carries PostgreSQL's own statement in <sql>; the changelog of
# test/lit/emit/using-index.mig then goes through update, rollback and
# step by step.
FOR_INDEX_CHANGELOG = """<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
  http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.28.xsd">
  <changeSet id="t" author="probe">
    <createTable tableName="t">
      <column name="id" type="integer"><constraints nullable="false"/></column>
      <column name="b" type="integer"/>
    </createTable>
    <createIndex tableName="t" indexName="t_b_idx" unique="true">
      <column name="b"/>
    </createIndex>
    <createIndex tableName="t" indexName="t_id_idx" unique="true">
      <column name="id"/>
    </createIndex>
  </changeSet>
  <changeSet id="keys" author="probe">
    <addUniqueConstraint tableName="t" columnNames="b"
      constraintName="t_b_key" forIndexName="t_b_idx"/>
    <addPrimaryKey tableName="t" columnNames="id"
      constraintName="t_pkey" forIndexName="t_id_idx"/>
  </changeSet>
</databaseChangeLog>
"""


def test_using_index(checks, lb, server, migc, tmp):
    work = os.path.join(tmp, "forindex")
    os.makedirs(work)
    changelog = os.path.join(work, "changelog.xml")
    with open(changelog, "w") as f:
        f.write(FOR_INDEX_CHANGELOG)
    db = "forindex"
    lb.create_db(db)
    ok, out = lb(db, changelog, "update")
    checks.record("usingindex: Liquibase's forIndexName writes `UNIQUE (b) "
                  "USING INDEX ...`, which PostgreSQL refuses (so migc "
                  "writes PostgreSQL's statement in <sql>)",
                  not ok and "UNIQUE (b) USING INDEX" in out and
                  "syntax error" in out, out)
    path = os.path.join(REPO, "test", "lit", "emit", "using-index.mig")
    changelog, sets = test_fixture(checks, lb, server, migc, "usingindex",
                                   path, tmp)
    if changelog:
        full_cycle(checks, lb, "usingindex", migc, path, changelog, sets,
                   "usingindex", server)
        step_cycle(checks, lb, "usingindex", migc, path, changelog, sets,
                   "usingindex_step", server)


def main():
    ap = base_parser(__doc__)
    ap.add_argument("--pg-bin", default="/usr/lib/postgresql/15/bin")
    ap.add_argument("--only", action="append",
                    choices=["shop", "generated", "ops", "injection",
                             "batches", "refused", "usingindex"],
                    help="run only these parts (repeatable)")
    args = ap.parse_args()
    migc = os.path.abspath(args.migc)
    t0 = time.time()
    checks = Checks()
    tmp = tempfile.mkdtemp(prefix="migc-lb-")
    server = postgres.Server(args.pg_bin, tmp, tcp=True)
    try:
        try:
            cli = fetch_liquibase()
            checks.record("liquibase: CLI fetched (%s)" % cli, True)
        except Exception as e:  # noqa: BLE001
            checks.record("liquibase: CLI fetched", False, str(e))
            cli = None
        started = False
        if cli:
            try:
                server.start()
                started = True
                checks.record("postgres: server starts on 127.0.0.1:%d"
                              % server.port, True)
            except Exception as e:  # noqa: BLE001
                checks.record("postgres: server starts", False, str(e))
        lb = Liquibase(cli, server)
        parts = (
            ("shop", lambda: test_shop(checks, lb, server, migc, os.path.join(
                args.examples, "shop"), tmp)),
            ("generated", lambda: test_generated(
                checks, lb, server, migc, args.bench_gen, tmp, args.migrations,
                args.seed, args.window)),
            ("ops", lambda: test_ops(checks, lb, server, migc, tmp)),
            ("injection", lambda: test_injection(checks, lb, server, migc,
                                                 tmp)),
            ("batches", lambda: test_batches(checks, lb, server, migc, tmp)),
            ("refused", lambda: test_refused(checks, lb, server, migc, tmp)),
            ("usingindex", lambda: test_using_index(checks, lb, server, migc,
                                                    tmp)),
        )
        run_parts(checks, parts if started else (), args.only)
    finally:
        status = finish(checks, server, tmp, args.keep, t0)
    return status


if __name__ == "__main__":
    sys.exit(main())
