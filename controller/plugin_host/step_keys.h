// Keys the engine reads off a fault step itself (fault "kind" { duration = "10s", after = "5s",
// name = "db" }) and never passes to the kind: the prelude (engine/prelude.lua, STEP_KEYS and
// chaos.inject's options) must list the same ones. A kind that declared one as a parameter would
// silently get its default, so a schema declaring one is refused at load.
#pragma once

#include <array>
#include <string_view>

namespace chaos::plugin_host {

inline constexpr std::array<std::string_view, 3> kReservedStepKeys = {"duration", "after",
                                                                      "name"};

}  // namespace chaos::plugin_host
