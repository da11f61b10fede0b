// chaosctl recover [--json]
//
// Undoes what dead controllers left injected: reconciles runs left running and retries every
// fault pending recovery whose kind is loaded (give the plugin's --plugin-dir). Prints each
// fault tried and what is still pending. Exit 0 when nothing is pending any more, 1 otherwise.
#include <boost/json.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "common/clock.h"
#include "engine/reconcile.h"
#include "store/store.h"

namespace chaos::cli {

namespace {

boost::json::object attempt_json(const engine::RecoveryAttempt& a) {
  return {{"run", a.run_id},
          {"fault", a.fault},
          {"kind", a.kind},
          {"recovered", a.recovered},
          {"detail", a.detail}};
}

}  // namespace

int cmd_recover(const Options& options) {
  if (!options.args.empty()) return complain("recover takes no arguments", kExitUsage);
  auto registry = load_plugins(options);
  if (!registry) return complain(registry.status().message(), 1);
  auto store = store::Store::open(options.db_path);
  if (!store) return complain(store.status().message(), 1);

  SystemClock clock;
  const auto attempts = engine::reconcile_interrupted_runs(
      *store.value(), registry.value(), clock, [&](const std::string& line) {
        if (!options.json) std::fprintf(stderr, "chaosctl: %s\n", line.c_str());
      });
  auto pending = store.value()->pending_recoveries();
  if (!pending) return complain(pending.status().message(), 1);

  if (options.json) {
    boost::json::array tried, left;
    for (const auto& a : attempts) tried.push_back(attempt_json(a));
    for (const auto& p : pending.value()) {
      left.push_back({{"run", p.record.run_id},
                      {"fault", p.record.name},
                      {"kind", p.record.kind},
                      {"pending_since_unix_ms", p.since_unix_ms},
                      {"reason", p.reason}});
    }
    std::printf("%s\n", boost::json::serialize(boost::json::object{{"attempts", std::move(tried)},
                                                                   {"pending", std::move(left)}})
                            .c_str());
  } else if (attempts.empty()) {
    std::printf("nothing to recover: no fault is pending recovery in %s\n",
                options.db_path.c_str());
  } else {
    for (const auto& a : attempts) {
      std::printf("run %lld  fault '%s' (%s)  %s\n", static_cast<long long>(a.run_id),
                  a.fault.c_str(), a.kind.c_str(),
                  a.recovered ? "recovered" : ("pending: " + a.detail).c_str());
    }
  }
  return pending.value().empty() ? 0 : 1;
}

}  // namespace chaos::cli
