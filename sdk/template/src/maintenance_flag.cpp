// maintenance_flag — a template chaosctl plugin with one fault kind. Replace it with yours.
//
// The "maintenance_flag" fault creates a file while it is on and removes it when it stops.
// Many services switch to maintenance mode (or drain, or fail health checks) while a flag file
// exists, so this tests what the rest of the system does when one instance steps out.
//
// The file outlives chaosctl, so the kind has `recover`, which the next `chaosctl run` calls
// for a fault a dead controller left: it removes the file, but only if it still holds this
// fault's content, so it never deletes a flag an operator created.
//
// Threading: no threads of its own; the host calls one instance from one thread at a time.
#include <chaos/plugin.hpp>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace {

using chaos::sdk::Host;
using chaos::sdk::Params;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class MaintenanceFlag : public chaos::sdk::Fault {
 public:
  static constexpr const char* kName = "maintenance_flag";
  static constexpr const char* kSummary = "Creates a flag file while the fault is on.";
  // JSON Schema (draft 7). chaosctl validates parameters against it and fills the defaults
  // before create; `chaosctl plugins` shows it; `chaosctl plugin check` uses "examples" for
  // required values.
  static constexpr const char* kSchema = R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "maintenance_flag",
  "description": "Creates the file at path while the fault is on; removes it when it stops.",
  "type": "object",
  "properties": {
    "path": {"type": "string", "minLength": 1, "description": "The flag file to create.",
             "examples": ["/tmp/chaos-maintenance.flag"]},
    "content": {"type": "string", "default": "maintenance (chaosctl)\n",
                "description": "What the file holds; recover removes only a file holding this."}
  },
  "required": ["path"],
  "additionalProperties": false
})JSON";

  // Prepares the fault; injects nothing. Throw InvalidParams("field", "problem") for bad input.
  static std::unique_ptr<MaintenanceFlag> create(Host& host, const Params& params) {
    params.expect_only({"path", "content"});
    return std::unique_ptr<MaintenanceFlag>(
        new MaintenanceFlag(host, params.get_string("path"), params.get_string("content", "")));
  }

  // Undoes what a dead controller left behind. Idempotent: no file is success.
  static void recover(Host& host, const Params& params) {
    const std::string path = params.get_string("path");
    if (read_file(path) == params.get_string("content", "") && std::remove(path.c_str()) == 0) {
      host.info("recover: removed " + path);
    }
  }

  ~MaintenanceFlag() override { stop(); }

  void start() override {
    if (created_) throw chaos::sdk::StateError("already started");
    // "x": fail if the file exists, so the fault never takes over someone else's flag.
    std::FILE* file = std::fopen(path_.c_str(), "wx");
    if (!file) throw chaos::sdk::Error("cannot create " + path_ + " (does it exist already?)");
    std::fputs(content_.c_str(), file);
    std::fclose(file);
    created_ = true;
    host_.info("created " + path_);
    host_.metric("flag_present", 1);
    host_.event("flag_created", chaos::sdk::JsonObject().add("path", path_).str());
  }

  // Idempotent, valid without start, and quick: the host calls it on every exit path.
  void stop() override {
    if (!created_) return;
    created_ = false;
    std::remove(path_.c_str());
    host_.info("removed " + path_);
    host_.metric("flag_present", 0);
  }

  std::string status_json() override {
    return chaos::sdk::JsonObject().add("path", path_).add("present", created_).str();
  }

 private:
  MaintenanceFlag(Host& host, std::string path, std::string content)
      : host_(host), path_(std::move(path)), content_(std::move(content)) {}

  Host& host_;  // valid until this object is destroyed
  std::string path_;
  std::string content_;
  bool created_ = false;
};

}  // namespace

// The plugin: name, version, description, and its fault kinds.
CHAOS_PLUGIN("maintenance", "0.1.0", "A template plugin: a maintenance flag file.", MaintenanceFlag)
