#include "engine/sample_recorder.h"

namespace chaos::engine {

namespace {
constexpr size_t kBatch = 50;
}

Status SampleRecorder::add(store::SampleRecord sample) {
  pending_.push_back(std::move(sample));
  return pending_.size() >= kBatch ? flush() : Status::ok();
}

Status SampleRecorder::flush() {
  if (pending_.empty() || !run_id_) return Status::ok();
  for (auto& s : pending_) s.run_id = run_id_;
  std::vector<store::SampleRecord> batch;
  batch.swap(pending_);
  if (Status st = store_.append_samples(batch); !st) return st;
  observer_.on_samples(batch);
  return Status::ok();
}

}  // namespace chaos::engine
