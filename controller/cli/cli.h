#pragma once
// The chaosctl command line: parses arguments and runs one command. Returns the exit code.
namespace chaos::cli {
int run_cli(int argc, char** argv);
}  // namespace chaos::cli
