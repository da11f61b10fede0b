#pragma once
// --port-file support: after binding (possibly to port 0), a service writes the port it got,
// so tests and scripts learn it without racing for a fixed port.

#include <string>

#include "common/status.h"

namespace chaos::demo {

// Writes "<port>\n" to `path` atomically (temporary file, then rename), so a reader polling
// for the file never sees it half-written.
Status write_port_file(const std::string& path, unsigned short port);

}  // namespace chaos::demo
