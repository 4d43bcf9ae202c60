#pragma once
// Hand-written prose beside the CLI model: long descriptions, examples and exit status per
// command. `--help` footers and the man pages both read it.

#include <string>
#include <string_view>
#include <vector>

namespace hookctl::app {

// One example: what it does and the command line.
struct Example {
  std::string_view what;
  std::string_view command;
};

// The prose of one command (`name` "" is hookctl itself).
struct CommandDoc {
  std::string_view name;
  std::string_view description;
  std::vector<Example> examples;
  std::string_view exit_status;
};

// The prose of command `name`; hookctl(1)'s for an unknown name.
const CommandDoc& command_doc(std::string_view name);

// The JSON that `--json` prints for command `name` (field names and meaning), for the man page's
// JSON OUTPUT section; empty for hookctl itself.
std::string_view json_doc(std::string_view name);

// hookctl(1)'s CONFIGURATION section: precedence, sections, profiles, an example file.
std::string_view configuration_doc();
// The example config file that follows it.
std::string_view configuration_example();

// The `--help` footer of command `name`: its examples and exit status.
std::string help_footer(std::string_view name);

} // namespace hookctl::app
