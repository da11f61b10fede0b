// chaosctl report RUN, and the report files of chaosctl run --report/--junit/--html: the one
// report builder (report/run_report.h), rendered as JSON, JUnit or HTML, written to stdout or a
// file.
#include <boost/json.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli/commands.h"
#include "report/html_report.h"
#include "report/junit_report.h"
#include "report/run_report.h"

namespace chaos::cli {

namespace {

Result<std::string> render(const std::string& format, store::Store& store, int64_t run_id) {
  auto report = report::build_run_report(store, run_id);
  if (!report) return report.status();
  if (format == "junit") return report::junit_xml(report.value());
  if (format == "html") {
    return report::html_report(report.value(), std::string("chaosctl ") + version_text());
  }
  return boost::json::serialize(report.value()) + "\n";
}

// Written beside the target and renamed over it, so a reader never sees half a report.
Status write_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Status::io_error("cannot write " + path + ": " + std::strerror(errno));
    out << text;
    out.flush();
    if (!out) return Status::io_error("cannot write " + path + ": " + std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return Status::io_error("cannot write " + path + ": " + ec.message());
  }
  return Status::ok();
}

Status check_writable_dir(const std::string& flag, const std::string& path) {
  if (path.empty()) return Status::ok();
  const std::filesystem::path target(path);
  std::error_code ec;
  if (std::filesystem::is_directory(target, ec)) {
    return Status::invalid_argument(flag + " " + path + ": is a directory, not a file");
  }
  const auto dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::invalid_argument(flag + " " + path + ": no directory " + dir.string());
  }
  return Status::ok();
}

}  // namespace

std::optional<int64_t> run_id_argument(const Options& options, const char* command) {
  const std::string& arg = options.args.front();  // exactly one (options.cpp)
  char* end = nullptr;
  const long long id = std::strtoll(arg.c_str(), &end, 10);
  if (arg.empty() || *end || id <= 0) {
    complain(std::string(command) + ": '" + arg + "' is not a run id (see chaosctl runs)",
             kExitUsage);
    return std::nullopt;
  }
  return id;
}

int cmd_report(const Options& options) {
  const auto id = run_id_argument(options, "report");
  if (!id) return kExitUsage;
  if (Status st = check_writable_dir("-o", options.report.output); !st) {
    return complain(st.message(), kExitUsage);
  }
  auto store = open_store_for_reading(options);
  if (!store) return complain(store.status().message(), 1);
  auto text = render(options.report.format, *store.value(), *id);
  if (!text) return complain(text.status().message(), 1);
  if (options.report.output.empty()) {
    std::fputs(text.value().c_str(), stdout);
    return 0;
  }
  if (Status st = write_file(options.report.output, text.value()); !st) {
    return complain(st.message(), 1);
  }
  return 0;
}

Status check_report_paths(const Options& options) {
  if (Status st = check_writable_dir("--report", options.report.json_path); !st) return st;
  if (Status st = check_writable_dir("--junit", options.report.junit_path); !st) return st;
  return check_writable_dir("--html", options.report.html_path);
}

bool wants_reports(const Options& options) {
  return !options.report.json_path.empty() || !options.report.junit_path.empty() ||
         !options.report.html_path.empty();
}

Status write_run_reports(const Options& options, store::Store& store, int64_t run_id) {
  for (const auto& [format, path] : {std::pair{"json", &options.report.json_path},
                                     std::pair{"junit", &options.report.junit_path},
                                     std::pair{"html", &options.report.html_path}}) {
    if (path->empty()) continue;
    auto text = render(format, store, run_id);
    if (!text) return text.status();
    if (Status st = write_file(*path, text.value()); !st) return st;
  }
  return Status::ok();
}

}  // namespace chaos::cli
