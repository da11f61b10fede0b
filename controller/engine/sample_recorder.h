#pragma once
// SampleRecorder: a run's samples (probe readings and the metrics plugins emit) on their way to
// the store, written in batches of about 50 (one transaction each keeps the loop responsive)
// and shown to observers once stored.
//
// Thread-safety: one thread (the run's event loop).

#include <vector>

#include "engine/run_observer.h"
#include "store/store.h"

namespace chaos::engine {

class SampleRecorder {
 public:
  SampleRecorder(store::Store& store, RunObserver& observer) : store_(store), observer_(observer) {}

  void bind(int64_t run_id) { run_id_ = run_id; }
  // Queues a sample; writes the batch when it is full. The store's error, if that write failed.
  Status add(store::SampleRecord sample);
  // Writes what is queued (nothing without a run id). The store's error, if it failed.
  Status flush();

 private:
  store::Store& store_;
  RunObserver& observer_;
  int64_t run_id_ = 0;
  std::vector<store::SampleRecord> pending_;
};

}  // namespace chaos::engine
