#pragma once
// One registration function per subcommand (cmd_<name>.cpp).

#include "common.hpp"

namespace hookctl::app {

Command register_providers(CLI::App& root, Globals& globals, Context& ctx);
Command register_sign(CLI::App& root, Globals& globals, Context& ctx);
Command register_verify(CLI::App& root, Globals& globals, Context& ctx);
Command register_keygen(CLI::App& root, Globals& globals, Context& ctx);
Command register_catalog(CLI::App& root, Globals& globals, Context& ctx);
Command register_send(CLI::App& root, Globals& globals, Context& ctx);
Command register_listen(CLI::App& root, Globals& globals, Context& ctx);
Command register_replay(CLI::App& root, Globals& globals, Context& ctx);
Command register_fuzz(CLI::App& root, Globals& globals, Context& ctx);
Command register_completion(CLI::App& root, Globals& globals, Context& ctx);
Command register_man(CLI::App& root, Globals& globals, Context& ctx);
Command register_config(CLI::App& root, Globals& globals, Context& ctx);

} // namespace hookctl::app
