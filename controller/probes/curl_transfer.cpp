#include "probes/curl_transfer.h"

namespace chaos::probes {

namespace {
// The longest curl_multi_poll sleeps when nothing happens; libcurl's own timers (the transfer's
// timeout) shorten it, and cancel() wakes it at once.
constexpr int kPollMs = 1000;
}  // namespace

CurlTransfer::CurlTransfer() : multi_(curl_multi_init()) {}

CurlTransfer::~CurlTransfer() {
  if (multi_) curl_multi_cleanup(multi_);
}

CURLcode CurlTransfer::perform(CURL* easy) {
  if (!multi_) return CURLE_OUT_OF_MEMORY;
  if (cancelled_) return CURLE_ABORTED_BY_CALLBACK;
  if (curl_multi_add_handle(multi_, easy) != CURLM_OK) return CURLE_FAILED_INIT;
  CURLcode result = CURLE_OK;
  for (;;) {
    int running = 0;
    if (curl_multi_perform(multi_, &running) != CURLM_OK) {
      result = CURLE_FAILED_INIT;
      break;
    }
    bool done = false;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) {
        result = msg->data.result;
        done = true;
      }
    }
    if (done) break;
    // Checked after perform and before the wait: a cancel() that lands in between still
    // wakes the poll below (curl_multi_wakeup is remembered until the next poll).
    if (cancelled_) {
      result = CURLE_ABORTED_BY_CALLBACK;
      break;
    }
    if (curl_multi_poll(multi_, nullptr, 0, kPollMs, nullptr) != CURLM_OK) {
      result = CURLE_FAILED_INIT;
      break;
    }
  }
  curl_multi_remove_handle(multi_, easy);
  return result;
}

void CurlTransfer::cancel() {
  cancelled_ = true;
  if (multi_) curl_multi_wakeup(multi_);
}

}  // namespace chaos::probes
