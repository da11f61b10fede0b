#include "send_spacing.h"

#include <algorithm>
#include <cmath>

namespace chaos::load {

SendTimeline::~SendTimeline() {
  for (auto& c : chunks_) delete c.load(std::memory_order_relaxed);
}

void SendTimeline::record(int64_t ms) {
  if (ms < 0 || ms >= kCapacityMs) return;
  std::atomic<Chunk*>& slot = chunks_[static_cast<size_t>(ms / kChunkMs)];
  Chunk* chunk = slot.load(std::memory_order_relaxed);  // only this thread stores it
  if (!chunk) {
    chunk = new Chunk();
    slot.store(chunk, std::memory_order_release);
  }
  std::atomic<uint16_t>& cell = chunk->counts[static_cast<size_t>(ms % kChunkMs)];
  const uint16_t n = cell.load(std::memory_order_relaxed);
  if (n != UINT16_MAX) cell.store(static_cast<uint16_t>(n + 1), std::memory_order_relaxed);
}

uint32_t SendTimeline::count_at(int64_t ms) const noexcept {
  if (ms < 0 || ms >= kCapacityMs) return 0;
  const Chunk* chunk = chunks_[static_cast<size_t>(ms / kChunkMs)].load(std::memory_order_acquire);
  return chunk ? chunk->counts[static_cast<size_t>(ms % kChunkMs)].load(std::memory_order_relaxed)
               : 0;
}

void SendSpacing::fold(const std::vector<const SendTimeline*>& timelines, int64_t until_ms) {
  int64_t end = std::min(until_ms, SendTimeline::kCapacityMs);
  for (const SendTimeline* t : timelines) end = std::min(end, t->watermark());
  for (; folded_ < end; ++folded_) {
    uint64_t sends = 0;
    for (const SendTimeline* t : timelines) sends += t->count_at(folded_);
    if (sends >= ms_with_.size()) ms_with_.resize(sends + 1, 0);
    ++ms_with_[sends];
  }
}

uint64_t SendSpacing::percentile(double q) const noexcept {
  if (folded_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * folded_)));
  uint64_t seen = 0;
  for (size_t k = 0; k < ms_with_.size(); ++k) {
    seen += ms_with_[k];
    if (seen >= rank) return k;
  }
  return max();
}

}  // namespace chaos::load
