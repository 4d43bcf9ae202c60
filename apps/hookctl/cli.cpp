#include "cli.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "commands.hpp"
#include "docs.hpp"
#include "hookctl/crypto/crypto.hpp"
#include "hookctl/http/version.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"
#include "settings.hpp"

#ifndef HOOKCTL_VERSION
#define HOOKCTL_VERSION "0.0.0"
#endif
#ifndef HOOKCTL_COMMIT
#define HOOKCTL_COMMIT "unknown"
#endif

namespace hookctl::app {
namespace {

// The exit codes of CLI.md, in one place.
int exit_code(Errc code) {
  switch (code) {
  case Errc::usage:
  case Errc::input: return 2;
  case Errc::environment: return 3;
  case Errc::negative: return 1;
  case Errc::internal: return 70;
  }
  return 70;
}

// CLI11's "Could not convert: --port = abc" as "invalid value 'abc' for --port (expected a number)".
std::optional<std::string> conversion_message(std::string_view what) {
  constexpr std::string_view k_prefix = "Could not convert: ";
  if (!what.starts_with(k_prefix)) return std::nullopt;
  what.remove_prefix(k_prefix.size());
  const size_t eq = what.find(" = ");
  if (eq == std::string_view::npos) return std::nullopt;
  return fmt::format("invalid value '{}' for {} (expected a number in range)", what.substr(eq + 3), what.substr(0, eq));
}

std::string version_text() {
  return fmt::format("hookctl {} (commit {})\n{}\ncpp-httplib {}", HOOKCTL_VERSION, HOOKCTL_COMMIT,
                     crypto::openssl_version(), http::httplib_version());
}

// The key material on the command line and in the environment, to be masked in any message: the
// values of the options settings.cpp calls secret (the one list), as flags and as HOOKCTL_ variables.
std::vector<std::string> secret_values(const CLI::App& root, const std::vector<std::string>& args, Context& ctx) {
  std::vector<std::string> flags;
  std::vector<std::string> envs;
  for (const CLI::App* app : root.get_subcommands([](const CLI::App*) { return true; }))
    for (const auto* o : app->get_options())
      if (secret_option(*o)) {
        flags.push_back("--" + config_key(*o));
        envs.push_back(env_name(*o));
      }
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i)
    for (const auto& opt : flags) {
      if (args[i] == opt && i + 1 < args.size()) out.push_back(args[i + 1]);
      if (args[i].starts_with(opt + "=")) out.push_back(args[i].substr(opt.size() + 1));
    }
  if (ctx.getenv)
    for (const auto& name : envs)
      if (auto v = ctx.getenv(name)) out.push_back(*v);
  std::erase_if(out, [](const std::string& v) { return v.size() < 3; }); // "a" would mask every a
  return out;
}

// The message for arguments CLI11 could not place. Option names are shown; other values are only
// counted, since a value in the wrong place is often a secret whose option name was forgotten.
std::string extras_message(const std::vector<std::string>& extras) {
  std::vector<std::string> names;
  size_t values = 0;
  for (const auto& a : extras) {
    if (a.starts_with("--"))
      names.push_back(a.substr(0, a.find('=')));
    else if (a.starts_with("-") && a.size() > 1)
      names.push_back(a.substr(0, 2));
    else
      ++values;
  }
  std::string text;
  if (!names.empty()) text = fmt::format("unknown option {}", fmt::join(names, ", "));
  if (values > 0)
    text += fmt::format("{}{} unexpected value{} (not shown, it may be a secret; is an option name such as "
                        "--secret or --data missing before it?)",
                        text.empty() ? "" : "; ", values, values == 1 ? "" : "s");
  return text.empty() ? "unexpected arguments" : text;
}

// "did you mean --provider?" for the first unknown long option among `extras` that is a small edit
// away from (or the start of) one of `cmd`'s options (global ones included).
std::optional<std::string> nearest_option(const CLI::App& cmd, const std::vector<std::string>& extras) {
  std::vector<std::string> names;
  for (const CLI::App* a = &cmd; a != nullptr; a = a->get_parent())
    for (const auto* opt : a->get_options())
      for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
  for (const auto& x : extras) {
    if (!x.starts_with("--")) continue;
    const std::string typed = x.substr(0, x.find('='));
    if (!util::echoable(typed.substr(2))) continue;
    if (std::find(names.begin(), names.end(), typed) != names.end() && cmd.get_parent() != nullptr)
      return fmt::format("{} is an option of 'hookctl {}': put it after the command name", typed, cmd.get_name());
    if (const auto best = util::closest_name(typed, names))
      return fmt::format("did you mean {}? (run 'hookctl {}--help' for every option)", *best,
                         cmd.get_parent() == nullptr ? "" : cmd.get_name() + " ");
  }
  return std::nullopt;
}

// The index of the command word in `args`: global options take no value but --color, --config and
// --profile, so the first other word that is not a flag names the command.
std::optional<size_t> command_index(const std::vector<std::string>& args) {
  auto takes_value = [](const std::string& a) { return a == "--color" || a == "--config" || a == "--profile"; };
  size_t i = 0;
  while (i < args.size() && (args[i].starts_with("-") || (i > 0 && takes_value(args[i - 1])))) ++i;
  if (i == args.size() || (i > 0 && args[i - 1] == "--")) return std::nullopt;
  return i;
}

// Whether an option as typed ("-p", "--provider") may be repeated back: its name after the dashes
// is echoable (a lone "-" or "---" has none).
bool option_shown(std::string_view typed) {
  const size_t name = typed.find_first_not_of('-');
  return name != std::string_view::npos && util::echoable(typed.substr(name));
}

// Reports a first word that names no command (CLI11 would only say a subcommand is required).
using ErrorFn = std::function<void(std::string_view, std::string_view)>;
std::optional<int> check_command_name(const std::vector<std::string>& args, const std::vector<std::string>& names,
                                      const ErrorFn& error) {
  const auto at = command_index(args);
  if (!at) return std::nullopt;
  const std::string& word = args[*at];
  if (std::find(names.begin(), names.end(), word) != names.end()) return std::nullopt;
  std::string hint = "run 'hookctl --help' for the list of commands";
  // The hint names a command, not the word: it is given for words not repeated back too ("Send").
  if (const auto near = util::closest_name(util::to_lower(word), names); near && word.size() <= 32)
    hint = fmt::format("did you mean 'hookctl {}'?", *near);
  // `hookctl -p github sign`: the word is an option's value, and the command comes later.
  const auto later =
      std::find_first_of(args.begin() + static_cast<std::ptrdiff_t>(*at) + 1, args.end(), names.begin(), names.end());
  if (*at > 0 && args[*at - 1].starts_with("-") && later != args.end())
    hint = fmt::format("a command's options go after its name: 'hookctl {} {} ...'", *later,
                       option_shown(args[*at - 1]) ? args[*at - 1] : "");
  error(util::echoable(word) ? fmt::format("unknown command '{}'", word) : "unknown command (not shown)", hint);
  return 2;
}

// Rules for every command's options: repeatable options take one value each time; durations and
// sizes are checked while parsing, so that a bad one from a config file or a HOOKCTL_* variable is
// reported with where it came from.
void check_units(CLI::App& root) {
  static const std::vector<std::string> durations = {"tolerance",    "delay",       "timeout",         "read-timeout",
                                                     "backoff",      "backoff-max", "connect-timeout", "duration",
                                                     "case-timeout", "max-latency"};
  const CLI::Validator duration(
      [](std::string& v) {
        auto d = util::parse_duration(v);
        return d ? std::string() : d.error().message;
      },
      "", "duration");
  const CLI::Validator size(
      [](std::string& v) {
        auto n = util::parse_size(v);
        return n ? std::string() : n.error().message;
      },
      "", "size");
  for (auto* cmd : root.get_subcommands([](CLI::App*) { return true; }))
    for (auto* o : cmd->get_options()) {
      // A repeatable option takes one value per occurrence: `--secret s URL` leaves URL positional.
      if (!o->get_positional() && o->get_expected_max() > 1) o->allow_extra_args(false);
      if (o->get_lnames().empty()) continue;
      const auto& name = o->get_lnames().front();
      if (std::find(durations.begin(), durations.end(), name) != durations.end()) o->check(duration);
      if (name == "max-body") o->check(size);
    }
}

} // namespace

