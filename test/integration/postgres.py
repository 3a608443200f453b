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
  * data/...         the rows nullable-unique-key says a key accepts are
                     accepted, and refused with its note's index; the scans
                     unindexed-foreign-key says a delete or an update of a
                     referenced row does happen (pg_stat_user_tables), and
                     not with its note's index;
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


def check_compare(checks, name, server, db, expected):
    common.compare_catalog(checks, name, expected,
                           lambda: read_catalog(server, db), compare_schema)


def public_objects(server, db):
    r = server.psql(db, sql=OTHER_OBJECTS_SQL, tuples=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return [l for l in r.stdout.splitlines() if l.strip()]


def test_shop(checks, server, migc, shop, tmp):
    if not os.path.isdir(shop):
        checks.record("shop: project exists", False, shop + " not found")
        return
    expected = migc_schema(migc, shop)
    up = os.path.join(tmp, "shop.up.sql")
    down = os.path.join(tmp, "shop.down.sql")
    for argv, dest in (([], up), (["--down"], down)):
        r = run([migc, "emit", "--target=postgres"] + argv + [shop])
        with open(dest, "w") as f:
            f.write(r.stdout)
        checks.record("shop: migc emit %s" % " ".join(["--target=postgres"] + argv),
                      r.returncode == 0, r.stderr)
    server.create_db("shop_full")
    ok, err = apply(server, "shop_full", up)
    checks.record("shop: full up script applies", ok, err)
    if ok:
        check_compare(checks, "shop: catalog matches migc schema",
                      server, "shop_full", expected)
    ok, err = apply(server, "shop_full", down)
    checks.record("shop: full down script applies", ok, err)
    if ok:
        left = public_objects(server, "shop_full")
        checks.record("shop: public schema empty after down", not left,
                      "left over (relkind name): " + ", ".join(left))

    # per-migration replay: ups before it, up, down, up
    out = os.path.join(tmp, "shop_files")
    files = migc_emit_dir(migc, shop, out)
    checks.record("shop: emit -o writes one up per migration (%d)" % len(files),
                  len(files) > 0 and all(d for _, _, d in files),
                  "missing down files: " + ", ".join(
                      "%04d_%s" % k for k, _, d in files if not d))
    # a database with all ups applied so far serves as the template for the next
    server.create_db("shop_base")
    for i, (key, upf, downf) in enumerate(files):
        name = "shop: replay %04d_%s up/down/up" % key
        db = "shop_step"
        r = server.psql("postgres", sql='DROP DATABASE IF EXISTS "%s"' % db)
        r = server.psql("postgres", sql='CREATE DATABASE "%s" TEMPLATE "shop_base"'
                        % db)
        if r.returncode != 0:
            checks.record(name, False, "cannot create database: " + r.stderr)
            continue
        steps = [("up", upf), ("down", downf), ("up again", upf)]
        detail = ""
        for label, f in steps:
            if f is None:
                detail = "no down file"
                break
            ok, err = apply(server, db, f)
            if not ok:
                detail = "%s (%s) failed:\n%s" % (label, os.path.basename(f), err)
                break
        checks.record(name, not detail, detail)
        # advance the base by this migration's up
        ok, err = apply(server, "shop_base", upf)
        if not ok:
            checks.record("shop: base advances past %04d_%s" % key, False, err)
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


def table_modes(server, db, app):
    """The lock modes session app holds on lock_t, sorted."""
    r = server.psql(db, tuples=True, sql=(
        "SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE a.application_name = '%s%s' AND c.relname = 'lock_t' "
        "AND l.granted ORDER BY 1" % (APP, app)))
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


def main():
    ap = base_parser(__doc__)
    ap.add_argument("--pg-bin", default="/usr/lib/postgresql/15/bin")
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
            ("locks", lambda: test_locks(checks, server, migc, tmp)),
            ("data", lambda: test_data(checks, server, migc, tmp)),
            ("generated", lambda: test_generated(
                checks, server, migc, args.bench_gen, tmp, args.migrations,
                args.seed, args.window)),
        ))
    finally:
        status = finish(checks, server, tmp, args.keep, t0)
    return status


if __name__ == "__main__":
    sys.exit(main())
