#include "store/run_ledger.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace chaos::store {

void RunLedger::write(const LedgerEntry& entry) const {
  const std::string path = file(entry.run_id);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    ::mkdir(dir_.c_str(), 0755);
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  if (fd < 0) return;
  char line[96];
  const int n =
      std::snprintf(line, sizeof line, "events %lld samples %lld\n",
                    static_cast<long long>(entry.events), static_cast<long long>(entry.samples));
  // One write: a reader sees the old line, the new one, or (killed mid-way) an empty file.
  if (n > 0 && ::write(fd, line, static_cast<size_t>(n)) != n) {
    // Best effort (see the header).
  }
  ::close(fd);
}

void RunLedger::remove(int64_t run_id) const {
  ::unlink(file(run_id).c_str());
  ::rmdir(dir_.c_str());  // fails, harmlessly, while other runs have entries
}

std::vector<LedgerEntry> RunLedger::entries() const {
  std::vector<LedgerEntry> out;
  std::error_code ec;
  for (const auto& item : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = item.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit) || name.size() > 18)
      continue;
    std::ifstream in(item.path());
    std::string events_word, samples_word;
    LedgerEntry e;
    e.run_id = std::stoll(name);
    // An empty or garbled file (killed mid-write) counts nothing: there is nothing to compare,
    // and listing it lets the next start remove it.
    if (!(in >> events_word >> e.events >> samples_word >> e.samples) || events_word != "events" ||
        samples_word != "samples") {
      e.events = e.samples = 0;
    }
    out.push_back(e);
  }
  std::sort(out.begin(), out.end(),
            [](const LedgerEntry& a, const LedgerEntry& b) { return a.run_id < b.run_id; });
  return out;
}

}  // namespace chaos::store
