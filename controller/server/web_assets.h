#pragma once
// The UI's files from web/ (and the vendored uPlot), embedded at build time by
// embed_web_assets.cmake into a generated source. Immutable; any thread.

#include <span>
#include <string_view>

namespace chaos::server {

struct WebAsset {
  std::string_view path;  // as served, e.g. "/app.js"
  std::string_view content_type;
  std::string_view bytes;
};

std::span<const WebAsset> web_assets();

}  // namespace chaos::server
