#!/usr/bin/env python3
"""Integration test: run migc's PostgreSQL output against a real PostgreSQL 15.

Usage:
  python3 test/integration/postgres.py --migc build/bin/migc --examples examples

Starts a throwaway server (unix socket only, in a fresh temp folder), then:
  * shop/full        apply `migc emit --target=postgres`, compare the catalog
                     with `migc schema --format=json`, apply `--down`, require an
                     empty public schema;
  * shop/replay/...  per migration: ups before it, then up, down, up again;
  * locks/...        the locks the index-without-concurrently warning names,
                     with migc's statements: the modes in pg_locks, and which
                     reads and writes wait behind them;
  * rewrites/...     what type-change-locks-table and volatile-default-
                     rewrites-table say, for every pair of types migc accepts:
                     the relfilenodes of tables and indexes change, and
                     seq_scan grows, exactly as migc's words say; the lock;
  * constraints/...  what constraint-without-not-valid and set-not-null-scan
                     say, and the safe forms their notes give: the strongest
                     lock each table holds (pg_locks), which reads and writes
                     wait, and whether the statement scans (seq_scan);
  * batches/...      `update ... in batches of N`: outside a transaction,
                     each batch commits (seen from another session, one
                     transaction id per batch), no row lock kept across
                     batches;
  * data/...         the rows nullable-unique-key says a key accepts are
                     accepted, and refused with its note's index; the scans
                     unindexed-foreign-key says a delete or an update of a
                     referenced row does happen (pg_stat_user_tables), and
                     not with its note's index;
  * timeouts/...     the lock each statement missing-lock-timeout names waits
                     for, and what queues behind it; the emitted lock and
                     statement timeouts giving up; `transaction none;`
                     leaving the statement before a failing one applied;
  * gen300/...       a generated project of 300 migrations (seed 11): apply the
                     ups, compare the catalog; then apply the downs of the tail
                     in reverse order (stopping at the first irreversible one),
                     and a window of 20 consecutive reversible migrations, and
                     compare the catalog with `migc schema --at`.

Prints one line per check and a final `N passed, M failed`; exits 0 only if
every check passes. Standard library only.
"""

import json
import os
import pwd
import re
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal, InvalidOperation

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import common  # noqa: E402
from common import (Checks, base_parser, concat, finish,  # noqa: E402,F401
                    migc_schema, run, run_parts)


def migc_emit_dir(migc, path, out):
    return common.migc_emit_dir(migc, path, out, "postgres")


def test_generated(checks, server, migc, gen, tmp, count, seed, window):
    db = common.Target(
        server.create_db, lambda name, path: apply(server, name, path),
        lambda label, name, exp: check_compare(checks, label, server, name, exp))
    common.test_generated(checks, migc, "postgres", db, gen, tmp, count, seed,
                          window)

# .mig type spelling -> PostgreSQL's format_type() spelling
TYPE_MAP = {
    "smallint": "smallint",
    "int": "integer",
    "bigint": "bigint",
    "real": "real",
    "double": "double precision",
    "bool": "boolean",
    "text": "text",
    "bytes": "bytea",
    "date": "date",
    "time": "time without time zone",
    "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "uuid": "uuid",
    "json": "jsonb",
}

FK_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade",
              "n": "set null", "d": "set default"}
CONTYPES = {"p": "primary_key", "u": "unique", "c": "check",
            "f": "foreign_key", "x": "exclusion", "t": "trigger"}


def pg_type(mig):
    m = re.fullmatch(r"\s*(\w+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*", mig)
    if not m:
        return mig
    base, a, b = m.group(1).lower(), m.group(2), m.group(3)
    if base == "varchar":
        return "character varying(%s)" % a if a else "character varying"
    if base == "char":
        return "character(%s)" % (a or "1")
    if base in ("decimal", "numeric"):
        if a and b is not None:
            return "numeric(%s,%s)" % (a, b)
        if a:
            return "numeric(%s,0)" % a
        return "numeric"
    return TYPE_MAP.get(base, mig)


# --------------------------------------------------------------- defaults ---

_CAST = re.compile(r"::\s*[a-z_][a-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])?",
                   re.I)


def _strip_outer_parens(s):
    s = s.strip()
    while s.startswith("(") and s.endswith(")"):
        depth = 0
        for i, ch in enumerate(s):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i != len(s) - 1:
                return s
        s = s[1:-1].strip()
    return s


def _literal(s):
    """The value of a literal default, or None when it is not a literal."""
    s = _strip_outer_parens(_CAST.sub("", s.strip()))
    s = _strip_outer_parens(s)
    low = s.lower()
    if low in ("true", "false", "null"):
        return ("kw", low)
    if re.fullmatch(r"'(?:[^']|'')*'", s):
        inner = s[1:-1].replace("''", "'")
        try:  # PostgreSQL quotes negative numbers: '-1'::integer
            return ("num", Decimal(inner))
        except InvalidOperation:
            pass
        if inner.lower() in ("true", "false"):
            return ("kw", inner.lower())
        return ("str", inner)
    try:
        return ("num", Decimal(s))
    except InvalidOperation:
        return None


def defaults_match(mig, pg):
    if (mig is None) != (pg is None):
        return False
    if mig is None:
        return True
    lm = _literal(mig)
    if lm is None:  # an expression: present on both sides is enough
        return True
    lp = _literal(pg)
    if lp is None:
        return False
    if lm[0] == "num" and lp[0] == "num":
        return lm[1] == lp[1]
    if lm[0] == "kw" and lp[0] == "str":  # 'true'::boolean style
        return lm[1] == lp[1].lower()
    return lm == lp


# --------------------------------------------------------------- server ----

def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A throwaway server in tmp/pg: a unix socket only, or with tcp=True
    also 127.0.0.1 on a free port (initdb -A trust covers loopback too), for
    clients that speak only TCP (JDBC)."""

    def __init__(self, pg_bin, tmp, tcp=False):
        self.pg_bin = pg_bin
        self.dir = os.path.join(tmp, "pg")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self.tcp = tcp
        self.port = free_port() if tcp else 54329
        self.started = False
        self.as_root = os.geteuid() == 0

    def _as_pg(self, argv):
        if self.as_root:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def start(self):
        os.makedirs(self.dir)
        if self.as_root:
            pw = pwd.getpwnam("postgres")
            # the temp root must be traversable by postgres
            os.chmod(os.path.dirname(self.dir), 0o755)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o755)
        r = subprocess.run(self._as_pg([
            os.path.join(self.pg_bin, "initdb"), "-D", self.data, "-A", "trust",
            "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"]),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise RuntimeError("initdb failed:\n" + r.stdout)
        opts = ("-c listen_addresses=%s -k %s -p %d -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off "
                "-c max_locks_per_transaction=256"
                % ("127.0.0.1" if self.tcp else "", self.dir, self.port))
        r = subprocess.run(self._as_pg([
            os.path.join(self.pg_bin, "pg_ctl"), "start", "-w", "-t", "60",
            "-D", self.data, "-l", self.log, "-o", opts]),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.started = True  # pg_ctl may have left a postmaster behind
        if r.returncode != 0:
            raise RuntimeError("pg_ctl start failed:\n" + r.stdout +
                               "\n--- server log ---\n" + self.read_log())

    def read_log(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError as e:
            return "(no log: %s)" % e

    def stop(self):
        if not self.started:
            return
        subprocess.run(self._as_pg([
            os.path.join(self.pg_bin, "pg_ctl"), "stop", "-D", self.data,
            "-m", "immediate", "-w", "-t", "30"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.started = False

    def _psql_argv(self, db):
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.dir,
                "-p", str(self.port), "-U", "postgres", "-d", db]

    def psql(self, db, file=None, sql=None, tuples=False):
        argv = self._psql_argv(db)
        if tuples:
            argv += ["-A", "-t"]
        if file is not None:
            argv += ["-f", file]
        if sql is not None:
            argv += ["-c", sql]
        env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
        return subprocess.run(argv, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)

    def session(self, db, app, statements):
        """A psql session of its own, in the background, that runs each of
        statements in turn (one -c each) and exits; app is its
        application_name in pg_stat_activity. Read the result with
        communicate()."""
        argv = self._psql_argv(db)
        for st in statements:
            argv += ["-c", st]
        env = dict(os.environ, PGAPPNAME=app,
                   PGOPTIONS="-c client_min_messages=warning")
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, env=env)

    def create_db(self, name):
        r = self.psql("postgres", sql='DROP DATABASE IF EXISTS "%s"; ' % name)
        r = self.psql("postgres", sql='CREATE DATABASE "%s" TEMPLATE template0'
                      % name)
        if r.returncode != 0:
            raise RuntimeError("CREATE DATABASE %s failed: %s" % (name, r.stderr))


# -------------------------------------------------------------- catalog ----

CATALOG_SQL = r"""
WITH t AS (
  SELECT c.oid, c.relname FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
)
SELECT coalesce(json_agg(json_build_object(
  'name', t.relname,
  'columns', (SELECT coalesce(json_agg(json_build_object(
       'name', a.attname,
       'type', format_type(a.atttypid, a.atttypmod),
       'nullable', NOT a.attnotnull,
       'default', pg_get_expr(d.adbin, d.adrelid),
       'identity', a.attidentity <> '') ORDER BY a.attnum), '[]'::json)
     FROM pg_attribute a
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped),
  'constraints', (SELECT coalesce(json_agg(json_build_object(
       'name', k.conname,
       'contype', k.contype,
       'columns', (SELECT coalesce(json_agg(a.attname ORDER BY u.ord), '[]'::json)
                   FROM unnest(k.conkey) WITH ORDINALITY u(num, ord)
                   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num),
       'ref_table', k.confrelid::regclass::text,
       'ref_columns', (SELECT json_agg(a.attname ORDER BY u.ord)
                   FROM unnest(k.confkey) WITH ORDINALITY u(num, ord)
                   JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num),
       'on_delete', k.confdeltype,
       'on_update', k.confupdtype,
       'definition', pg_get_constraintdef(k.oid)) ORDER BY k.conname), '[]'::json)
     FROM pg_constraint k WHERE k.conrelid = t.oid),
  'indexes', (SELECT coalesce(json_agg(json_build_object(
       'name', ic.relname,
       'unique', i.indisunique,
       'columns', (SELECT json_agg(CASE WHEN u.num = 0 THEN NULL ELSE a.attname END
                                   ORDER BY u.ord)
                   FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(num, ord)
                   LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.num
                   WHERE u.ord <= i.indnkeyatts),
       'descending', (SELECT json_agg((o.opt & 1) = 1 ORDER BY o.ord)
                   FROM unnest(i.indoption::int2[]) WITH ORDINALITY o(opt, ord)),
       'where', pg_get_expr(i.indpred, i.indrelid)) ORDER BY ic.relname), '[]'::json)
     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
     WHERE i.indrelid = t.oid
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                       WHERE k.conindid = i.indexrelid AND k.conrelid = t.oid
                         AND k.contype IN ('p', 'u', 'x')))
) ORDER BY t.relname), '[]'::json)
FROM t;
"""

OTHER_OBJECTS_SQL = r"""
SELECT c.relkind::text || ' ' || c.relname FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
UNION ALL
SELECT 'type ' || t.typname FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'public' AND t.typrelid = 0 AND t.typelem = 0
UNION ALL
SELECT 'function ' || p.proname FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
ORDER BY 1;
"""


def read_catalog(server, db):
    r = server.psql(db, sql=CATALOG_SQL, tuples=True)
    if r.returncode != 0:
        raise RuntimeError("catalog query failed: " + r.stderr)
    return json.loads(r.stdout)


def _norm_where(s):
    if s is None:
        return None
    s = _CAST.sub("", s).lower()
    return re.sub(r"[\s()\"]", "", s)


def unquote_ident(s):
    """A name as regclass::text prints it: quoted (quotes doubled) if needed."""
    if len(s) >= 2 and s.startswith('"') and s.endswith('"'):
        return s[1:-1].replace('""', '"')
    return s


def compare_schema(mig, pg):
    """List of human-readable differences between migc's JSON and the catalog."""
    diffs = []
    mt = {t["name"]: t for t in mig["tables"]}
    pt = {t["name"]: t for t in pg}
    for name in sorted(set(mt) - set(pt)):
        diffs.append("table %s: in migc schema, not in PostgreSQL" % name)
    for name in sorted(set(pt) - set(mt)):
        diffs.append("table %s: in PostgreSQL, not in migc schema" % name)
    for name in sorted(set(mt) & set(pt)):
        a, b = mt[name], pt[name]
        # columns
        ac = [c["name"] for c in a["columns"]]
        bc = [c["name"] for c in b["columns"]]
        if sorted(ac) != sorted(bc):
            diffs.append("table %s: columns differ: migc %s, PostgreSQL %s"
                         % (name, ac, bc))
        bcols = {c["name"]: c for c in b["columns"]}
        for c in a["columns"]:
            p = bcols.get(c["name"])
            if p is None:
                continue
            where = "%s.%s" % (name, c["name"])
            want = pg_type(c["type"])
            if want != p["type"]:
                diffs.append("%s: type migc %s (-> %s), PostgreSQL %s"
                             % (where, c["type"], want, p["type"]))
            if bool(c["nullable"]) != bool(p["nullable"]):
                diffs.append("%s: nullable migc %s, PostgreSQL %s"
                             % (where, c["nullable"], p["nullable"]))
            if bool(c["identity"]) != bool(p["identity"]):
                diffs.append("%s: identity migc %s, PostgreSQL %s"
                             % (where, c["identity"], p["identity"]))
            pdef = None if p["identity"] else p["default"]
            if not defaults_match(c["default"], pdef):
                diffs.append("%s: default migc %r, PostgreSQL %r"
                             % (where, c["default"], pdef))
        # constraints
        ak = {k["name"]: k for k in a["constraints"]}
        bk = {k["name"]: k for k in b["constraints"]}
        for k in sorted(set(ak) - set(bk)):
            diffs.append("table %s: constraint %s (%s) in migc schema, not in "
                         "PostgreSQL" % (name, k, ak[k]["kind"]))
        for k in sorted(set(bk) - set(ak)):
            diffs.append("table %s: constraint %s (%s) in PostgreSQL, not in "
                         "migc schema: %s" % (name, k, CONTYPES.get(
                             bk[k]["contype"], bk[k]["contype"]),
                             bk[k]["definition"]))
        for k in sorted(set(ak) & set(bk)):
            x, y = ak[k], bk[k]
            where = "%s constraint %s" % (name, k)
            ykind = CONTYPES.get(y["contype"], y["contype"])
            if x["kind"] != ykind:
                diffs.append("%s: kind migc %s, PostgreSQL %s"
                             % (where, x["kind"], ykind))
                continue
            if ykind in ("primary_key", "unique", "foreign_key"):
                if list(x.get("columns") or []) != list(y["columns"]):
                    diffs.append("%s: columns migc %s, PostgreSQL %s"
                                 % (where, x.get("columns"), y["columns"]))
            if ykind == "foreign_key":
                ref = x.get("references") or {}
                got = {"table": unquote_ident(y["ref_table"]),
                       "columns": y["ref_columns"],
                       "on_delete": FK_ACTIONS.get(y["on_delete"]),
                       "on_update": FK_ACTIONS.get(y["on_update"])}
                exp = {"table": ref.get("table"),
                       "columns": ref.get("columns"),
                       "on_delete": ref.get("on_delete") or "no action",
                       "on_update": ref.get("on_update") or "no action"}
                if got != exp:
                    diffs.append("%s: references migc %s, PostgreSQL %s"
                                 % (where, exp, got))
        # indexes (those backing constraints are excluded on both sides)
        ai = {i["name"]: i for i in a["indexes"]}
        bi = {i["name"]: i for i in b["indexes"]}
        for i in sorted(set(ai) - set(bi)):
            diffs.append("table %s: index %s in migc schema, not in PostgreSQL"
                         % (name, i))
        for i in sorted(set(bi) - set(ai)):
            diffs.append("table %s: index %s in PostgreSQL, not in migc schema"
                         % (name, i))
        for i in sorted(set(ai) & set(bi)):
            x, y = ai[i], bi[i]
            where = "%s index %s" % (name, i)
            if bool(x["unique"]) != bool(y["unique"]):
                diffs.append("%s: unique migc %s, PostgreSQL %s"
                             % (where, x["unique"], y["unique"]))
            if list(x["columns"]) != list(y["columns"]):
                diffs.append("%s: columns migc %s, PostgreSQL %s"
                             % (where, x["columns"], y["columns"]))
            xd = list(x.get("descending") or [False] * len(x["columns"]))
            yd = list(y["descending"] or [])[:len(xd)]
            if xd != yd:
                diffs.append("%s: descending migc %s, PostgreSQL %s"
                             % (where, xd, yd))
            if (x.get("where") is None) != (y["where"] is None) or (
                    _norm_where(x.get("where")) != _norm_where(y["where"])):
                diffs.append("%s: where migc %r, PostgreSQL %r"
                             % (where, x.get("where"), y["where"]))
    return diffs


