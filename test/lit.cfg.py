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
    " -Wno-unindexed-foreign-key -Wno-missing-primary-key -Wno-redundant-index"))
# The advice notes off, for tests of something else that print migc check's
# whole output (their toy tables have no primary key, or an unindexed
# reference).
config.substitutions.append(("%no-advice",
    "-Wno-unindexed-foreign-key -Wno-missing-primary-key -Wno-redundant-index"))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%examples", os.path.join(config.migc_src_root, "examples")))
config.substitutions.append(("%bench", os.path.join(config.migc_src_root, "bench")))
import shutil
if shutil.which("dot"): config.available_features.add("graphviz")
