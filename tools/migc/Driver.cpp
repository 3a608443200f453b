//===- Driver.cpp - Options and set-up shared by the subcommands ----------===//

#include "tools/migc/Driver.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

namespace migc::driver {

namespace cl = llvm::cl;

cl::SubCommand CheckCommand("check", "Check a project or files: parse, order, "
                                     "replay and report");
cl::SubCommand SchemaCommand("schema", "Print the schema the migrations build");
cl::SubCommand GraphCommand("graph",
                            "Print the dependency graph as Graphviz DOT");
cl::SubCommand EmitCommand("emit",
                           "Print the migrations as DDL for a database");

static cl::OptionCategory Category("migc options");

void hideLibraryOptions() {
  // LLVM registers options of its own at the top level; `migc --help`
  // lists the subcommands instead.
  cl::HideUnrelatedOptions(Category, *cl::TopLevelSubCommand);
}

static cl::list<std::string>
    WarningFlags("W", cl::Prefix, cl::ZeroOrMore, cl::sub(CheckCommand),
                 cl::sub(SchemaCommand), cl::sub(GraphCommand),
                 cl::sub(EmitCommand), cl::cat(Category),
                 cl::value_desc("rule"),
                 cl::desc("-W<rule> enables, -Wno-<rule> disables, -Werror "
                          "makes warnings errors, -Werror=<rule> one rule"));
static cl::opt<unsigned>
    ErrorLimit("error-limit", cl::sub(CheckCommand), cl::sub(SchemaCommand),
               cl::sub(GraphCommand), cl::sub(EmitCommand), cl::cat(Category),
               cl::init(100),
               cl::desc("Stop showing errors after this many (0: no limit)"));
static cl::opt<std::string>
    Color("color", cl::sub(CheckCommand), cl::sub(SchemaCommand),
          cl::sub(GraphCommand), cl::sub(EmitCommand), cl::cat(Category),
          cl::init("auto"),
          cl::desc("Colour diagnostics: auto (on a terminal), always, never"));
static cl::opt<bool> Isolated(
    "isolated", cl::sub(CheckCommand), cl::sub(SchemaCommand),
    cl::sub(GraphCommand), cl::sub(EmitCommand), cl::cat(Category),
    cl::desc("Check only the files given, without the rest of their project"));
static cl::opt<bool> Stats("stats", cl::sub(CheckCommand),
                           cl::sub(SchemaCommand), cl::sub(GraphCommand),
                           cl::sub(EmitCommand), cl::cat(Category),
                           cl::desc("Print the time of each stage to stderr"));
static cl::opt<unsigned>
    Jobs("j", cl::sub(CheckCommand), cl::sub(SchemaCommand),
         cl::sub(GraphCommand), cl::sub(EmitCommand), cl::cat(Category),
         cl::init(0), cl::desc("Threads for parsing (0: one per core)"));
static cl::opt<unsigned> SmtTimeout(
    "smt-timeout", cl::sub(CheckCommand), cl::sub(SchemaCommand),
    cl::sub(GraphCommand), cl::sub(EmitCommand), cl::cat(Category),
    cl::init(2000), cl::value_desc("ms"),
    cl::desc("Milliseconds per solver query before it counts as unproven "
             "(default 2000)"));
static cl::opt<bool> NoProofs(
    "no-proofs", cl::sub(CheckCommand), cl::sub(SchemaCommand),
    cl::sub(GraphCommand), cl::sub(EmitCommand), cl::cat(Category),
    cl::desc("Skip the Z3 proofs of constraint preservation (docs/smt.md)"));
static cl::opt<std::string>
    DumpSmt("dump-smt", cl::sub(CheckCommand), cl::sub(SchemaCommand),
            cl::sub(GraphCommand), cl::sub(EmitCommand), cl::cat(Category),
            cl::value_desc("DIR"),
            cl::desc("Write every solver query to DIR as SMT-LIB"));

static cl::opt<bool> ShowAll(
    "all", cl::sub(CheckCommand), cl::sub(SchemaCommand), cl::sub(GraphCommand),
    cl::sub(EmitCommand), cl::cat(Category),
    cl::desc("Also report on the applied history (`[history] applied` in "
             "migc.toml)"));

/// A failure to find or read the project, printed (and, for a program
/// reading --format=json or sarif, given as a document all the same).
static int projectError(const std::string &Msg, DiagFormat Format) {
  llvm::errs() << "migc: error: " << Msg << "\n";
  if (Format == DiagFormat::Json || Format == DiagFormat::Sarif) {
    llvm::SourceMgr SM;
    DiagnosticEngine E(SM);
    auto C = Format == DiagFormat::Json ? makeJsonConsumer(SM, llvm::outs())
                                        : makeSarifConsumer(SM, llvm::outs());
    E.setConsumer(C.get());
    E.report(Diagnostic(Rule::IoError, {}, Msg));
    E.finish();
  }
  return BadUsage;
}

std::optional<int> startSession(Session &S, llvm::ArrayRef<std::string> Paths,
                                DiagFormat Format, const CompileOptions &Opts,
                                ir::WalkListener *Listener) {
  llvm::Expected<Project> P =
      Isolated ? isolatedProject(Paths) : findProject(Paths);
  if (!P)
    return projectError(llvm::toString(P.takeError()), Format);
  if (S.ChangedSince)
    if (llvm::Error E = focusOnChangesSince(*P, *S.ChangedSince))
      return projectError(llvm::toString(std::move(E)), Format);
  DiagnosticOptions DOpts;
  DOpts.ErrorLimit = P->ErrorLimit.value_or(ErrorLimit);
  if (ErrorLimit.getNumOccurrences())
    DOpts.ErrorLimit = ErrorLimit;
  std::vector<std::string> Flags = P->WarningFlags;
  Flags.insert(Flags.end(), WarningFlags.begin(), WarningFlags.end());
  for (const std::string &F : Flags)
    if (std::optional<std::string> Err = DOpts.applyFlag(F)) {
      llvm::errs() << "migc: error: " << *Err << "\n";
      return BadUsage;
    }
  if (Color != "auto" && Color != "always" && Color != "never") {
    llvm::errs() << "migc: error: --color takes auto, always or never\n";
    return BadUsage;
  }
  bool Colors =
      Color == "always" ||
      (Color == "auto" && llvm::sys::Process::StandardErrIsDisplayed() &&
       !llvm::sys::Process::GetEnv("NO_COLOR"));
  S.Engine = std::make_unique<DiagnosticEngine>(S.C.SM, DOpts);
  switch (Format) {
  case DiagFormat::Text:
    S.Consumer = makeTextConsumer(S.C.SM, llvm::errs(), Colors);
    break;
  case DiagFormat::Json:
    S.Consumer = makeJsonConsumer(S.C.SM, llvm::outs());
    break;
  case DiagFormat::Sarif:
    S.Consumer = makeSarifConsumer(S.C.SM, llvm::outs());
    break;
  case DiagFormat::Verify: {
    auto V = std::make_unique<VerifyConsumer>(S.C.SM, llvm::outs());
    S.Verifier = V.get();
    S.Consumer = std::move(V);
    break;
  }
  }
  S.Engine->setConsumer(S.Consumer.get());
  // A migration that requires one from a file deleted since the ref is
  // broken by the change, wherever it is written.
  if (P->Changed)
    S.Engine->showEverywhere({Rule::UnknownMigration});
  S.C.load(*P, *S.Engine);
  CompileOptions O = Opts;
  O.Jobs = Jobs;
  O.Smt.TimeoutMs = P->SmtTimeoutMs.value_or(SmtTimeout);
  if (SmtTimeout.getNumOccurrences())
    O.Smt.TimeoutMs = SmtTimeout;
  if (O.Smt.TimeoutMs == 0) {
    llvm::errs() << "migc: error: --smt-timeout must be at least 1 ms\n";
    return BadUsage;
  }
  O.Smt.DumpDir = DumpSmt;
  O.Targets = P->Targets;
  O.LockTimeout = P->LockTimeout;
  O.StatementTimeout = P->StatementTimeout;
  if (NoProofs)
    O.Prove = false;
  O.Applied = P->Applied;
  O.ShowApplied = ShowAll;
  std::vector<ir::WalkListener *> Listeners;
  if (Listener)
    Listeners.push_back(Listener);
  if (!S.C.run(*S.Engine, O, Listeners)) {
    if (S.C.AppliedUnknown)
      llvm::errs() << "migc: error: " << P->AppliedWhere
                   << ": `[history] applied` names no migration: "
                   << quote(*P->Applied) << "\n";
    else
      llvm::errs() << "migc: error: no migration is named '" << *Opts.At
                   << "'\n";
    return BadUsage;
  }
  return std::nullopt;
}

int Session::finishWhole() {
  int Status = finish();
  if (Status != Success || !Engine->hiddenErrorCount())
    return Status;
  unsigned N = Engine->hiddenErrorCount();
  llvm::errs() << "migc: error: " << N << (N == 1 ? " error" : " errors")
               << " in other files of the project; `migc check` on the "
                  "project shows "
               << (N == 1 ? "it" : "them") << "\n";
  return Failure;
}

int Session::finish() {
  Engine->finish();
  if (unsigned N = Engine->appliedHiddenCount())
    llvm::errs() << "migc: " << N << (N == 1 ? " diagnostic" : " diagnostics")
                 << " in " << C.AppliedCount
                 << (C.AppliedCount == 1 ? " applied migration"
                                         : " applied migrations")
                 << " hidden; --all shows them\n";
  if (Stats)
    llvm::errs() << llvm::format(
        "migc: %zu files, %zu migrations; load %.3f s, parse %.3f s (%u files "
        "needed full LL), order %.3f s, replay %.3f s, graph %.3f s (%llu "
        "touch pairs compared)\n",
        C.Files.size(), C.Migrations.size(), C.LoadSeconds, C.ParseSeconds,
        C.FullLLFiles, C.OrderSeconds, C.ReplaySeconds, C.GraphSeconds,
        (unsigned long long)C.Graph.PairsCompared);
  if (Stats) {
    const smt::Stats &St = C.SmtStats;
    llvm::errs() << llvm::format(
        "migc: proofs %.3f s after the replay, on %u threads: %u solver "
        "queries, %u cache "
        "hits, %u retried with the timeout, %u unknown, %.3f s in Z3\n",
        C.ProveSeconds, Compilation::ProofThreads, St.Queries, St.CacheHits,
        St.Retries, St.Unknown, St.Seconds);
  }
  if (Verifier)
    return Verifier->succeeded() ? Success : Failure;
  if (C.InputError)
    return BadUsage;
  return Engine->errorCount() ? Failure : Success;
}

} // namespace migc::driver
