#pragma once
// Option values from outside the command line: HOOKCTL_* environment variables and TOML config
// files. Precedence, highest first: flags > HOOKCTL_<OPTION> > --config FILE > ./.hookctl.toml >
// $XDG_CONFIG_HOME/hookctl/config.toml. Within one file, the selected [profile.NAME] section beats
// the command's [COMMAND] section, which beats the top-level keys.

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "context.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::app {

// Where an option's value came from.
struct Source {
  enum class Kind { flag, env, file, default_value };
  Kind kind = Kind::default_value;
  std::string env;  // Kind::env: the variable's name
  std::string path; // Kind::file: the file as found (./.hookctl.toml, a --config path, ...)
  size_t line = 0;  // Kind::file

  // "flag", "env HOOKCTL_X", "file PATH:LINE" or "default".
  std::string describe() const;
};

// One option's effective value(s), outside the command line.
struct Setting {
  const CLI::Option* option = nullptr;
  std::string key; // the option's long name without dashes ("provider", "secret-file", "url")
  std::vector<std::string> values;
  bool flag = false; // a flag: values holds "true" or "false"
  Source source;
};

// What the environment and config files give one command.
struct Resolution {
  std::vector<Setting> settings;     // one per option set outside the command line, in option order
  std::vector<std::string> files;    // the config files read, highest precedence first
  std::vector<std::string> sections; // the [COMMAND] sections that set something, in file order
  std::optional<std::string> profile;
};

// The key an option answers to in config files ("provider", "url"); empty when it has none
// (--help, --version, positionals other than the URL).
std::string config_key(const CLI::Option& option);

// The environment variable of an option: HOOKCTL_ and its key in capitals, '-' as '_'
// ("HOOKCTL_SECRET_FILE"); empty when it has none.
std::string env_name(const CLI::Option& option);

// Whether an option takes no value (a flag: true or false in a config file).
bool is_flag(const CLI::Option& option);
// Whether an option takes several values (repeated on the command line, an array in a file).
bool is_multi(const CLI::Option& option);

// Variables set in the environment that start with HOOKCTL_ but name no option of any command,
// each as a one-line warning naming the closest known variable ("HOOKCTL_SECRT is not a hookctl
// variable; did you mean HOOKCTL_SECRET?"). Values are never read. HOOKCTL_TEST_* is reserved for
// hookctl's own test suite and left alone.
std::vector<std::string> unknown_variables(const CLI::App& root, const Context& ctx);

// Whether an option's values are key material, never shown (secret, private-key).
bool secret_option(const CLI::Option& option);

// The options of `cmd` (may be null: the global ones only) that `args` (the whole command line,
// without the program name) gives, as their config keys.
std::vector<std::string> given_keys(const CLI::App& root, const CLI::App* cmd, const std::vector<std::string>& args);

// Reads the environment and the config files for `cmd` (null: the global options only), leaving
// out what `args` gives. Every config file is checked whole: an unknown section or key, or a value
// of the wrong type, is Errc::usage naming FILE:LINE and the key. `--config`/`--profile` are read
// from `args`, else HOOKCTL_CONFIG/HOOKCTL_PROFILE.
Result<Resolution> resolve(const CLI::App& root, const CLI::App* cmd, const std::vector<std::string>& args,
                           const Context& ctx);

// `args` with the resolution's values inserted as `--key=value` right after the command word at
// `command_at` (a URL from outside the command line goes last, before any `--`).
std::vector<std::string> with_settings(const std::vector<std::string>& args, size_t command_at, const Resolution& r);

// When a parse error `message` is about an option whose value came from the environment or a file,
// the message rewritten to name that source ("./.hookctl.toml:3: key 'port': ..."); else nullopt.
std::optional<std::string> blame(const Resolution& r, std::string_view message);

} // namespace hookctl::app
