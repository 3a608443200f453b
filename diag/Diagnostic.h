//===- Diagnostic.h - Rules, diagnostics and the one engine ----*- C++ -*-===//
//
// Every phase reports through DiagnosticEngine. A Diagnostic is a plain value
// (rule, range, message, notes) so that phases running on several threads can
// collect them locally and hand them to the engine in a deterministic order.
//
//===----------------------------------------------------------------------===//
#ifndef MIGC_DIAG_DIAGNOSTIC_H
#define MIGC_DIAG_DIAGNOSTIC_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace migc {

enum class Severity { Ignored, Note, Warning, Error };

enum class Rule : unsigned {
#define MIGC_RULE(Id, Name, Sev, Summary) Id,
#include "diag/Rules.def"
};

/// Number of rules in Rules.def.
unsigned ruleCount();
/// The kebab-case name, e.g. "narrowing-type".
llvm::StringRef ruleName(Rule R);
llvm::StringRef ruleSummary(Rule R);
Severity ruleDefaultSeverity(Rule R);
std::optional<Rule> ruleByName(llvm::StringRef Name);
llvm::StringRef severityName(Severity S);
/// A rule about how a migration runs on a live database (locks, scans,
/// rewrites, timeouts, transactions, the running application): it has
/// nothing to say about a migration that has already run.
bool isOperationalRule(Rule R);
/// A rule whose error means the history cannot be read or ordered (the
/// file, its syntax, the migrations' names and `requires`): no schema can
/// be replayed from it, applied or not.
bool isUnreadableHistoryRule(Rule R);

struct DiagNote {
  llvm::SMRange Range;
  std::string Message;
};

struct Diagnostic {
  Rule TheRule;
  Severity Sev;
  llvm::SMRange Range;
  std::string Message;
  std::vector<DiagNote> Notes;
  /// A narrower diagnostic this one stands for (lossy-down for a drop that
  /// drop-loses-data reports): reported instead when this one's rule is
  /// turned off by a flag. A suppression of either rule silences both: one
  /// mistake, one diagnostic, under either rule.
  std::shared_ptr<const Diagnostic> Fallback;

  Diagnostic(Rule R, llvm::SMRange Range, std::string Message)
      : TheRule(R), Sev(ruleDefaultSeverity(R)), Range(Range),
        Message(std::move(Message)) {}
  Diagnostic &note(llvm::SMRange At, std::string Msg) {
    Notes.push_back({At, std::move(Msg)});
    return *this;
  }
};

using DiagList = std::vector<Diagnostic>;

/// Quotes a name for a message: `name`, shortened when very long so that a
/// hostile 1 MB identifier cannot flood the output.
std::string quote(llvm::StringRef Name);

/// -W flags as clang spells them, resolved to a severity per rule.
class DiagnosticOptions {
public:
  /// Applies one flag without its leading "-W" ("foo", "no-foo", "error",
  /// "no-error", "error=foo", "no-error=foo"), in order. Returns an error
  /// message for a bad flag.
  std::optional<std::string> applyFlag(llvm::StringRef Flag);
  Severity severityOf(Rule R) const;
  unsigned ErrorLimit = 100;

private:
  enum class FlagAction { Enable, Disable, MakeError, NoError };
  std::vector<std::pair<Rule, FlagAction>> Actions;
  bool AllWarningsAreErrors = false;
};

/// A `-- migc-ignore: rule, rule` comment and the source it covers.
struct Suppression {
  llvm::SMRange Comment;
  llvm::SMRange Scope;
  std::vector<Rule> Rules;
  bool Used = false;
};

class DiagnosticConsumer {
public:
  virtual ~DiagnosticConsumer();
  virtual void handle(const Diagnostic &D) = 0;
  virtual void finish() {}
};

class DiagnosticEngine {
public:
  DiagnosticEngine(llvm::SourceMgr &SM, DiagnosticOptions Opts = {});

  llvm::SourceMgr &sourceMgr() { return SM; }
  void setConsumer(DiagnosticConsumer *C) { Consumer = C; }

  /// Only diagnostics located in these buffers are shown (empty: all).
  void restrictToBuffers(llvm::ArrayRef<unsigned> Buffers);

