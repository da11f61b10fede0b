#pragma once
// RunProxies: the proxies an experiment declares, as running instances. They start before the
// baseline (each journaled first) so the path through them exists for the whole run, and stop
// at its very end, after every fault and the rollbacks.
//
// Thread-safety: one thread (the run's event loop).

#include <memory>
#include <vector>

#include "engine/proxy_catalog.h"
#include "engine/run_journal.h"
#include "plugin_host/fault_instance.h"

namespace chaos::engine {

class RunProxies {
 public:
  // `declared` and `journal` must outlive this; `sink` receives what the proxies report.
  RunProxies(const DeclaredProxies& declared, RunJournal& journal, plugin_host::FaultSink& sink)
      : declared_(declared), journal_(journal), sink_(sink) {}
  ~RunProxies();  // destroys what is left

  // Starts every proxy in declaration order; stops at the first failure, naming the proxy.
  Status start();
  // Stops every started proxy, newest first, whatever fails; returns the first failure.
  Status stop();

 private:
  struct Running {
    std::unique_ptr<plugin_host::FaultInstance> instance;
    std::string detail_json;
  };
  const DeclaredProxies& declared_;
  RunJournal& journal_;
  plugin_host::FaultSink& sink_;
  std::vector<Running> running_;
};

}  // namespace chaos::engine
