// chaosctl: the command-line entry point. Everything lives in the core library.
#include <cstdio>
#include <exception>

#include "cli/cli.h"

int main(int argc, char** argv) {
  try {
    return chaos::cli::run_cli(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chaosctl: internal error: %s\n", e.what());
    return 70;
  }
}