  /// The source ranges of the applied migrations (`[history] applied`):
  /// their diagnostics are counted (appliedHiddenCount) but not shown, and
  /// operational rules are dropped there without counting. Errors that
  /// leave the history unreadable are shown all the same.
  void hideAppliedHistory(std::vector<llvm::SMRange> Ranges);
  /// These rules are shown in every buffer, whatever restrictToBuffers
  /// says (--changed-since: a requirement a deleted file leaves behind).
  void showEverywhere(std::vector<Rule> Rules) {
    Everywhere = std::move(Rules);
  }

  void addSuppression(Suppression S) { Suppressions.push_back(std::move(S)); }

  /// Applies the options and suppressions, then hands the diagnostic on.
  void report(Diagnostic D);
  void report(DiagList &&Ds) {
    for (Diagnostic &D : Ds)
      report(std::move(D));
    Ds.clear();
  }

  /// Reports suppressions that silenced nothing, then finishes the consumer.
  void finish();

  unsigned errorCount() const { return Errors; }
  /// Errors in files outside restrictToBuffers: not shown, and not counted
  /// by errorCount, but a command that prints the project's schema or
  /// scripts must not go on.
  unsigned hiddenErrorCount() const { return HiddenErrors; }
  unsigned warningCount() const { return Warnings; }
  /// Diagnostics in applied migrations, not shown (and not in errorCount
  /// nor hiddenErrorCount: the databases already ran those migrations).
  unsigned appliedHiddenCount() const { return AppliedHidden; }

private:
  /// StandsFor: the rule of the diagnostic D is the fallback of.
  void report(Diagnostic D, std::optional<Rule> StandsFor);
  /// Also: a suppression of this rule counts too.
  bool isSuppressed(const Diagnostic &D, std::optional<Rule> Also);
  bool isShown(const Diagnostic &D) const;
  bool isInAppliedHistory(const Diagnostic &D) const;

  llvm::SourceMgr &SM;
  DiagnosticOptions Opts;
  DiagnosticConsumer *Consumer = nullptr;
  std::vector<Suppression> Suppressions;
  llvm::DenseSet<unsigned> ShownBuffers;
  std::vector<Rule> Everywhere;
  /// Sorted by start; they do not overlap.
  std::vector<llvm::SMRange> Applied;
  unsigned Errors = 0, Warnings = 0, Dropped = 0, HiddenErrors = 0,
           AppliedHidden = 0;
  bool LimitReported = false;
};

/// Where a location is, for consumers that print positions.
struct PresumedLoc {
  llvm::StringRef File;
  unsigned Line = 0, Column = 0;
};
PresumedLoc presumedLoc(const llvm::SourceMgr &SM, llvm::SMLoc L);

/// The buffer of SM that holds L (its end included), or 0: what
/// llvm::SourceMgr::FindBufferContainingLoc answers, in logarithmic time.
/// LLVM 14's walks every buffer, and a project has one buffer per file: at
/// 10,000 files that made printing each diagnostic cost a scan of them all.
unsigned findBuffer(const llvm::SourceMgr &SM, llvm::SMLoc L);

/// clang-style text with the source line and a caret.
std::unique_ptr<DiagnosticConsumer>
makeTextConsumer(const llvm::SourceMgr &SM, llvm::raw_ostream &OS, bool Colors);
/// One JSON array of diagnostics, written at finish.
std::unique_ptr<DiagnosticConsumer> makeJsonConsumer(const llvm::SourceMgr &SM,
                                                     llvm::raw_ostream &OS);
/// SARIF 2.1.0, written at finish.
std::unique_ptr<DiagnosticConsumer> makeSarifConsumer(const llvm::SourceMgr &SM,
                                                      llvm::raw_ostream &OS);

/// Compares diagnostics with `expected-<severity>[@[+-]N] {{text}}` comments
/// in the sources, as clang -verify does, and checks that no rule fires on a
/// line an `expected-none[@[+-]N] {{rule-name}}` comment names it for.
/// Reports mismatches to OS.
class VerifyConsumer : public DiagnosticConsumer {
public:
  VerifyConsumer(const llvm::SourceMgr &SM, llvm::raw_ostream &OS)
      : SM(SM), OS(OS) {}
  void handle(const Diagnostic &D) override;
  void finish() override;
  bool succeeded() const { return Ok; }

private:
  struct Seen {
    llvm::SMLoc Loc;
    Severity Sev;
    std::string Message;
    /// The rule of a diagnostic; none for the notes attached to one.
    std::optional<Rule> TheRule;
  };
  const llvm::SourceMgr &SM;
  llvm::raw_ostream &OS;
  std::vector<Seen> Diags;
  bool Ok = true;
};

} // namespace migc

#endif
