#include "support/prometheus_server.h"

#include <curl/curl.h>

#include <cstdlib>
#include <filesystem>

#include "support/test_support.h"

namespace chaos::test {

namespace {

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string get(const std::string& url) {
  std::string body;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 1000L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const bool ok = curl_easy_perform(curl) == CURLE_OK;
  curl_easy_cleanup(curl);
  return ok ? body : "";
}

}  // namespace

std::string prometheus_binary() {
  const char* env = std::getenv("CHAOS_PROMETHEUS_BIN");
  return env ? env : "/usr/bin/prometheus";
}

std::string PrometheusServer::start(const std::string& dir, const std::vector<std::string>& targets,
                                    const std::string& job) {
  if (!std::filesystem::exists(prometheus_binary())) {
    return prometheus_binary() + " is missing: install Debian's Prometheus server "
                                 "(apt-get install prometheus), or set CHAOS_PROMETHEUS_BIN";
  }
  // Prometheus takes no port 0, so it gets a port that was free a moment ago.
  const unsigned short port = unused_loopback_port();
  url_ = "http://127.0.0.1:" + std::to_string(port);
  std::string list;
  for (const auto& t : targets) list += (list.empty() ? "'" : ", '") + t + "'";
  write_file(dir + "/prometheus.yml",
             "global:\n  scrape_interval: 100ms\n  scrape_timeout: 100ms\n"
             "scrape_configs:\n  - job_name: " + job + "\n    static_configs:\n      - targets: [" +
                 list + "]\n");
  process_ = std::make_unique<ChildProcess>(
      prometheus_binary(),
      std::vector<std::string>{"--config.file=" + dir + "/prometheus.yml",
                               "--web.listen-address=127.0.0.1:" + std::to_string(port),
                               "--storage.tsdb.path=" + dir + "/tsdb"},
      dir + "/prometheus.log");
  // Ready when every target reports up (Prometheus hands out its first targets after ~5 s).
  const bool ready = wait_for(
      [&] {
        if (process_->exited()) return true;
        const std::string body = get(url_ + "/api/v1/query?query=count(up%3D%3D1)");
        return body.find("\"" + std::to_string(targets.size()) + "\"]") != std::string::npos;
      },
      std::chrono::seconds(30));
  if (process_->exited()) return "prometheus exited:\n" + process_->log();
  if (!ready) return "prometheus did not scrape its targets within 30 s:\n" + process_->log();
  return "";
}

}  // namespace chaos::test
