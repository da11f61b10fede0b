#include "plugin_host/fault_instance.h"

#include <boost/json.hpp>

// The opaque context type the C ABI passes back to our callbacks.
struct chaos_host_ctx {
  chaos::plugin_host::FaultSink* sink;
  std::string fault_name;
  const chaos::TargetAllowlist* allowlist = nullptr;  // nullptr: loopback only
};

struct chaos::plugin_host::FaultInstance::HostContext : chaos_host_ctx {};

namespace chaos::plugin_host {

namespace {

// A chaos_writer that appends into a std::string.
struct StringWriter {
  std::string text;
  chaos_writer writer{this, [](void* ctx, const char* data, size_t len) {
                        if (data && len) static_cast<StringWriter*>(ctx)->text.append(data, len);
                      }};
};

void on_log(chaos_host_ctx* ctx, chaos_log_level level, const char* msg, size_t len) {
  if (ctx && msg) ctx->sink->fault_log(ctx->fault_name, level, std::string(msg, len));
}
void on_metric(chaos_host_ctx* ctx, const char* name, size_t len, double value, int64_t unix_ms) {
  if (ctx && name) ctx->sink->fault_metric(ctx->fault_name, std::string(name, len), value, unix_ms);
}
void on_event(chaos_host_ctx* ctx, const char* kind, size_t kind_len, const char* detail,
              size_t detail_len) {
  if (!ctx || !kind) return;
  std::string detail_json = detail && detail_len ? std::string(detail, detail_len) : "{}";
  ctx->sink->fault_event(ctx->fault_name, std::string(kind, kind_len), std::move(detail_json));
}

chaos_status on_check_target(chaos_host_ctx* ctx, const char* host, size_t host_len,
                             const char* address, size_t address_len, chaos_writer* reason) {
  static const TargetAllowlist kDefault = TargetAllowlist::loopback_only();
  if (!address) return CHAOS_ERR_INVALID_PARAMS;
  const std::string_view a(address, address_len);
  const std::string_view h = host && host_len ? std::string_view(host, host_len) : a;
  const TargetAllowlist& list = ctx && ctx->allowlist ? *ctx->allowlist : kDefault;
  const Status st = list.check(h, a);
  if (st) return CHAOS_OK;
  if (reason && reason->append)
    reason->append(reason->ctx, st.message().data(), st.message().size());
  return CHAOS_ERR_INVALID_PARAMS;
}

const chaos_host_api kHostApi{sizeof(chaos_host_api), on_log, on_metric, on_event, on_check_target};

Status to_status(chaos_status code, const std::string& what, const StringWriter& error) {
  if (code == CHAOS_OK) return Status::ok();
  std::string msg = what + (error.text.empty() ? " failed (plugin gave no reason)" : ": " + error.text);
  if (code == CHAOS_ERR_INVALID_PARAMS) return Status::invalid_argument(msg);
  return Status::failed(msg);
}

}  // namespace

const chaos_host_api* host_api() { return &kHostApi; }

FaultInstance::FaultInstance(const FaultKind& kind, std::string name)
    : kind_(kind), name_(std::move(name)) {}

Result<std::unique_ptr<FaultInstance>> FaultInstance::create(const FaultKind& kind,
                                                             std::string name,
                                                             const boost::json::value& params,
                                                             FaultSink& sink,
                                                             const TargetAllowlist* allowlist) {
  std::unique_ptr<FaultInstance> instance(new FaultInstance(kind, std::move(name)));
  instance->ctx_ = std::make_unique<HostContext>();
  instance->ctx_->sink = &sink;
  instance->ctx_->allowlist = allowlist;
  instance->ctx_->fault_name = instance->name_;
  const std::string text = boost::json::serialize(params);
  StringWriter error;
  chaos_fault* fault = nullptr;
  chaos_status code = kind.abi->create(&kHostApi, instance->ctx_.get(), text.data(), text.size(),
                                       &fault, &error.writer);
  if (code != CHAOS_OK || !fault) {
    if (code == CHAOS_OK) error.text = "plugin returned no fault";
    return to_status(code == CHAOS_OK ? CHAOS_ERR_FAILED : code, kind.name + " create", error);
  }
  instance->fault_ = fault;
  return instance;
}

FaultInstance::~FaultInstance() {
  if (fault_) kind_.abi->destroy(fault_);
}

Status FaultInstance::start() {
  StringWriter error;
  Status st = to_status(kind_.abi->start(fault_, &error.writer), kind_.name + " start", error);
  if (st) active_ = true;
  return st;
}

Status FaultInstance::stop() {
  StringWriter error;
  Status st = to_status(kind_.abi->stop(fault_, &error.writer), kind_.name + " stop", error);
  active_ = false;  // a failed stop is reported, but the fault is not retried forever
  return st;
}

Status FaultInstance::update(const boost::json::value& params) {
  if (!kind_.has_update()) {
    return Status::invalid_argument("fault kind '" + kind_.name + "' cannot change while running");
  }
  const std::string text = boost::json::serialize(params);
  StringWriter error;
  return to_status(kind_.abi->update(fault_, text.data(), text.size(), &error.writer),
                   kind_.name + " update", error);
}

Result<std::string> FaultInstance::status_json() {
  StringWriter out, error;
  Status st = to_status(kind_.abi->status(fault_, &out.writer, &error.writer),
                        kind_.name + " status", error);
  if (!st) return st;
  return out.text;
}

}  // namespace chaos::plugin_host

namespace chaos::plugin_host {

Status recover_fault(const FaultKind& kind, const std::string& fault_name,
                     const std::string& params_json, FaultSink& sink) {
  if (!kind.has_recover()) return Status::not_found(kind.name + " has nothing to recover");
  chaos_host_ctx ctx{&sink, fault_name};
  StringWriter error;
  return to_status(kind.abi->recover(&kHostApi, &ctx, params_json.data(), params_json.size(),
                                     &error.writer),
                   kind.name + " recover", error);
}

}  // namespace chaos::plugin_host
