#pragma once
// RunLedger: what each unfinished run has committed to the database, counted outside it, so
// that writes the database later loses (a SIGKILL, then a WAL damaged or cut short before its
// frames reached the main file: SQLite drops such frames silently on the next open) are
// reported instead of vanishing (issue 17.10).
//
// One small text file per run, DB.runs/RUN_ID ("events N samples M"), rewritten after each
// commit that adds to the run and removed when the run ends. A file outlives its run only when
// the controller died; the next start compares it with what the database holds.
//
// Limits: the files are written without fsync, so they survive the process, not a power loss
// (as the WAL with synchronous=NORMAL); a run whose end was committed and then lost is not
// seen. Thread-safety: as Store, one thread at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chaos::store {

struct LedgerEntry {
  int64_t run_id = 0;
  int64_t events = 0;   // committed events, as counted by the run's controller
  int64_t samples = 0;  // committed samples
};

class RunLedger {
 public:
  explicit RunLedger(std::string db_path) : dir_(db_path + ".runs") {}

  // Rewrites the run's entry. Best effort: a ledger that cannot be written only loses the
  // report, never a run.
  void write(const LedgerEntry& entry) const;
  void remove(int64_t run_id) const;
  // Every entry there is, by run id; a file that cannot be read counts 0 and 0.
  std::vector<LedgerEntry> entries() const;
  const std::string& dir() const { return dir_; }

 private:
  std::string file(int64_t run_id) const { return dir_ + "/" + std::to_string(run_id); }
  std::string dir_;
};

}  // namespace chaos::store
