// chaos-demo-shoppers: the demo's users. N shoppers each check out, think for a moment, and
// check out again, forever (a closed loop, like real users on a page). They give the shop a
// steady background load, so a slow database really fills the pool — as it would in
// production — while chaosctl's probes measure what a user sees.
//
// Only loopback targets are accepted: this is demo traffic, never aimed elsewhere.

#include <curl/curl.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <regex>
#include <thread>
#include <vector>

#include "common/duration.h"
#include "flags.h"

namespace {

std::atomic<bool> g_stop{false};

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

void shop(const std::string& url, std::chrono::microseconds think) {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  while (!g_stop) {
    curl_easy_perform(curl);  // errors are the shop's to count, not ours
    for (auto slept = std::chrono::microseconds(0); slept < think && !g_stop;
         slept += std::chrono::milliseconds(10)) {
      std::this_thread::sleep_for(std::min<std::chrono::microseconds>(
          think - slept, std::chrono::milliseconds(10)));
    }
  }
  curl_easy_cleanup(curl);
}

}  // namespace

int main(int argc, char** argv) {
  chaos::demo::Flags flags;
  flags.declare("target", "http://127.0.0.1:18080/checkout", "the URL shoppers request");
  flags.declare("shoppers", "6", "how many shoppers check out at once");
  flags.declare("think", "50ms", "pause between one shopper's checkouts");
  if (auto st = flags.parse(argc, argv); !st) {
    std::fprintf(stderr, "chaos-demo-shoppers: %s (see --help)\n", st.message().c_str());
    return 2;
  }
  if (flags.help_requested()) {
    std::fputs(flags.usage("chaos-demo-shoppers", "Background users for the chaosctl demo.").c_str(),
               stdout);
    return 0;
  }
  const std::string url = flags.get("target");
  if (!std::regex_search(url, std::regex(R"(^http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])[:/])"))) {
    std::fprintf(stderr, "chaos-demo-shoppers: --target must be a loopback http:// URL, got %s\n",
                 url.c_str());
    return 2;
  }
  const int shoppers = std::atoi(flags.get("shoppers").c_str());
  auto think = chaos::parse_duration(flags.get("think"));
  if (shoppers < 1 || shoppers > 1000 || !think) {
    std::fprintf(stderr, "chaos-demo-shoppers: --shoppers must be 1..1000 and --think a duration\n");
    return 2;
  }
  // Stop on SIGTERM/SIGINT: the handler only sets a flag the shoppers poll.
  struct sigaction sa {};
  sa.sa_handler = [](int) { g_stop = true; };
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::printf("chaos-demo-shoppers: %d shoppers on %s, thinking %s between checkouts\n", shoppers,
              url.c_str(), flags.get("think").c_str());
  std::fflush(stdout);
  std::vector<std::thread> threads;
  for (int i = 0; i < shoppers; ++i) threads.emplace_back(shop, url, think.value());
  for (auto& t : threads) t.join();
  curl_global_cleanup();
  return 0;
}
