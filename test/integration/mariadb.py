#!/usr/bin/env python3
"""Integration test: run migc's MySQL output against a real MariaDB 10.11.

Usage:
  python3 test/integration/mariadb.py --migc build/bin/migc --examples examples

Starts a throwaway server (unix socket only, in a fresh temp folder), then:
  * selfcheck/...    the catalog comparison reports deliberately wrong schemas;
  * shop/full        apply `migc emit --target=mysql`, compare information_schema
                     with `migc schema --format=json`, apply `--down`, require an
                     empty database;
  * shop/replay/...  per migration: ups before it, then up, down, up again;
  * hostile/...      hostile names and strings (quotes, backticks, semicolons,
                     backslashes, unicode) arrive in the catalog and the rows
                     byte for byte; expressions compute PostgreSQL's values;
  * rowsize/...      mysql-row-too-large: 140 random tables and added columns
                     at MySQL's 65,535-byte row limit, under it and over it;
                     MariaDB accepts exactly those migc accepts;
  * keylength/...    mysql-key-too-long: about 200 primary keys, indexes, unique
                     and foreign keys at InnoDB's 3,072-byte key limit, under
                     and over it, and type changes of their columns; MariaDB
                     refuses exactly those migc reports, in the default and in
                     strict sql_mode;
  * unsupported/...  mysql-unsupported: what the script cannot say as PostgreSQL
                     (not valid, partial indexes, set default, a swap, the
                     TIMESTAMP range, a using of a referenced column) runs and
                     shows the difference the warning names;
  * onlineddl/...    mysql-blocking-alter: 36 operations on tables with rows,
                     run with ALGORITHM=INPLACE, LOCK=NONE: MariaDB refuses
                     exactly those migc reports as ALGORITHM=COPY, and takes
                     them with ALGORITHM=COPY, LOCK=SHARED;
  * volatile/...     gen_random_uuid(), random() and clock_timestamp() as
                     defaults (of old and new rows) and in an update: a value
                     of its own per row; MariaDB refuses them in a check;
  * timeouts/...     lock_timeout and statement_timeout as MariaDB session
                     settings: an ALTER behind an open transaction gives up
                     after them;
  * batches/...      `update ... in batches of N`: each batch commits (seen
                     from another session while a later batch waits), every
                     row updated once, the block delimiter safe in a literal;
  * gen300/...       a generated project of 300 migrations (seed 11): apply the
                     ups, compare; the downs of the tail and of a window of 20
                     reversible migrations, compared with `migc schema --at`.

What MySQL cannot express is compared as migc documents it
(docs/targets/mysql.md): a primary key is always named PRIMARY, a partial
index is a full index (and the script must say so), each foreign key not
covered by another index has an index of its own name, a JSON column carries
a json_valid check, and long text key parts are prefixes.

Prints one line per check and a final `N passed, M failed`; exits 0 only if
every check passes. Standard library only. `--only PART` runs one part.
"""

import json
import os
import pwd
import re
import signal
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
    return common.migc_emit_dir(migc, path, out, "mysql")


def migc_emit(migc, path, dest, down=False):
    return common.migc_emit(migc, path, dest, "mysql", down)


def test_generated(checks, server, migc, gen, tmp, count, seed, window):
    db = common.Target(
        server.create_db, server.apply,
        lambda label, name, exp: check_compare(checks, label, server, name, exp))
    common.test_generated(checks, migc, "mysql", db, gen, tmp, count, seed,
                          window)

# .mig type spelling -> MariaDB's information_schema.COLUMNS.COLUMN_TYPE
# (integer display widths are stripped before comparing).
TYPE_MAP = {
    "smallint": "smallint", "int": "int", "integer": "int", "bigint": "bigint",
    "real": "float", "double": "double", "bool": "tinyint(1)",
    "boolean": "tinyint(1)", "text": "longtext", "bytes": "longblob",
    "date": "date", "time": "time(6)", "timestamp": "datetime(6)",
    "timestamptz": "timestamp(6)", "uuid": "char(36)", "json": "longtext",
}
INT_TYPES = ("smallint", "int", "bigint")


def my_type(mig):
    m = re.fullmatch(r"\s*(\w+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*", mig)
    if not m:
        return mig
    base, a, b = m.group(1).lower(), m.group(2), m.group(3)
    if base == "varchar":
        return "varchar(%s)" % a if a else "longtext"
    if base == "char":
        return "char(%s)" % (a or "1")
    if base in ("decimal", "numeric"):
        if a:
            return "decimal(%s,%s)" % (a, b or "0")
        return "decimal(65,30)"
    return TYPE_MAP.get(base, mig)


def norm_column_type(t):
    t = t.lower()
    m = re.fullmatch(r"(smallint|int|bigint)\(\d+\)", t)
    return m.group(1) if m else t


# --------------------------------------------------------------- defaults ---

def _unquote_mysql(s):
    """The value of a quoted string as information_schema shows it."""
    inner = s[1:-1]
    out, i = [], 0
    esc = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "b": "\b"}
    while i < len(inner):
        ch = inner[i]
        if ch == "\\" and i + 1 < len(inner):
            out.append(esc.get(inner[i + 1], inner[i + 1]))
            i += 2
        elif ch == "'" and inner[i + 1:i + 2] == "'":
            out.append("'")
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _mig_literal(s):
    s = s.strip()
    while s.startswith("(") and s.endswith(")"):
        s = s[1:-1].strip()
    low = s.lower()
    if low in ("true", "false"):
        return ("num", Decimal(1 if low == "true" else 0))
    if low == "null":
        return ("null", None)
    if low in ("now()", "current_timestamp"):
        return ("fn", "now")
    if low == "current_date":
        return ("fn", "date")
    if re.fullmatch(r"'(?:[^']|'')*'", s, re.S):
        return ("str", s[1:-1].replace("''", "'"))
    try:
        return ("num", Decimal(s))
    except InvalidOperation:
        return ("expr", s)


def _my_literal(s):
    if s is None:
        return ("none", None)
    s = s.strip()
    low = s.lower()
    if low == "null":
        return ("null", None)
    if re.fullmatch(r"current_timestamp(\(\d*\))?", low):
        return ("fn", "now")
    if low in ("curdate()", "current_date", "current_date()"):
        return ("fn", "date")
    if len(s) >= 2 and s[0] == "'" and s[-1] == "'":
        return ("str", _unquote_mysql(s))
    try:
        return ("num", Decimal(s))
    except InvalidOperation:
        return ("expr", s)


def defaults_match(mig, my, mig_type):
    """migc's default (None or .mig text) against COLUMN_DEFAULT."""
    lm = ("none", None) if mig is None else _mig_literal(mig)
    ly = _my_literal(my)
    if lm[0] in ("none", "null") or ly[0] in ("none", "null"):
        return lm[0] in ("none", "null") and ly[0] in ("none", "null")
    if lm[0] == "expr":  # an expression: present on both sides is enough
        return True
    base = mig_type.split("(")[0].lower()
    if lm[0] == "num" and ly[0] == "str" and base not in (
            "text", "varchar", "char"):
        try:
            ly = ("num", Decimal(ly[1]))
        except InvalidOperation:
            pass
    if lm[0] == "str" and base in ("char",):  # CHAR pads, MySQL strips
        return ly[0] == "str" and ly[1].rstrip(" ") == lm[1].rstrip(" ")
    return lm == ly


# --------------------------------------------------------------- server ----

