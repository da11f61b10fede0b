// The checks of one fault kind, run inside a forked child (conformance.cpp). The plugin is
// driven through the SDK's own fake host (chaos/fake_host.hpp), which records every callback and
// notes contract violations such as a callback after destroy returned.
#include <boost/json.hpp>
#include <chaos/fake_host.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "plugin_host/conformance.h"
#include "plugin_host/conformance_child.h"

namespace chaos::plugin_host::conformance {

namespace json = boost::json;
using sdk::CallResult;
using Clock = std::chrono::steady_clock;

namespace {

// Longer than any stop should take; the kind's overall timeout still applies.
constexpr auto kSlowCall = std::chrono::seconds(5);

struct Outcome {
  bool ok = false;
  std::string detail;
};

std::string explain(const CallResult& r) {
  return std::string(sdk::status_name(r.status)) +
         (r.message.empty() ? " with no message (write one to the error writer)"
                            : ": " + r.message);
}

Outcome expect_ok(const CallResult& r) { return {r.ok(), r.ok() ? "" : explain(r)}; }

Outcome expect_object(const CallResult& r) {
  if (!r.ok()) return {false, explain(r)};
  if (!r.output_is_object()) return {false, "wrote " + r.output + ", which is not a JSON object"};
  return {true, r.output.size() > 80 ? r.output.substr(0, 77) + "..." : r.output};
}

// Runs `fn` and fails the outcome when it took longer than a stop may.
Outcome timed(const std::function<Outcome()>& fn) {
  const auto began = Clock::now();
  Outcome o = fn();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began);
  if (took > kSlowCall) {
    o.ok = false;
    o.detail += (o.detail.empty() ? "" : "; ") + std::string("took ") +
                std::to_string(took.count()) + " ms (it must not block)";
  }
  return o;
}

class KindChecker {
 public:
  KindChecker(const std::string& path, const FaultKind& kind, const json::object& overrides,
              Reporter& out)
      : kind_(kind), overrides_(overrides), out_(out), host_(path) {}

  void run() {
    if (!host_.loaded()) {
      check("load", [&] { return Outcome{false, host_.load_error()}; });
      return;
    }
    check("schema", [&] { return schema(); });
    check("params", [&] { return params(); });
    check("bad params rejected", [&] { return bad_params_rejected(); });
    if (params_.empty()) {
      check("lifecycle", [] { return Outcome{false, "not run: no working parameters"}; });
      return;
    }
    lifecycle();
    check("host callbacks", [&] { return callbacks(); });
  }

 private:
  // Runs one check. An exception escaping the plugin lands here and fails it.
  void check(const std::string& name, const std::function<Outcome()>& body) {
    out_.begin(name);
    Outcome o;
    try {
      o = body();
    } catch (const std::exception& e) {
      o = {false, std::string("an exception escaped the plugin (") + e.what() +
                      "); nothing may throw across the C ABI"};
    } catch (...) {
      o = {false, "an exception escaped the plugin; nothing may throw across the C ABI"};
    }
    out_.result(name, o.ok, o.detail);
  }

  sdk::FakeFault create() { return host_.create_raw(kind_.name, params_, kind_.name); }

  Outcome schema() {
    const json::value& doc = kind_.params_schema.json();
    if (!doc.is_object()) return {false, "the schema must be a JSON object"};
    const json::object& root = doc.as_object();
    const json::value* type = root.if_contains("type");
    if (!type || *type != "object") return {false, "the schema needs \"type\": \"object\""};
    const json::value* props = root.if_contains("properties");
    if (props && !props->is_object()) return {false, "\"properties\" must be an object"};
    size_t count = props ? props->as_object().size() : 0;
    if (const json::value* seed = props ? props->as_object().if_contains("seed") : nullptr) {
      const json::value* t = seed->is_object() ? seed->as_object().if_contains("type") : nullptr;
      if (!t || *t != "integer") {
        return {false,
                "seed: the host hands each fault an integer seed; declare it "
                "{\"type\":\"integer\",\"default\":0}"};
      }
    }
    return {true, "draft 7, type object, " + std::to_string(count) +
                      (count == 1 ? " property" : " properties")};
  }

  Outcome params() {
    auto built = sample_params(kind_.params_schema, overrides_);
    if (!built) {
      // Name this kind in the advice, so it can be pasted as it is.
      std::string advice = built.status().message();
      const std::string generic = "--params KIND=";
      for (size_t at; (at = advice.find(generic)) != std::string::npos;) {
        advice.replace(at, generic.size(), "--params " + kind_.name + "=");
      }
      return {false, advice};
    }
    params_ = json::serialize(built.value());
    good_ = built.value();
    return {true, params_};
  }

