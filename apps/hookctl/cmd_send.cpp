#include "commands.hpp"

namespace hookctl::app {

Command register_send(CLI::App& root, Globals&, Context&) {
  auto* cmd = root.add_subcommand("send", "(being built)");
  return {cmd, [] { return Result<int>(make_error(Errc::usage, "send is not built yet")); }};
}

} // namespace hookctl::app