class Server:
    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "mariadb")
        self.data = os.path.join(self.dir, "data")
        self.sock = os.path.join(self.dir, "sock")
        self.log = os.path.join(self.dir, "server.log")
        self.proc = None
        self.as_root = os.geteuid() == 0

    def start(self):
        os.makedirs(self.dir)
        user = []
        if self.as_root:
            pw = pwd.getpwnam("mysql")
            os.chmod(os.path.dirname(self.dir), 0o755)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            user = ["--user=mysql"]
        os.chmod(self.dir, 0o755)
        r = subprocess.run(
            ["mariadb-install-db", "--no-defaults", "--datadir=" + self.data,
             "--auth-root-authentication-method=normal", "--skip-test-db",
             "--skip-name-resolve"] + user,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise RuntimeError("mariadb-install-db failed:\n" + r.stdout)
        self.proc = subprocess.Popen(
            ["mariadbd", "--no-defaults", "--datadir=" + self.data,
             "--socket=" + self.sock, "--skip-networking",
             "--pid-file=" + os.path.join(self.dir, "pid"),
             "--log-error=" + self.log, "--skip-log-bin",
             "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
             "--innodb-buffer-pool-size=64M", "--skip-name-resolve"] + user,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            if self.proc.poll() is not None:
                raise RuntimeError("mariadbd exited (%d):\n%s"
                                   % (self.proc.returncode, self.read_log()))
            if os.path.exists(self.sock) and self.sql(None, "SELECT 1")[0]:
                return
            time.sleep(0.1)
        raise RuntimeError("mariadbd did not start:\n" + self.read_log())

    def read_log(self):
        try:
            with open(self.log) as f:
                return f.read()[-4000:]
        except OSError as e:
            return "(no log: %s)" % e

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def client(self, db, stdin_text, extra=()):
        argv = ["mariadb", "--no-defaults", "-S", self.sock, "-u", "root",
                "--batch", "--raw", "--skip-column-names"] + list(extra)
        if db:
            argv += ["-D", db]
        return subprocess.run(argv, input=stdin_text, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              encoding="utf-8", errors="surrogateescape")

    def sql(self, db, text):
        r = self.client(db, text)
        return r.returncode == 0, r.stdout, (r.stderr or "").strip()

    def apply(self, db, path):
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            ok, _, err = self.sql(db, f.read())
        return ok, err

    def create_db(self, name):
        ok, _, err = self.sql(None, "DROP DATABASE IF EXISTS `%s`; CREATE "
                              "DATABASE `%s` CHARACTER SET utf8mb4 COLLATE "
                              "utf8mb4_bin;" % (name, name))
        if not ok:
            raise RuntimeError("CREATE DATABASE %s failed: %s" % (name, err))


# -------------------------------------------------------------- catalog ----

def _q(db):
    return "'" + db.replace("'", "''") + "'"


CATALOG_QUERIES = {
    "tables": """SELECT JSON_ARRAYAGG(JSON_OBJECT('name', TABLE_NAME,
        'type', TABLE_TYPE)) FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = {db}""",
    "columns": """SELECT JSON_ARRAYAGG(JSON_OBJECT('table', TABLE_NAME,
        'name', COLUMN_NAME, 'pos', ORDINAL_POSITION, 'type', COLUMN_TYPE,
        'nullable', IS_NULLABLE, 'default', COLUMN_DEFAULT, 'extra', EXTRA,
        'collation', COLLATION_NAME))
        FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {db}""",
    "constraints": """SELECT JSON_ARRAYAGG(JSON_OBJECT('table', TABLE_NAME,
        'name', CONSTRAINT_NAME, 'type', CONSTRAINT_TYPE))
        FROM information_schema.TABLE_CONSTRAINTS
        WHERE CONSTRAINT_SCHEMA = {db}""",
    "keycols": """SELECT JSON_ARRAYAGG(JSON_OBJECT('table', TABLE_NAME,
        'name', CONSTRAINT_NAME, 'column', COLUMN_NAME,
        'pos', ORDINAL_POSITION, 'ref_table', REFERENCED_TABLE_NAME,
        'ref_column', REFERENCED_COLUMN_NAME))
        FROM information_schema.KEY_COLUMN_USAGE
        WHERE CONSTRAINT_SCHEMA = {db}""",
    "refs": """SELECT JSON_ARRAYAGG(JSON_OBJECT('table', TABLE_NAME,
        'name', CONSTRAINT_NAME, 'on_delete', DELETE_RULE,
        'on_update', UPDATE_RULE, 'ref_table', REFERENCED_TABLE_NAME))
        FROM information_schema.REFERENTIAL_CONSTRAINTS
        WHERE CONSTRAINT_SCHEMA = {db}""",
    "checks": """SELECT JSON_ARRAYAGG(JSON_OBJECT('table', TABLE_NAME,
        'name', CONSTRAINT_NAME, 'level', LEVEL, 'clause', CHECK_CLAUSE))
        FROM information_schema.CHECK_CONSTRAINTS
        WHERE CONSTRAINT_SCHEMA = {db}""",
    "indexes": """SELECT JSON_ARRAYAGG(JSON_OBJECT('table', TABLE_NAME,
        'name', INDEX_NAME, 'column', COLUMN_NAME, 'pos', SEQ_IN_INDEX,
        'non_unique', NON_UNIQUE, 'sub_part', SUB_PART,
        'collation', COLLATION, 'index_type', INDEX_TYPE))
        FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = {db}""",
}


def read_catalog(server, db):
    """{table: {columns, constraints, indexes}} from information_schema."""
    raw = {}
    for key, sql in CATALOG_QUERIES.items():
        ok, out, err = server.sql(None, sql.format(db=_q(db)) + ";")
        if not ok:
            raise RuntimeError("catalog query %s failed: %s" % (key, err))
        out = out.strip()
        raw[key] = json.loads(out) if out and out != "NULL" else []
    cat = {}
    for t in raw["tables"]:
        cat[t["name"]] = {"type": t["type"], "columns": [], "pk": None,
                          "unique": {}, "fks": {}, "checks": {},
                          "json_checks": set(), "indexes": {}}
    for c in sorted(raw["columns"], key=lambda c: c["pos"]):
        cat[c["table"]]["columns"].append(c)
    keycols = {}
    for k in sorted(raw["keycols"], key=lambda k: k["pos"]):
        keycols.setdefault((k["table"], k["name"]), []).append(k)
    refs = {(r["table"], r["name"]): r for r in raw["refs"]}
    for k in raw["constraints"]:
        t, n, typ = k["table"], k["name"], k["type"]
        cols = [x["column"] for x in keycols.get((t, n), [])]
        if typ == "PRIMARY KEY":
            cat[t]["pk"] = {"name": n, "columns": cols}
        elif typ == "UNIQUE":
            cat[t]["unique"][n] = cols
        elif typ == "FOREIGN KEY":
            r = refs.get((t, n), {})
            cat[t]["fks"][n] = {
                "columns": cols,
                "ref_table": r.get("ref_table"),
                "ref_columns": [x["ref_column"] for x in keycols.get((t, n), [])],
                "on_delete": (r.get("on_delete") or "").lower(),
                "on_update": (r.get("on_update") or "").lower()}
    for k in raw["checks"]:
        if k["level"] == "Column" and k["clause"].startswith("json_valid("):
            cat[k["table"]]["json_checks"].add(k["name"])
        else:
            cat[k["table"]]["checks"][k["name"]] = k["clause"]
    for i in sorted(raw["indexes"], key=lambda i: i["pos"]):
        ix = cat[i["table"]]["indexes"].setdefault(i["name"], {
            "unique": not int(i["non_unique"]), "columns": [],
            "descending": [], "sub_parts": [], "type": i["index_type"]})
        ix["columns"].append(i["column"])
        ix["descending"].append(i["collation"] == "D")
        ix["sub_parts"].append(i["sub_part"])
    return cat


def _is_long(mig_type):
    base = mig_type.split("(")[0].lower()
    m = re.search(r"\((\d+)\)", mig_type)
    return base in ("text", "bytes", "json") or (
        base == "varchar" and (not m or int(m.group(1)) > 255))


def own_index_expected(table, fk):
    """Whether MySQL keeps an index named after the foreign key (no other
    index, key or unique constraint starts with its columns)."""
    n = len(fk["columns"])
    for k in table["constraints"]:
        if k["kind"] in ("primary_key", "unique") and k["columns"][:n] == fk["columns"]:
            return False
    for i in table["indexes"]:
        if i["columns"][:n] == fk["columns"]:
            return False
    return True


def compare_schema(mig, cat):
    """Human-readable differences between migc's JSON and the catalog."""
    diffs = []
    mt = {t["name"]: t for t in mig["tables"]}
    for name in sorted(set(mt) - set(cat)):
        diffs.append("table %s: in migc schema, not in MariaDB" % name)
    for name in sorted(set(cat) - set(mt)):
        diffs.append("table %s: in MariaDB, not in migc schema" % name)
    for name in sorted(set(mt) & set(cat)):
        a, b = mt[name], cat[name]
        if b["type"] != "BASE TABLE":
            diffs.append("table %s: is a %s" % (name, b["type"]))
        ac = [c["name"] for c in a["columns"]]
        bc = [c["name"] for c in b["columns"]]
        if ac != bc:
            diffs.append("table %s: columns differ: migc %s, MariaDB %s"
                         % (name, ac, bc))
        bcols = {c["name"]: c for c in b["columns"]}
        json_cols = set()
        for c in a["columns"]:
            p = bcols.get(c["name"])
            if p is None:
                continue
            where = "%s.%s" % (name, c["name"])
            want, got = my_type(c["type"]), norm_column_type(p["type"])
            if c["type"].split("(")[0].lower() == "json":
                json_cols.add(c["name"])
            if want != got:
                diffs.append("%s: type migc %s (-> %s), MariaDB %s"
                             % (where, c["type"], want, p["type"]))
            if p["collation"] not in (None, "utf8mb4_bin"):
                diffs.append("%s: collation %s, want utf8mb4_bin"
                             % (where, p["collation"]))
            if bool(c["nullable"]) != (p["nullable"] == "YES"):
                diffs.append("%s: nullable migc %s, MariaDB %s"
                             % (where, c["nullable"], p["nullable"]))
            auto = "auto_increment" in (p["extra"] or "").lower()
            if bool(c["identity"]) != auto:
                diffs.append("%s: identity migc %s, MariaDB extra %r"
                             % (where, c["identity"], p["extra"]))
            if not auto and not defaults_match(c["default"], p["default"],
                                               c["type"]):
                diffs.append("%s: default migc %r, MariaDB %r"
                             % (where, c["default"], p["default"]))
        if b["json_checks"] != json_cols:
            diffs.append("table %s: json_valid checks on %s, JSON columns %s"
                         % (name, sorted(b["json_checks"]), sorted(json_cols)))
        # constraints
        ak = {k["name"]: k for k in a["constraints"]}
        pks = [k for k in a["constraints"] if k["kind"] == "primary_key"]
        if bool(pks) != bool(b["pk"]):
            diffs.append("table %s: primary key migc %s, MariaDB %s"
                         % (name, pks and pks[0]["name"], b["pk"]))
        elif pks and pks[0]["columns"] != b["pk"]["columns"]:
            diffs.append("table %s: primary key columns migc %s, MariaDB %s"
                         % (name, pks[0]["columns"], b["pk"]["columns"]))
        # a unique index is a UNIQUE constraint in MySQL
        uniq_idx = {i["name"]: i["columns"] for i in a["indexes"] if i["unique"]}
        want_u = {n: k["columns"] for n, k in ak.items() if k["kind"] == "unique"}
        want_u.update(uniq_idx)
        for n in sorted(set(want_u) - set(b["unique"])):
            diffs.append("table %s: unique %s in migc schema, not in MariaDB"
                         % (name, n))
        for n in sorted(set(b["unique"]) - set(want_u)):
            diffs.append("table %s: unique %s in MariaDB, not in migc schema"
                         % (name, n))
        for n in sorted(set(want_u) & set(b["unique"])):
            if want_u[n] != b["unique"][n]:
                diffs.append("table %s unique %s: columns migc %s, MariaDB %s"
                             % (name, n, want_u[n], b["unique"][n]))
        want_c = {n for n, k in ak.items() if k["kind"] == "check"}
        for n in sorted(want_c - set(b["checks"])):
            diffs.append("table %s: check %s in migc schema, not in MariaDB"
                         % (name, n))
        for n in sorted(set(b["checks"]) - want_c):
            diffs.append("table %s: check %s in MariaDB, not in migc schema: %s"
                         % (name, n, b["checks"][n]))
        want_f = {n: k for n, k in ak.items() if k["kind"] == "foreign_key"}
        for n in sorted(set(want_f) - set(b["fks"])):
            diffs.append("table %s: foreign key %s in migc schema, not in "
                         "MariaDB" % (name, n))
        for n in sorted(set(b["fks"]) - set(want_f)):
            diffs.append("table %s: foreign key %s in MariaDB, not in migc "
                         "schema" % (name, n))
        for n in sorted(set(want_f) & set(b["fks"])):
            x, y = want_f[n], b["fks"][n]
            ref = x.get("references") or {}
            exp = {"columns": x["columns"], "ref_table": ref.get("table"),
                   "ref_columns": ref.get("columns"),
                   "on_delete": ref.get("on_delete") or "no action",
                   "on_update": ref.get("on_update") or "no action"}
            if exp["on_delete"] == "set default":
                exp["on_delete"] = "no action"
            if exp["on_update"] == "set default":
                exp["on_update"] = "no action"
            if exp != y:
                diffs.append("table %s foreign key %s: migc %s, MariaDB %s"
                             % (name, n, exp, y))
        # indexes: migc's, plus each foreign key's own index where no other
        # index starts with its columns
        want_i = {i["name"]: i for i in a["indexes"]}
        for n, k in want_f.items():
            if own_index_expected(a, k) and n not in want_i:
                want_i[n] = {"columns": k["columns"], "unique": False,
                             "descending": [False] * len(k["columns"]),
                             "where": None, "own": True}
        got_i = {n: i for n, i in b["indexes"].items()
                 if n != "PRIMARY" and not (n in ak and ak[n]["kind"] in (
                     "primary_key", "unique"))}
        for n in sorted(set(want_i) - set(got_i)):
            diffs.append("table %s: index %s in migc schema%s, not in MariaDB"
                         % (name, n, " (foreign key's own)"
                            if want_i[n].get("own") else ""))
        for n in sorted(set(got_i) - set(want_i)):
            diffs.append("table %s: index %s in MariaDB, not in migc schema"
                         % (name, n))
        types = {c["name"]: c["type"] for c in a["columns"]}
        for n in sorted(set(want_i) & set(got_i)):
            x, y = want_i[n], got_i[n]
            where = "%s index %s" % (name, n)
            if bool(x["unique"]) != y["unique"]:
                diffs.append("%s: unique migc %s, MariaDB %s"
                             % (where, x["unique"], y["unique"]))
            if list(x["columns"]) != y["columns"]:
                diffs.append("%s: columns migc %s, MariaDB %s"
                             % (where, x["columns"], y["columns"]))
            xd = list(x.get("descending") or [False] * len(x["columns"]))
            if xd != y["descending"][:len(xd)]:
                diffs.append("%s: descending migc %s, MariaDB %s"
                             % (where, xd, y["descending"]))
            for col, sub in zip(y["columns"], y["sub_parts"]):
                if sub is not None and not _is_long(types.get(col, "text")):
                    diffs.append("%s: prefix %s on %s (%s)"
                                 % (where, sub, col, types.get(col)))
    return diffs


# ------------------------------------------------------------- harness -----

def check_compare(checks, name, server, db, expected):
    common.compare_catalog(checks, name, expected,
                           lambda: read_catalog(server, db), compare_schema)


def db_objects(server, db):
    ok, out, err = server.sql(None, """
        SELECT CONCAT('table ', TABLE_NAME) FROM information_schema.TABLES
          WHERE TABLE_SCHEMA = {db}
        UNION ALL SELECT CONCAT('routine ', ROUTINE_NAME)
          FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = {db}
        UNION ALL SELECT CONCAT('trigger ', TRIGGER_NAME)
          FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = {db};
        """.format(db=_q(db)))
    if not ok:
        raise RuntimeError(err)
    return [l for l in out.splitlines() if l.strip()]


def catalog_diff(a, b):
    """What differs between two read_catalog results, one line each."""
    out = []
    for t in sorted(set(a) | set(b)):
        if t not in a or t not in b:
            out.append("table %s only %s" % (t, "after" if t in b else "before"))
            continue
        for k in a[t]:
            if a[t][k] != b[t][k]:
                out.append("table %s %s: before %s, after %s"
                           % (t, k, a[t][k], b[t][k]))
    return "\n".join(out)


# ---------------------------------------------------------- self-check -----

SELF_SCHEMA = """
migration a {
  up {
    create table p (id bigint primary key identity, code varchar(10) unique);
    create table c (
      id int primary key,
      p_id bigint references p (id) on delete cascade,
      n int not null default 3 check (n > 0),
      s text default 'x', d json
    );
    create index c_n_idx on c (n desc, id);
  }
}
"""


def test_selfcheck(checks, server, migc, tmp):
    """The comparison is worth something only if it sees a wrong schema."""
    proj = os.path.join(tmp, "self")
    os.makedirs(proj)
    with open(os.path.join(proj, "a.mig"), "w") as f:
        f.write(SELF_SCHEMA)
    expected = migc_schema(migc, proj)
    server.create_db("selfcheck")
    up = os.path.join(tmp, "self.up.sql")
    ok, err = migc_emit(migc, proj, up)
    if ok:
        ok, err = server.apply("selfcheck", up)
    checks.record("selfcheck: up script applies", ok, err)
    if not ok:
        return
    cat = read_catalog(server, "selfcheck")
    diffs = compare_schema(expected, cat)
    checks.record("selfcheck: the right schema compares equal", not diffs,
                  "\n".join(diffs))

    def tbl(s, n):
        return next(t for t in s["tables"] if t["name"] == n)

    def col(s, t, n):
        return next(c for c in tbl(s, t)["columns"] if c["name"] == n)

    def con(s, t, kind):
        return next(k for k in tbl(s, t)["constraints"] if k["kind"] == kind)

    mutations = [
        ("a missing table", lambda s: s["tables"].pop()),
        ("a column renamed", lambda s: col(s, "c", "s").update(name="t")),
        ("a type changed", lambda s: col(s, "c", "n").update(type="bigint")),
        ("a varchar length", lambda s: col(s, "p", "code").update(
            type="varchar(11)")),
        ("nullability", lambda s: col(s, "c", "s").update(nullable=False)),
        ("a default value", lambda s: col(s, "c", "n").update(default="4")),
        ("a string default", lambda s: col(s, "c", "s").update(default="'y'")),
        ("a default dropped", lambda s: col(s, "c", "n").update(default=None)),
        ("identity", lambda s: col(s, "c", "id").update(identity=True)),
        ("a check renamed", lambda s: con(s, "c", "check").update(name="zz")),
        ("a unique column", lambda s: con(s, "p", "unique").update(
            columns=["id"])),
        ("a primary key column", lambda s: con(s, "c", "primary_key").update(
            columns=["n"])),
        ("a foreign key action", lambda s: con(s, "c", "foreign_key")[
            "references"].update(on_delete="restrict")),
        ("a foreign key target", lambda s: con(s, "c", "foreign_key")[
            "references"].update(columns=["code"])),
        ("an index direction", lambda s: tbl(s, "c")["indexes"][0].update(
            descending=[False, False])),
        ("an index column", lambda s: tbl(s, "c")["indexes"][0].update(
            columns=["n"])),
        ("an index dropped", lambda s: tbl(s, "c")["indexes"].pop()),
        ("an index made unique", lambda s: tbl(s, "c")["indexes"][0].update(
            unique=True)),
        ("a JSON column", lambda s: col(s, "c", "d").update(type="text")),
    ]
    missed = []
    for label, mutate in mutations:
        wrong = json.loads(json.dumps(expected))
        mutate(wrong)
        if not compare_schema(wrong, cat):
            missed.append(label)
    checks.record("selfcheck: the comparison catches %d kinds of wrong schema"
                  % len(mutations), not missed, "not caught: " + ", ".join(missed))
    # the catalog side too: an extra object in the database is reported
    server.sql("selfcheck", "CREATE INDEX extra_idx ON c (s(10)); "
               "CREATE TABLE extra (i INT);")
    diffs = compare_schema(expected, read_catalog(server, "selfcheck"))
    checks.record("selfcheck: an extra index and table in MariaDB are caught",
                  any("extra_idx" in d for d in diffs) and
                  any("table extra" in d for d in diffs), "\n".join(diffs))


# ------------------------------------------------------------- hostile -----

HOSTILE = r"""
migration hostile {
  description 'line one \c
line two \g DROP DATABASE x';
  up {
    create table "x`; DROP TABLE users; --" (
      id int primary key,
      "a`b;c" text default '''; DROP TABLE users; --' check ("a`b;c" <> ''')--'),
      "été ☃" varchar(20) default 'back\slash\''',
      r int
    );
    create index "i""dx`" on "x`; DROP TABLE users; --" ("été ☃");
    insert into "x`; DROP TABLE users; --" (id, "a`b;c", "été ☃") values
      (1, 'it''s', 'back\slash'), (2, '\'';\', 'ünï☃'), (3, '%_\n', 'x');
  }
}

migration semantics {
  requires hostile;
  up {
    create table calc (
      id int primary key, a int, b int, s varchar(20), t text,
      q int, m int, c text, g int, l int, dv decimal(10,2), n int, lk bool
    );
    insert into calc (id, a, b, s, t) values
      (1, -7, 2, 'Ab', 'x'), (2, 7, -2, 'ab', null), (3, 9, 4, null, 'Ω');
    update calc set q = a / b, m = a % b, c = s || '-' || t,
      g = greatest(a, null, b), l = least(b, null), dv = cast(a as decimal(10,2)) / 4,
      n = length(t), lk = s like 'A%';
  }
  down { drop table calc; }
}
"""

# PostgreSQL's values for calc (id -> q, m, c, g, l, dv, n, lk)
HOSTILE_EXPECT = {
    "1": ["-3", "-1", "Ab-x", "2", "2", "-1.75", "1", "1"],
    "2": ["-3", "1", None, "7", "-2", "1.75", None, "0"],
    "3": ["2", "1", None, "9", "4", "2.25", "1", None],
}


def test_hostile(checks, server, migc, tmp):
    proj = os.path.join(tmp, "hostile")
    os.makedirs(proj)
    with open(os.path.join(proj, "h.mig"), "w", encoding="utf-8") as f:
        f.write(HOSTILE)
    expected = migc_schema(migc, proj)
    up = os.path.join(tmp, "hostile.up.sql")
    down = os.path.join(tmp, "hostile.down.sql")
    ok, err = migc_emit(migc, proj, up)
    ok2, err2 = migc_emit(migc, proj, down, down=True)
    checks.record("hostile: migc emit up and down", ok and ok2, err + err2)
    server.create_db("hostile")
    # the strict-literal claim: the script means the same under both modes
    for mode in ("", "NO_BACKSLASH_ESCAPES"):
        server.create_db("hostile")
        with open(up, encoding="utf-8") as f:
            text = ("SET SESSION sql_mode = CONCAT(@@sql_mode, ',%s');\n" % mode
                    if mode else "") + f.read()
        ok, _, err = server.sql("hostile", text)
        label = mode or "default sql_mode"
        checks.record("hostile: up script applies (%s)" % label, ok, err)
        if not ok:
            return
        check_compare(checks, "hostile: catalog matches migc schema (%s)"
                      % label, server, "hostile", expected)
        ok, out, err = server.sql("hostile", "SELECT id, HEX(`a``b;c`), "
                                  "HEX(`été ☃`) FROM "
                                  "`x``; DROP TABLE users; --` ORDER BY id;")
        want = [("1", "it's", "back\\slash"), ("2", "\\';\\", "ünï☃"),
                ("3", "%_\\n", "x")]
        got = [tuple(l.split("\t")) for l in out.splitlines()]
        exp = [(i, a.encode().hex().upper(), b.encode().hex().upper())
               for i, a, b in want]
        checks.record("hostile: strings arrive byte for byte (%s)" % label,
                      ok and got == exp, "got %s\nwant %s %s" % (got, exp, err))
        ok, out, err = server.sql("hostile", "SELECT HEX(`a``b;c`), "
                                  "HEX(`été ☃`) FROM "
                                  "`x``; DROP TABLE users; --` WHERE id = 9;"
                                  "INSERT INTO `x``; DROP TABLE users; --` "
                                  "(id) VALUES (9); SELECT HEX(`a``b;c`), "
                                  "HEX(`été ☃`) FROM "
                                  "`x``; DROP TABLE users; --` WHERE id = 9;")
        got = [tuple(l.split("\t")) for l in out.splitlines()]
        exp = [("'; DROP TABLE users; --".encode().hex().upper(),
                "back\\slash\\'".encode().hex().upper())]
        checks.record("hostile: defaults arrive byte for byte (%s)" % label,
                      ok and got == exp, "got %s\nwant %s %s" % (got, exp, err))
        ok, out, err = server.sql(
            "hostile", "SELECT id, q, m, c, g, l, dv, n, lk FROM calc "
            "ORDER BY id;")
        got = {}
        for l in out.splitlines():
            f = [None if v == "NULL" else v for v in l.split("\t")]
            got[f[0]] = f[1:]
        checks.record("hostile: / % || greatest least cast length like "
                      "compute PostgreSQL's values (" + label + ")",
                      ok and got == HOSTILE_EXPECT,
                      "got  %s\nwant %s %s" % (got, HOSTILE_EXPECT, err))
    ok, err = server.apply("hostile", down)
    checks.record("hostile: down script applies", ok, err)
    if ok:
        left = db_objects(server, "hostile")
        checks.record("hostile: database empty after down", not left,
                      ", ".join(left))
    ok, out, err = server.sql(None, "SELECT SCHEMA_NAME FROM "
                              "information_schema.SCHEMATA;")
    left = set(out.split())
    checks.record("hostile: nothing else was dropped", ok and {
        "mysql", "selfcheck", "hostile"} <= left, err or out)


# ------------------------------------------------------------- volatile ----
# The volatile functions on MariaDB: as defaults of new rows, of rows that
# existed when the column was added, and in an update, each call gives a
# value of its own, of the right shape, as PostgreSQL's would.

VOLATILE = """\
migration vol_table {
  up {
    create table vol (id int primary key, n int);
    insert into vol (id, n) values %s;
  }
}
migration vol_defaults {
  requires vol_table;
  up {
    add column vol.token uuid not null default gen_random_uuid();
    add column vol.r double default random();
    add column vol.at timestamptz default clock_timestamp();
    add column vol.u double;
    update vol set u = random() * 10, at = clock_timestamp() where n > 10;
    insert into vol (id, n) values (101, 101), (102, 102);
  }
}
""" % ", ".join("(%d, %d)" % (i, i) for i in range(1, 21))
VOLATILE_EXPECT = {
    # rows, distinct tokens, tokens shaped like a UUID, distinct r, r in
    # [0, 1), u set (rows 11-20), distinct u, u in [0, 10), at within a day
    "rows": 22, "tokens": 22, "uuid_shaped": 22, "r_distinct": 22,
    "r_range": 22, "u_set": 10, "u_distinct": 10, "u_range": 10,
    "at_near": 22}


def test_volatile(checks, server, migc, tmp):
    proj = os.path.join(tmp, "volatile")
    os.makedirs(proj)
    with open(os.path.join(proj, "v.mig"), "w") as f:
        f.write(VOLATILE)
    up = os.path.join(tmp, "volatile.up.sql")
    ok, err = migc_emit(migc, proj, up)
    with open(up) as f:
        text = f.read()
    checks.record("volatile: migc emits gen_random_uuid(), random() and "
                  "clock_timestamp() as UUID(), RAND() and SYSDATE(6)",
                  ok and all(w in text for w in ("UUID()", "RAND()",
                                                 "SYSDATE(6)")), err + text)
    server.create_db("volatile")
    ok, err = server.apply("volatile", up)
    if not checks.record("volatile: the up script applies", ok, err):
        return
    ok, out, err = server.sql("volatile", """SELECT
      COUNT(*), COUNT(DISTINCT token),
      SUM(token REGEXP '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
      COUNT(DISTINCT r), SUM(r >= 0 AND r < 1),
      COUNT(u), COUNT(DISTINCT u), SUM(u >= 0 AND u < 10),
      SUM(ABS(TIMESTAMPDIFF(SECOND, at, NOW())) < 86400)
      FROM vol;""")
    got = dict(zip(VOLATILE_EXPECT, (out.split() if ok else [])))
    want = {k: str(v) for k, v in VOLATILE_EXPECT.items()}
    checks.record("volatile: every row, old or new, gets a value of its own "
                  "from each default and from the update, in the type's "
                  "range", got == want, "got  %s\nwant %s %s"
                  % (got, want, err))
    # Why ALGORITHM=COPY: in place, MariaDB gives every existing row the
    # same RAND().
    ok, out, err = server.sql("volatile", "ALTER TABLE vol ADD COLUMN "
                              "r_inplace DOUBLE DEFAULT (RAND()); SELECT "
                              "COUNT(DISTINCT r_inplace) FROM vol;")
    checks.record("volatile: without ALGORITHM=COPY, MariaDB gives every "
                  "existing row the same RAND() (so migc writes it)",
                  ok and out.split() == ["1"], out + err)
    # migc refuses to emit a check that calls one of them (or now(),
    # current_date): MariaDB refuses it.
    refused = []
    for call, ty in (("RAND()", "DOUBLE"), ("UUID()", "CHAR(36)"),
                     ("SYSDATE(6)", "TIMESTAMP(6) NULL"),
                     ("CURRENT_TIMESTAMP(6)", "TIMESTAMP(6) NULL"),
                     ("CURRENT_DATE", "DATE")):
        ok, _, err = server.sql("volatile", "CREATE TABLE vol_ck (x %s, "
                                "CONSTRAINT vol_ck_x CHECK (x <> %s));"
                                % (ty, call))
        if ok or "cannot be used in the CHECK clause" not in err:
            refused.append("%s: %s" % (call, err or "accepted"))
        server.sql("volatile", "DROP TABLE IF EXISTS vol_ck;")
    checks.record("volatile: MariaDB refuses RAND(), UUID(), SYSDATE(6), "
                  "CURRENT_TIMESTAMP(6) and CURRENT_DATE in a check, as "
                  "migc's target-unsupported error says", not refused,
                  "\n".join(refused))


# ------------------------------------------------------------- timeouts ----
# The timeout clauses on MariaDB: `lock_timeout` is emitted as
# lock_wait_timeout (and innodb_lock_wait_timeout) in whole seconds, and an
# ALTER that waits for a table's metadata lock behind an open transaction
# gives up after it; `statement_timeout` is max_statement_time in a
# `/*M! */` comment, which MariaDB runs. The script puts both back at its end.

TIMEOUTS = """
migration m0 { up { create table tm (id int primary key, a int); } }
migration m1 { requires m0; lock_timeout '1500ms'; up { add column tm.b int; } }
migration m2 { requires m1; statement_timeout '1s'; lock_timeout '0';
  up { add column tm.c int; } }
"""


def _holder(server, db):
    """A session that reads tm in a transaction left open (it holds the
    table's shared metadata lock), in the background."""
    argv = ["mariadb", "--no-defaults", "-S", server.sock, "-u", "root",
            "-D", db]
    return subprocess.Popen(argv, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, text=True)


def _wait_sleeping(server):
    deadline = time.time() + 30
    while time.time() < deadline:
        ok, out, _ = server.sql(None, "SELECT COUNT(*) FROM "
                                "information_schema.processlist WHERE "
                                "state = 'User sleep';")
        if ok and out.strip() not in ("", "0"):
            return True
        time.sleep(0.05)
    return False


def test_timeouts(checks, server, migc, tmp):
    proj = os.path.join(tmp, "timeouts")
    os.makedirs(proj)
    with open(os.path.join(proj, "migc.toml"), "w") as f:
        f.write('[check]\ntargets = ["mysql"]\nmariadb-version = "10.11"\n')
    with open(os.path.join(proj, "t.mig"), "w") as f:
        f.write(TIMEOUTS)
    files = migc_emit_dir(migc, proj, os.path.join(tmp, "timeouts-emit"))
    texts = [open(up).read() for _, up, _ in files]
    checks.record(
        "timeouts: lock_timeout '1500ms' is emitted as 2 whole seconds, "
        "statement_timeout '1s' as MariaDB's max_statement_time, each put "
        "back at the end",
        "lock_wait_timeout = 2, innodb_lock_wait_timeout = 2;" in texts[1]
        and "lock_wait_timeout = DEFAULT" in texts[1]
        and "/*M! SET SESSION max_statement_time = 1.000 */;" in texts[2]
        and "max_statement_time = DEFAULT" in texts[2]
        and "lock_wait_timeout" not in texts[2], "\n".join(texts[1:]))
    db = "timeouts"
    server.create_db(db)
    ok, err = server.apply(db, files[0][1])
    for (_, name), up, _ in files[1:]:
        h = _holder(server, db)
        try:
            h.stdin.write("BEGIN; SELECT COUNT(*) FROM tm; SELECT SLEEP(60);\n")
            h.stdin.flush()
            held = _wait_sleeping(server)
            t = time.time()
            with open(up) as f:
                r = server.client(db, f.read())
            secs = time.time() - t
        finally:
            _, ids, _ = server.sql(None, "SELECT id FROM "
                                   "information_schema.processlist WHERE "
                                   "state = 'User sleep';")
            for i in ids.split():
                server.sql(None, "KILL %s;" % i)
            h.kill()
            h.wait()
        low, want = ((1.9, "Lock wait timeout exceeded") if name == "m1"
                     else (0.9, "Query execution was interrupted"))
        checks.record(
            "timeouts: behind an open transaction that read tm, %s's ALTER "
            "gives up after about %s s" % (name, "2" if name == "m1" else "1"),
            held and r.returncode != 0 and want in r.stderr
            and low < secs < 15, "%s (%.1f s)" % (r.stderr.strip(), secs))
        ok, err = server.apply(db, up)
        checks.record("timeouts: %s applies once the transaction is over"
                      % name, ok, err)
# ------------------------------------------------------------- batches -----
# `update ... in batches of N` is a BEGIN NOT ATOMIC block that repeats
# `UPDATE ... LIMIT N` and COMMIT until no row changes. A second session
# holds one row locked, so the block waits in that row's batch: meanwhile a
# third session sees the batches before it committed. Once the holder lets
# go, every row is updated once. The literal holds the client's block
# delimiter and a `;`, the names are hostile (a backquote, the user
# variable's name).

BATCH_ROWS, BATCH_SIZE = 1000, 100
BATCHES_MIG = """\
migration batch_tables {
  up {
    create table "b`t" (id int primary key, status text, migc_rows int not null);
  }
}

migration batch_fill {
  requires batch_tables;
  up {
    update "b`t" set status = 'a//b;''c', migc_rows = migc_rows + 1
      where status is null in batches of %d;
  }
  irreversible;
}
""" % BATCH_SIZE


def test_batches(checks, server, migc, tmp):
    proj = os.path.join(tmp, "batches")
    os.makedirs(proj)
    with open(os.path.join(proj, "b.mig"), "w") as f:
        f.write(BATCHES_MIG)
    files = migc_emit_dir(migc, proj, os.path.join(tmp, "batches-emit"))
    by_name = {name: up for (_, name), up, _ in files}
    server.create_db("batches")
    ok, err = server.apply("batches", by_name["batch_tables"])
    if ok:
        ok, _, err = server.sql("batches", (
            "INSERT INTO `b``t` SELECT seq, NULL, 0 FROM seq_1_to_%d;"
            % BATCH_ROWS))
    if not checks.record("batches: the table exists, with rows", ok, err):
        return
    script = by_name["batch_fill"]
    with open(script) as f:
        text = f.read()
    checks.record("batches: migc writes a BEGIN NOT ATOMIC block with LIMIT",
                  "BEGIN NOT ATOMIC" in text and "LIMIT %d;" % BATCH_SIZE
                  in text, text)
    client = ["mariadb", "--no-defaults", "-S", server.sock, "-u", "root",
              "--batch", "-D", "batches"]
    holder = subprocess.Popen(
        client + ["-e", "BEGIN; SELECT id FROM `b``t` WHERE id = %d FOR "
                  "UPDATE; SELECT SLEEP(300) AS migc_holder;"
                  % (BATCH_ROWS // 2)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    fill = None
    try:
        def processes(cond):
            ok, out, _ = server.sql(None, (
                "SELECT ID FROM information_schema.PROCESSLIST WHERE %s;"
                % cond))
            return out.split() if ok else []

        def wait(cond):
            deadline = time.time() + 30
            while time.time() < deadline:
                if processes(cond):
                    return True
                time.sleep(0.05)
            return False

        held = wait("INFO LIKE 'SELECT SLEEP(300)%'")
        with open(script) as f:
            fill = subprocess.Popen(client, stdin=f, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        waiting = held and wait("STATE = 'Updating' AND INFO LIKE "
                                "'UPDATE `b``t`%' AND TIME_MS > 50")
        ok, out, err = server.sql("batches", (
            "SELECT COUNT(*) FROM `b``t` WHERE status IS NOT NULL;"))
        seen = int(out.strip()) if ok else -1
        checks.record("batches: while a batch waits for a locked row, "
                      "another session sees the batches before it committed",
                      waiting and 0 < seen < BATCH_ROWS
                      and seen % BATCH_SIZE == 0,
                      "waiting=%s seen=%d %s" % (waiting, seen, err))
        for pid in processes("INFO LIKE 'SELECT SLEEP(300)%'"):
            server.sql(None, "KILL %s;" % pid)
        _, err = fill.communicate(timeout=60)
        checks.record("batches: the script runs to its end",
                      fill.returncode == 0, err)
        ok, out, err = server.sql("batches", (
            "SELECT COUNT(*), SUM(status = 'a//b;''c' AND migc_rows = 1) "
            "FROM `b``t`;"))
        checks.record("batches: every row is updated once, with the literal "
                      "as written",
                      ok and out.split() == [str(BATCH_ROWS)] * 2, out + err)
    finally:
        for p in (holder, fill):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()


# ---------------------------------------------------------------- shop -----

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
    for dest, is_down in ((up, False), (down, True)):
        ok, err = migc_emit(migc, shop, dest, is_down)
        checks.record(proj + ": migc emit --target=mysql%s"
                      % (" --down" if is_down else ""), ok, err)
    with open(up) as f:
        text = f.read()
    partial = [i["name"] for t in expected["tables"] for i in t["indexes"]
               if i["where"]]
    checks.record(proj + ": each partial index (%d) has a warning" % len(partial),
                  all(re.search(r"-- warning: MySQL has no partial indexes: %s "
                                % re.escape(n), text) for n in partial),
                  "partial: %s" % partial)
    server.create_db(proj + "_full")
    ok, err = server.apply(proj + "_full", up)
    checks.record(proj + ": full up script applies", ok, err)
    if ok:
        check_compare(checks, proj + ": catalog matches migc schema",
                      server, proj + "_full", expected)
    ok, err = server.apply(proj + "_full", down)
    checks.record(proj + ": full down script applies", ok, err)
    if ok:
        left = db_objects(server, proj + "_full")
        checks.record(proj + ": database empty after down", not left,
                      "left over: " + ", ".join(left))

    out = os.path.join(tmp, proj + "_files")
    files = migc_emit_dir(migc, shop, out)
    checks.record(proj + ": emit -o writes up and down per migration (%d)"
                  % len(files), len(files) > 0 and all(d for _, _, d in files),
                  "missing down files: " + ", ".join(
                      "%04d_%s" % k for k, _, d in files if not d))
    for i, (key, upf, downf) in enumerate(files):
        name = proj + ": replay %04d_%s up/down/up" % key
        server.create_db(proj + "_step")
        detail = ""
        if i:
            ok, err = server.apply(proj + "_step", concat(
                [u for _, u, _ in files[:i]], os.path.join(tmp, "prefix.sql")))
            if not ok:
                detail = "ups before it failed:\n" + err
        if not detail:
            before = read_catalog(server, proj + "_step")
            for step, f in (("up", upf), ("down", downf), ("up again", upf)):
                if f is None:
                    detail = "no down file"
                    break
                ok, err = server.apply(proj + "_step", f)
                if not ok:
                    detail = "%s (%s) failed:\n%s" % (step, os.path.basename(f), err)
                    break
                if step == "down":
                    after = read_catalog(server, proj + "_step")
                    if after != before:
                        detail = "after down, the catalog is not the one " \
                                 "before up:\n" + catalog_diff(before, after)
                        break
        checks.record(name, not detail, detail)


# ------------------------------------------------------------ generated ----

# ------------------------------------------------------------ row size ----
# mysql-row-too-large against MariaDB: random tables whose row, as the rule
# counts it, lands at MySQL's 65,535-byte limit, one byte under or over it.
# Each CREATE TABLE (and each ALTER TABLE ADD COLUMN) that migc emits must
# succeed exactly where `migc check`, in a project that targets MySQL,
# reports nothing. The sizes below only aim the cases at the limit; the
# verdicts compared are migc's and the server's.

ROW_SMALL = [("smallint", 2), ("int", 4), ("bigint", 8), ("bool", 1),
             ("real", 4), ("double", 8), ("date", 3), ("time", 6),
             ("timestamp", 8), ("timestamptz", 7), ("uuid", 144),
             ("decimal(10,2)", 9), ("decimal(65,30)", 30), ("decimal", 30),
             ("text", 12), ("bytes", 12), ("json", 12), ("char(20)", 80),
             ("varchar(30)", 121), ("varchar(63)", 253), ("varchar(64)", 258)]
ROW_LIMIT = 65535
ROW_RULE = "mysql-row-too-large"


def _aimed_row(rng):
    """Columns (name, type, nullable), and the bytes the aim counts."""
    cols, total, nullable = [], 0, 0
    for i in range(rng.randint(0, 5)):
        t, b = rng.choice(ROW_SMALL)
        null = rng.random() < 0.5
        cols.append(("c%d" % i, t, null))
        total += b
        nullable += null
    return cols, total, nullable


def _col_sql(cols):
    return ", ".join("%s %s%s" % (n, t, "" if null else " not null")
                     for n, t, null in cols)


def test_row_size(checks, server, migc, tmp):
    import random
    rng = random.Random(1234)
    work = os.path.join(tmp, "rowsize")
    cases = []  # (migration, table, [statements of .mig])
    for k in range(40):
        cols, fixed, nullable = _aimed_row(rng)
        big_null = rng.random() < 0.3
        nullable += big_null
        room = ROW_LIMIT - fixed - (nullable + 7) // 8 - 2
        n0 = room // 4
        for d in (-1, 0, 1):
            name = "rs%d_%d" % (k, d + 1)
            body = _col_sql(cols + [("big", "varchar(%d)" % (n0 + d), big_null)])
            cases.append((name, name, ["create table %s (%s);" % (name, body)]))
    # An added column that takes an existing table to the limit or over it.
    for k in range(10):
        cols, fixed, nullable = _aimed_row(rng)
        base = "ra%d" % k
        room = ROW_LIMIT - fixed - (nullable + 7) // 8 - 2 - 400 - 2
        body = _col_sql(cols + [("big", "varchar(%d)" % (room // 4), False)])
        cases.append((base, base, ["create table %s (%s);" % (base, body)]))
        # One add per table: MariaDB judges each on the table as it is.
        d = 98 + k % 5
        cases.append(("%s_add" % base, base,
                      ["add column %s.extra varchar(%d) not null;" % (base, d)]))
    for sub, targets in (("mysql", '["postgres", "mysql"]'),
                         ("plain", '["postgres"]')):
        os.makedirs(os.path.join(work, sub))
        with open(os.path.join(work, sub, "migc.toml"), "w") as f:
            f.write('[check]\ntargets = %s\n' % targets)
        # Each migration stands alone but for the add-column ones, which
        # require their table's creation.
        for i, (m, table, stmts) in enumerate(cases):
            req = "requires %s; " % table if m != table else ""
            with open(os.path.join(work, sub, "%04d_%s.mig" % (i, m)), "w") as f:
                f.write("migration %s { %sup { %s } }\n" % (m, req, " ".join(stmts)))
    r = run([migc, "check", "--format=json", "-Wno-multiple-heads",
             os.path.join(work, "mysql")])
    try:
        diags = json.loads(r.stdout)
    except ValueError:
        checks.record("rowsize: migc check prints JSON", False, r.stderr[-2000:])
        return
    refused = set()
    for dg in diags:
        if dg["rule"] == ROW_RULE:
            refused.add(os.path.basename(dg["file"])[5:-4])
    other = [dg for dg in diags if dg["rule"] != ROW_RULE and dg["severity"] == "error"]
    checks.record("rowsize: migc reports only %s errors" % ROW_RULE, not other,
                  json.dumps(other[:3]))
    out = os.path.join(work, "emitted")
    emitted = migc_emit_dir(migc, os.path.join(work, "plain"), out)
    server.create_db("rowsize")
    wrong, seen = [], {"fits": 0, "refused": 0}
    names = [m for m, _, _ in cases]
    for (_, m), up, _ in emitted:
        ok, err = server.apply("rowsize", up)
        # A VARCHAR over 16,383 characters is refused with its own message
        # ("Column length too big"); its row is over the limit too.
        too_large = "Row size too large" in err or "Column length too big" in err
        if ok == (m in refused) or (not ok and not too_large):
            wrong.append("%s: migc %s, MariaDB %s" % (
                m, "refuses" if m in refused else "accepts",
                "accepted" if ok else err.splitlines()[-1][:200]))
        seen["fits" if ok else "refused"] += 1
    checks.record("rowsize: %d emitted scripts, one per case" % len(emitted),
                  len(emitted) == len(names))
    checks.record("rowsize: MariaDB accepts exactly the %d tables and columns "
                  "migc accepts and refuses the %d it reports (%d cases)"
                  % (seen["fits"], seen["refused"], len(names)),
                  not wrong and seen["fits"] > 10 and seen["refused"] > 10,
                  "\n".join(wrong[:10]))


# ------------------------------------------------------------- key length ---

KEY_RULE = "mysql-key-too-long"
# Types and the bytes a key counts for them, only to aim the cases at the
# 3,072-byte limit: the verdict compared is migc's with MariaDB's.
KEY_SMALL = [("int", 4), ("bigint", 8), ("smallint", 2), ("bool", 1),
             ("date", 3), ("time", 6), ("timestamp", 8), ("timestamptz", 7),
             ("uuid", 144), ("decimal(12,2)", 6), ("decimal", 30),
             ("char(10)", 40), ("varchar(40)", 160), ("varchar(255)", 1020)]
KEY_ERRORS = ("Specified key was too long", "used in key specification "
              "without a key length", "Foreign key constraint is incorrectly "
              "formed")


def _key_cases(rng):
    """(migration, [.mig statements]): keys at the limit and around it, of
    every kind, and type changes that take a key over it."""
    cases = []

    def aimed(k):
        """Fixed columns, their bytes, and one or two long columns' lengths
        in characters that put the key d bytes from the limit."""
        fixed = [rng.choice(KEY_SMALL) for _ in range(rng.randint(0, 3))]
        room = 3072 - sum(b for _, b in fixed)
        return fixed, room

    for k in range(18):
        fixed, room = aimed(k)
        for d in (-1, 0, 1):
            n = room // 4 + d
            cols = ["c%d %s not null" % (i, t) for i, (t, _) in enumerate(fixed)]
            names = ["c%d" % i for i in range(len(fixed))]
            if k % 3 == 2 and n > 300:
                # Two long columns sharing the room.
                a = rng.randint(100, n - 100)
                cols += ["la varchar(%d) not null" % a,
                         "lb varchar(%d) not null" % (n - a)]
                names += ["la", "lb"]
            else:
                cols.append("la varchar(%d) not null" % max(n, 1))
                names.append("la")
            t = "kp%d_%d" % (k, d + 1)
            key = ", ".join(names)
            cases.append((t + "_pk", ["create table %s_pk (%s, primary key (%s));"
                                      % (t, ", ".join(cols), key)]))
            cases.append((t + "_ix", ["create table %s_ix (%s);" % (t, ", ".join(cols)),
                                      "create index %s_ix_i on %s_ix (%s);" % (t, t, key)]))
            cases.append((t + "_uq", ["create table %s_uq (%s, unique (%s));"
                                      % (t, ", ".join(cols), key)]))
    # Indexes of columns the script keeps whole (up to 255 characters).
    for k in range(8):
        parts = [rng.choice([("varchar(255)", 1020), ("varchar(200)", 800),
                             ("uuid", 144), ("bigint", 8), ("char(100)", 400)])
                 for _ in range(rng.randint(2, 5))]
        t = "kw%d" % k
        cols = ", ".join("c%d %s" % (i, ty) for i, (ty, _) in enumerate(parts))
        key = ", ".join("c%d" % i for i in range(len(parts)))
        cases.append((t, ["create table %s (%s, body text);" % (t, cols),
                          "create index %s_i on %s (%s, body);" % (t, t, key)]))
    # text in keys: a primary key fails, an index gets a prefix, a unique
    # key a hash.
    cases.append(("kt_pk", ["create table kt_pk (slug text primary key);"]))
    cases.append(("kt_ix", ["create table kt_ix (slug text, n int);",
                            "create index kt_ix_i on kt_ix (slug, n);"]))
    cases.append(("kt_uq", ["create table kt_uq (slug text unique, b bytes unique);"]))
    # Foreign keys: whole columns on both sides.
    for n, m in ((700, 700), (768, 768), (769, 700), (700, 769), (800, 800)):
        t = "kf%d_%d" % (n, m)
        cases.append((t, ["create table %s_p (id bigint primary key, x varchar(%d) unique);"
                          % (t, m),
                          "create table %s_c (id bigint primary key, y varchar(%d) "
                          "references %s_p (x));" % (t, n, t)]))
    cases.append(("kf_text", ["create table kf_text_p (id bigint primary key, x text unique);",
                              "create table kf_text_c (id bigint primary key, y text "
                              "references kf_text_p (x));"]))
    cases.append(("kf_pk", ["create table kf_pk_p (x varchar(768) primary key);",
                            "create table kf_pk_c (y varchar(768) references kf_pk_p (x));"]))
    # Type changes of a key's column, in place and through `using`.
    for n in (768, 769):
        cases.append(("ka_pk%d" % n, ["create table ka_pk%d (k varchar(300) primary key);" % n,
                                      "alter column ka_pk%d.k type varchar(%d);" % (n, n)]))
        cases.append(("ka_ix%d" % n, ["create table ka_ix%d (k varchar(300), n int);" % n,
                                      "create index ka_ix%d_i on ka_ix%d (k, n);" % (n, n),
                                      "alter column ka_ix%d.k type varchar(%d);" % (n, n - 1)]))
        cases.append(("ka_one%d" % n, ["create table ka_one%d (k varchar(300));" % n,
                                       "create index ka_one%d_i on ka_one%d (k);" % (n, n),
                                       "alter column ka_one%d.k type varchar(%d);" % (n, n)]))
        cases.append(("ka_us%d" % n, ["create table ka_us%d (k varchar(300), n int);" % n,
                                      "create index ka_us%d_i on ka_us%d (k, n);" % (n, n),
                                      "alter column ka_us%d.k type varchar(%d) using k || '';"
                                      % (n, n - 1)]))
    cases.append(("ka_pref", ["create table ka_pref (b text, n int);",
                              "create index ka_pref_i on ka_pref (b, n);",
                              "alter column ka_pref.n type bigint;"]))
    return cases


def test_key_length(checks, server, migc, tmp):
    import random
    rng = random.Random(3072)
    work = os.path.join(tmp, "keylength")
    cases = _key_cases(rng)
    for sub, targets in (("mysql", '["postgres", "mysql"]\nmariadb-version = "10.11"'),
                         ("plain", '["postgres"]')):
        os.makedirs(os.path.join(work, sub))
        with open(os.path.join(work, sub, "migc.toml"), "w") as f:
            f.write('[check]\ntargets = %s\n' % targets)
        for i, (m, stmts) in enumerate(cases):
            with open(os.path.join(work, sub, "%04d_%s.mig" % (i, m)), "w") as f:
                f.write("migration %s { up { %s } }\n" % (m, " ".join(stmts)))
    r = run([migc, "check", "--format=json", "-Wno-multiple-heads",
             os.path.join(work, "mysql")])
    try:
        diags = json.loads(r.stdout)
    except ValueError:
        checks.record("keylength: migc check prints JSON", False, r.stderr[-2000:])
        return
    refused = {os.path.basename(dg["file"])[5:-4] for dg in diags
               if dg["rule"] == KEY_RULE}
    other = [dg for dg in diags
             if dg["rule"] != KEY_RULE and dg["severity"] == "error"]
    checks.record("keylength: migc reports only %s errors" % KEY_RULE, not other,
                  json.dumps(other[:3]))
    emitted = migc_emit_dir(migc, os.path.join(work, "plain"), os.path.join(work, "emitted"))
    checks.record("keylength: %d emitted scripts, one per case" % len(emitted),
                  len(emitted) == len(cases))
    for mode, prefix in (("default mode", ""),
                         ("strict mode", "SET SESSION sql_mode = CONCAT(@@sql_mode, "
                                         "',STRICT_ALL_TABLES,TRADITIONAL');\n")):
        server.create_db("keylength")
        wrong, seen = [], {"fits": 0, "refused": 0}
        for (_, m), up, _ in emitted:
            with open(up, encoding="utf-8") as f:
                ok, _, err = server.sql("keylength", prefix + f.read())
            keyed = any(e in err for e in KEY_ERRORS)
            if ok == (m in refused) or (not ok and not keyed):
                wrong.append("%s: migc %s, MariaDB %s" % (
                    m, "refuses" if m in refused else "accepts",
                    "accepted" if ok else err.splitlines()[-1][:200]))
            seen["fits" if ok else "refused"] += 1
        checks.record("keylength: MariaDB (%s) accepts exactly the %d keys migc "
                      "accepts and refuses the %d it reports (%d cases)"
                      % (mode, seen["fits"], seen["refused"], len(cases)),
                      not wrong and seen["fits"] > 20 and seen["refused"] > 20,
                      "\n".join(wrong[:10]))


# ------------------------------------------------------------ unsupported ---

UNSUPPORTED_RULE = "mysql-unsupported"
# (case, .mig statements, SQL run after the emitted script or None, what
# MariaDB must do: "fails" (the script or the probe fails, with an error
# containing the text) or the probe's output). Each is a difference the
# warning names; "plain" cases draw no warning and run as PostgreSQL would.
UNSUPPORTED_CASES = [
    ("not_valid", "create table nv (id bigint primary key, age int); "
     "insert into nv (id, age) values (1, -5); "
     "add constraint nv_pos on nv check (age > 0) not valid;",
     None, ("fails", "nv_pos")),
    ("partial_unique", "create table pu (id bigint primary key, k int, active bool); "
     "create unique index pu_k on pu (k) where (active); "
     "insert into pu (id, k, active) values (1, 5, false), (2, 5, false);",
     None, ("fails", "Duplicate entry")),
    ("partial", "create table pi (id bigint primary key, k int, active bool); "
     "create index pi_k on pi (k) where (active); "
     "insert into pi (id, k, active) values (1, 5, false), (2, 6, true);",
     "SELECT COUNT(*) FROM pi FORCE INDEX (pi_k) WHERE k >= 0;", ("rows", "2")),
    ("set_default", "create table sd_p (id bigint primary key); "
     "create table sd_c (id bigint primary key, p bigint default 0 "
     "references sd_p (id) on delete set default); "
     "insert into sd_p (id) values (0), (1); insert into sd_c (id, p) values (1, 1);",
     "DELETE FROM sd_p WHERE id = 1;", ("fails", "Cannot delete or update a parent row")),
    ("swap", "create table sw (id bigint primary key, a int, b int); "
     "insert into sw (id, a, b) values (1, 1, 2); update sw set a = b, b = a;",
     "SELECT a, b FROM sw;", ("rows", "2\t2")),
    ("timestamptz", "create table tz (id bigint primary key, at timestamptz);",
     "INSERT INTO tz (id, at) VALUES (1, '2038-01-19 03:14:07'); "
     "INSERT INTO tz (id, at) VALUES (2, '2038-01-19 03:14:08');",
     ("fails", "Incorrect datetime value: '2038-01-19 03:14:08'")),
    ("using_referenced", "create table uf_p (id int primary key); "
     "create table uf_c (id int primary key, p int references uf_p (id)); "
     "alter column uf_p.id type int using id * 1;",
     None, ("fails", "needed in a foreign key constraint")),
    # No warning: PostgreSQL's meaning is kept.
    ("plain_update", "create table pu2 (id bigint primary key, a int, b int); "
     "insert into pu2 (id, a, b) values (1, 1, 2); update pu2 set a = b, b = 0;",
     "SELECT a, b FROM pu2;", ("rows", "2\t0")),
    ("plain_concurrently", "create table pc (id bigint primary key, k int); "
     "create index concurrently pc_k on pc (k);",
     "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_NAME = 'pc' "
     "AND INDEX_NAME = 'pc_k';", ("rows", "1")),
]


def test_unsupported(checks, server, migc, tmp):
    work = os.path.join(tmp, "unsupported")
    wrong = []
    for name, body, probe, (want, text) in UNSUPPORTED_CASES:
        proj = os.path.join(work, name)
        os.makedirs(proj)
        with open(os.path.join(proj, "migc.toml"), "w") as f:
            f.write('[check]\ntargets = ["postgres", "mysql"]\n'
                    'mariadb-version = "10.11"\n')
        with open(os.path.join(proj, "0000_%s.mig" % name), "w") as f:
            f.write("migration %s { irreversible 'test'; up { %s } }\n"
                    % (name, body))
        r = run([migc, "check", "--format=json", proj])
        try:
            said = [d for d in json.loads(r.stdout)
                    if d["rule"] == UNSUPPORTED_RULE]
        except ValueError:
            wrong.append("%s: no JSON: %s" % (name, r.stderr[-300:]))
            continue
        if bool(said) == name.startswith("plain_") or len(said) > 1:
            wrong.append("%s: migc says %d mysql-unsupported" % (name, len(said)))
        (_, up, _), = migc_emit_dir(migc, proj, os.path.join(work, name + ".emitted"))
        server.create_db("unsupported")
        with open(up, encoding="utf-8") as f:
            ok, out, err = server.sql("unsupported", f.read())
        if ok and probe:
            ok, out, err = server.sql("unsupported", probe)
        if want == "fails":
            if ok or text not in err:
                wrong.append("%s: MariaDB should fail with %r: %s" % (
                    name, text, "it ran" if ok else err[-200:]))
        elif not ok or out.strip() != text:
            wrong.append("%s: MariaDB should give %r: %s" % (
                name, text, out.strip() if ok else err[-200:]))
    checks.record("unsupported: for %d cases migc says mysql-unsupported "
                  "exactly where the script differs, and MariaDB 10.11 shows "
                  "the difference it names" % len(UNSUPPORTED_CASES),
                  not wrong, "\n".join(wrong[:10]))


# ----------------------------------------------------------- online DDL ----

BLOCKING_RULE = "mysql-blocking-alter"
# Operations on tables with rows: each is one migration after `base`.
ONLINE_CASES = [
    ("int_bigint", "alter column users.age type bigint;"),
    ("smallint_int", "alter column users.small type int;"),
    ("varchar_wider", "alter column users.code type varchar(63);"),
    ("varchar_160_800", "alter column users.code type varchar(200);"),
    ("varchar_80_800", "alter column users.name type varchar(200);"),
    ("varchar_10_64", "alter column users.short type varchar(64);"),
    ("varchar_400_800", "alter column users.wide type varchar(200);"),
    ("varchar_wider_short", "alter column users.name type varchar(63);"),
    ("varchar_narrower", "alter column users.code type varchar(30);"),
    ("varchar_text", "alter column users.name type text;"),
    ("decimal_wider", "alter column users.price type decimal(12,2);"),
    ("int_varchar", "alter column users.age type varchar(20);"),
    ("char_wider", "alter column users.flag type char(20);"),
    ("add_nullable", "add column users.extra int;"),
    ("add_default", "add column users.extra int not null default 5;"),
    ("add_text_default", "add column users.extra text not null default 'x';"),
    ("add_unique", "add column users.extra int unique;"),
    ("add_check_col", "add column users.extra int check (extra > 0);"),
    ("add_fk_col", "add column users.extra bigint references orgs (id);"),
    ("add_volatile", "add column users.extra uuid default gen_random_uuid();"),
    ("drop_column", "drop column users.note;"),
    ("rename_column", "rename column users.note to remark;"),
    ("set_default", "alter column users.age set default 3;"),
    ("drop_default", "alter column users.small drop default;"),
    ("set_not_null", "alter column users.price set not null;"),
    ("drop_not_null", "alter column users.small drop not null;"),
    ("create_index", "create index users_code_idx on users (code);"),
    ("create_unique_index", "create unique index users_code_key on users (code);"),
    ("drop_index", "drop index users_age_idx;"),
    ("add_check", "add constraint users_age_pos on users check (age >= 0);"),
    ("add_fk", "add constraint users_org_fk on users foreign key (org_id) references orgs (id);"),
    ("add_unique_key", "add constraint users_code_key on users unique (code);"),
    ("add_primary_key", "add constraint keyed_pkey on keyed primary key (id);"),
    ("drop_check", "drop constraint users_small_check on users;"),
    ("drop_primary_key", "drop constraint orgs_pkey on orgs;"),
    ("rename_table", "rename table users to accounts;"),
    ("unique_using_index", "add constraint uik_slug_key on uik unique using index uik_slug_idx;"),
    ("pkey_using_index", "add constraint uik_pkey on uik primary key using index uik_id_idx;"),
]
ONLINE_BASE = """migration base { up {
  create table orgs (id bigint primary key, name text);
  create table users (id bigint primary key, age int, small smallint not null default 1 check (small >= 0),
    name varchar(20), code varchar(40), short varchar(10), wide varchar(100), price decimal(10,2), flag char(10), note text, org_id bigint);
  create index users_age_idx on users (age);
  create table keyed (id int not null, slug varchar(20));
  insert into orgs (id, name) values (1, 'a'), (2, 'b');
  insert into users (id, age, small, name, code, price, flag, note, org_id)
    values (1, 30, 2, 'ann', 'x1', 1.50, 'f', 'n', 1), (2, 40, 3, 'bob', 'x2', 2.50, 'g', 'm', 2);
  insert into keyed (id, slug) values (1, 'a'), (2, 'b');
  create table uik (id int not null, slug varchar(20));
  create unique index uik_slug_idx on uik (slug);
  create unique index uik_id_idx on uik (id);
  insert into uik (id, slug) values (1, 'a'), (2, 'b');
} }
"""


def _with_clauses(up_path, algorithm_lock):
    """The emitted script with ALGORITHM/LOCK clauses on each ALTER TABLE
    (only LOCK where the script names its algorithm)."""
    with open(up_path, encoding="utf-8") as f:
        text = f.read()
    out = []
    for stmt in re.split(r"(?<=;)\n", text):
        body = stmt.strip()
        if re.search(r"^ALTER TABLE ", body, re.M):
            algo, lock = algorithm_lock
            extra = (", LOCK=%s" % lock if "ALGORITHM=" in body
                     else ", ALGORITHM=%s, LOCK=%s" % (algo, lock))
            stmt = stmt.rstrip().rstrip(";") + extra + ";"
        out.append(stmt)
    return "\n".join(out) + "\n"


def test_online_ddl(checks, server, migc, tmp):
    work = os.path.join(tmp, "onlineddl")
    # One project per case (the base and the case), so that every case runs
    # on the base tables as they are.
    reported, emitted, errors = {}, {}, []
    for name, op in ONLINE_CASES:
        proj = os.path.join(work, name)
        os.makedirs(proj)
        with open(os.path.join(proj, "migc.toml"), "w") as f:
            f.write('[check]\ntargets = ["mysql"]\nmariadb-version = "10.11"\n')
        with open(os.path.join(proj, "0000_base.mig"), "w") as f:
            f.write(ONLINE_BASE)
        with open(os.path.join(proj, "0001_%s.mig" % name), "w") as f:
            f.write("migration %s { requires base; up { %s } }\n" % (name, op))
        r = run([migc, "check", "--format=json", proj])
        try:
            diags = json.loads(r.stdout)
        except ValueError:
            errors.append("%s: no JSON: %s" % (name, r.stderr[-300:]))
            continue
        for d in diags:
            if d["rule"] == BLOCKING_RULE:
                reported[name] = d["message"]
            elif d["severity"] == "error":
                errors.append("%s: %s" % (name, d["message"]))
        emitted[name] = {m: up for (_, m), up, _ in migc_emit_dir(
            migc, proj, os.path.join(work, name + ".emitted"))}
    checks.record("onlineddl: migc reports no errors", not errors,
                  "\n".join(errors[:5]))
    if errors:
        return
    wrong = []
    for name, _ in ONLINE_CASES:
        copies = name in reported
        if copies and "ALGORITHM=COPY" not in reported[name]:
            wrong.append("%s: the message names no ALGORITHM=COPY" % name)
        # Online: INPLACE with LOCK=NONE (INSTANT and NOCOPY are INPLACE
        # too); refused exactly when migc says COPY.
        results = {}
        for al in (("INPLACE", "NONE"), ("COPY", "SHARED")):
            server.create_db("onlineddl")
            ok, err = server.apply("onlineddl", emitted[name]["base"])
            if not ok:
                wrong.append("base: %s" % err[-300:])
                break
            script = os.path.join(work, "%s.%s.sql" % (name, al[0]))
            with open(script, "w", encoding="utf-8") as f:
                f.write(_with_clauses(emitted[name][name], al))
            results[al] = server.apply("onlineddl", script)
        if len(results) < 2:
            break
        ok_online, err_online = results[("INPLACE", "NONE")]
        ok_copy, err_copy = results[("COPY", "SHARED")]
        if ok_online == copies or (not ok_online and "not supported" not in err_online):
            wrong.append("%s: migc says %s, MariaDB %s online" % (
                name, "COPY" if copies else "online",
                "accepts it" if ok_online else "refuses it: " + err_online[-200:]))
        if not ok_copy:
            wrong.append("%s: MariaDB refuses ALGORITHM=COPY, LOCK=SHARED: %s"
                         % (name, err_copy[-200:]))
    checks.record("onlineddl: MariaDB runs online (INPLACE, LOCK=NONE) exactly "
                  "the %d of %d operations migc does not report, and the %d "
                  "reported with ALGORITHM=COPY, LOCK=SHARED"
                  % (len(ONLINE_CASES) - len(reported), len(ONLINE_CASES),
                     len(reported)),
                  not wrong and 5 < len(reported) < len(ONLINE_CASES) - 5,
                  "\n".join(wrong[:12]))



# ---------------------------------------------------------- using index ----
# `add constraint ... using index` on MariaDB: a unique index is the unique
# key there, so a named key renames it (RENAME INDEX) and an unnamed one
# runs nothing; a primary key is its own index (PRIMARY), so the unique
# index is dropped and the key added, and a nullable column becomes NOT
# NULL. After each up, and after the synthesized downs, the catalog is
# migc's model; the unique key still refuses a duplicate.

USING_MIG = """migration ui_base { up {
  create table ui_t (id int not null, a int, b int not null, c int);
  create unique index ui_t_b_idx on ui_t (b);
  create unique index ui_t_id_idx on ui_t (id);
  create unique index ui_t_c_idx on ui_t (c);
  create table ui_n (id int, a int);
  create unique index ui_n_a_idx on ui_n (a);
  insert into ui_t (id, a, b, c) values (1, 1, 1, 1), (2, 2, 2, 2);
  insert into ui_n (id, a) values (1, 1), (2, 2);
} }
migration ui_unique { requires ui_base;
  up { add constraint ui_t_b_key on ui_t unique using index ui_t_b_idx; } }
migration ui_unnamed { requires ui_unique;
  up { add constraint on ui_t unique using index ui_t_c_idx; } }
migration ui_pkey { requires ui_unnamed;
  up { add constraint ui_t_pkey on ui_t primary key using index ui_t_id_idx; } }
migration ui_pkey_nullable { requires ui_pkey;
  up { add constraint ui_n_pkey on ui_n primary key using index ui_n_a_idx; } }
"""
USING_NAMES = ["ui_base", "ui_unique", "ui_unnamed", "ui_pkey",
               "ui_pkey_nullable"]


def test_using_index(checks, server, migc, tmp):
    work = os.path.join(tmp, "usingindex")
    os.makedirs(work)
    path = os.path.join(work, "using.mig")
    with open(path, "w") as f:
        f.write(USING_MIG)
    files = migc_emit_dir(migc, path, os.path.join(work, "emit"))
    ups = {name: up for (_, name), up, _ in files}
    downs = {name: down for (_, name), _, down in files}
    with open(ups["ui_unique"]) as f:
        unique = f.read()
    with open(ups["ui_unnamed"]) as f:
        unnamed = f.read()
    with open(ups["ui_pkey"]) as f:
        pkey = f.read()
    checks.record("usingindex: a named unique key renames the index, an "
                  "unnamed one runs nothing, a primary key replaces it",
                  "RENAME INDEX `ui_t_b_idx` TO `ui_t_b_key`" in unique
                  and not re.search(r"^ALTER TABLE", unnamed, re.M) and
                  "DROP INDEX `ui_t_id_idx`" in pkey and
                  "ADD CONSTRAINT `ui_t_pkey` PRIMARY KEY" in pkey,
                  unique + unnamed + pkey)
    db = "usingindex"
    server.create_db(db)
    for name in USING_NAMES:
        ok, err = server.apply(db, ups[name])
        if not checks.record("usingindex: %s applies" % name, ok, err):
            return
        check_compare(checks, "usingindex: after %s" % name, server, db,
                      migc_schema(migc, path, at=name))
    ok, _, err = server.sql(db, "INSERT INTO ui_t (id, a, b, c) "
                            "VALUES (3, 3, 1, 3);")
    checks.record("usingindex: the key still refuses a duplicate",
                  not ok and "Duplicate entry" in err, err)
    for i in range(len(USING_NAMES) - 1, 0, -1):
        ok, err = server.apply(db, downs[USING_NAMES[i]])
        if not checks.record("usingindex: the down of %s applies"
                             % USING_NAMES[i], ok, err):
            return
        check_compare(checks, "usingindex: after the down of %s"
                      % USING_NAMES[i], server, db,
                      migc_schema(migc, path, at=USING_NAMES[i - 1]))


# ------------------------------------------------------------- implicit ----
# What mysql-implicit-default says, on the server: a not-null column added
# without a default to a table with rows, for every type migc has. In the
# default sql_mode and in strict mode, MariaDB must accept the emitted
# ALTER TABLE and give every existing row the value migc's warning names
# (read back as text), or refuse it exactly where migc is silent.

IMPLICIT_TYPES = ["smallint", "int", "bigint", "decimal(10,2)", "real",
                  "double", "bool", "text", "varchar(20)", "char(3)", "bytes",
                  "date", "time", "timestamp", "timestamptz", "uuid", "json"]
IMPLICIT_RULE = "mysql-implicit-default"
# What the server prints for the value each message names.
IMPLICIT_SAID = {"0": {"0", "0.00"}, "false (0)": {"0"},
                 "the empty string": {""}, "an empty byte string": {""},
                 "00:00:00": {"00:00:00.000000"},
                 "the zero date 0000-00-00": {"0000-00-00"},
                 "the zero timestamp 0000-00-00 00:00:00":
                 {"0000-00-00 00:00:00.000000"}}
IMPLICIT_MESSAGE = re.compile(r"gives every existing row of `\w+` (.+?), a "
                              r"value nobody wrote")


def test_implicit(checks, server, migc, tmp):
    work = os.path.join(tmp, "implicit")
    wrong, seen = [], 0
    for n, ty in enumerate(IMPLICIT_TYPES):
        proj = os.path.join(work, "t%d" % n)
        os.makedirs(proj)
        with open(os.path.join(proj, "migc.toml"), "w") as f:
            f.write('[check]\ntargets = ["mysql"]\nmariadb-version = "10.11"\n')
        with open(os.path.join(proj, "0000_base.mig"), "w") as f:
            f.write("migration base { up { create table imp (id int primary "
                    "key); insert into imp (id) values (1), (2), (3); } }\n")
        with open(os.path.join(proj, "0001_add.mig"), "w") as f:
            f.write("migration add { requires base; up { add column imp.c %s "
                    "not null; } }\n" % ty)
        r = run([migc, "check", "--format=json", proj])
        try:
            diags = json.loads(r.stdout)
        except ValueError:
            wrong.append("%s: no JSON: %s" % (ty, r.stderr[-300:]))
            continue
        said = None
        for d in diags:
            if d["rule"] == IMPLICIT_RULE:
                m = IMPLICIT_MESSAGE.search(d["message"])
                said = m.group(1) if m else "(unreadable: %s)" % d["message"]
        scripts = {m: up for (_, m), up, _ in migc_emit_dir(
            migc, proj, os.path.join(work, "t%d.emitted" % n))}
        for mode in ("", "SET SESSION sql_mode = CONCAT(@@sql_mode, "
                     "',STRICT_ALL_TABLES');"):
            server.create_db("implicit")
            ok, err = server.apply("implicit", scripts["base"])
            if not ok:
                wrong.append("%s: base: %s" % (ty, err[-200:]))
                break
            with open(scripts["add"], encoding="utf-8") as f:
                ok, _, err = server.sql("implicit", mode + f.read())
            label = "%s (%s)" % (ty, "strict" if mode else "default mode")
            if said is None:
                if ok:
                    wrong.append("%s: migc is silent, MariaDB accepts it" % label)
                continue
            if not ok:
                wrong.append("%s: migc says the rows get %s, MariaDB refuses "
                             "it: %s" % (label, said, err[-200:]))
                continue
            ok, out, err = server.sql(
                "implicit", "SELECT DISTINCT CAST(c AS CHAR) FROM imp;")
            got = set(out.split("\n")) - {""} if out.strip() else {""}
            if not ok or got - IMPLICIT_SAID.get(said, {said}):
                wrong.append("%s: migc says %s, the rows hold %s" % (
                    label, said, sorted(got) if ok else err))
            seen += 1
    checks.record("implicit: for %d types, MariaDB 10.11 gives the rows the "
                  "value mysql-implicit-default names, in the default and in "
                  "strict mode, and refuses where it is silent"
                  % len(IMPLICIT_TYPES), not wrong, "\n".join(wrong[:8]))
    checks.record("implicit: the rule spoke for most types", seen >= 20,
                  str(seen))



# ------------------------------------------------------------ adoption ----
def test_adoption(checks, server, migc, tmp):
    common.adoption(
        checks, migc, tmp,
        lambda path, name: test_shop(checks, server, migc, path, tmp,
                                     proj=name),
        lambda sql: server.sql("refused", sql)[0],
        lambda: server.create_db("refused"))


def main():
    ap = base_parser(__doc__)
    ap.add_argument("--only", action="append",
                    help="run only this part (repeatable), for development")
    args = ap.parse_args()
    migc = os.path.abspath(args.migc)
    t0 = time.time()
    checks = Checks()
    tmp = tempfile.mkdtemp(prefix="migc-mariadb-")
    server = Server(tmp)
    try:
        try:
            server.start()
            started = True
        except Exception as e:  # noqa: BLE001
            checks.record("mariadb: server starts", False, str(e))
            started = False
        if started:
            ok, out, _ = server.sql(None, "SELECT VERSION();")
            checks.record("mariadb: server starts (%s)" % out.strip(), ok)
        run_parts(checks, () if not started else (
            ("selfcheck", lambda: test_selfcheck(checks, server, migc, tmp)),
            ("shop", lambda: test_shop(checks, server, migc, os.path.join(
                args.examples, "shop"), tmp)),
            ("adoption", lambda: test_adoption(checks, server, migc, tmp)),
            ("hostile", lambda: test_hostile(checks, server, migc, tmp)),
            ("rowsize", lambda: test_row_size(checks, server, migc, tmp)),
            ("keylength", lambda: test_key_length(checks, server, migc, tmp)),
            ("unsupported", lambda: test_unsupported(checks, server, migc, tmp)),
            ("onlineddl", lambda: test_online_ddl(checks, server, migc, tmp)),
            ("usingindex", lambda: test_using_index(checks, server, migc,
                                                    tmp)),
            ("implicit", lambda: test_implicit(checks, server, migc, tmp)),
            ("volatile", lambda: test_volatile(checks, server, migc, tmp)),
            ("timeouts", lambda: test_timeouts(checks, server, migc, tmp)),
            ("batches", lambda: test_batches(checks, server, migc, tmp)),
            ("generated", lambda: test_generated(
                checks, server, migc, args.bench_gen, tmp, args.migrations,
                args.seed, args.window)),
        ), args.only)
    finally:
        status = finish(checks, server, tmp, args.keep, t0)
    return status


if __name__ == "__main__":
    sys.exit(main())