  Outcome bad_params_rejected() {
    if (params_.empty()) return {false, "not run: no working parameters"};
    const auto bad = bad_params(kind_.params_schema, good_);
    if (bad.empty()) {
      return {false,
              "the schema constrains nothing: give properties a \"type\" (and "
              "\"additionalProperties\": false) so the host can reject bad parameters"};
    }
    std::string example;
    for (const auto& [field, params] : bad) {
      const auto errors = kind_.params_schema.errors(params);
      if (errors.empty()) return {false, "the schema accepts " + json::serialize(params)};
      if (errors.front().find(field) == std::string::npos) {
        return {false, "the message for a bad '" + field + "' does not name it: " + errors.front()};
      }
      if (example.empty()) example = errors.front();
    }
    // The host never sends these to create, but a plugin must not crash on them either.
    sdk::FakeFault f = host_.create_raw(kind_.name, json::serialize(bad.front().second));
    std::string plugin_side;
    if (f.ok()) {
      plugin_side = "create accepted it (allowed: the host validates first)";
    } else if (f.created().message.empty()) {
      return {false, "create refused " + json::serialize(bad.front().second) + " with no message"};
    } else {
      plugin_side = "create refused it: " + f.created().message;
    }
    return {true, "schema rejects " + std::to_string(bad.size()) + " (e.g. " + example + "); " +
                      plugin_side};
  }

  void lifecycle() {
    sdk::FakeFault fault = create();
    check("create", [&] {
      return fault.ok() ? Outcome{true, ""} : Outcome{false, explain(fault.created())};
    });
    if (!fault.ok()) {
      check("lifecycle", [] { return Outcome{false, "not run: create failed"}; });
      return;
    }
    check("status before start", [&] { return expect_object(fault.status()); });
    check("stop without start", [&] { return timed([&] { return expect_ok(fault.stop()); }); });
    bool started = false;
    check("start", [&] {
      Outcome o = timed([&] { return expect_ok(fault.start()); });
      started = o.ok;
      if (!o.ok && overrides_.empty()) {
        o.detail +=
            " (a kind that needs a real target may need --params " + kind_.name + "='{...}')";
      }
      return o;
    });
    check("status while running", [&] {
      return started ? expect_object(fault.status()) : Outcome{false, "not run: start failed"};
    });
    check("update", [&] {
      if (!kind_.has_update()) return Outcome{true, "not offered (optional)"};
      return timed([&] { return expect_ok(fault.update(params_)); });
    });
    check("stop", [&] { return timed([&] { return expect_ok(fault.stop()); }); });
    check("stop twice", [&] { return timed([&] { return expect_ok(fault.stop()); }); });
    check("status after stop", [&] { return expect_object(fault.status()); });
    check("destroy", [&] {
      return timed([&] {
        fault.destroy();
        return Outcome{true, ""};
      });
    });
    check("destroy while running", [&] {
      sdk::FakeFault f = create();
      if (!f.ok()) return Outcome{false, "create: " + explain(f.created())};
      const CallResult s = f.start();
      if (!s.ok()) return Outcome{false, "start: " + explain(s)};
      return timed([&] {
        f.destroy();
        return Outcome{true, ""};
      });
    });
    check("destroy without start", [&] {
      sdk::FakeFault f = create();
      if (!f.ok()) return Outcome{false, "create: " + explain(f.created())};
      return timed([&] {
        f.destroy();
        return Outcome{true, ""};
      });
    });
    check("recover", [&] {
      if (!kind_.has_recover()) return Outcome{true, "not offered (optional)"};
      Outcome first = expect_ok(host_.recover(kind_.name, params_));
      if (!first.ok) return first;
      Outcome again = expect_ok(host_.recover(kind_.name, params_));
      if (!again.ok) again.detail = "a second recover (it must be idempotent): " + again.detail;
      return again.ok ? Outcome{true, "twice, idempotent"} : again;
    });
  }

  Outcome callbacks() {
    // A plugin thread that outlives destroy shows itself within a moment.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const sdk::Records r = host_.records();
    if (!r.problems.empty()) return {false, r.problems.front()};
    return {true, std::to_string(r.logs.size()) + " logs, " + std::to_string(r.metrics.size()) +
                      " metrics, " + std::to_string(r.events.size()) + " events"};
  }

  const FaultKind& kind_;
  const json::object& overrides_;
  Reporter& out_;
  sdk::FakeHost host_;
  std::string params_;  // the working parameters as JSON text; empty until built
  json::object good_;
};

}  // namespace

void run_kind_checks(const std::string& path, const FaultKind& kind, const json::object& overrides,
                     Reporter& out) {
  KindChecker checker(path, kind, overrides, out);
  checker.run();
}

}  // namespace chaos::plugin_host::conformance
