"""What the integration tests share: the check tally, running migc, and the
run-every-part-then-clean-up frame of their main(). Standard library only."""

import json
import os
import re
import shutil
import subprocess
import time


class Checks:
    """One line per check; the tally decides the exit status."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def record(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("PASS " + name)
        else:
            self.failed += 1
            self.failures.append(name)
            print("FAIL " + name)
            lines = (detail or "").rstrip().splitlines()
            for line in lines[:40]:
                print("    " + line)
            if len(lines) > 40:
                print("    ... (%d more lines)" % (len(lines) - 40))
        return ok


def compare_catalog(checks, name, expected, read, compare):
    """Records whether the catalog read() gives matches expected (`migc
    schema --format=json`): compare(expected, got) lists the differences."""
    try:
        got = read()
    except Exception as e:  # noqa: BLE001
        checks.record(name, False, str(e))
        return
    diffs = compare(expected, got)
    checks.record("%s (%d tables)" % (name, len(expected["tables"])), not diffs,
                  "%d difference(s):\n" % len(diffs) + "\n".join(diffs))


def run(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


def migc_schema(migc, path, at=None):
    """`migc schema --format=json`; a single file is taken alone
    (--isolated), as an emit of it is."""
    argv = [migc, "schema", "--format=json"]
    if os.path.isfile(path):
        argv.append("--isolated")
    if at:
        argv.append("--at=" + at)
    r = run(argv + [path])
    if r.returncode != 0:
        raise RuntimeError("migc schema failed (%d): %s" % (r.returncode, r.stderr))
    return json.loads(r.stdout)


def migc_emit_dir(migc, path, out, target):
    """`migc emit -o`: [((n, name), up_path, down_path or None)] in order."""
    r = run([migc, "emit", "--target=" + target, "-o", out, path])
    if r.returncode != 0:
        raise RuntimeError("migc emit -o failed (%d): %s" % (r.returncode, r.stderr))
    ups, downs = {}, {}
    for f in os.listdir(out):
        m = re.fullmatch(r"(\d+)_(.+)\.(up|down)\.sql", f)
        if m:
            key = (int(m.group(1)), m.group(2))
            (ups if m.group(3) == "up" else downs)[key] = os.path.join(out, f)
    return [(k, ups[k], downs.get(k)) for k in sorted(ups)]


def concat(paths, dest):
    with open(dest, "w") as out:
        for p in paths:
            with open(p) as f:
                out.write(f.read())
            out.write("\n")
    return dest


def run_parts(checks, parts, only=None):
    """Runs each (label, fn); an exception is a failed check, not a crash."""
    for label, fn in parts:
        if only and label not in only:
            continue
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            checks.record("%s: unexpected error" % label, False,
                          "%s: %s" % (type(e).__name__, e))


def finish(checks, server, tmp, keep, started_at):
    """Stops the server, removes (or keeps) the temp folder, prints the
    tally; returns the exit status."""
    server.stop()
    if keep:
        print("kept %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print("time: %.1fs" % (time.time() - started_at))
    if checks.failures:
        print("failed: " + "; ".join(checks.failures))
    print("%d passed, %d failed" % (checks.passed, checks.failed))
    return 0 if checks.failed == 0 else 1


def base_parser(doc):
    """The options every integration test takes."""
    import argparse
    repo = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--migc", required=True)
    ap.add_argument("--examples", required=True)
    ap.add_argument("--bench-gen", default=os.path.join(repo, "bench",
                                                        "gen_project.py"))
    ap.add_argument("--migrations", type=int, default=300)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--window", type=int, default=20)
    ap.add_argument("--keep", action="store_true",
                    help="keep the temp folder (the server is stopped anyway)")
    return ap


def generate(checks, gen, tmp, count, seed):
    """A generated project: (its folder, the tag of its checks), or None."""
    import sys
    proj = os.path.join(tmp, "gen%d" % count)
    r = run([sys.executable, gen, "--migrations", str(count), "--out", proj,
             "--seed", str(seed)])
    if r.returncode != 0:
        checks.record("gen%d: generate project" % count, False, r.stderr)
        return None
    return proj, "gen%d(seed %d)" % (count, seed)


def migc_emit(migc, path, dest, target, down=False):
    r = run([migc, "emit", "--target=" + target] + (["--down"] if down else [])
            + [path])
    with open(dest, "w") as f:
        f.write(r.stdout)
    return r.returncode == 0, r.stderr


def test_generated(checks, migc, target, db, gen, tmp, count, seed, window):
    """A generated project on an SQL target's server. db has create(name),
    apply(name, path) -> (ok, error) and compare(label, name, expected).

    The whole up script applies and the catalog matches `migc schema`; the
    per-migration files apply in order; the downs of the tail (back to the
    first irreversible migration, at most `window`) apply and the catalog
    matches `migc schema --at`; and over the last longest run of reversible
    migrations (at most `window`): ups to its end, downs in reverse, compare,
    ups again, compare."""
    made = generate(checks, gen, tmp, count, seed)
    if not made:
        return
    proj, tag = made
    try:
        files = migc_emit_dir(migc, proj, os.path.join(tmp, "gen_files"), target)
    except Exception as e:  # noqa: BLE001
        checks.record("%s: migc emit -o" % tag, False, str(e))
        return
    checks.record("%s: migc emit -o writes %d up files" % (tag, len(files)),
                  len(files) == count, "expected %d" % count)

    db.create("gen_full")
    up = os.path.join(tmp, "gen.up.sql")
    ok, err = migc_emit(migc, proj, up, target)
    if ok:
        ok, err = db.apply("gen_full", up)
    checks.record("%s: full up script applies" % tag, ok, err)
    if ok:
        db.compare("%s: catalog matches migc schema" % tag, "gen_full",
                   migc_schema(migc, proj))
    # the per-file ups say the same thing as the whole script
    db.create("gen_files")
    ok, err = db.apply("gen_files", concat([u for _, u, _ in files],
                                           os.path.join(tmp, "g.sql")))
    checks.record("%s: per-migration up files apply in order" % tag, ok, err)

    if ok:
        tail = []
        for key, _, d in reversed(files):
            if d is None or len(tail) == window:
                break
            tail.append((key, d))
        for key, d in tail:
            ok2, err2 = db.apply("gen_files", d)
            checks.record("%s: tail down %04d_%s" % ((tag,) + key), ok2, err2)
            if not ok2:
                break
        else:
            if len(tail) < len(files):
                stop = files[len(files) - len(tail) - 1][0]
                db.compare("%s: catalog after %d tail downs matches migc "
                           "schema --at %s" % (tag, len(tail), stop[1]),
                           "gen_files", migc_schema(migc, proj, at=stop[1]))

    best_len, end, run_len = 0, None, 0
    for i, (_, _, d) in enumerate(files):
        run_len = run_len + 1 if d else 0
        if run_len and min(run_len, window) >= best_len:
            best_len, end = min(run_len, window), i
    if end is None:
        checks.record("%s: some migration has a down file" % tag, False)
        return
    start = end - best_len + 1
    db.create("gen_window")
    ok, err = db.apply("gen_window", concat(
        [u for _, u, _ in files[:end + 1]], os.path.join(tmp, "w.sql")))
    checks.record("%s: ups up to %04d_%s apply" % ((tag,) + files[end][0]),
                  ok, err)
    if not ok:
        return
    for key, _, d in reversed(files[start:end + 1]):
        ok, err = db.apply("gen_window", d)
        checks.record("%s: window down %04d_%s" % ((tag,) + key), ok, err)
        if not ok:
            return
    if start > 0:
        before = files[start - 1][0]
        db.compare("%s: catalog after window downs matches migc schema --at %s"
                   % (tag, before[1]), "gen_window",
                   migc_schema(migc, proj, at=before[1]))
    ok, err = db.apply("gen_window", concat(
        [u for _, u, _ in files[start:end + 1]], os.path.join(tmp, "w2.sql")))
    checks.record("%s: window ups apply again after the downs" % tag, ok, err)
    if ok:
        db.compare("%s: catalog after the window ups again matches migc schema "
                   "--at %s" % (tag, files[end][0][1]), "gen_window",
                   migc_schema(migc, proj, at=files[end][0][1]))


class Target:
    """The db argument of test_generated, from three callables."""

    def __init__(self, create, apply, compare):
        self.create, self.apply, self.compare = create, apply, compare


def refused_drop(checks, migc, tmp, runs, fresh):
    """The one drop the model still refuses: a column that a foreign key
    references. migc says drop-still-used, and the server refuses it too.
    runs(sql) tells whether the server ran the SQL."""
    work = os.path.join(tmp, "refused")
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "a.mig"), "w") as f:
        f.write("migration a {\n  up {\n"
                "    create table r (id int primary key, code int unique);\n"
                "    create table s (id int primary key, "
                "r_code int references r (code));\n"
                "  }\n}\n"
                "migration b {\n  requires a;\n  up {\n"
                "    drop column r.code;\n  }\n}\n")
    r = run([migc, "check", work])
    said = "[drop-still-used]" in r.stderr
    fresh()
    created = runs("CREATE TABLE r (id int PRIMARY KEY, code int UNIQUE); "
                   "CREATE TABLE s (id int PRIMARY KEY, r_code int, "
                   "CONSTRAINT s_fk FOREIGN KEY (r_code) REFERENCES r (code));")
    refused = created and not runs("ALTER TABLE r DROP COLUMN code;")
    checks.record("adoption: a column a foreign key references: migc says "
                  "drop-still-used, and the server refuses the drop",
                  said and refused, "migc said: %s; created %s, refused %s"
                  % (r.stderr.strip()[:300], created, refused))


# Issue 14: histories that the database accepts get no error from migc, and
# the model follows the database: a column drop takes the indexes and
# constraints that use it (projects/dropcolumn). Each project is applied
# whole and a migration at a time (apply(path, name), the server's
# test_shop), and its catalog compared with migc's.
PROJECTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "projects")


def adoption(checks, migc, tmp, apply, runs, fresh):
    for name in ("dropcolumn",):
        path = os.path.join(PROJECTS, name)
        r = run([migc, "check", path])
        checks.record("adoption: migc check %s passes" % name,
                      r.returncode == 0, r.stderr)
        apply(path, name)
    refused_drop(checks, migc, tmp, runs, fresh)
