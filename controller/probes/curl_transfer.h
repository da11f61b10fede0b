#pragma once
// CurlTransfer: runs one libcurl easy handle at a time through a multi handle, so that another
// thread can cut a transfer short. A probe that talks to a server that never answers then
// cannot hold up the end of a run or a Ctrl-C for the length of its timeout: ProbeRunner::stop
// cancels the transfer in progress and the sample returns at once.
//
// Connections are cached in the multi handle, so consecutive transfers of one easy handle
// reuse a kept-alive connection as curl_easy_perform would.
//
// Thread-safety: perform() from one thread (the probe's runner); cancel() from any thread.

#include <curl/curl.h>

#include <atomic>

namespace chaos::probes {

class CurlTransfer {
 public:
  CurlTransfer();
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  // Runs `easy` to its end, bounded by the easy handle's own CURLOPT_TIMEOUT_MS. Returns its
  // result, or CURLE_ABORTED_BY_CALLBACK once cancel() was called (at any time before or
  // during the call).
  CURLcode perform(CURL* easy);

  // Makes the transfer in progress, and every later one, return CURLE_ABORTED_BY_CALLBACK at
  // once. Never blocks.
  void cancel();
  bool cancelled() const { return cancelled_.load(); }

 private:
  CURLM* multi_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace chaos::probes
