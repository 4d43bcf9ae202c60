#include "commands.hpp"

namespace hookctl::app {

Command register_catalog(CLI::App& root, Globals&, Context&) {
  auto* cmd = root.add_subcommand("catalog", "(being built)");
  return {cmd, [] { return Result<int>(make_error(Errc::usage, "catalog is not built yet")); }};
}

} // namespace hookctl::app
