# lit configuration for migc's FileCheck and -verify tests.
import os
import lit.formats

config.name = "migc"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mig", ".test"]
config.test_source_root = os.path.join(config.migc_src_root, "test", "lit")
config.test_exec_root = os.path.join(config.migc_obj_root, "test", "lit")
config.excludes = ["Inputs"]

config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, os.path.dirname(config.migc_bin),
     config.environment.get("PATH", os.environ.get("PATH", ""))])
config.environment["NO_COLOR"] = "1"

config.substitutions.append(("%migc", config.migc_bin))
# A single-file -verify test: the file is checked alone, not with its folder.
# Test migrations rarely bother with a `down`, so the inverse rules (which
# would fire on most of them) are off unless a test turns them on with
# -Wmissing-inverse / -Wlossy-down after %verify (flags apply in order).
# The same holds for the proof warnings that any check or not null added to
# an existing table draws (test/lit/proofs turns them back on), and for the
# advice notes about keys and indexes, which most test tables would draw
# (their tests in test/lit/rules run without %verify).
config.substitutions.append(("%verify", config.migc_bin +
    " check --isolated --verify -Wno-missing-inverse -Wno-lossy-down"
    " -Wno-constraint-may-fail -Wno-redundant-check -Wno-down-data-mismatch -Wno-down-may-fail"
    " -Wno-update-violates-constraint -Wno-null-only-column"
    " -Wno-unindexed-foreign-key -Wno-missing-primary-key -Wno-redundant-index"
    # Many toy migrations lock two old tables in one transaction, few
    # bother with a lock timeout, and many build an index concurrently next
    # to other statements; their own tests turn the rules back on
    # (-Wseveral-tables-locked, -Wmissing-lock-timeout,
    # -Wnon-atomic-migration).
    " -Wno-several-tables-locked -Wno-missing-lock-timeout"
    " -Wno-non-atomic-migration"))
# The advice notes off, for tests of something else that print migc check's
# whole output (their toy tables have no primary key, or an unindexed
# reference).
config.substitutions.append(("%no-advice",
    "-Wno-unindexed-foreign-key -Wno-missing-primary-key -Wno-redundant-index"))
# The compatibility rules (rename-breaks-application, backfill-mixed-with-ddl)
# fire on any rename of an older table or column and on any update next to
# DDL, which tests of other things do all the time to set up a state: such a
# test turns them off with %no-compat after %verify (or on a plain check).
config.substitutions.append(("%no-compat",
    "-Wno-rename-breaks-application -Wno-backfill-mixed-with-ddl"))
# The rules about how a migration runs on the server (no lock timeout,
# atomicity lost) fire on most toy migrations that alter an older table or
# build an index concurrently next to another statement: tests of other
# things that print migc check's whole output turn them off with %no-timeout.
config.substitutions.append(("%no-timeout",
    "-Wno-missing-lock-timeout -Wno-non-atomic-migration"))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%examples", os.path.join(config.migc_src_root, "examples")))
config.substitutions.append(("%bench", os.path.join(config.migc_src_root, "bench")))
import shutil
if shutil.which("dot"): config.available_features.add("graphviz")