struct Cli::Impl {
  explicit Impl(Context& c) : ctx(c) {}
  Context& ctx;
  Globals globals;
  CLI::App app{"hookctl: sign, send, receive, replay and fuzz webhooks, offline", "hookctl"};
  std::vector<Command> commands;
};

Cli::Cli(Context& ctx) : m_impl(std::make_unique<Impl>(ctx)) {
  auto& app = m_impl->app;
  auto& g = m_impl->globals;
  app.set_version_flag("--version", version_text, "Print version, commit, OpenSSL and cpp-httplib versions");
  app.add_flag("--no-color", g.no_color, "Never use colors (as --color never)");
  app.add_option("--color", g.color, "Colors: auto (a terminal, unless NO_COLOR or TERM=dumb), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_option("--config", g.config,
                 "Read option values from this TOML file (before ./.hookctl.toml and the user's config)")
      ->type_name("FILE");
  app.add_option("--profile", g.profile, "Use the [profile.NAME] section of the config files")->type_name("NAME");
  app.add_flag("-q,--quiet", g.quiet, "Print only results and errors");
  app.add_flag("-v,--verbose", g.verbose, "Print more detail");
  app.require_subcommand(1);
  app.fallthrough(); // global flags also work after the subcommand
  app.footer(help_footer("") + "Run 'hookctl <command> --help' for a command's options.\n");
  m_impl->commands.push_back(register_providers(app, g, ctx));
  m_impl->commands.push_back(register_sign(app, g, ctx));
  m_impl->commands.push_back(register_verify(app, g, ctx));
  m_impl->commands.push_back(register_keygen(app, g, ctx));
  m_impl->commands.push_back(register_catalog(app, g, ctx));
  m_impl->commands.push_back(register_send(app, g, ctx));
  m_impl->commands.push_back(register_listen(app, g, ctx));
  m_impl->commands.push_back(register_replay(app, g, ctx));
  m_impl->commands.push_back(register_fuzz(app, g, ctx));
  m_impl->commands.push_back(register_completion(app, g, ctx));
  m_impl->commands.push_back(register_man(app, g, ctx));
  m_impl->commands.push_back(register_config(app, g, ctx));
  check_units(app);
}

