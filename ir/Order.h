//===- Order.h - The replay order of migrations ---------------*- C++ -*-===//
#ifndef MIGC_IR_ORDER_H
#define MIGC_IR_ORDER_H

#include "diag/Diagnostic.h"
#include "ir/Schema.h"

namespace migc::ir {

struct MigrationOrder {
  /// Indexes into the migrations, in replay order: topological along
  /// `requires`, ties broken by name. Migrations caught in a cycle follow,
  /// in source order, so they are still checked. Duplicates are left out.
  std::vector<unsigned> Order;
  /// Per migration: the indexes of the migrations it requires (known ones).
  std::vector<std::vector<unsigned>> Requires;
  /// Per migration: false for a duplicate of an earlier name.
  std::vector<bool> Valid;
  /// Each reported cycle, as the migrations in `requires` order.
  std::vector<std::vector<unsigned>> Cycles;
  /// Per migration: its strongly connected component of `requires`,
  /// numbered so that a component comes after those it requires (~0u for
  /// duplicates).
  std::vector<unsigned> Component;
};

/// Orders Ms and reports duplicate names, unknown requires and cycles.
MigrationOrder orderMigrations(const std::vector<Migration> &Ms,
                               DiagList &Diags);

/// The migrations M requires, directly or not, plus M: what `--at M` replays.
std::vector<bool> ancestorsOf(const MigrationOrder &O, unsigned M);

} // namespace migc::ir

#endif
