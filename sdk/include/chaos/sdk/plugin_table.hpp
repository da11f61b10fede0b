// chaos/sdk/plugin_table.hpp — the machinery behind CHAOS_PLUGIN: the chaos_fault_kind table built
// from the fault classes, and the trampolines that turn every exception into a chaos_status and a
// message, so nothing throws across the C boundary. Not for direct use; see chaos/plugin.hpp.
#pragma once

#include <chaos/plugin.h>

#include <chaos/sdk/errors.hpp>
#include <chaos/sdk/fault.hpp>
#include <chaos/sdk/host.hpp>
#include <chaos/sdk/params.hpp>
#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace chaos::sdk {

namespace detail {

inline void write(chaos_writer* w, std::string_view s) noexcept {
  if (w && w->append && !s.empty()) w->append(w->ctx, s.data(), s.size());
}

// What chaos_fault* points to. Member order matters: the fault dies before its Host.
struct Instance {
  Host host;
  std::unique_ptr<Fault> fault;
};

inline Instance* instance(chaos_fault* f) noexcept { return reinterpret_cast<Instance*>(f); }

template <typename Fn>
chaos_status guarded(chaos_writer* error, Fn&& fn) noexcept {
  try {
    fn();
    return CHAOS_OK;
  } catch (const InvalidParams& e) {
    write(error, e.what());
    return CHAOS_ERR_INVALID_PARAMS;
  } catch (const StateError& e) {
    write(error, e.what());
    return CHAOS_ERR_STATE;
  } catch (const Unsupported& e) {
    write(error, e.what());
    return CHAOS_ERR_UNSUPPORTED;
  } catch (const std::exception& e) {
    write(error, e.what());
    return CHAOS_ERR_FAILED;
  } catch (...) {
    write(error, "unknown exception");
    return CHAOS_ERR_FAILED;
  }
}

inline Fault& require(chaos_fault* f) {
  if (!f || !instance(f)->fault) throw StateError("no fault instance");
  return *instance(f)->fault;
}

inline Params parse_params(const char* json, size_t len) {
  return Params::parse(json ? std::string_view(json, len) : std::string_view("{}"));
}

template <typename T>
chaos_status create(const chaos_host_api* api, chaos_host_ctx* ctx, const char* params_json,
                    size_t params_len, chaos_fault** out, chaos_writer* error) noexcept {
  if (!out) return guarded(error, [] { throw Error("create: out is NULL"); });
  *out = nullptr;
  return guarded(error, [&] {
    const Params params = parse_params(params_json, params_len);
    auto inst = std::make_unique<Instance>();
    inst->host = Host(api, ctx);
    std::unique_ptr<Fault> fault = T::create(inst->host, params);
    if (!fault) throw Error("create returned no fault");
    inst->fault = std::move(fault);
    *out = reinterpret_cast<chaos_fault*>(inst.release());
  });
}

inline chaos_status start(chaos_fault* f, chaos_writer* error) noexcept {
  return guarded(error, [&] { require(f).start(); });
}

inline chaos_status stop(chaos_fault* f, chaos_writer* error) noexcept {
  return guarded(error, [&] { require(f).stop(); });
}

inline chaos_status status(chaos_fault* f, chaos_writer* out_json, chaos_writer* error) noexcept {
  return guarded(error, [&] { write(out_json, require(f).status_json()); });
}

inline chaos_status update(chaos_fault* f, const char* params_json, size_t params_len,
                           chaos_writer* error) noexcept {
  return guarded(error, [&] { require(f).update(parse_params(params_json, params_len)); });
}

inline void destroy(chaos_fault* f) noexcept {
  if (!f) return;
  std::unique_ptr<Instance> inst(instance(f));
  if (!inst->fault) return;
  chaos_writer sink{
      &inst->host, [](void* ctx, const char* data, size_t len) {
        static_cast<Host*>(ctx)->warn("stop during destroy failed: " + std::string(data, len));
      }};
  (void)guarded(&sink, [&] { inst->fault->stop(); });
  inst->fault.reset();
}

template <typename T>
chaos_status recover(const chaos_host_api* api, chaos_host_ctx* ctx, const char* params_json,
                     size_t params_len, chaos_writer* error) noexcept {
  return guarded(error, [&] {
    Host host(api, ctx);
    T::recover(host, parse_params(params_json, params_len));
  });
}

template <typename T, typename = void>
struct HasRecover : std::false_type {};
template <typename T>
struct HasRecover<
    T, std::void_t<decltype(T::recover(std::declval<Host&>(), std::declval<const Params&>()))>>
    : std::true_type {};

// T::kCapabilities (CHAOS_KIND_* flags), when the kind declares any.
template <typename T, typename = void>
struct Capabilities {
  static constexpr uint64_t value = 0;
};
template <typename T>
struct Capabilities<T, std::void_t<decltype(T::kCapabilities)>> {
  static constexpr uint64_t value = T::kCapabilities;
};

// True when T overrides Fault::update (a member pointer to an inherited function has the base's
// class type).
template <typename T>
constexpr bool kOverridesUpdate =
    !std::is_same_v<decltype(&T::update), void (Fault::*)(const Params&)>;

template <typename T>
chaos_fault_kind make_kind() noexcept {
  static_assert(std::is_base_of_v<Fault, T>, "a fault kind must derive from chaos::sdk::Fault");
  static_assert(std::is_convertible_v<decltype(T::create(std::declval<Host&>(),
                                                         std::declval<const Params&>())),
                                      std::unique_ptr<Fault>>,
                "T::create(Host&, const Params&) must return std::unique_ptr<T>");
  chaos_fault_kind k{};
  k.struct_size = sizeof(chaos_fault_kind);
  k.name = T::kName;
  k.summary = T::kSummary;
  k.params_schema = T::kSchema;
  k.create = &create<T>;
  k.start = &start;
  k.stop = &stop;
  k.status = &status;
  k.destroy = &destroy;
  if constexpr (kOverridesUpdate<T>) k.update = &update;
  if constexpr (HasRecover<T>::value) k.recover = &recover<T>;
  k.capabilities = Capabilities<T>::value;
  return k;
}

constexpr bool same_name(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

template <typename... Kinds>
constexpr bool unique_names() {
  const char* names[] = {Kinds::kName...};
  for (size_t i = 0; i < sizeof...(Kinds); ++i)
    for (size_t j = i + 1; j < sizeof...(Kinds); ++j)
      if (same_name(names[i], names[j])) return false;
  return true;
}

template <typename... Kinds>
const chaos_plugin* plugin_table(const char* name, const char* version,
                                 const char* description) noexcept {
  static_assert(sizeof...(Kinds) > 0, "a plugin needs at least one fault kind");
  static_assert(unique_names<Kinds...>(), "two fault kinds share a kName");
  static const chaos_fault_kind kinds[] = {make_kind<Kinds>()...};
  static const chaos_plugin plugin = {sizeof(chaos_plugin),
                                      CHAOS_ABI_MAJOR,
                                      CHAOS_ABI_MINOR,
                                      name,
                                      version,
                                      description,
                                      sizeof...(Kinds),
                                      kinds};
  return &plugin;
}

}  // namespace detail
}  // namespace chaos::sdk

// Defines the ABI stamp and the exported chaos_plugin_entry. Use once, at global scope.
#define CHAOS_PLUGIN(plugin_name, plugin_version, plugin_description, ...)              \
  CHAOS_PLUGIN_STAMP();                                                                 \
  extern "C" CHAOS_EXPORT const chaos_plugin* chaos_plugin_entry(void);                 \
  extern "C" const chaos_plugin* chaos_plugin_entry(void) {                             \
    return ::chaos::sdk::detail::plugin_table<__VA_ARGS__>(plugin_name, plugin_version, \
                                                           plugin_description);         \
  }