Cli::~Cli() = default;

CLI::App& Cli::app() { return m_impl->app; }

int Cli::run(const std::vector<std::string>& typed) {
  auto& ctx = m_impl->ctx;
  auto& app = m_impl->app;
  std::vector<std::string> args = typed;
  auto secrets = secret_values(app, args, ctx);
  auto& g = m_impl->globals;
  // Before the flags are parsed (a parse error), errors follow --color/--no-color as typed, and the
  // environment.
  std::string mode = "auto";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--no-color") mode = "never";
    if (args[i] == "--color" && i + 1 < args.size()) mode = args[i + 1];
    if (args[i].starts_with("--color=")) mode = args[i].substr(8);
  }
  g.color_err = use_color(mode, false, ctx.stderr_tty, ctx);
  auto error = [&](std::string_view message, std::string_view hint) {
    *ctx.err << redact(fmt::format("{} {}\n", paint("hookctl: error:", Paint::red, g.color_err), message), secrets);
    if (!hint.empty()) *ctx.err << "hint: " << hint << "\n";
  };
  try {
    std::vector<std::string> names;
    for (const auto& cmd : m_impl->commands) names.push_back(cmd.app->get_name());
    if (auto code = check_command_name(args, names, error)) return *code;
    // Values from HOOKCTL_* variables and config files join the command line after the command word.
    Resolution settings;
    // --help and --version work even when a config file is broken.
    const bool asks_help = std::any_of(args.begin(), args.end(), [](const std::string& a) {
      return a == "--help" || a == "-h" || a == "--help-all" || a == "--version";
    });
    // Completion scripts and man pages are the same for everyone: no config applies to them.
    if (auto at = command_index(args); at && !asks_help && args[*at] != "completion" && args[*at] != "man") {
      const CLI::App* cmd = app.get_subcommand(args[*at]);
      auto resolved = resolve(app, cmd, args, ctx);
      if (!resolved) {
        error(resolved.error().message, "see 'hookctl config show' and the CONFIGURATION section of hookctl(1)");
        return 2;
      }
      settings = std::move(*resolved);
      for (const auto& w : unknown_variables(app, ctx))
        *ctx.err << paint("hookctl: warning:", Paint::yellow, g.color_err) << " " << w << "\n";
      args = with_settings(args, *at, settings);
      secrets = secret_values(app, args, ctx);
    }
    g.args = typed;
    std::vector<const char*> argv{"hookctl"};
    for (const auto& a : args) argv.push_back(a.c_str());
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e, *ctx.out, *ctx.err);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e, *ctx.out, *ctx.err);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e, *ctx.out, *ctx.err);
    } catch (const CLI::ParseError& e) {
      // CLI11 would exit with 100-114; CLI.md says usage errors are 2.
      std::string where;
      for (const auto* sub : app.get_subcommands()) where = sub->get_name();
      std::string hint = fmt::format("run 'hookctl {}--help'", where.empty() ? "" : where + " ");
      const auto extras = app.remaining(true);
      const bool unknown_option =
          std::any_of(extras.begin(), extras.end(), [](const std::string& a) { return a.starts_with("-"); });
      // An unknown option explains a missing required one (`--provder x` leaves --provider unset).
      if (dynamic_cast<const CLI::ExtrasError*>(&e) || unknown_option) {
        if (auto near = nearest_option(where.empty() ? app : *app.get_subcommand(where), extras)) hint = *near;
        error(extras_message(extras), hint);
      } else if (where.empty() && e.get_name() == "RequiredError")
        error("no command given", hint);
      else {
        std::string message = conversion_message(e.what()).value_or(e.what());
        error(blame(settings, message).value_or(message), hint);
      }
      return 2;
    }
    g.color_out = use_color(g.color, g.no_color, ctx.stdout_tty, ctx);
    g.color_err = use_color(g.color, g.no_color, ctx.stderr_tty, ctx);
    for (const auto& cmd : m_impl->commands) {
      if (!cmd.app->parsed()) continue;
      auto result = cmd.run();
      if (!result) {
        error(blame(settings, result.error().message).value_or(result.error().message), "");
        return exit_code(result.error().code);
      }
      // A full disk or a closed pipe must not pass for success.
      errno = 0;
      ctx.out->flush();
      if (!*ctx.out) {
        error(fmt::format("cannot write the output{}", errno != 0 ? fmt::format(": {}", std::strerror(errno)) : ""),
              "");
        return 3;
      }
      return *result;
    }
    error("no command given", "run 'hookctl --help'");
    return 2;
  } catch (const std::exception& e) {
    *ctx.err << redact(fmt::format("hookctl: internal error: {}\n", e.what()), secrets);
    return 70;
  }
}

int run_cli(const std::vector<std::string>& args, Context& ctx) {
  try {
    Cli cli(ctx);
    return cli.run(args);
  } catch (const std::exception& e) {
    *ctx.err << fmt::format("hookctl: internal error: {}\n", e.what());
    return 70;
  }
}

} // namespace hookctl::app
