#include "engine/reconcile.h"

#include <boost/json.hpp>
#include <cstdlib>
#include <map>

#include "engine/remote_faults.h"
#include "engine/run_owner.h"
#include "journal/journal_reader.h"
#include "plugin_host/fault_instance.h"

namespace chaos::engine {

namespace {

// Plugins may log while recovering; their lines go to the report.
class ReportSink final : public plugin_host::FaultSink {
 public:
  explicit ReportSink(const std::function<void(const std::string&)>& report) : report_(report) {}
  void fault_log(const std::string& fault, chaos_log_level, std::string message) override {
    report_(fault + ": " + message);
  }
  void fault_metric(const std::string&, std::string, double, int64_t) override {}
  void fault_event(const std::string&, std::string, std::string) override {}

 private:
  const std::function<void(const std::string&)>& report_;
};

// A run is its owner's while the owner lives. A run with no recorded owner was left by a
// chaosctl that did not record one, which is gone by now.
bool owner_alive(const store::RunRecord& run) {
  auto owner = RunOwner::from_summary(run.summary_json);
  return owner && owner->alive();
}

std::string not_loaded(const std::string& kind) {
  return "the plugin of kind '" + kind +
         "' is not loaded (give its --plugin-dir and run "
         "chaosctl recover)";
}

// Undoes one fault of a dead controller's run with its kind's recover. Without the kind, or
// when recover fails, the fault is kept pending recovery for a later start.
RecoveryAttempt recover_one(store::Store& store, const plugin_host::PluginRegistry& registry,
                            Clock& clock, const store::RecoveryRecord& record,
                            const std::function<void(const std::string&)>& report) {
  RecoveryAttempt attempt{record.run_id, record.name, record.kind, false, ""};
  const std::string which = "run " + std::to_string(record.run_id) + ": fault '" + record.name +
                            "' (" + record.kind + ")";
  const plugin_host::FaultKind* k = registry.find_kind(record.kind);
  if (k && !k->has_recover()) {
    // In-process effects died with the controller: nothing is left to undo.
    attempt.recovered = true;
  } else if (k) {
    ReportSink sink(report);
    Status st = plugin_host::recover_fault(*k, record.name, record.params_json, sink);
    attempt.recovered = st.is_ok();
    attempt.detail = st ? "" : "recover failed: " + st.message();
  } else {
    attempt.detail = not_loaded(record.kind);
  }
  if (attempt.recovered) {
    if (Status st = store.forget_recovery(record.run_id, record.fault_id); !st)
      report(which + ": " + st.message());
    if (k->has_recover())
      report("run " + std::to_string(record.run_id) + ": recovered fault '" + record.name + "' (" +
             record.kind + ") left by a controller that died");
    return attempt;
  }
  if (Status st = store.mark_pending_recovery(record, clock.unix_ms(), attempt.detail); !st)
    report(which + ": " + st.message());
  report("warning: " + which +
         " left by a controller that died is pending recovery: " + attempt.detail);
  return attempt;
}

// Undoes every fault of `run` that may still be injected. The parameters come from the
// recovery record (real values, writeOnly ones included); a run stored before recovery records
// existed falls back to the journal's (redacted) parameters.
void recover_faults(store::Store& store, const plugin_host::PluginRegistry& registry, Clock& clock,
                    const store::RunRecord& run, const std::vector<store::EventRecord>& events,
                    const std::function<void(const std::string&)>& report,
                    std::vector<RecoveryAttempt>& attempts) {
  std::map<int64_t, store::RecoveryRecord> kept;
  if (auto records = store.recovery_records(run.id); records) {
    for (auto& r : records.value()) kept.emplace(r.fault_id, std::move(r));
  } else {
    report("run " + std::to_string(run.id) + ": " + records.status().message());
  }
  for (const auto& fault : journal::fault_windows(events)) {
    if (!fault.may_be_injected()) continue;
    if (!fault.remote.empty()) {
      // Held by another process on a lease that has likely run out already; remove it now if
      // not (CHAOS_PROXY_TOKEN: the holder's token, when it listens beyond loopback).
      const char* token = std::getenv("CHAOS_PROXY_TOKEN");
      Status st = remove_remote_fault(fault.remote, token ? token : "");
      report("run " + std::to_string(run.id) + ": removed remote fault '" + fault.name +
             "' left by a controller that died: " + (st ? "ok" : st.message()));
      continue;
    }
    auto found = kept.find(fault.id);
    store::RecoveryRecord record =
        found != kept.end() ? found->second
                            : store::RecoveryRecord{run.id, fault.id, fault.kind, fault.name,
                                                    boost::json::serialize(fault.params)};
    if (found != kept.end()) kept.erase(found);
    attempts.push_back(recover_one(store, registry, clock, record, report));
  }
  // Records of faults that were stopped are not needed any more.
  for (const auto& [fault_id, record] : kept) {
    if (Status st = store.forget_recovery(run.id, fault_id); !st) report(st.message());
  }
}

std::string counted(int64_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// A run's controller counts its commits outside the database (store/run_ledger.h). When the
// controller died and the database holds less than it counted, the database lost its last
// writes (SQLite drops the frames of a damaged or cut-short WAL silently on open): say what was
// lost, on stderr and in the run's timeline, instead of letting it vanish (issue 17.10).
void report_lost_writes(store::Store& store, Clock& clock,
                        const std::function<void(const std::string&)>& report) {
  for (const store::LedgerEntry& entry : store.ledger_entries()) {
    const std::string which = "run " + std::to_string(entry.run_id);
    auto run = store.get_run(entry.run_id);
    if (!run && run.status().code() != Status::Code::kNotFound) {
      report(which + ": cannot check what it stored: " + run.status().message());
      continue;
    }
    if (run && run->state == "running" && owner_alive(*run)) continue;  // still being written
    if (!run) {
      report("warning: " + which +
             " is not in the store at all: its controller died, and the database lost what "
             "the run had written (" +
             counted(entry.events, "event") + ", " + counted(entry.samples, "sample") +
             "; the last writes did not survive, e.g. a damaged or cut-short WAL)");
      store.forget_ledger_entry(entry.run_id);
      continue;
    }
    auto held = store.stored_counts(entry.run_id);
    if (!held) {
      report(which + ": cannot check what it stored: " + held.status().message());
      continue;
    }
    const int64_t lost_events = std::max<int64_t>(0, entry.events - held->events);
    const int64_t lost_samples = std::max<int64_t>(0, entry.samples - held->samples);
    if (lost_events > 0 || lost_samples > 0) {
      const std::string what =
          "the database lost part of what this run had written: " + std::to_string(lost_events) +
          " of its " + counted(entry.events, "event") + " and " + std::to_string(lost_samples) +
          " of its " + counted(entry.samples, "sample") +
          " are gone (its last writes did not survive the controller's "
          "death, e.g. a damaged or cut-short WAL); what remains is kept" +
          (lost_events > 0 ? "; a lost fault start cannot be undone from "
                             "the journal: check the run's targets"
                           : "");
      report("warning: " + which + ": " + what);
      journal::JournalEvent note;
      note.run_id = entry.run_id;
      note.unix_ms = clock.unix_ms();
      note.phase = journal::Phase::kDone;
      note.kind = journal::EventKind::kInterrupted;
      note.message = what;
      note.detail_json =
          boost::json::serialize(boost::json::object{{"lost_events", lost_events},
                                                     {"lost_samples", lost_samples},
                                                     {"events_written", entry.events},
                                                     {"samples_written", entry.samples}});
      if (auto id = store.append_event(journal::encode(note)); !id) report(id.status().message());
    }
    store.forget_ledger_entry(entry.run_id);
  }
}

}  // namespace

std::vector<RecoveryAttempt> reconcile_interrupted_runs(
    store::Store& store, const plugin_host::PluginRegistry& registry, Clock& clock,
    const std::function<void(const std::string&)>& report) {
  std::vector<RecoveryAttempt> attempts;
  // Faults an earlier start could not undo: retried whenever their kind is loaded.
  if (auto pending = store.pending_recoveries(); !pending) {
    report("cannot check for faults pending recovery: " + pending.status().message());
  } else {
    for (const auto& p : pending.value()) {
      if (!registry.find_kind(p.record.kind)) {
        attempts.push_back({p.record.run_id, p.record.name, p.record.kind, false, p.reason});
        report("warning: run " + std::to_string(p.record.run_id) + ": fault '" + p.record.name +
               "' (" + p.record.kind + ") is still pending recovery: " + p.reason);
        continue;
      }
      attempts.push_back(recover_one(store, registry, clock, p.record, report));
      if (attempts.back().recovered) {
        // The run's timeline says when what it left behind was finally undone.
        journal::JournalEvent note;
        note.run_id = p.record.run_id;
        note.unix_ms = clock.unix_ms();
        note.phase = journal::Phase::kDone;
        note.kind = journal::EventKind::kInterrupted;
        note.message =
            "fault '" + p.record.name + "', pending recovery, recovered by a later start";
        if (auto id = store.append_event(journal::encode(note)); !id) report(id.status().message());
      }
    }
  }

  report_lost_writes(store, clock, report);
  auto runs = store.runs_left_running();
  if (!runs) {
    report("cannot check for interrupted runs: " + runs.status().message());
    return attempts;
  }
  for (const auto& run : runs.value()) {
    if (owner_alive(run)) continue;  // another chaosctl is running it right now
    const std::string which = "run " + std::to_string(run.id);
    auto events = store.events(run.id);
    if (!events) {
      report(which + ": cannot read its journal, so its faults cannot be undone: " +
             events.status().message());
      continue;
    }
    const size_t first = attempts.size();
    recover_faults(store, registry, clock, run, events.value(), report, attempts);
    size_t pending = 0;
    for (size_t i = first; i < attempts.size(); ++i) pending += !attempts[i].recovered;
    const std::string left =
        pending ? std::to_string(pending) + " fault(s) pending recovery (chaosctl recover)" : "";

    journal::JournalEvent note;
    note.run_id = run.id;
    note.unix_ms = clock.unix_ms();
    note.phase = journal::Phase::kDone;
    note.kind = journal::EventKind::kInterrupted;
    note.message = "the controller running this experiment died; " +
                   (pending ? left : std::string("faults were reconciled"));
    if (auto id = store.append_event(journal::encode(note)); !id) {
      report(which + ": " + id.status().message());
    }
    Status marked = store.mark_interrupted(
        run.id, clock.unix_ms(),
        pending ? "the controller died during the run; " + left
                : "the controller died during the run (reconciled at next start)");
    if (!marked) {
      // Another chaosctl reconciled it first, or the store failed: say which.
      report(which +
             " was left running by a controller that died, but could not be marked "
             "interrupted: " +
             marked.message());
      continue;
    }
    report(which + " was left running by a controller that died; marked interrupted" +
           (pending ? ", " + left : ""));
  }
  return attempts;
}

}  // namespace chaos::engine