# ------------------------------------------------------------- harness -----

def psql_error(r):
    return (r.stderr or r.stdout or "").strip()


def apply(server, db, path):
    r = server.psql(db, file=path)
    return r.returncode == 0, psql_error(r)


def seeded_db(checks, server, migc, path, work, db, part, tables, rows_sql):
    """Emits the project at path, creates db, runs the migration named
    tables and then rows_sql in it, and records "<part>: the tables exist,
    with rows". Returns the emitted up scripts by migration name, or None."""
    files = migc_emit_dir(migc, path, os.path.join(work, "emit"))
    by_name = {name: up for (_, name), up, _ in files}
    server.create_db(db)
    ok, err = apply(server, db, by_name[tables])
    if ok:
        r = server.psql(db, sql=rows_sql)
        ok, err = r.returncode == 0, r.stderr
    if not checks.record("%s: the tables exist, with rows" % part, ok, err):
        return None
    return by_name


def check_compare(checks, name, server, db, expected):
    common.compare_catalog(checks, name, expected,
                           lambda: read_catalog(server, db), compare_schema)


def public_objects(server, db):
    r = server.psql(db, sql=OTHER_OBJECTS_SQL, tuples=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return [l for l in r.stdout.splitlines() if l.strip()]


def test_shop(checks, server, migc, shop, tmp, proj="shop"):
    """Applies the project at shop on the server: the whole history up and
    down, and each migration up/down/up on the ones before it. Checks are
    named "<proj>: ..."."""
    if not os.path.isdir(shop):
        checks.record(proj + ": project exists", False, shop + " not found")
        return
    expected = migc_schema(migc, shop)
    up = os.path.join(tmp, proj + ".up.sql")
    down = os.path.join(tmp, proj + ".down.sql")
    for argv, dest in (([], up), (["--down"], down)):
        r = run([migc, "emit", "--target=postgres"] + argv + [shop])
        with open(dest, "w") as f:
            f.write(r.stdout)
        checks.record(proj + ": migc emit %s" % " ".join(["--target=postgres"] + argv),
                      r.returncode == 0, r.stderr)
    server.create_db(proj + "_full")
    ok, err = apply(server, proj + "_full", up)
    checks.record(proj + ": full up script applies", ok, err)
    if ok:
        check_compare(checks, proj + ": catalog matches migc schema",
                      server, proj + "_full", expected)
    ok, err = apply(server, proj + "_full", down)
    checks.record(proj + ": full down script applies", ok, err)
    if ok:
        left = public_objects(server, proj + "_full")
        checks.record(proj + ": public schema empty after down", not left,
                      "left over (relkind name): " + ", ".join(left))

    # per-migration replay: ups before it, up, down, up
    out = os.path.join(tmp, proj + "_files")
    files = migc_emit_dir(migc, shop, out)
    checks.record(proj + ": emit -o writes one up per migration (%d)" % len(files),
                  len(files) > 0 and all(d for _, _, d in files),
                  "missing down files: " + ", ".join(
                      "%04d_%s" % k for k, _, d in files if not d))
    # a database with all ups applied so far serves as the template for the next
    server.create_db(proj + "_base")
    for i, (key, upf, downf) in enumerate(files):
        name = proj + ": replay %04d_%s up/down/up" % key
        db = proj + "_step"
        r = server.psql("postgres", sql='DROP DATABASE IF EXISTS "%s"' % db)
        r = server.psql("postgres", sql='CREATE DATABASE "%s" TEMPLATE "%s"'
                        % (db, proj + "_base"))
        if r.returncode != 0:
            checks.record(name, False, "cannot create database: " + r.stderr)
            continue
        steps = [("up", upf), ("down", downf), ("up again", upf)]
        detail = ""
        for step, f in steps:
            if f is None:
                detail = "no down file"
                break
            ok, err = apply(server, db, f)
            if not ok:
                detail = "%s (%s) failed:\n%s" % (step, os.path.basename(f), err)
                break
        checks.record(name, not detail, detail)
        # advance the base by this migration's up
        ok, err = apply(server, proj + "_base", upf)
        if not ok:
            checks.record(proj + ": base advances past %04d_%s" % key, False, err)
            break


# ---------------------------------------------------------------- locks ----
# What the index-without-concurrently warning says of PostgreSQL's locks,
# checked on the server with the statements migc emits: each lock mode as
# pg_locks shows it, and which reads and writes wait behind it. A session
# that must hold a lock runs its statement in a transaction left open (it
# sleeps after it) until the test cancels it.

LOCKS_MIG = """\
migration lock_table {
  up {
    create table lock_t (id int primary key, a int, b int);
    create index lock_t_b_idx on lock_t (b);
  }
}
migration lock_build {
  requires lock_table;
  up {
    create index lock_t_a_idx on lock_t (a);
    drop index lock_t_b_idx;
  }
}
migration lock_build_concurrently {
  requires lock_build;
  up {
    create index concurrently lock_t_c_idx on lock_t (a);
    drop index concurrently lock_t_c_idx;
  }
}
"""

# "creating index `lock_t_a_idx` without `concurrently` locks `lock_t`
# against writes (SHARE lock) ..."
LOCK_WARNING = re.compile(
    r"warning: (creating|dropping) (?:unique )?index `\w+` without "
    r"`concurrently` locks `lock_t` against ([a-z ]+) \(([A-Z ]+) lock\)")
# How long a probe waits for a lock before it counts as blocked; how many
# seconds the test waits for a session to get where it should be. Holders
# sleep far longer than both, until they are cancelled.
PROBE_TIMEOUT = "300ms"
READY_TIMEOUT = 30
HOLD = "SELECT pg_sleep(300)"
APP = "migc_locks_"


def pg_mode(words):
    """`SHARE` -> ShareLock, `ACCESS EXCLUSIVE` -> AccessExclusiveLock."""
    return "".join(w.capitalize() for w in words.split()) + "Lock"


def wait_for(server, db, sql):
    """Polls sql until it returns a row; False after READY_TIMEOUT."""
    deadline = time.time() + READY_TIMEOUT
    while time.time() < deadline:
        r = server.psql(db, sql=sql, tuples=True)
        if r.returncode == 0 and r.stdout.strip():
            return True
        time.sleep(0.05)
    return False


def activity(app, cond):
    return ("SELECT 1 FROM pg_stat_activity WHERE application_name = '%s%s' "
            "AND %s" % (APP, app, cond))


def table_modes(server, db, app, table="lock_t"):
    """The lock modes session app holds on table, sorted."""
    r = server.psql(db, tuples=True, sql=(
        "SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE a.application_name = '%s%s' AND c.relname = '%s' "
        "AND l.granted ORDER BY 1" % (APP, app, table)))
    return sorted(r.stdout.split()) if r.returncode == 0 else [r.stderr]


def waits(blocks):
    """What a write and a read do behind a lock, by migc's message: "locks
    `t` against writes" or "against reads and writes"."""
    return tuple("waited" if w in blocks.split() else "ran"
                 for w in ("writes", "reads"))


def behind(blocks):
    word = {"waited": "waits", "ran": "runs"}
    w, r = waits(blocks)
    return "a write %s and a read %s" % (word[w], word[r])


def probe(server, db, sql):
    """'ran', 'waited' (the lock timeout struck) or the error."""
    r = server.psql(db, sql="SET lock_timeout = '%s'; %s"
                    % (PROBE_TIMEOUT, sql))
    if r.returncode == 0:
        return "ran"
    return "waited" if "lock timeout" in r.stderr else r.stderr.strip()


class Sessions:
    """The background sessions of one scenario; end() cancels what is left."""

    def __init__(self, server, db):
        self.server, self.db, self.open, self.done = server, db, [], {}

    def hold(self, app, statement):
        """Runs statement in a transaction left open; True once it sleeps
        (the statement is done and its locks are held)."""
        self.open.append(self.server.session(
            self.db, APP + app, ["BEGIN", statement, HOLD]))
        return wait_for(self.server, self.db,
                        activity(app, "wait_event = 'PgSleep'"))

    def run(self, app, statement):
        """Runs statement on its own; True once it waits for a lock."""
        self.open.append(self.server.session(self.db, APP + app, [statement]))
        return wait_for(self.server, self.db,
                        activity(app, "wait_event_type = 'Lock'"))

    def cancel(self, app):
        self.server.psql(self.db, sql=(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = '%s%s'" % (APP, app)))

    def finish(self, index):
        """Waits for session index (in order of start): (exit status,
        stderr)."""
        if index not in self.done:
            p = self.open[index]
            try:
                _, err = p.communicate(timeout=READY_TIMEOUT)
            except subprocess.TimeoutExpired:
                p.kill()
                _, err = p.communicate()
            self.done[index] = (p.returncode, err.strip())
        return self.done[index]

    def end(self):
        self.server.psql(self.db, sql=(
            "SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
            "WHERE application_name LIKE '%s%%'" % APP))
        for i in range(len(self.open)):
            self.finish(i)


def emitted_index_statements(migc, path, out):
    """{(verb, concurrently): statement} of the emitted ups, and the up file
    of the first migration."""
    files = migc_emit_dir(migc, path, out)
    found = {}
    for _, up, _ in files[1:]:
        with open(up) as f:
            for line in f:
                m = re.match(r"(CREATE|DROP) INDEX (CONCURRENTLY )?", line)
                if m:
                    found[(m.group(1), bool(m.group(2)))] = line.strip()
    return found, files[0][1]


class LockChecks:
    """The scenarios on lock_t. st: the emitted statements; said: what
    migc's warnings say of each plain one, {"creating"|"dropping": (mode,
    what waits)}."""

    READ = "SELECT count(*) FROM lock_t"

    def __init__(self, checks, server, db, st, said):
        self.checks, self.server, self.db = checks, server, db
        self.st, self.said = st, said
        self.last_id = 0

    def write(self):
        """An insert of a row no other insert of the test uses."""
        self.last_id -= 1
        return "INSERT INTO lock_t VALUES (%d, 0, 0)" % self.last_id

    def probes(self):
        return (probe(self.server, self.db, self.write()),
                probe(self.server, self.db, self.READ))

    def modes(self, ready, app):
        return table_modes(self.server, self.db, app) if ready else [
            "(not ready)"]

    def run(self):
        for fn in (self.plain, self.drop_queues, self.create_concurrently,
                   self.drop_concurrently):
            s = Sessions(self.server, self.db)
            try:
                fn(s)
            finally:
                s.end()
        self.refused_in_transaction()
        self.failed_build()

    def plain(self, s):
        """CREATE INDEX and DROP INDEX, each in a transaction left open
        (then rolled back): the lock and what waits behind it."""
        for verb, word, app in (("CREATE", "creating", "build"),
                                ("DROP", "dropping", "drop")):
            mode, blocks = self.said[word]
            ready = s.hold(app, self.st[(verb, False)])
            modes = self.modes(ready, app)
            self.checks.record("locks: %s INDEX holds %s on the table, as "
                               "migc says" % (verb, mode), modes == [mode],
                               str(modes))
            got = self.probes()
            self.checks.record("locks: behind %s INDEX %s, as migc says"
                               % (verb, behind(blocks)), got == waits(blocks),
                               str(got))
            s.cancel(app)

    def drop_queues(self, s):
        ready = (s.hold("reader", self.READ)
                 and s.run("drop", self.st[("DROP", False)]))
        got = probe(self.server, self.db, self.READ) if ready else "(not ready)"
        self.checks.record("locks: DROP INDEX waits behind a running read, "
                           "and a read after it waits behind it",
                           got == "waited", got)
        s.cancel("reader")
        rc, err = s.finish(1)
        self.checks.record("locks: DROP INDEX runs once the read ends",
                           rc == 0, err)

    def concurrently(self, s, verb, holder, holder_sql, then):
        ready = (s.hold(holder, holder_sql)
                 and s.run("conc", self.st[(verb, True)]))
        modes = self.modes(ready, "conc")
        doing = {"writer": "writing", "reader": "reading"}[holder]
        self.checks.record("locks: %s INDEX CONCURRENTLY holds "
                           "ShareUpdateExclusiveLock and waits for an open %s "
                           "transaction" % (verb, doing), modes ==
                           ["ShareUpdateExclusiveLock"], str(modes))
        got = self.probes()
        self.checks.record("locks: a write and a read run during %s INDEX "
                           "CONCURRENTLY" % verb, got == ("ran", "ran"),
                           str(got))
        s.cancel(holder)
        rc, err = s.finish(1)
        r = self.server.psql(self.db, tuples=True, sql=then)
        self.checks.record("locks: %s INDEX CONCURRENTLY ends once the %s "
                           "does" % (verb, holder), rc == 0 and
                           r.stdout.strip() == "t", err + r.stderr + r.stdout)

    def create_concurrently(self, s):
        self.concurrently(s, "CREATE", "writer", self.write(),
                          "SELECT indisvalid FROM pg_index "
                          "WHERE indexrelid = 'lock_t_c_idx'::regclass")

    def drop_concurrently(self, s):
        self.concurrently(s, "DROP", "reader", self.READ,
                          "SELECT to_regclass('lock_t_c_idx') IS NULL")

    def refused_in_transaction(self):
        for verb in ("CREATE", "DROP"):
            r = self.server.session(self.db, APP + "txn", [
                "BEGIN", self.st[(verb, True)]])
            _, err = r.communicate(timeout=READY_TIMEOUT)
            self.checks.record("locks: %s INDEX CONCURRENTLY is refused in a "
                               "transaction block" % verb, r.returncode != 0
                               and "cannot run inside a transaction block"
                               in err, err)

    def failed_build(self):
        def q(sql):
            return self.server.psql(self.db, sql=sql, tuples=True)
        steps = [q("CREATE TABLE lock_dup (v int); "
                   "INSERT INTO lock_dup VALUES (1), (1)"),
                 q("CREATE UNIQUE INDEX CONCURRENTLY lock_dup_v_key "
                   "ON lock_dup (v)"),
                 q("SELECT indisvalid FROM pg_index "
                   "WHERE indexrelid = 'lock_dup_v_key'::regclass"),
                 q("DROP INDEX CONCURRENTLY lock_dup_v_key")]
        self.checks.record(
            "locks: a failed concurrent build leaves an invalid index, which "
            "DROP INDEX CONCURRENTLY removes",
            [r.returncode == 0 for r in steps] == [True, False, True, True]
            and steps[2].stdout.strip() == "f",
            "\n".join(r.stderr + r.stdout for r in steps))


def test_locks(checks, server, migc, tmp):
    work = os.path.join(tmp, "locks")
    os.makedirs(work)
    path = os.path.join(work, "locks.mig")
    with open(path, "w") as f:
        f.write(LOCKS_MIG)
    r = run([migc, "check", "--isolated", path])
    found = LOCK_WARNING.findall(r.stderr)
    said = {verb: (pg_mode(mode), blocks) for verb, blocks, mode in found}
    if not checks.record("locks: migc warns on the plain create index and "
                         "drop index, not the concurrent ones",
                         r.returncode == 0 and len(found) == 2
                         and sorted(said) == ["creating", "dropping"],
                         r.stderr):
        return
    st, first_up = emitted_index_statements(migc, path,
                                            os.path.join(work, "emit"))
    db = "locks"
    server.create_db(db)
    ok, err = apply(server, db, first_up)
    if ok:
        r = server.psql(db, sql="INSERT INTO lock_t SELECT g, g, g "
                        "FROM generate_series(1, 1000) g")
        ok, err = r.returncode == 0, r.stderr
    if checks.record("locks: the table exists, with rows; migc emits the four "
                     "statements", ok and len(st) == 4,
                     err or "emitted: %s" % st):
        LockChecks(checks, server, db, st, said).run()


# ------------------------------------------------------------ backfills ----
# What the backfill-mixed-with-ddl warning says, checked on the server. Each
# case is a migration of its own (one transaction) with an update of older
# rows next to DDL on the same table. Its emitted statements run in a
# session whose transaction is left open; a second session then reads
# pg_locks: the lock migc names must be held (the strongest on the table),
# with the update's ROW EXCLUSIVE; a write to a row the backfill updated
# waits (its row lock), and a write of another row and a read wait exactly
# as migc's words say ("against writes" or "against reads and writes"). The
# last case, an update next to `validate constraint`, draws no warning:
# there a read and a write of another row go on.

BACKFILL_ROWS = 100
BACKFILL_MIG = """\
migration backfill_tables {
  up {
    create table bf_ref (id int primary key);
    create table bf_add (id int primary key, a int, b int);
    create table bf_idx (id int primary key, a int, b int);
    create table bf_fk (id int primary key, a int, b int);
    create table bf_ok (id int primary key, a int, b int);
    add constraint bf_ok_a on bf_ok check (a < 1000) not valid;
  }
}
migration backfill_add {
  requires backfill_tables;
  up {
    add column bf_add.c int;
    update bf_add set c = a;
  }
}
migration backfill_idx {
  requires backfill_add;
  up {
    update bf_idx set a = a + 1 where id <= 10;
    -- migc-ignore: index-without-concurrently the test reads its lock
    create index bf_idx_a on bf_idx (a);
  }
}
migration backfill_fk {
  requires backfill_idx;
  up {
    update bf_fk set a = 1 where id <= 10;
    add constraint bf_fk_a on bf_fk foreign key (a) references bf_ref (id) not valid;
  }
}
migration backfill_ok {
  requires backfill_fk;
  up {
    update bf_ok set a = 1 where id <= 10;
    validate constraint bf_ok_a on bf_ok;
  }
}
"""
BACKFILL_WARNING = re.compile(
    r"warning: updating existing rows of `(\w+)` in the same transaction as "
    r"`[^`]+` keeps the rows it updates locked, and the table locked against "
    r"([a-z ]+) \(([A-Z ]+) lock\), until the migration commits"
    r".*\[backfill-mixed-with-ddl\]")


def test_backfills(checks, server, migc, tmp):
    work = os.path.join(tmp, "backfills")
    os.makedirs(work)
    path = os.path.join(work, "backfills.mig")
    with open(path, "w") as f:
        f.write(BACKFILL_MIG)
    r = run([migc, "check", "--isolated", "-Wno-missing-inverse", path])
    said = {t: (pg_mode(mode), blocks)
            for t, blocks, mode in BACKFILL_WARNING.findall(r.stderr)}
    if not checks.record("backfills: migc warns on the three mixed cases, "
                         "not on the update next to `validate constraint`",
                         sorted(said) == ["bf_add", "bf_fk", "bf_idx"]
                         and "[backfill-mixed-with-ddl]" in r.stderr
                         and r.stderr.count("[backfill-mixed-with-ddl]") == 3,
                         r.stderr):
        return
    db = "backfills"
    rows = ";".join(
        "INSERT INTO %s SELECT g, g, g FROM generate_series(1, %d) g"
        % (t, BACKFILL_ROWS) for t in ("bf_add", "bf_idx", "bf_fk", "bf_ok"))
    by_name = seeded_db(checks, server, migc, path, work, db, "backfills",
                        "backfill_tables",
                        "INSERT INTO bf_ref VALUES (1);" + rows)
    if by_name is None:
        return
    for name, up in by_name.items():
        if name == "backfill_tables":
            continue
        table = "bf_" + name.split("_", 1)[1]
        backfill_case(checks, server, db, table, script_statements(up),
                      said.get(table))


def backfill_case(checks, server, db, table, statements, said):
    """Runs statements in a transaction left open, then reads and probes
    what it holds; said is migc's (mode, what waits), None for no warning."""
    s = Sessions(server, db)
    app = "backfill_" + table
    try:
        s.open.append(server.session(db, APP + app,
                                     ["BEGIN"] + statements + [HOLD]))
        ready = wait_for(server, db, activity(app, "wait_event = 'PgSleep'"))
        modes = table_modes(server, db, app, table) if ready else [
            "(not ready: %s)" % (s.finish(0),)]
        mode, blocks = said or ("ShareUpdateExclusiveLock", "")
        checks.record("backfills: %s holds %s, its strongest lock, and the "
                      "update's RowExclusiveLock, as migc says"
                      % (table, mode),
                      mode in modes and "RowExclusiveLock" in modes
                      and strongest(modes) == mode, str(modes))
        got = probe(server, db, "UPDATE %s SET b = 0 WHERE id = 1" % table)
        checks.record("backfills: on %s a write to an updated row waits"
                      % table, got == "waited", got)
        got = (probe(server, db, "INSERT INTO %s VALUES (-1, NULL, 0)" % table),
               probe(server, db, "SELECT count(*) FROM %s" % table))
        checks.record("backfills: on %s %s, as migc says"
                      % (table, behind(blocks)), got == waits(blocks),
                      str(got))
    finally:
        s.end()


# -------------------------------------------------------------- batches ----
# `update ... in batches of N`: the script runs without BEGIN/COMMIT and its
# DO block commits every batch. A second session holds one row locked, so
# the batched update waits at that row's batch: meanwhile a third session
# sees the batches before it committed, and can lock a row an earlier batch
# wrote (no row lock is held across batches). Once the holder lets go, every
# row is updated, each batch in a transaction of its own (one xmin per
# batch, N rows each). The names and the literal are hostile: a column
# named like the DO block's variable, a string holding the dollar quote.

BATCH_ROWS, BATCH_SIZE = 1000, 100
BATCHES_MIG = """\
migration batch_tables {
  up {
    create table bt (id int primary key, status text, migc_rows int not null);
  }
}

migration batch_fill {
  requires batch_tables;
  up {
    update bt set status = 'a$migc$''b', migc_rows = migc_rows + 1
      where status is null in batches of %d;
  }
  irreversible;
}
""" % BATCH_SIZE


def test_batches(checks, server, migc, tmp):
    work = os.path.join(tmp, "batches")
    os.makedirs(work)
    path = os.path.join(work, "batches.mig")
    with open(path, "w") as f:
        f.write(BATCHES_MIG)
    r = run([migc, "check", "--isolated", path])
    checks.record("batches: migc proves the batched update ends",
                  r.returncode == 0
                  and "batched-update-may-not-end" not in r.stderr, r.stderr)
    db = "batches"
    by_name = seeded_db(
        checks, server, migc, path, work, db, "batches", "batch_tables",
        "INSERT INTO bt SELECT g, NULL, 0 FROM generate_series(1, %d) g"
        % BATCH_ROWS)
    if by_name is None:
        return
    script = by_name["batch_fill"]
    with open(script) as f:
        text = f.read()
    checks.record("batches: the script has no BEGIN/COMMIT around it and "
                  "a dollar quote the literal does not hold",
                  "BEGIN;\n" not in text and "not in a transaction" in text
                  and "DO $migc1$" in text, text)
    s = Sessions(server, db)
    try:
        held = s.hold("batch_holder",
                      "SELECT 1 FROM bt WHERE id = %d FOR UPDATE"
                      % (BATCH_ROWS // 2))
        env = dict(os.environ, PGAPPNAME=APP + "batch_fill",
                   PGOPTIONS="-c client_min_messages=warning")
        s.open.append(subprocess.Popen(
            server._psql_argv(db) + ["-f", script], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env=env))
        waiting = held and wait_for(server, db, activity(
            "batch_fill", "wait_event_type = 'Lock'"))
        r = server.psql(db, tuples=True, sql=(
            "SELECT count(*) FROM bt WHERE status IS NOT NULL"))
        seen = int(r.stdout.strip() or -1) if r.returncode == 0 else -1
        checks.record("batches: while a batch waits for a locked row, "
                      "another session sees the batches before it committed",
                      waiting and 0 < seen < BATCH_ROWS
                      and seen % BATCH_SIZE == 0,
                      "waiting=%s seen=%d" % (waiting, seen))
        got = probe(server, db, "UPDATE bt SET migc_rows = migc_rows "
                    "WHERE id = 1")
        checks.record("batches: a row an earlier batch wrote is not locked",
                      got == "ran", got)
        s.cancel("batch_holder")
        status, err = s.finish(1)
        checks.record("batches: the script runs to its end", status == 0, err)
        r = server.psql(db, tuples=True, sql=(
            "SELECT count(*), count(*) FILTER (WHERE status = 'a$migc$''b' "
            "AND migc_rows = 1) FROM bt"))
        checks.record("batches: every row is updated once, with the literal "
                      "as written",
                      r.stdout.strip().split("|") == [str(BATCH_ROWS)] * 2,
                      r.stdout + r.stderr)
        r = server.psql(db, tuples=True, sql=(
            "SELECT count(*), max(n) FROM (SELECT count(*) n FROM bt "
            "WHERE id <> 1 GROUP BY xmin) x"))
        checks.record("batches: each batch of %d rows committed on its own "
                      "(one transaction id per batch)" % BATCH_SIZE,
                      r.stdout.strip() == "%d|%d" % (BATCH_ROWS // BATCH_SIZE,
                                                     BATCH_SIZE),
                      r.stdout + r.stderr)
    finally:
        s.end()
    update = [l.strip() for l in text.splitlines()
              if l.strip().startswith("UPDATE ")]
    # With statistics, as a table in production has them.
    server.psql(db, sql="ANALYZE bt")
    r = server.psql(db, tuples=True, sql="EXPLAIN " + update[0].rstrip(";")
                    if update else "SELECT 'no UPDATE'")
    checks.record("batches: a batch writes its rows found by ctid (a TID "
                  "scan), it does not scan the table again",
                  re.search(r"Tid Scan on bt\s+\(", r.stdout) is not None
                  and re.search(r"Seq Scan on bt\s+\(", r.stdout) is None,
                  r.stdout + r.stderr)


# ------------------------------------------------------- several tables ----
# What several-tables-locked says, on the server: the migration's emitted
# script runs in one session while another session holds a lock on the
# second table. While the second statement waits for it, the first table's
# lock, in the mode migc names, must still be granted to the migration's
# session, and a write to the first table must wait behind it.

SEVERAL_MIG = """\
migration several_create {
  up {
    create table st_a (id int primary key, x int);
    create table st_b (id int primary key, y int);
  }
}

migration several_lock {
  requires several_create;
  up {
    create index st_a_x_idx on st_a (x);
    alter column st_b.y set not null;
  }
}
"""
SEVERAL_WARNING = re.compile(
    r"warning: migration `several_lock` locks `(\w+)` \(([A-Z ]+)\) and "
    r"`(\w+)` \(([A-Z ]+)\) in one transaction: it holds the ([A-Z ]+) lock "
    r"on `\1` until it commits while it waits here for `\3`, so writes to "
    r"`\1` queue behind it.*\[several-tables-locked\]")


def test_several_tables(checks, server, migc, tmp):
    work = os.path.join(tmp, "several")
    os.makedirs(work)
    path = os.path.join(work, "several.mig")
    with open(path, "w") as f:
        f.write(SEVERAL_MIG)
    r = run([migc, "check", "--isolated", "-Wno-index-without-concurrently",
             "-Wno-set-not-null-scan", path])
    found = SEVERAL_WARNING.findall(r.stderr)
    if not checks.record("several tables: migc warns once that several_lock "
                         "locks st_a, then st_b", r.returncode == 0
                         and len(found) == 1 and found[0][0] == "st_a"
                         and found[0][2] == "st_b", r.stderr):
        return
    first, first_mode, second, _, held_mode = found[0]
    files = migc_emit_dir(migc, path, os.path.join(work, "emit"))
    db = "several"
    server.create_db(db)
    ok, err = apply(server, db, files[0][1])
    if not checks.record("several tables: the tables exist",
                         ok and len(files) == 2, err):
        return
    statements = script_statements(files[1][1])
    s = Sessions(server, db)
    try:
        # ACCESS SHARE: the ACCESS EXCLUSIVE of `set not null` waits for it.
        blocked = s.hold("several_blocker",
                         "LOCK TABLE %s IN ACCESS SHARE MODE" % second)
        s.open.append(server.session(db, APP + "several_mig",
                                     ["BEGIN"] + statements + ["COMMIT"]))
        waiting_now = blocked and wait_for(
            server, db, activity("several_mig", "wait_event_type = 'Lock'"))
        modes = table_modes(server, db, "several_mig", first)
        write = probe(server, db, "INSERT INTO %s (id, x) VALUES (1, 1)"
                      % first)
        checks.record(
            "several tables: while the second statement waits for %s, the "
            "migration still holds the %s lock migc names on %s, and a "
            "write to it waits" % (second, held_mode, first),
            waiting_now and first_mode == held_mode
            and pg_mode(held_mode) in modes and write == "waited",
            "waiting: %s, modes on %s: %s, write: %s, statements: %s"
            % (waiting_now, first, modes, write, statements))
    finally:
        s.end()


# ------------------------------------------------------------- timeouts ----
# What missing-lock-timeout and non-atomic-migration say, and what the
# timeout clauses and `transaction none;` emit, on the server. Each
# single-statement migration below has no lock timeout: migc's warning names
# the lock its statement queues for. With a session holding ROW EXCLUSIVE on
# the table (a transaction that wrote to it and is still open), the
# emitted script must wait for exactly that
# mode (pg_locks, not granted), a write must queue behind it, and a read too
# exactly when the mode is ACCESS EXCLUSIVE ("every read and write"). Then a
# migration with `lock_timeout '1s'`, one with `statement_timeout '1s'`, and
# one whose timeout comes from migc.toml must each give up behind the same
# holder; and in a `transaction none;` migration whose second statement
# fails, the first must stay, where the same two in a transaction leave
# nothing.

TIMEOUT_STATEMENTS = [
    "add column tt.c int",
    "alter column tt.c set default 1",
    "alter column tt.c drop default",
    "alter column tt.a set not null",
    "alter column tt.a drop not null",
    "alter column tt.a type bigint",
    "rename column tt.c to d",
    "drop column tt.d",
    "add constraint tt_a_pos on tt check (a > 0) not valid",
    "drop constraint tt_a_pos on tt",
    "add constraint tt_r_fk on tt foreign key (r) references tr (id) not valid",
    "create index tt_b_idx on tt (b)",
    "drop index tt_b_idx",
    "add constraint tt_b_key on tt unique (b)",
    "rename table tt to tt2",
    "rename table tt2 to tt",
]
TIMEOUT_WARNING = re.compile(
    r"warning: `(.+)` queues for an? ([A-Z ]+) lock on `(\w+)` with no lock "
    r"timeout: while it waits behind a long transaction, every "
    r"(read and write|write) of `\w+` waits behind it \[missing-lock-timeout\]")


def timeouts_mig():
    out = ["migration t0 { up { create table tr (id int primary key); "
           "create table tt (id int primary key, a int, b text, r int); } }"]
    prev = "t0"
    for i, st in enumerate(TIMEOUT_STATEMENTS, 1):
        out.append("migration t%d { requires %s; up { %s; } }" % (i, prev, st))
        prev = "t%d" % i
    return "\n".join(out) + "\n"


def waiting_modes(server, db, app, table):
    """The lock modes session app waits for (not granted) on table."""
    r = server.psql(db, tuples=True, sql=(
        "SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE a.application_name = '%s%s' AND c.relname = '%s' "
        "AND NOT l.granted ORDER BY 1" % (APP, app, table)))
    return sorted(r.stdout.split()) if r.returncode == 0 else [r.stderr]


def script_session(server, db, app, path):
    """psql -f path in the background, as application app."""
    env = dict(os.environ, PGAPPNAME=APP + app,
               PGOPTIONS="-c client_min_messages=warning")
    return subprocess.Popen(server._psql_argv(db) + ["-f", path],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)


def timed_apply(server, db, path):
    t = time.time()
    r = server.psql(db, file=path)
    return r.returncode, r.stderr.strip(), time.time() - t


def test_timeouts(checks, server, migc, tmp):
    work = os.path.join(tmp, "timeouts")
    os.makedirs(work)
    path = os.path.join(work, "t.mig")
    with open(path, "w") as f:
        f.write(timeouts_mig())
    r = run([migc, "check", "--isolated", "-Wno-index-without-concurrently",
             "-Wno-set-not-null-scan", "-Wno-type-change-locks-table",
             "-Wno-key-locks-table", "-Wno-rename-breaks-application",
             "-Wno-drop-loses-data", "-Wno-missing-primary-key",
             "-Wno-unindexed-foreign-key", path])
    # One warning per migration, in replay order: the statements' order.
    said = {st: (mode, table, who) for st, (_, mode, table, who)
            in zip(TIMEOUT_STATEMENTS, TIMEOUT_WARNING.findall(r.stderr))}
    if not checks.record(
            "timeouts: migc warns missing-lock-timeout once per migration "
            "(%d statements)" % len(TIMEOUT_STATEMENTS),
            len(TIMEOUT_WARNING.findall(r.stderr))
            == len(TIMEOUT_STATEMENTS), r.stderr):
        return
    files = migc_emit_dir(migc, path, os.path.join(work, "emit"))
    db = "timeouts"
    server.create_db(db)
    ok, err = apply(server, db, files[0][1])
    if not checks.record("timeouts: the tables exist", ok, err):
        return
    for (_, name), up, _ in files[1:]:
        st = TIMEOUT_STATEMENTS[int(name[1:]) - 1]
        mode, table, who = said.get(st, ("?", "?", "?"))
        s = Sessions(server, db)
        try:
            # An open transaction that wrote to the table (ROW EXCLUSIVE):
            # every write-blocking lock queues behind it.
            held = s.hold("t_writer", "LOCK TABLE %s IN ROW EXCLUSIVE MODE"
                          % table)
            s.open.append(script_session(server, db, "t_mig", up))
            waiting = held and wait_for(
                server, db, activity("t_mig", "wait_event_type = 'Lock'"))
            modes = waiting_modes(server, db, "t_mig", table)
            write = probe(server, db, "INSERT INTO %s (id) VALUES (%d)"
                          % (table, -int(name[1:])))
            read = probe(server, db, "SELECT count(*) FROM %s" % table)
            expect_read = "waited" if who == "read and write" else "ran"
            checks.record(
                "timeouts: `%s` waits for %s on %s, and %s" % (
                    st, mode, table, "a read and a write queue behind it"
                    if expect_read == "waited" else
                    "a write queues behind it, a read does not"),
                waiting and modes == [pg_mode(mode)] and write == "waited"
                and read == expect_read,
                "waiting: %s, modes: %s, write: %s, read: %s"
                % (waiting, modes, write, read))
            s.cancel("t_writer")
            status, err = s.finish(1)
            checks.record("timeouts: `%s` completes once the writer ends" % st,
                          status == 0, err)
        finally:
            s.end()
    timeout_scripts(checks, server, migc, work)


TIMEOUT_CLAUSES = """
migration c0 { up { create table tc (id int primary key, a int); } }
migration c1 { requires c0; lock_timeout '1s'; up { add column tc.b int; } }
migration c2 { requires c1; statement_timeout '1s'; lock_timeout '0';
  up { add column tc.c int; } }
migration c3 { requires c2; transaction none; lock_timeout '1s';
  up { add column tc.d int; add constraint tc_a_pos on tc check (a > 0); } }
migration c4 { requires c3; lock_timeout '1s';
  up { add column tc.e int; add constraint tc_a_pos2 on tc check (a > 0); } }
"""


def timeout_scripts(checks, server, migc, work):
    proj = os.path.join(work, "clauses")
    os.makedirs(proj)
    with open(os.path.join(proj, "c.mig"), "w") as f:
        f.write(TIMEOUT_CLAUSES)
    r = run([migc, "check", "-Wno-constraint-without-not-valid",
             "-Wno-missing-primary-key", proj])
    non_atomic = re.findall(r"`transaction none;` runs the (\d+) statements "
                            r"of migration `(\w+)`'s `up` outside a "
                            r"transaction: if one fails, those before it stay "
                            r"applied \[non-atomic-migration\]", r.stderr)
    checks.record("timeouts: migc warns non-atomic-migration for c3 alone, "
                  "and no missing-lock-timeout",
                  non_atomic == [("2", "c3")]
                  and "missing-lock-timeout" not in r.stderr, r.stderr)
    files = migc_emit_dir(migc, proj, os.path.join(work, "clauses-emit"))
    db = "timeout_clauses"
    server.create_db(db)
    ok, err = apply(server, db, files[0][1])
    server.psql(db, sql="INSERT INTO tc (id, a) VALUES (1, -1)")
    for (_, name), up, _ in files[1:3]:
        s = Sessions(server, db)
        try:
            s.hold("c_reader", "SELECT count(*) FROM tc")
            status, err, secs = timed_apply(server, db, up)
            which = "lock" if name == "c1" else "statement"
            checks.record(
                "timeouts: behind a long read, %s's script gives up on its "
                "%s timeout after about 1 s" % (name, which),
                status != 0 and "canceling statement due to %s timeout"
                % which in err and 0.9 < secs < 10, "%s (%.1f s)" % (err, secs))
        finally:
            s.end()
        status, err, _ = timed_apply(server, db, up)
        checks.record("timeouts: %s applies once the read is over" % name,
                      status == 0, err)
    for (_, name), up, _ in files[3:5]:
        status, err, _ = timed_apply(server, db, up)
        col = "d" if name == "c3" else "e"
        r = server.psql(db, tuples=True, sql=(
            "SELECT count(*) FROM information_schema.columns WHERE "
            "table_name = 'tc' AND column_name = '%s'" % col))
        stays = r.stdout.strip() == "1"
        checks.record(
            "timeouts: %s's check fails on the row a = -1, and its first "
            "statement %s" % (name, "stays applied (transaction none)"
                              if name == "c3" else "is rolled back"),
            status != 0 and "violated by some row" in err
            and stays == (name == "c3"), "%s; column %s there: %s"
            % (err, col, stays))
    # The project's default, from migc.toml.
    dflt = os.path.join(work, "default")
    os.makedirs(dflt)
    with open(os.path.join(dflt, "migc.toml"), "w") as f:
        f.write('[check]\nlock-timeout = "1s"\n')
    with open(os.path.join(dflt, "d.mig"), "w") as f:
        f.write("migration d0 { up { create table td (id int primary key); } }\n"
                "migration d1 { requires d0; up { add column td.b int; } }\n")
    r = run([migc, "check", dflt])
    checks.record("timeouts: with lock-timeout in migc.toml, no "
                  "missing-lock-timeout", r.returncode == 0
                  and "missing-lock-timeout" not in r.stderr, r.stderr)
    files = migc_emit_dir(migc, dflt, os.path.join(work, "default-emit"))
    db = "timeout_default"
    server.create_db(db)
    apply(server, db, files[0][1])
    s = Sessions(server, db)
    try:
        s.hold("d_reader", "SELECT count(*) FROM td")
        status, err, secs = timed_apply(server, db, files[1][1])
        checks.record("timeouts: migc.toml's lock-timeout makes d1's script "
                      "give up after about 1 s",
                      status != 0 and "lock timeout" in err and secs < 10,
                      "%s (%.1f s)" % (err, secs))
    finally:
        s.end()


# ------------------------------------------------------------- rewrites ----
# What the type-change-locks-table and volatile-default-rewrites-table
# warnings say, checked on the server with the statements migc emits. For
# every pair of types migc accepts in `alter column ... type` (and a few
# `using`s), three tables with rows: an index on the column; that and a
# check on the column; a partial index whose `where` uses it. After the
# change, the relfilenode of the table and of each index must have changed,
# and pg_stat_user_tables.seq_scan grown, exactly as migc's words say:
# "rewrites `t` and rebuilds its indexes", "does not rewrite `t`, but scans
# it to check ... / to rebuild index ...", or no warning (the catalog only).
# The changes run with a TimeZone that is not UTC; the pairs of timestamp
# and timestamptz run again under UTC, as migc's note describes. Columns
# added with a volatile default, with now() and a constant, and a volatile
# `set default`, are checked the same way. The lock the warnings name is
# read in pg_locks, and probed, for one statement of each kind.

REWRITE_TYPES = [
    "smallint", "int", "bigint", "decimal", "decimal(10,2)", "decimal(12,2)",
    "decimal(10,3)", "decimal(8,2)", "real", "double", "bool", "text",
    "varchar", "varchar(40)", "varchar(60)", "char(40)", "char(60)", "bytes",
    "date", "time", "timestamp", "timestamptz", "uuid", "json"]
# (from, to, using)
REWRITE_USING = [
    ("varchar(40)", "text", "c"),
    ("varchar(40)", "varchar(60)", "cast(c as varchar(60))"),
    ("decimal(10,2)", "decimal(12,2)", "c"),
    ("varchar(40)", "varchar(60)", "lower(c)"),
    ("int", "bigint", "c"),
    ("text", "int", "cast(c as int)"),
]
# A value of each type that every type migc converts it to can hold.
REWRITE_VALUE = {"bool": "true", "bytes": "\\x37", "date": "2020-01-02",
                 "time": "10:00:00", "timestamp": "2020-01-02 10:00:00",
                 "timestamptz": "2020-01-02 10:00:00+00",
                 "uuid": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}
REWRITE_ROWS = 20
NOT_UTC = "America/New_York"
VOLATILE_MIG = """\
    add column vd_uuid.c uuid default gen_random_uuid();
    add column vd_random.c double not null default random();
    add column vd_clock.c timestamptz default clock_timestamp();
    add column vd_now.c timestamptz default now();
    add column vd_const.c int not null default 5;
    add column vd_ident.c bigint identity;
    alter column vd_setdef.r set default random();
"""
# Foreign keys on the changed column: PostgreSQL adds them again, and
# validates them again only if the conversion or the equality changes.
FK_CASES = [("fk1", "varchar(40)", "varchar(60)"),
            ("fk2", "decimal(10,2)", "decimal(12,2)"),
            ("fk3", "varchar(40)", "varchar"),
            ("fk4", "varchar(60)", "varchar(40)")]
VD_TABLES = ["vd_uuid", "vd_random", "vd_clock", "vd_now", "vd_const",
             "vd_ident", "vd_setdef"]
TYPE_CHANGE = re.compile(
    r"warning: changing `(\w+)\.c` from \S+ to \S+ (rewrites|does not "
    r"rewrite) `\1`(.*?)locks it against ([a-z ]+) \(([A-Z ]+) lock\) "
    r"until the migration commits \[type-change-locks-table\]")
VOLATILE_DEFAULT = re.compile(
    r"warning: adding (?:identity column )?`(\w+)\.c` (?:with the volatile "
    r"default `[^`]+` )?rewrites `\1` to (?:give every row a value of its "
    r"own|number every row), and locks it against ([a-z ]+) \(([A-Z ]+) "
    r"lock\) until the migration commits \[volatile-default-rewrites-table\]")
UTC_NOTE = re.compile(r"(\S+):(\d+):\d+: note: when the session's TimeZone is "
                      r"UTC, PostgreSQL keeps the rows as they are(.*)")
RELFILENODES_SQL = """\
SELECT pg_stat_clear_snapshot();
SELECT c.relname, c.relfilenode, coalesce(t.relname, c.relname),
       coalesce(s.seq_scan, 0)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = c.oid
LEFT JOIN pg_class t ON t.oid = i.indrelid
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')"""


def rewrite_cases():
    """[(table, from, to, using, variant)]: variant a has an index on c, b
    also a check on c, p a partial index on id where c is not null."""
    pairs = [(f, t, None) for f in REWRITE_TYPES for t in REWRITE_TYPES
             ] + REWRITE_USING
    return [("t%d%s" % (i, v), f, t, u, v) for i, (f, t, u) in
            enumerate(pairs) for v in "abp"]


def rewrite_mig(cases, utc):
    """The project: the tables, the changes (under another TimeZone), the
    timestamp pairs again (utc: under UTC), and the lock cases."""
    tables, changes, utc_changes = [], [], []
    for name, f, t, u, v in cases + [(n + "u", f, t, u, v)
                                     for n, f, t, u, v in utc]:
        check = (", constraint %s_ck check (c is not null or id > 0)" % name
                 if v == "b" else "")
        tables.append("    create table %s (id int primary key, c %s%s);"
                      % (name, f, check))
        if v == "p":
            tables.append("    create index %s_p on %s (id) where "
                          "(c is not null);" % (name, name))
        else:
            tables.append("    create index %s_c on %s (c);" % (name, name))
        line = "    alter column %s.c type %s%s;" % (
            name, t, " using (%s)" % u if u else "")
        (utc_changes if name.endswith("u") else changes).append(line)
    for vd in VD_TABLES:
        tables.append("    create table %s (id int primary key, r double);"
                      % vd)
        tables.append("    create index %s_r on %s (r);" % (vd, vd))
    for n, f, t in FK_CASES:
        tables.append("    create table %sp (k %s primary key);" % (n, f))
        tables.append("    create table %s (id int primary key, c %s "
                      "references %sp (k));" % (n, f, n))
        changes.append("    alter column %s.c type %s;" % (n, t))
    tables.append("    create table lk_rw (id int primary key, c int);")
    tables.append("    create table lk_scan (id int primary key, c varchar(40)"
                  " check (c is not null or id > 0));")
    tables.append("    create table lk_vd (id int primary key);")
    mig = ("migration rw_tables {\n  up {\n%s\n  }\n}\n"
           "migration rw_changes {\n  requires rw_tables;\n  up {\n%s\n%s"
           "  }\n}\n"
           "migration rw_utc {\n  requires rw_changes;\n  up {\n%s\n  }\n}\n"
           "migration rw_locks {\n  requires rw_utc;\n  up {\n"
           "    alter column lk_rw.c type bigint;\n"
           "    alter column lk_scan.c type text;\n"
           "    add column lk_vd.c uuid default gen_random_uuid();\n"
           "  }\n}\n" % ("\n".join(tables), "\n".join(changes), VOLATILE_MIG,
                        "\n".join(utc_changes) or "    -- none"))
    return mig


def accepted_cases(migc, work, cases):
    """The cases migc accepts: a change it rejects (an error at its line)
    is left out, and the project written again without it."""
    path = os.path.join(work, "rewrites.mig")
    for _ in range(3):
        text = rewrite_mig(cases, [])
        with open(path, "w") as f:
            f.write(text)
        r = run([migc, "check", "--isolated", "--no-proofs",
                 "--error-limit=100000", path])
        bad = set(re.findall(r"rewrites\.mig:(\d+):\d+: error:", r.stderr))
        lines = text.splitlines()
        rejected = {m.group(1) for n in bad for m in [re.match(
            r"\s*alter column (\w+)\.c", lines[int(n) - 1])] if m}
        if not rejected:
            return cases, r
        cases = [c for c in cases if c[0] not in rejected]
    return cases, r


def row_values(f):
    base = re.match(r"\w+", f).group(0)
    v = REWRITE_VALUE.get(base, "7")
    return ", ".join("(%d, %s)" % (i, "NULL" if i % 4 == 0 else
                                   "'%s'" % v.replace("'", "''"))
                     for i in range(1, REWRITE_ROWS + 1))


def relfilenodes(server, db):
    """{relation: (relfilenode, table, seq_scan)} of public tables and
    indexes."""
    r = server.psql(db, sql=RELFILENODES_SQL, tuples=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    out = {}
    for line in r.stdout.splitlines():
        parts = line.split("|")
        if len(parts) == 4:
            out[parts[0]] = (parts[1], parts[2], int(parts[3]))
    return out


def run_script(server, db, path, head="", tail=""):
    """The script at path with head before it and tail after it, in one
    session; (ok, error)."""
    with open(path) as f:
        text = f.read()
    full = path + ".run.sql"
    with open(full, "w") as f:
        f.write(head + text + tail)
    return apply(server, db, full)


def expectations(cases, said):
    """{table: (rewrite, scan, {index: rebuilt})} from migc's words."""
    exp = {}
    for name, f, t, u, v in cases:
        how, rest = said.get(name, (None, ""))
        idx = name + ("_p" if v == "p" else "_c")
        rebuilt = how == "rewrites" or quote_in(idx, rest)
        exp[name] = (how == "rewrites", how is not None,
                     {idx: rebuilt, name + "_pkey": how == "rewrites"})
    return exp


def quote_in(name, text):
    return ("`%s`" % name) in text


def compare_relfilenodes(before, after, exp):
    """The differences between what happened and exp."""
    wrong = []
    for table, (rewrite, scan, indexes) in sorted(exp.items()):
        b, a = before.get(table), after.get(table)
        if not b or not a:
            wrong.append("%s: missing" % table)
            continue
        if (b[0] != a[0]) != rewrite:
            wrong.append("%s: table %s" % (table, "kept its relfilenode"
                                           if rewrite else "was rewritten"))
        if (a[2] > b[2]) != scan:
            wrong.append("%s: seq_scan %d -> %d" % (table, b[2], a[2]))
        for idx, rebuilt in indexes.items():
            bi, ai = before.get(idx), after.get(idx)
            if not bi or not ai:
                wrong.append("%s: index %s missing" % (table, idx))
            elif (bi[0] != ai[0]) != rebuilt:
                wrong.append("%s: index %s %s" % (table, idx, "kept its "
                             "relfilenode" if rebuilt else "was rebuilt"))
    return wrong


def test_rewrites(checks, server, migc, tmp):
    work = os.path.join(tmp, "rewrites")
    os.makedirs(work)
    cases, r = accepted_cases(migc, work, rewrite_cases())
    utc = [c for c in cases if {c[1], c[2]} == {"timestamp", "timestamptz"}]
    path = os.path.join(work, "rewrites.mig")
    with open(path, "w") as f:
        f.write(rewrite_mig(cases, utc))
    r = run([migc, "check", "--isolated", "--no-proofs", path])
    found = list(TYPE_CHANGE.finditer(r.stderr))
    said = {m.group(1): (m.group(2), m.group(3)) for m in found}
    locks = {m.group(1): (m.group(4), m.group(5)) for m in found}
    vd = {m.group(1): (m.group(2), m.group(3))
          for m in VOLATILE_DEFAULT.finditer(r.stderr)}
    locks.update(vd)
    kinds = [said.get(c[0], ("catalog",))[0] for c in cases]
    if not checks.record(
            "rewrites: migc checks %d type changes (%d pairs of types or "
            "usings, three tables each): %d rewrite, %d scan, %d change the "
            "catalog only" % (len(cases), len({c[1:4] for c in cases}),
                              kinds.count("rewrites"),
                              kinds.count("does not rewrite"),
                              kinds.count("catalog")),
            r.returncode == 0 and len(cases) > 400 and bool(utc),
            r.stderr[-3000:]):
        return
    files = migc_emit_dir(migc, path, os.path.join(work, "emit"))
    db = "rewrites"
    server.create_db(db)
    tables = cases + [(n + "u", f, t, u, v) for n, f, t, u, v in utc]
    inserts = "".join("INSERT INTO %s VALUES %s;\n" % (c[0], row_values(c[1]))
                      for c in tables)
    inserts += "".join("INSERT INTO %sp VALUES ('7'); INSERT INTO %s VALUES "
                       "%s;\n" % (n, n, row_values(f)) for n, f, _ in FK_CASES)
    inserts += "".join("INSERT INTO %s SELECT g, g FROM generate_series(1, "
                       "%d) g;\n" % (t, REWRITE_ROWS) for t in VD_TABLES)
    ok, err = run_script(server, db, files[0][1], tail=inserts +
                         "SELECT pg_stat_force_next_flush();\n")
    if not checks.record("rewrites: %d tables exist, with %d rows each"
                         % (len(tables), REWRITE_ROWS), ok, err):
        return
    before = relfilenodes(server, db)
    ok, err = run_script(server, db, files[1][1],
                         head="SET TimeZone = '%s';\n" % NOT_UTC,
                         tail="SELECT pg_stat_force_next_flush();\n")
    if not checks.record("rewrites: migc's statements run (TimeZone %s)"
                         % NOT_UTC, ok, err):
        return
    after = relfilenodes(server, db)
    check_type_changes(checks, cases, said, before, after)
    check_volatile_defaults(checks, server, db, vd, before, after)
    check_foreign_keys(checks, said, before, after)
    check_utc(checks, server, db, files[2][1], utc, r.stderr, path)
    check_rewrite_locks(checks, server, db, files[3][1], locks)


def check_type_changes(checks, cases, said, before, after):
    exp = expectations(cases, said)
    wrong = compare_relfilenodes(before, after, exp)
    kinds = (("rewrite", lambda e: e[0],
              "new relfilenodes for the table and every index, seq_scan "
              "grows"),
             ("scan without a rewrite", lambda e: e[1] and not e[0],
              "the table keeps its relfilenode, only the indexes named get "
              "a new one, seq_scan grows"),
             ("change the catalog only", lambda e: not e[1],
              "every relfilenode stays, seq_scan does not grow"))
    for what, sel, outcome in kinds:
        tables = {t for t, e in exp.items() if sel(e)}
        bad = [w for w in wrong if w.split(":")[0] in tables]
        checks.record("rewrites: %d type changes migc says %s: %s" % (
            len(tables), what, outcome), tables and not bad, "\n".join(bad))
    # What the three tables of one relabelling show.
    rel = [c for c in cases if c[1:4] == ("varchar(40)", "text", None)]
    kinds = [said.get(c[0], ("catalog",))[0] for c in rel]
    checks.record("rewrites: varchar(40) -> text: with a plain index on the "
                  "column, the catalog only; with a check on it, a scan; "
                  "with a partial index on it, a scan to build it again",
                  kinds == ["catalog", "does not rewrite", "does not rewrite"],
                  str(kinds))


def check_foreign_keys(checks, said, before, after):
    """A change of a foreign key's column: the child as migc says; the
    parent, which a validation would scan, untouched unless it rewrites."""
    exp = {}
    for n, f, t in FK_CASES:
        how = said.get(n, ("catalog",))[0]
        exp[n] = (how == "rewrites", how != "catalog",
                  {n + "_pkey": how == "rewrites"})
        if how == "catalog":
            exp[n + "p"] = (False, False, {n + "p_pkey": False})
    wrong = compare_relfilenodes(before, after, exp)
    kinds = [said.get(n, ("catalog",))[0] for n, _, _ in FK_CASES]
    checks.record("rewrites: a foreign key's column: %s; the relabellings "
                  "validate nothing again, as migc's silence says"
                  % ", ".join("%s -> %s %s" % (f, t, k) for (_, f, t), k in
                              zip(FK_CASES, kinds)),
                  kinds == ["catalog", "catalog", "catalog", "rewrites"]
                  and not wrong, "\n".join(wrong))


def check_volatile_defaults(checks, server, db, vd, before, after):
    exp = {t: (t in vd, t in vd, {t + "_r": t in vd, t + "_pkey": t in vd})
           for t in VD_TABLES}
    wrong = compare_relfilenodes(before, after, exp)
    checks.record("rewrites: add column with gen_random_uuid(), random(), "
                  "clock_timestamp() or as an identity rewrites, with now() "
                  "or a constant and set default random() it does not, as "
                  "migc says", sorted(vd) == ["lk_vd", "vd_clock", "vd_ident",
                                              "vd_random", "vd_uuid"]
                  and not wrong, "\n".join(wrong) + "\nmigc: %s" % sorted(vd))
    # clock_timestamp() may give neighbouring rows the same microsecond.
    distinct = [t for t in VD_TABLES if t not in ("vd_clock", "vd_setdef")]
    r = server.psql(db, tuples=True, sql=" UNION ALL ".join(
        "SELECT '%s', count(DISTINCT c), count(c) FROM %s" % (t, t)
        for t in distinct))
    got = {l.split("|")[0]: tuple(int(x) for x in l.split("|")[1:])
           for l in r.stdout.splitlines() if "|" in l}
    want = {t: ((REWRITE_ROWS if t in vd else 1), REWRITE_ROWS)
            for t in distinct}
    checks.record("rewrites: each existing row got a value of its own from "
                  "a volatile default or an identity, one value for all from "
                  "now() and a constant", got == want, "got %s\nwant %s %s"
                  % (got, want, r.stderr))


def check_utc(checks, server, db, up, utc, stderr, path):
    """The timestamp pairs again, under UTC: the table keeps its rows; what
    migc's note names (indexes on c, checks) is built or scanned."""
    notes = {}
    with open(path) as f:
        lines = f.read().splitlines()
    names = {c[0] + "u" for c in utc}
    for m in UTC_NOTE.finditer(stderr):
        line = lines[int(m.group(2)) - 1]
        t = re.match(r"\s*alter column (\w+)\.c", line)
        if t and t.group(1) in names:
            notes[t.group(1)] = m.group(3)
    before = relfilenodes(server, db)
    ok, err = run_script(server, db, up, head="SET TimeZone = 'UTC';\n",
                         tail="SELECT pg_stat_force_next_flush();\n")
    after = relfilenodes(server, db) if ok else {}
    exp = {}
    for name, f, t, u, v in utc:
        note = notes.get(name + "u")
        idx = name + "u" + ("_p" if v == "p" else "_c")
        exp[name + "u"] = (False, "scans" in (note or ""),
                           {idx: quote_in(idx, note or ""),
                            name + "u_pkey": False})
    wrong = compare_relfilenodes(before, after, exp) if ok else [err]
    checks.record("rewrites: under TimeZone UTC, %d changes between timestamp "
                  "and timestamptz keep the rows and build or scan only what "
                  "migc's note names" % len(utc),
                  ok and utc and len(notes) == len(utc) and not wrong,
                  "\n".join(wrong) + "\nnotes: %s" % notes)


LOCK_MODES = ["AccessShareLock", "RowShareLock", "RowExclusiveLock",
              "ShareUpdateExclusiveLock", "ShareLock",
              "ShareRowExclusiveLock", "ExclusiveLock",
              "AccessExclusiveLock"]


def strongest(modes):
    known = [m for m in modes if m in LOCK_MODES]
    return max(known, key=LOCK_MODES.index) if known else str(modes)


def check_rewrite_locks(checks, server, db, up, locks):
    """Each statement of rw_locks in a transaction left open: the lock in
    pg_locks, and what waits behind it, as migc's warning says."""
    with open(up) as f:
        statements = [l.strip() for l in f if l.startswith("ALTER TABLE")]
    r = server.psql(db, sql="INSERT INTO lk_rw VALUES (1, 1); "
                    "INSERT INTO lk_scan VALUES (1, 'x'); "
                    "INSERT INTO lk_vd VALUES (1)")
    for table, what in (("lk_rw", "a type change that rewrites"),
                        ("lk_scan", "a type change that scans"),
                        ("lk_vd", "add column with a volatile default")):
        st = next((s for s in statements if '"%s"' % table in s), None)
        blocks, mode = locks.get(table, ("?", "?"))
        s = Sessions(server, db)
        try:
            ready = st is not None and s.hold("rw", st)
            modes = (table_modes(server, db, "rw", table) if ready
                     else ["(not ready)", st])
            got = (probe(server, db, "INSERT INTO %s (id) VALUES (-1)" % table),
                   probe(server, db, "SELECT count(*) FROM %s" % table))
        finally:
            s.end()
        # A rewrite builds the indexes again, which adds a SHARE lock under
        # the ACCESS EXCLUSIVE one: the strongest is what blocks.
        checks.record("rewrites: %s holds %s on the table, and %s, as migc "
                      "says" % (what, pg_mode(mode), behind(blocks)),
                      r.returncode == 0 and strongest(modes) == pg_mode(mode)
                      and got == waits(blocks), "%s %s %s" % (modes, got,
                                                              r.stderr))
# ----------------------------------------------------------- constraints ----
# What the constraint-without-not-valid and set-not-null-scan warnings, and
# the safe forms their notes give, say of PostgreSQL: the strongest lock each
# table holds while the statement's transaction is open (its own queries take
# weaker ones too), what waits behind it, and whether it scans the table
# (pg_stat_user_tables.seq_scan). One operation per migration, so a
# migration's emitted up script is that operation's statements. The safe
# forms are taken from the notes' own .mig text, checked by migc, emitted and
# run.

CONSTRAINTS_BASE = """\
migration nv_tables {
  up {
    create table nv_parent (id int primary key);
    create table nv_child (id int primary key, parent_id int, a int, b int,
                           c int);
  }
}
"""

CONSTRAINTS_MIG = CONSTRAINTS_BASE + """\
migration nv_check {
  requires nv_tables;
  up { add constraint nv_child_a_pos on nv_child check (a > 0); }
}
migration nv_fk {
  requires nv_check;
  up {
    add constraint nv_child_parent_fk on nv_child
      foreign key (parent_id) references nv_parent (id);
  }
}
migration nv_column_check {
  requires nv_fk;
  up { add column nv_child.d int check (d > 0); }
}
migration nv_column_fk {
  requires nv_column_check;
  up { add column nv_child.e int references nv_parent (id); }
}
migration nv_same_migration {
  requires nv_column_fk;
  up {
    add constraint nv_child_b_pos on nv_child check (b > 0) not valid;
    validate constraint nv_child_b_pos on nv_child;
  }
}
migration nv_set_not_null {
  requires nv_same_migration;
  up { alter column nv_child.c set not null; }
}
"""

CONSTRAINT_RULES = ("constraint-without-not-valid", "set-not-null-scan")
DIAG_LINE = re.compile(r"^[^:\n]+:(\d+):\d+: (warning|note): (.*?)"
                       r"(?: \[([a-z-]+)\])?$", re.M)
LOCK_CLAIM = re.compile(r"(?:an?|the) ([A-Z][A-Z ]*[A-Z]) lock on `(\w+)`"
                        r"(?: and on `(\w+)`)?")
MODE_ORDER = ["AccessShareLock", "RowShareLock", "RowExclusiveLock",
              "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock",
              "ExclusiveLock", "AccessExclusiveLock"]


def migration_at(text, line):
    """The name of the migration of text that holds line (1-based)."""
    name = None
    for i, l in enumerate(text.splitlines(), 1):
        m = re.match(r"migration (\w+) \{", l)
        if m and i <= line:
            name = m.group(1)
    return name


def constraint_warnings(stderr, text):
    """{migration: (message, [notes])} of the two rules' warnings."""
    out, last = {}, None
    for m in DIAG_LINE.finditer(stderr):
        line, kind, msg, rule = int(m.group(1)), m.group(2), m.group(3), \
            m.group(4)
        if kind == "warning":
            last = None
            if rule in CONSTRAINT_RULES:
                last = migration_at(text, line)
                out[last] = (msg, [])
        elif last:
            out[last][1].append(msg)
    return out


def lock_claims(text):
    """{table: pg_locks mode} named in text."""
    claims = {}
    for mode, t1, t2 in LOCK_CLAIM.findall(text):
        for t in (t1, t2):
            if t:
                claims.setdefault(t, pg_mode(mode))
    return claims


def statements_in(text):
    """The .mig statements a note gives, in backquotes."""
    return [s for s in re.findall(r"`([^`]+)`", text)
            if re.match(r"(add|validate|drop) constraint |alter column ", s)]


def script_statements(path):
    with open(path) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("--")
                and l.strip() not in ("BEGIN;", "COMMIT;")]


class ConstraintChecks:
    PART = "constraints"
    # A read whose scans are counted before the probe's session ends.
    READ = "SELECT count(*) FROM %s; SELECT pg_stat_force_next_flush()"
    WRITES = {"nv_child": "INSERT INTO nv_child (id, a, b, c) "
                          "VALUES (%d, 1, 1, 1)",
              "nv_parent": "INSERT INTO nv_parent (id) VALUES (%d)"}

    def __init__(self, checks, server, db):
        self.checks, self.server, self.db = checks, server, db
        self.last_id = 0

    def write(self, table):
        self.last_id -= 1
        return self.WRITES[table] % self.last_id

    def quiet(self):
        """Waits until the sessions of the test have ended: a backend
        counts its scans when it exits."""
        wait_for(self.server, self.db, (
            "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity "
            "WHERE application_name LIKE '%s%%')" % APP))
        time.sleep(0.2)

    def seq_scans(self, table):
        r = self.server.psql(self.db, tuples=True, sql=(
            "SELECT pg_stat_clear_snapshot(); SELECT seq_scan FROM "
            "pg_stat_user_tables WHERE relname = '%s'" % table))
        lines = r.stdout.split()
        return int(lines[-1]) if r.returncode == 0 and lines else None

    def scans(self, statements, table, commit):
        """How many sequential scans of table the statements start, in one
        transaction, committed or rolled back (stats flushed before the
        session ends)."""
        self.quiet()
        before = self.seq_scans(table)
        argv = ["BEGIN"] + statements + ["COMMIT" if commit else "ROLLBACK",
                                         "SELECT pg_stat_force_next_flush()"]
        p = self.server.session(self.db, APP + "scan", argv)
        _, err = p.communicate(timeout=READY_TIMEOUT)
        after = self.seq_scans(table)
        if p.returncode != 0 or before is None or after is None:
            return "failed: " + err.strip()
        return after - before

    def locks(self, label, statements, claims, said):
        """Holds statements in an open transaction: the strongest mode on
        each claimed table, and whether a write and a read there wait, as
        said says."""
        writes_wait, reads_wait = waiting(said, claims)
        s = Sessions(self.server, self.db)
        try:
            ready = s.hold("nv", " ".join(statements))
            for table, mode in sorted(claims.items()):
                modes = table_modes(self.server, self.db, "nv", table) \
                    if ready else ["(not ready)"]
                top = max(modes, key=lambda m: MODE_ORDER.index(m)
                          if m in MODE_ORDER else -1) if modes else "(none)"
                self.checks.record("%s: %s holds %s on %s, as migc "
                                   "says" % (self.PART, label, mode, table),
                                   top == mode, str(modes))
                want = ("waited" if table in writes_wait else "ran",
                        "waited" if table in reads_wait else "ran")
                got = (probe(self.server, self.db, self.write(table)),
                       probe(self.server, self.db, self.READ % table))
                self.checks.record("%s: behind %s, a write to %s %s "
                                   "and a read %s, as migc says" % (
                                       self.PART, label, table, want[0], want[1]),
                                   got == want, str(got))
        finally:
            s.end()

    def scan_claim(self, label, statements, table, scans, commit=False):
        got = self.scans(statements, table, commit)
        ok = isinstance(got, int) and (got > 0 if scans else got == 0)
        self.checks.record("%s: %s %s %s, as migc says" % (
            self.PART, label, "scans" if scans else "does not scan", table), ok,
            "seq_scan grew by %s" % got)
        return got


def waiting(msg, claims):
    """The tables whose writes, and those whose reads, migc says wait:
    "reads and writes of `t` ... wait", "writes to `p` ... wait", "writes to
    both wait"; "(reads and writes go on)" says none do."""
    reads = set(re.findall(r"reads and writes of `(\w+)`", msg))
    writes = reads | set(re.findall(r"writes to `(\w+)`", msg))
    if "writes to both wait" in msg:
        writes |= set(claims)
    return writes, reads


def safe_migrations(warned):
    """The .mig of the safe forms the notes give, one operation per
    migration, and [(migration, what it is, warning migration)]."""
    text, steps, prev = CONSTRAINTS_BASE, [], "nv_tables"

    def add(name, body, kind, source):
        nonlocal text, prev
        text += ("migration %s {\n  requires %s;\n  up {\n%s  }\n}\n"
                 % (name, prev, "".join("    %s;\n" % b for b in body)))
        prev = name
        steps.append((name, kind, source))

    later = []
    for source in ("nv_check", "nv_fk"):
        msg, notes = warned.get(source, ("", []))
        st = statements_in(" ".join(notes))
        if len(st) == 2:
            add("safe_" + source, [st[0]], "not valid", source)
            later.append(("validate_" + source, [st[1]], source))
    msg, notes = warned.get("nv_set_not_null", ("", []))
    st = statements_in(" ".join(notes))
    if len(st) == 4:
        add("safe_not_null_check", [st[0]], "not valid", "nv_set_not_null")
        later.append(("validate_not_null", st[1:], "nv_set_not_null"))
    for name, body, source in later:
        add(name, body, "validate", source)
    return text, steps


def test_constraints(checks, server, migc, tmp):
    work = os.path.join(tmp, "constraints")
    plain_dir, safe_dir = os.path.join(work, "plain"), os.path.join(work,
                                                                    "safe")
    os.makedirs(plain_dir)
    os.makedirs(safe_dir)
    path = os.path.join(plain_dir, "constraints.mig")
    with open(path, "w") as f:
        f.write(CONSTRAINTS_MIG)
    r = run([migc, "check", "--isolated", path])
    warned = constraint_warnings(r.stderr, CONSTRAINTS_MIG)
    expected = ["nv_check", "nv_column_check", "nv_column_fk", "nv_fk",
                "nv_same_migration", "nv_set_not_null"]
    if not checks.record("constraints: migc warns once on each plain "
                         "operation", r.returncode == 0 and
                         sorted(warned) == expected, r.stderr):
        return
    db = "constraints"
    by_name = seeded_db(
        checks, server, migc, path, work, db, "constraints", "nv_tables",
        "INSERT INTO nv_parent SELECT g FROM generate_series(1, 10) g; "
        "INSERT INTO nv_child SELECT g, g % 10 + 1, g, g, g "
        "FROM generate_series(1, 1000) g")
    if by_name is None:
        return
    cc = ConstraintChecks(checks, server, db)
    # The plain forms, each rolled back: the locks and the scan migc names.
    for name in expected:
        msg = warned[name][0]
        st = script_statements(by_name[name])
        claims = lock_claims(msg)
        cc.locks(name, st, claims, msg)
        m = re.search(r"scans every row(?: of `(\w+)`)?", msg)
        cc.scan_claim(name, st, (m and m.group(1)) or next(iter(claims)),
                      bool(m))
    # The safe forms, from the notes: migc is silent on them; `not valid`
    # does not scan, `validate constraint` scans under the locks the note
    # names while reads and writes go on, and `set not null` after it does
    # not scan.
    text, steps = safe_migrations(warned)
    spath = os.path.join(safe_dir, "safe.mig")
    with open(spath, "w") as f:
        f.write(text)
    r = run([migc, "check", "--isolated", spath])
    if not checks.record("constraints: the notes give six safe steps, and "
                         "migc does not warn on them", len(steps) == 6 and
                         r.returncode == 0 and not any(
                             "[%s]" % rule in r.stderr
                             for rule in CONSTRAINT_RULES),
                         r.stderr + text):
        return
    sfiles = migc_emit_dir(migc, spath, os.path.join(work, "emit-safe"))
    sby = {name: up for (_, name), up, _ in sfiles}
    for name, kind, source in steps:
        st = script_statements(sby[name])
        notes = " ".join(warned[source][1])
        if kind == "not valid":
            cc.scan_claim(name, st, "nv_child", False, commit=True)
            continue
        if "VALIDATE CONSTRAINT" not in st[0]:
            checks.record("constraints: %s emits VALIDATE CONSTRAINT" % name,
                          False, str(st))
            continue
        # The note names the validating statement's locks after "which
        # scans under".
        said = notes[notes.find("which scans under"):]
        said = said[:said.find("(reads and writes go on)")]
        claims = lock_claims(said)
        cc.locks(name, st[:1], claims, said + "(reads and writes go on)")
        alone = cc.scan_claim(name, st[:1], "nv_child", True)
        if len(st) > 1:
            # validate, set not null, drop the check: one scan, validate's.
            both = cc.scans(st, "nv_child", commit=True)
            checks.record("constraints: after validate constraint, set not "
                          "null does not scan nv_child, as migc says",
                          isinstance(both, int) and both == alone,
                          "validate alone: %s, with set not null: %s"
                          % (alone, both))
        else:
            cc.scans(st, "nv_child", commit=True)
    # What migc does not report: validating a valid constraint (PostgreSQL
    # accepts it, as migc does) and setting a not-null column not null.
    again = script_statements(sby["validate_nv_check"])[:1]
    cc.scan_claim("validate constraint of a valid constraint", again,
                  "nv_child", False)
    nn = [x for x in script_statements(sby["validate_not_null"])
          if "SET NOT NULL" in x]
    cc.scan_claim("set not null of a not-null column", nn, "nv_child", False)
# ----------------------------------------------------------------- data ----
# What the data rules say of PostgreSQL, read from migc's own words: the rows
# nullable-unique-key says the key accepts are accepted, and the index its
# note gives refuses them; the scan unindexed-foreign-key says a delete or
# an update of a referenced row does happens, and the index its note gives
# avoids it.

DATA_MIG = """\
migration data_tables {
  up {
    create table data_accounts (
      id bigint primary key identity,
      username text not null,
      domain text,
      unique (username, domain)
    );
    create table data_parent (id bigint primary key);
    create table data_child (
      id bigint primary key,
      parent_id bigint references data_parent (id)
    );
  }
}
"""

# "unique key `k` (username, domain) of `t` lets rows repeat when `domain`
# is NULL: ... so two rows with the same `username` and a NULL `domain` are
# both accepted", then its note: "... add `create unique index ...;`".
NULLABLE_KEY = re.compile(
    r"warning: unique key `(\w+)` \(([\w, ]+)\) of `(\w+)` lets rows repeat "
    r"when `(\w+)` is NULL: NULLs are never equal, so two rows with the same "
    r"`(\w+)` and a NULL `(\w+)` are both accepted \[nullable-unique-key\]\n"
    r"(?:.*\n)*?.*note: to make rows with a NULL `\w+` unique too, add "
    r"`(create unique index [^`]+;)`")
# "no index of `c` starts with (parent_id), the columns of foreign key `k`:
# each delete of a row of `p`, or update of its key, scans `c` ...", then
# "note: index them: `create index ...`".
UNINDEXED_FK = re.compile(
    r"note: no index of `(\w+)` starts with \((\w+)\), the columns of foreign "
    r"key `\w+`: each delete of a row of `(\w+)`, or update of its key, scans "
    r"`(\w+)` for the rows that reference it \[unindexed-foreign-key\]\n"
    r"(?:.*\n)*?.*note: index them: `(create index [^`]+)`")


def seq_scans(server, db, table):
    r = server.psql(db, tuples=True, sql=(
        "SELECT pg_stat_clear_snapshot(); SELECT seq_scan FROM "
        "pg_stat_user_tables WHERE relname = '%s'" % table))
    lines = r.stdout.split()
    return int(lines[-1]) if r.returncode == 0 and lines else None


def scans_of(server, db, table, statement):
    """How many sequential scans of table statement does (in a session of
    its own, whose statistics it flushes before it ends)."""
    before = seq_scans(server, db, table)
    r = server.psql(db, sql="%s; SELECT pg_stat_force_next_flush()"
                    % statement)
    after = seq_scans(server, db, table)
    if r.returncode != 0 or before is None or after is None:
        return "error: %s" % psql_error(r)
    return after - before


def fix_migration(work, statement):
    """A second migration with the statement a note gives, emitted."""
    with open(os.path.join(work, "fix.mig"), "w") as f:
        f.write("migration data_fix {\n  requires data_tables;\n  up {\n"
                "    %s;\n  }\n}\n" % statement.rstrip(";"))


def test_data(checks, server, migc, tmp):
    work = os.path.join(tmp, "data")
    os.makedirs(work)
    path = os.path.join(work, "data.mig")
    with open(path, "w") as f:
        f.write(DATA_MIG)
    r = run([migc, "check", "--isolated", "-Wno-missing-inverse", path])
    key, fk = NULLABLE_KEY.search(r.stderr), UNINDEXED_FK.search(r.stderr)
    if not checks.record("data: migc reports the nullable key and the "
                         "unindexed foreign key, with their fixes",
                         key is not None and fk is not None, r.stderr):
        return
    db = "data"
    server.create_db(db)
    files = migc_emit_dir(migc, path, os.path.join(work, "emit"))
    ok, err = apply(server, db, files[0][1])
    if not checks.record("data: the tables exist", ok, err):
        return
    nullable_key(checks, server, db, key, work, migc)
    unindexed_fk(checks, server, db, fk, work, migc)


def apply_fix(checks, server, db, work, migc, statement, what):
    fix_migration(work, statement)
    out = os.path.join(work, "emit-" + what)
    files = migc_emit_dir(migc, work, out)
    ok, err = apply(server, db, files[-1][1])
    checks.record("data: the %s the note gives applies" % what, ok, err)
    os.remove(os.path.join(work, "fix.mig"))
    return ok


def nullable_key(checks, server, db, m, work, migc):
    _, _, table, null_col, same_col, null_again, fix = m.groups()
    insert = ("INSERT INTO %s (%s, %s) VALUES ('alice', NULL)"
              % (table, same_col, null_col))
    count = "SELECT count(*) FROM %s WHERE %s = 'alice'" % (table, same_col)
    r = server.psql(db, tuples=True, sql="%s; %s; %s" % (insert, insert,
                                                         count))
    checks.record("data: the unique key accepts the two rows migc describes "
                  "(the same %s, a NULL %s)" % (same_col, null_col),
                  r.returncode == 0 and r.stdout.split()[-1:] == ["2"]
                  and null_col == null_again, psql_error(r) + r.stdout)
    server.psql(db, sql="DELETE FROM %s" % table)
    if not apply_fix(checks, server, db, work, migc, fix, "unique index"):
        return
    first = server.psql(db, sql=insert)
    second = server.psql(db, sql=insert)
    checks.record("data: with the note's index, the second row is refused",
                  first.returncode == 0 and second.returncode != 0 and
                  "duplicate key" in second.stderr,
                  psql_error(first) + psql_error(second))


def unindexed_fk(checks, server, db, m, work, migc):
    table, column, parent, scanned, fix = m.groups()
    r = server.psql(db, sql=(
        "INSERT INTO {p} SELECT g FROM generate_series(1, 2000) g; "
        "INSERT INTO {t} SELECT g, 1 + g % 1000 FROM generate_series(1, 20000) g; "
        "ANALYZE {p}; ANALYZE {t}").format(p=parent, t=table))
    if not checks.record("data: the tables have rows", r.returncode == 0,
                         psql_error(r)):
        return
    # Rows no child references: the statements succeed, after the lookup.
    statements = (("a delete", "DELETE FROM %s WHERE id = %%d" % parent),
                  ("an update of the key",
                   "UPDATE %s SET id = -id WHERE id = %%d" % parent))
    victim = 2000
    for what, sql in statements:
        got = scans_of(server, db, scanned, sql % victim)
        victim -= 1
        checks.record("data: without an index, %s of a %s row scans %s, "
                      "as migc says" % (what, parent, scanned),
                      isinstance(got, int) and got >= 1, str(got))
    if not apply_fix(checks, server, db, work, migc, fix, "index"):
        return
    server.psql(db, sql="ANALYZE %s" % table)
    for what, sql in statements:
        got = scans_of(server, db, scanned, sql % victim)
        victim -= 1
        checks.record("data: with the note's index (on %s), %s of a %s row "
                      "does not scan %s" % (column, what, parent, scanned),
                      got == 0, str(got))


# ----------------------------------------------------------------- keys ----
# What key-locks-table says, checked on the server with the statements migc
# emits: each plain form, held in an open transaction, takes the lock the
# warning names (reads and writes wait), and its scans, rolled back, are
# the ones it names: one for the index build, one more for a primary key
# over nullable columns. The note's safe form, `create unique index
# concurrently`, is taken from the note, checked by migc (silent), emitted
# and run: it holds only SHARE UPDATE EXCLUSIVE while it waits for an open
# writing transaction, and reads and writes go on.

KEYS_BASE = """\
migration uk_tables {
  up {
    create table uk_t (id int not null, a int, b int not null);
    create table uk_n (id int, a int);
  }
}
"""

KEYS_MIG = KEYS_BASE + """\
migration uk_unique {
  requires uk_tables;
  up { add constraint uk_t_b_key on uk_t unique (b); }
}
migration uk_pkey {
  requires uk_unique;
  up { add constraint uk_t_pkey on uk_t primary key (id); }
}
migration uk_pkey_nullable {
  requires uk_pkey;
  up { add constraint uk_n_pkey on uk_n primary key (a); }
}
migration uk_column {
  requires uk_pkey_nullable;
  up { add column uk_t.d int unique; }
}
"""

KEY_WARNING = re.compile(r"^[^:\n]+:(\d+):\d+: warning: (.*) "
                         r"\[key-locks-table\]\n(?:.*\n){2}[^:\n]+:\d+:\d+: "
                         r"note: (.*)$", re.M)
SAFE_INDEX = re.compile(r"`(create unique index concurrently \w+ on (\w+) "
                        r"\([^)]*\))`")


class KeyChecks(ConstraintChecks):
    PART = "keys"
    WRITES = {"uk_t": "INSERT INTO uk_t (id, b) SELECT n, n FROM "
                      "(VALUES (%d)) v(n)",
              "uk_n": "INSERT INTO uk_n (id, a) SELECT n, n FROM "
                      "(VALUES (%d)) v(n)"}


def test_keys(checks, server, migc, tmp):
    work = os.path.join(tmp, "keys")
    os.makedirs(work)
    path = os.path.join(work, "keys.mig")
    with open(path, "w") as f:
        f.write(KEYS_MIG)
    r = run([migc, "check", "--isolated", path])
    warned = {migration_at(KEYS_MIG, int(line)): (msg, note)
              for line, msg, note in KEY_WARNING.findall(r.stderr)}
    expected = ["uk_column", "uk_pkey", "uk_pkey_nullable", "uk_unique"]
    if not checks.record("keys: migc warns once on each key added",
                         r.returncode == 0 and sorted(warned) == expected
                         and r.stderr.count("[key-locks-table]") == 4,
                         r.stderr):
        return
    db = "keys"
    by_name = seeded_db(
        checks, server, migc, path, work, db, "keys", "uk_tables",
        "INSERT INTO uk_t SELECT g, g, g FROM generate_series(1, 1000) g; "
        "INSERT INTO uk_n SELECT g, g FROM generate_series(1, 1000) g")
    if by_name is None:
        return
    kc = KeyChecks(checks, server, db)
    for name in expected:
        msg, note = warned[name]
        st = script_statements(by_name[name])
        claims = lock_claims(msg)
        kc.locks(name, st, claims, msg)
        table = next(iter(claims))
        want = 1 + ("for a NULL in" in msg)
        got = kc.scans(st, table, commit=False)
        checks.record("keys: %s scans %s %d time(s), as migc says"
                      % (name, table, want), got == want,
                      "seq_scan grew by %s" % got)
    safe_index(checks, server, migc, work, db, kc, warned["uk_unique"][1])


def safe_index(checks, server, migc, work, db, kc, note):
    m = SAFE_INDEX.search(note)
    if not checks.record("keys: the note gives `create unique index "
                         "concurrently`", bool(m), note):
        return
    text = KEYS_BASE + ("migration uk_safe {\n  requires uk_tables;\n"
                        "  up { %s; }\n}\n" % m.group(1))
    spath = os.path.join(work, "safe", "safe.mig")
    os.makedirs(os.path.dirname(spath))
    with open(spath, "w") as f:
        f.write(text)
    r = run([migc, "check", "--isolated", spath])
    if not checks.record("keys: migc does not warn on the note's form",
                         r.returncode == 0 and "warning" not in r.stderr,
                         r.stderr):
        return
    files = migc_emit_dir(migc, spath, os.path.join(work, "emit-safe"))
    st = script_statements({n: up for (_, n), up, _ in files}["uk_safe"])
    table = m.group(2)
    s = Sessions(server, db)
    try:
        ready = (s.hold("writer", kc.write(table))
                 and s.run("conc", " ".join(st)))
        modes = table_modes(server, db, "conc", table) if ready else [
            "(not ready)"]
        checks.record("keys: the note's CREATE UNIQUE INDEX CONCURRENTLY "
                      "holds ShareUpdateExclusiveLock", modes ==
                      ["ShareUpdateExclusiveLock"], str(modes))
        got = (probe(server, db, kc.write(table)),
               probe(server, db, kc.READ % table))
        checks.record("keys: a write and a read run during it",
                      got == ("ran", "ran"), str(got))
        s.cancel("writer")
        rc, err = s.finish(1)
        checks.record("keys: it builds the index once the writer ends",
                      rc == 0, err)
    finally:
        s.end()


# ---------------------------------------------------------- using index ----
# `add constraint ... using index`: the index built concurrently becomes the
# key without a build. Checked on the server with the statements migc emits:
# the lock each one holds (in an open transaction) and what waits behind it,
# its scans (none, but one for a primary key over a nullable column, whose
# NULL scan key-locks-table reports), that the index keeps its relfilenode
# under the key's name (an unnamed key takes the index's), that the catalog
# is migc's model, that `drop constraint` drops the index, and that the
# synthesized downs give back the schema before. Each form migc refuses
# (unusable-key-index) the server refuses too.

USING_BASE = """\
migration ui_tables {
  up {
    create table ui_t (id int not null, a int, b int not null);
    create table ui_n (id int, a int);
    create table ui_o (id int);
  }
}
migration ui_indexes {
  requires ui_tables;
  up {
    create unique index concurrently ui_t_b_idx on ui_t (b);
    create unique index concurrently ui_t_id_idx on ui_t (id);
    create unique index concurrently ui_n_a_idx on ui_n (a);
    create unique index concurrently ui_t_a_idx on ui_t (a);
    create index concurrently ui_t_plain_idx on ui_t (b);
    create unique index concurrently ui_t_part_idx on ui_t (b) where (a > 0);
    create unique index concurrently ui_t_desc_idx on ui_t (id, b desc);
    create unique index concurrently ui_o_id_idx on ui_o (id);
  }
}
"""

USING_MIG = USING_BASE + """\
migration ui_unique {
  requires ui_indexes;
  up { add constraint ui_t_b_key on ui_t unique using index ui_t_b_idx; }
}
migration ui_pkey {
  requires ui_unique;
  up { add constraint ui_t_pkey on ui_t primary key using index ui_t_id_idx; }
}
migration ui_pkey_nullable {
  requires ui_pkey;
  up { add constraint ui_n_pkey on ui_n primary key using index ui_n_a_idx; }
}
migration ui_unnamed {
  requires ui_pkey_nullable;
  up { add constraint on ui_t unique using index ui_t_a_idx; }
}
"""

# (migration, table, index before, key and index after, scans)
USING_CASES = [("ui_unique", "ui_t", "ui_t_b_idx", "ui_t_b_key", 0),
               ("ui_pkey", "ui_t", "ui_t_id_idx", "ui_t_pkey", 0),
               ("ui_pkey_nullable", "ui_n", "ui_n_a_idx", "ui_n_pkey", 1),
               ("ui_unnamed", "ui_t", "ui_t_a_idx", "ui_t_a_idx", 0)]

# (what, .mig statement after USING_MIG, the statement the PostgreSQL
# backend writes for it, what PostgreSQL 15 says)
USING_REFUSED = [
    ("not unique", "add constraint ui_t_p_key on ui_t unique using index "
     "ui_t_plain_idx", 'ALTER TABLE "ui_t" ADD CONSTRAINT "ui_t_p_key" '
     'UNIQUE USING INDEX "ui_t_plain_idx"', "is not a unique index"),
    ("partial", "add constraint ui_t_q_key on ui_t unique using index "
     "ui_t_part_idx", 'ALTER TABLE "ui_t" ADD CONSTRAINT "ui_t_q_key" '
     'UNIQUE USING INDEX "ui_t_part_idx"', "is a partial index"),
    ("descending", "add constraint ui_t_d_key on ui_t unique using index "
     "ui_t_desc_idx", 'ALTER TABLE "ui_t" ADD CONSTRAINT "ui_t_d_key" '
     'UNIQUE USING INDEX "ui_t_desc_idx"',
     "does not have default sorting behavior"),
    ("another table's", "add constraint ui_t_o_key on ui_t unique using index "
     "ui_o_id_idx", 'ALTER TABLE "ui_t" ADD CONSTRAINT "ui_t_o_key" '
     'UNIQUE USING INDEX "ui_o_id_idx"', "does not belong to table"),
    ("a key's already", "add constraint ui_t_k_key on ui_t unique using index "
     "ui_t_b_key", 'ALTER TABLE "ui_t" ADD CONSTRAINT "ui_t_k_key" '
     'UNIQUE USING INDEX "ui_t_b_key"',
     "is already associated with a constraint"),
]

USING_KEYS_SQL = """\
SELECT c.conname, i.relname FROM pg_constraint c
JOIN pg_class i ON i.oid = c.conindid
WHERE c.conrelid IN ('ui_t'::regclass, 'ui_n'::regclass) ORDER BY 1"""


class UsingChecks(ConstraintChecks):
    PART = "keys"
    WRITES = {"ui_t": "INSERT INTO ui_t (id, a, b) SELECT n, n, n FROM "
                      "(VALUES (%d)) v(n)",
              "ui_n": "INSERT INTO ui_n (id, a) SELECT n, n FROM "
                      "(VALUES (%d)) v(n)"}


def test_using_index(checks, server, migc, tmp):
    work = os.path.join(tmp, "using")
    os.makedirs(os.path.join(work, "main"))
    path = os.path.join(work, "main", "using.mig")
    with open(path, "w") as f:
        f.write(USING_MIG)
    r = run([migc, "check", "--isolated", "-Wno-missing-lock-timeout",
             "-Wno-non-atomic-migration", path])
    warned = {migration_at(USING_MIG, int(line)): (msg, note)
              for line, msg, note in KEY_WARNING.findall(r.stderr)}
    if not checks.record("keys: migc warns on `using index` only for the "
                         "primary key over a nullable column",
                         r.returncode == 0 and sorted(warned) ==
                         ["ui_pkey_nullable"] and
                         r.stderr.count("warning") == 1, r.stderr):
        return
    db = "using_index"
    by_name = seeded_db(
        checks, server, migc, path, work, db, "keys", "ui_tables",
        "INSERT INTO ui_t SELECT g, g, g FROM generate_series(1, 1000) g; "
        "INSERT INTO ui_n SELECT g, g FROM generate_series(1, 1000) g; "
        "INSERT INTO ui_o SELECT g FROM generate_series(1, 10) g")
    if by_name is None:
        return
    ok, err = apply(server, db, by_name["ui_indexes"])
    if not checks.record("keys: the indexes are built concurrently", ok, err):
        return
    kc = UsingChecks(checks, server, db)
    for name, table, index, key, scans in USING_CASES:
        st = script_statements(by_name[name])
        kind = "PRIMARY KEY" if "pkey" in name else "UNIQUE"
        want = ['ALTER TABLE "%s" ADD CONSTRAINT "%s" %s USING INDEX "%s";'
                % (table, key, kind, index)]
        checks.record("keys: %s emits %s" % (name, want[0]), st == want,
                      str(st))
        said = warned.get(name, ("reads and writes of `%s` wait" % table,))[0]
        if name in warned:
            checks.record("keys: migc says %s takes ACCESS EXCLUSIVE on %s"
                          % (name, table), lock_claims(said) ==
                          {table: "AccessExclusiveLock"}, said)
        kc.locks(name, st, {table: "AccessExclusiveLock"}, said)
        got = kc.scans(st, table, commit=False)
        checks.record("keys: %s scans %s %d time(s)%s" % (
            name, table, scans, ", as migc says" if name in warned else ""),
            got == scans and (scans == 0 or "for a NULL in `a`" in said),
            "seq_scan grew by %s" % got)
        before = relfilenodes(server, db)
        ok, err = apply(server, db, by_name[name])
        after = relfilenodes(server, db)
        checks.record(
            "keys: %s applies; index %s is now %s, same relfilenode, no "
            "longer under its old name" % (name, index, key),
            ok and index in before and key in after and
            after[key][0] == before[index][0] and
            (index == key or index not in after), err or str(after))
    r = server.psql(db, tuples=True, sql=USING_KEYS_SQL)
    checks.record("keys: each constraint's index is the one it took",
                  r.stdout.split() == [
                      "ui_n_pkey|ui_n_pkey", "ui_t_a_idx|ui_t_a_idx",
                      "ui_t_b_key|ui_t_b_key", "ui_t_pkey|ui_t_pkey"],
                  r.stdout + r.stderr)
    check_compare(checks, "keys: after `using index`", server, db,
                  migc_schema(migc, path))
    refused(checks, server, migc, work, db)
    # `drop constraint`, the first statement of the synthesized down,
    # drops the index.
    files = migc_emit_dir(migc, path, os.path.join(work, "emit-down"))
    downs = {name: down for (_, name), _, down in files}
    first = script_statements(downs["ui_unique"])[0]
    r = server.psql(db, tuples=True, sql=(
        "BEGIN; %s SELECT count(*) FROM pg_class WHERE relname IN "
        "('ui_t_b_key', 'ui_t_b_idx'); ROLLBACK" % first))
    checks.record("keys: `drop constraint ui_t_b_key` drops its index",
                  r.returncode == 0 and r.stdout.split()[-1:] == ["0"],
                  first + " " + r.stdout + r.stderr)
    for name, _, _, _, _ in reversed(USING_CASES):
        ok, err = apply(server, db, downs[name])
        checks.record("keys: the down of %s applies" % name, ok, err)
    check_compare(checks, "keys: after the downs", server, db,
                  migc_schema(migc, path, at="ui_indexes"))


def refused(checks, server, migc, work, db):
    for what, mig, sql, why in USING_REFUSED:
        text = USING_MIG + ("migration ui_refused {\n  requires ui_unnamed;\n"
                            "  up { %s; }\n}\n" % mig)
        rpath = os.path.join(work, "refused", "refused.mig")
        os.makedirs(os.path.dirname(rpath), exist_ok=True)
        with open(rpath, "w") as f:
            f.write(text)
        r = run([migc, "check", "--isolated", rpath])
        said = r.returncode == 1 and r.stderr.count(
            "[unusable-key-index]") == 1 and r.stderr.count("error:") == 1
        p = server.psql(db, sql="BEGIN; %s; ROLLBACK" % sql)
        checks.record("keys: migc refuses %s index for `using index`, and "
                      "so does PostgreSQL" % what,
                      said and p.returncode != 0 and why in p.stderr,
                      r.stderr + psql_error(p))



# ------------------------------------------------------------ adoption ----
def test_adoption(checks, server, migc, tmp):
    common.adoption(
        checks, migc, tmp,
        lambda path, name: test_shop(checks, server, migc, path, tmp,
                                     proj=name),
        lambda sql: server.psql(
            "refused", sql=sql).returncode == 0,
        lambda: server.create_db("refused"))


def main():
    ap = base_parser(__doc__)
    ap.add_argument("--pg-bin", default="/usr/lib/postgresql/15/bin")
    ap.add_argument("--only", action="append",
                    help="run only this part (repeatable), for development")
    args = ap.parse_args()
    migc = os.path.abspath(args.migc)
    t0 = time.time()
    checks = Checks()
    tmp = tempfile.mkdtemp(prefix="migc-pg-")
    server = Server(args.pg_bin, tmp)
    try:
        try:
            server.start()
            started = True
        except Exception as e:  # noqa: BLE001
            checks.record("postgres: server starts", False, str(e))
            started = False
        if started:
            checks.record("postgres: server starts", True)
        run_parts(checks, () if not started else (
            ("shop", lambda: test_shop(checks, server, migc, os.path.join(
                args.examples, "shop"), tmp)),
            ("adoption", lambda: test_adoption(checks, server, migc, tmp)),
            ("locks", lambda: test_locks(checks, server, migc, tmp)),
            ("backfills", lambda: test_backfills(checks, server, migc, tmp)),
            ("batches", lambda: test_batches(checks, server, migc, tmp)),
            ("several tables", lambda: test_several_tables(checks, server,
                                                           migc, tmp)),
            ("timeouts", lambda: test_timeouts(checks, server, migc, tmp)),
            ("rewrites", lambda: test_rewrites(checks, server, migc, tmp)),
            ("constraints", lambda: test_constraints(checks, server, migc,
                                                     tmp)),
            ("keys", lambda: (test_keys(checks, server, migc, tmp),
                              test_using_index(checks, server, migc, tmp))),
            ("data", lambda: test_data(checks, server, migc, tmp)),
            ("generated", lambda: test_generated(
                checks, server, migc, args.bench_gen, tmp, args.migrations,
                args.seed, args.window)),
        ), args.only)
    finally:
        status = finish(checks, server, tmp, args.keep, t0)
    return status


if __name__ == "__main__":
    sys.exit(main())
