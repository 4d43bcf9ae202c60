#include "settings.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/toml.hpp"

namespace hookctl::app {
namespace {

namespace toml = util::toml;

// Options that only the command line or the environment may set: a config file naming another
// config file, or choosing its own profile, would be circular.
constexpr std::string_view k_env_only[] = {"config", "profile"};
// Options that stand for one another: one given at a higher level keeps the others of its group
// from lower levels (a --secret flag and a secret-file in a profile would otherwise add up).
const std::vector<std::vector<std::string_view>> k_alternatives = {
    {"secret", "secret-file", "private-key"}, {"data", "event"}, {"color", "no-color"}};
// Largest config file read; a config file is a few lines.
constexpr size_t k_max_config_bytes = 1 << 20;

// A character of an option name, for finding one whole in a message.
bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool env_only(std::string_view key) {
  return std::find(std::begin(k_env_only), std::end(k_env_only), key) != std::end(k_env_only);
}

// The first-level commands of `root`.
std::vector<const CLI::App*> commands(const CLI::App& root) {
  return root.get_subcommands([](const CLI::App*) { return true; });
}

// The options of `app` that have a config key.
std::vector<const CLI::Option*> keyed_options(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return !config_key(*o).empty(); });
}

const CLI::Option* find_key(const CLI::App& app, std::string_view key) {
  for (const auto* o : keyed_options(app))
    if (config_key(*o) == key) return o;
  return nullptr;
}

// A config file as read, with where it was found.
struct File {
  std::string path;
  toml::Document doc;
};

// The section an entry sits in, and how strongly it binds: the selected profile 3, a command 2,
// top level 1; 0 when the entry does not apply to `cmd` (another command, another profile).
int rank(const toml::Entry& e, const CLI::App* cmd, const std::optional<std::string>& profile) {
  if (e.table.empty()) return 1;
  if (e.table.size() == 2 && e.table[0] == "profile") return profile && e.table[1] == *profile ? 3 : 0;
  if (e.table.size() == 1 && cmd != nullptr && e.table[0] == cmd->get_name()) return 2;
  return 0;
}

// " (did you mean 'NAME'?)" for the name of `names` closest to `typed`; empty when none is close.
std::string nearest(std::string_view typed, const std::vector<std::string>& names) {
  const auto best = util::closest_name(typed, names);
  return best ? fmt::format(" (did you mean '{}'?)", *best) : "";
}

// Checks every entry of `file` against the CLI model: known section, known key, a value of the
// option's type.
Result<void> check_file(const File& file, const CLI::App& root) {
  const auto cmds = commands(root);
  std::vector<std::string> cmd_names;
  for (const auto* c : cmds) cmd_names.push_back(c->get_name());
  auto at = [&](size_t line) { return fmt::format("{}:{}", file.path, line); };
  auto section_error = [&](const std::vector<std::string>& table, size_t line) -> Error {
    const std::string shown = toml::dotted(table);
    if (table[0] == "profile")
      return make_error(Errc::usage, fmt::format("{}: [{}]: a profile is one [profile.NAME] section", at(line), shown));
    return make_error(Errc::usage, fmt::format("{}: unknown section [{}]{}; sections are a command's name or "
                                               "profile.NAME",
                                               at(line), shown, nearest(table[0], cmd_names)));
  };
  for (const auto& h : file.doc.headers) {
    const bool profile = h.table[0] == "profile" && h.table.size() == 2;
    const bool command =
        h.table.size() == 1 && std::find(cmd_names.begin(), cmd_names.end(), h.table[0]) != cmd_names.end();
    if (!profile && !command) return section_error(h.table, h.line);
  }
  for (const auto& e : file.doc.entries) {
    // Which options the entry may name.
    std::vector<const CLI::App*> scope{&root};
    if (e.table.empty() || (e.table.size() == 2 && e.table[0] == "profile")) {
      scope.insert(scope.end(), cmds.begin(), cmds.end());
    } else if (e.table.size() == 1) {
      auto c = std::find_if(cmds.begin(), cmds.end(), [&](const CLI::App* a) { return a->get_name() == e.table[0]; });
      if (c == cmds.end()) return section_error(e.table, e.line);
      scope.push_back(*c);
    } else {
      return section_error(e.table, e.line);
    }
    const CLI::Option* opt = nullptr;
    std::vector<std::string> known;
    for (const auto* app : scope) {
      if (const auto* o = find_key(*app, e.key); o != nullptr && opt == nullptr) opt = o;
      for (const auto* o : keyed_options(*app)) known.push_back(config_key(*o));
    }
    const std::string where = e.table.empty() ? "" : fmt::format(" in [{}]", toml::dotted(e.table));
    const bool is_command = e.table.empty() && std::find(cmd_names.begin(), cmd_names.end(), e.key) != cmd_names.end();
    if (opt == nullptr && is_command)
      return make_error(Errc::usage, fmt::format("{}: '{}' is a command: its options go in a [{}] section", at(e.line),
                                                 e.key, e.key));
    if (opt == nullptr || env_only(e.key))
      return make_error(Errc::usage, fmt::format("{}: unknown key '{}'{}{}", at(e.line), toml::dotted({e.key}), where,
                                                 env_only(e.key) ? " (it is only read from the command line or the "
                                                                   "environment)"
                                                                 : nearest(e.key, known)));
    using T = toml::Value::Type;
    const auto& v = e.value;
    if (is_flag(*opt) && v.type != T::boolean)
      return make_error(Errc::usage, fmt::format("{}: key '{}': bad value, expected true or false (without quotes)",
                                                 at(e.line), e.key));
    if (!is_flag(*opt) && v.type == T::boolean)
      return make_error(Errc::usage, fmt::format("{}: key '{}': bad value, expected a string or a number, not {}",
                                                 at(e.line), e.key, v.text));
    if (v.type == T::array) {
      if (!is_multi(*opt))
        return make_error(Errc::usage,
                          fmt::format("{}: key '{}': bad value, expected one value, not an array", at(e.line), e.key));
      for (const auto& item : v.items)
        if (item.type == T::array)
          return make_error(Errc::usage,
                            fmt::format("{}: key '{}': bad value, expected an array of strings", at(e.line), e.key));
    }
  }
  return {};
}

Result<void> load(const std::string& path, std::vector<File>& files) {
  std::error_code ec;
  for (const auto& f : files)
    if (std::filesystem::equivalent(f.path, path, ec)) return {};
  HOOKCTL_TRY_ASSIGN(std::string text, read_file(path, fmt::format("the config file {}", path)));
  if (text.size() > k_max_config_bytes)
    return make_error(Errc::usage, fmt::format("the config file {} is larger than 1 MiB", path));
  auto doc = toml::parse(text, path);
  if (!doc) return make_error(Errc::usage, doc.error().message);
  files.push_back({path, std::move(*doc)});
  return {};
}

// The value of a global option `name` (--config, --profile) as typed in `args`.
std::optional<std::string> typed_value(const std::vector<std::string>& args, std::string_view name) {
  std::optional<std::string> out;
  const std::string flag = fmt::format("--{}", name);
  for (size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
    if (args[i] == flag && i + 1 < args.size())
      out = args[++i];
    else if (args[i].starts_with(flag + "="))
      out = args[i].substr(flag.size() + 1);
  }
  return out;
}

// Options that name a file to read, and those whose @FILE values do: in a config file their
// relative paths are relative to the file's folder (so a project file works from a subfolder, and
// the user's file can keep its secrets beside it). Output paths stay relative to the working
// directory, as on the command line.
constexpr std::string_view k_input_paths[] = {"secret-file", "tls-cert", "tls-key", "cacert"};
constexpr std::string_view k_at_paths[] = {"data", "private-key", "public-key"};

std::string relative_to(const std::string& file, const std::string& path, const Context& ctx) {
  if (path.starts_with("~/") && ctx.getenv)
    if (auto home = ctx.getenv("HOME"); home && !home->empty()) return *home + path.substr(1);
  if (path.empty() || path.starts_with("/")) return path;
  const auto dir = std::filesystem::path(file).parent_path();
  return dir.empty() || dir == "." ? path : (dir / path).string();
}

std::vector<std::string> entry_values(const toml::Entry& e, const std::string& file, const Context& ctx) {
  std::vector<std::string> out;
  if (e.value.type != toml::Value::Type::array)
    out.push_back(e.value.text);
  else
    for (const auto& item : e.value.items) out.push_back(item.text);
  const bool input = std::find(std::begin(k_input_paths), std::end(k_input_paths), e.key) != std::end(k_input_paths);
  const bool at = std::find(std::begin(k_at_paths), std::end(k_at_paths), e.key) != std::end(k_at_paths);
  for (auto& v : out) {
    if (input) v = relative_to(file, v, ctx);
    if (at && v.starts_with("@") && v != "@-") v = "@" + relative_to(file, v.substr(1), ctx);
  }
  return out;
}

} // namespace

std::string Source::describe() const {
  switch (kind) {
  case Kind::flag: return "flag";
  case Kind::env: return "env " + env;
  case Kind::file: return fmt::format("file {}:{}", path, line);
  case Kind::default_value: return "default";
  }
  return "default";
}

bool is_flag(const CLI::Option& o) { return o.get_expected_max() == 0; }
bool is_multi(const CLI::Option& o) { return o.get_expected_max() > 1; }

std::string config_key(const CLI::Option& option) {
  if (!option.get_lnames().empty()) {
    const std::string& name = option.get_lnames().front();
    if (name == "help" || name == "help-all" || name == "version") return {};
    return name;
  }
  // The URL of send and fuzz is positional; profiles name it.
  if (option.get_positional() && option.get_name(true) == "url") return "url";
  return {};
}

std::string env_name(const CLI::Option& option) {
  std::string key = config_key(option);
  if (key.empty()) return {};
  std::string out = "HOOKCTL_";
  for (char c : key) out += c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

std::vector<std::string> unknown_variables(const CLI::App& root, const Context& ctx) {
  if (!ctx.env_names) return {};
  std::vector<std::string> names = ctx.env_names();
  std::erase_if(names, [](const std::string& n) { return !n.starts_with("HOOKCTL_"); });
  if (names.empty()) return {}; // the common case: the CLI model is not walked at every start
  // Not a setting, so never suggested, but not warned about: the variable fuzz --check-cmd sets for
  // its command (which may run hookctl).
  constexpr std::string_view k_set_by_hookctl = "HOOKCTL_FUZZ_CASE";
  std::vector<std::string> known;
  std::vector<const CLI::App*> apps{&root};
  for (size_t i = 0; i < apps.size(); ++i) {
    for (const auto* o : apps[i]->get_options())
      if (auto name = env_name(*o); !name.empty() && std::find(known.begin(), known.end(), name) == known.end())
        known.push_back(std::move(name));
    for (const auto* sub : apps[i]->get_subcommands([](const CLI::App*) { return true; })) apps.push_back(sub);
  }
  // A name is repeated back only when it looks like one (a mangled `HOOKCTL_X=...` could hold a value).
  auto shown = [](std::string_view n) {
    return n.size() <= 64 && std::all_of(n.begin(), n.end(), [](char c) {
             return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
           });
  };
  std::vector<std::string> warnings;
  for (const auto& name : names) {
    if (name.starts_with("HOOKCTL_TEST_") || name == k_set_by_hookctl) continue;
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (!shown(name)) {
      warnings.emplace_back(
          "an environment variable starting with HOOKCTL_ is not a hookctl variable (name not shown)");
      continue;
    }
    // Names differ from their option's key only in case and '_' for '-': HOOKCTL_secret is a typo too.
    std::string upper;
    for (char c : name) upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    const auto near = util::closest_name(upper, known);
    warnings.push_back(fmt::format("{} is not a hookctl variable{}", name,
                                   near ? fmt::format("; did you mean {}?", *near)
                                        : " (each option has one: HOOKCTL_ and its name in capitals, "
                                          "'-' as '_'; see 'hookctl config show')"));
  }
  return warnings;
}

bool secret_option(const CLI::Option& option) {
  const std::string key = config_key(option);
  return key == "secret" || key == "private-key" || key == "verify-token";
}

std::vector<std::string> given_keys(const CLI::App& root, const CLI::App* cmd, const std::vector<std::string>& args) {
  std::vector<std::string> out;
  auto lookup = [&](const std::string& name) -> const CLI::Option* {
    for (const CLI::App* app : {cmd, &root}) {
      if (app == nullptr) continue;
      for (const auto* o : app->get_options()) {
        if (name.starts_with("--") && o->check_lname(name.substr(2))) return o;
        if (!name.starts_with("--") && name.size() == 2 && o->check_sname(name.substr(1))) return o;
      }
    }
    return nullptr;
  };
  size_t positionals = 0;
  bool seen_command = cmd == nullptr;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      positionals += args.size() - i - 1;
      break;
    }
    if (a.starts_with("--")) {
      const auto* o = lookup(a.substr(0, a.find('=')));
      if (o == nullptr) continue;
      out.push_back(config_key(*o));
      if (a.find('=') == std::string::npos && !is_flag(*o)) ++i; // its value
    } else if (a.starts_with("-") && a.size() > 1) {
      for (size_t k = 1; k < a.size(); ++k) {
        const auto* o = lookup(std::string("-") + a[k]);
        if (o == nullptr) break;
        out.push_back(config_key(*o));
        if (!is_flag(*o)) {
          if (k + 1 == a.size()) ++i; // the value is the next word
          break;
        }
      }
    } else if (!seen_command && a == cmd->get_name()) {
      seen_command = true;
    } else if (seen_command) {
      ++positionals;
    }
  }
  if (cmd != nullptr && positionals > 0)
    for (const auto* o : cmd->get_options([](const CLI::Option* o) { return o->get_positional(); }))
      if (config_key(*o) == "url") out.emplace_back("url");
  std::erase(out, std::string());
  return out;
}

Result<Resolution> resolve(const CLI::App& root, const CLI::App* cmd, const std::vector<std::string>& args,
                           const Context& ctx) {
  Resolution r;
  auto env = [&](const std::string& name) -> std::optional<std::string> {
    if (!ctx.getenv) return std::nullopt;
    auto v = ctx.getenv(name);
    if (v && v->empty()) return std::nullopt;
    return v;
  };

  // The files, highest precedence first.
  std::vector<File> files;
  auto explicit_path = typed_value(args, "config");
  const bool from_env = !explicit_path;
  if (!explicit_path) explicit_path = env("HOOKCTL_CONFIG");
  if (explicit_path) {
    if (explicit_path->empty()) return make_error(Errc::usage, "--config needs a file name");
    if (auto loaded = load(*explicit_path, files); !loaded)
      return make_error(Errc::usage,
                        from_env ? loaded.error().message + " (named by HOOKCTL_CONFIG)" : loaded.error().message);
  }
  std::error_code ec;
  if (std::filesystem::is_regular_file(".hookctl.toml", ec)) HOOKCTL_TRY(load("./.hookctl.toml", files));
  std::string user_dir;
  if (auto xdg = env("XDG_CONFIG_HOME"); xdg && xdg->starts_with("/"))
    user_dir = *xdg;
  else if (auto home = env("HOME"))
    user_dir = *home + "/.config";
  if (!user_dir.empty()) {
    const std::string user = user_dir + "/hookctl/config.toml";
    if (std::filesystem::is_regular_file(user, ec)) HOOKCTL_TRY(load(user, files));
  }
  for (const auto& f : files) {
    HOOKCTL_TRY(check_file(f, root));
    r.files.push_back(f.path);
    for (const auto& e : f.doc.entries)
      if (e.table.size() == 1 && std::find(r.sections.begin(), r.sections.end(), e.table[0]) == r.sections.end())
        r.sections.push_back(e.table[0]);
  }

  r.profile = typed_value(args, "profile");
  if (!r.profile) r.profile = env("HOOKCTL_PROFILE");
  if (r.profile) {
    std::set<std::string> names;
    for (const auto& f : files) {
      for (const auto& h : f.doc.headers)
        if (h.table.size() == 2 && h.table[0] == "profile") names.insert(h.table[1]);
      for (const auto& e : f.doc.entries)
        if (e.table.size() == 2 && e.table[0] == "profile") names.insert(e.table[1]);
    }
    if (!names.contains(*r.profile)) {
      const std::string shown = util::echoable(*r.profile) ? fmt::format(" '{}'", *r.profile) : "";
      return make_error(Errc::usage,
                        names.empty()
                            ? fmt::format("unknown profile{}: no config file has a [profile.NAME] section", shown)
                            : fmt::format("unknown profile{} (profiles: {})", shown, fmt::join(names, ", ")));
    }
  }

  // The options in play: the command's and the global ones; with no command, every command's.
  std::vector<const CLI::Option*> options;
  std::set<std::string> keys;
  auto add = [&](const CLI::App& app) {
    for (const auto* o : keyed_options(app))
      if (keys.insert(config_key(*o)).second) options.push_back(o);
  };
  add(root);
  if (cmd != nullptr)
    add(*cmd);
  else
    for (const auto* c : commands(root)) add(*c);

  const auto given = given_keys(root, cmd, args);
  std::set<const CLI::Option*> present;
  for (const auto* o : options)
    if (std::find(given.begin(), given.end(), config_key(*o)) != given.end()) present.insert(o);
  auto blocked = [&](const CLI::Option* o) {
    if (present.contains(o)) return true;
    for (const auto* p : present) {
      const auto ex = p->get_excludes();
      if (ex.contains(const_cast<CLI::Option*>(o))) return true;
    }
    for (const auto* x : o->get_excludes())
      if (present.contains(x)) return true;
    for (const auto& group : k_alternatives) {
      if (std::find(group.begin(), group.end(), config_key(*o)) == group.end()) continue;
      for (const auto* p : present)
        if (std::find(group.begin(), group.end(), config_key(*p)) != group.end()) return true;
    }
    return false;
  };

  std::vector<Setting> chosen;
  // The environment first.
  for (const auto* o : options) {
    const std::string name = env_name(*o);
    auto v = env(name);
    if (!v || blocked(o)) continue;
    chosen.push_back({o, config_key(*o), {*v}, is_flag(*o), {Source::Kind::env, name, {}, 0}});
  }
  for (const auto& s : chosen) present.insert(s.option);
  // Then each file; within a file the profile, then the command's section, then the top level, so
  // that a profile's secret also replaces a top-level secret-file.
  for (const auto& f : files) {
    for (int level : {3, 2, 1}) {
      std::vector<Setting> layer;
      for (const auto* o : options) {
        if (blocked(o) || env_only(config_key(*o))) continue;
        for (const auto& e : f.doc.entries) {
          if (e.key != config_key(*o) || rank(e, cmd, r.profile) != level) continue;
          layer.push_back(
              {o, config_key(*o), entry_values(e, f.path, ctx), is_flag(*o), {Source::Kind::file, {}, f.path, e.line}});
          break;
        }
      }
      for (auto& s : layer) {
        present.insert(s.option);
        chosen.push_back(std::move(s));
      }
    }
  }
  // In option order, so that output is stable.
  for (const auto* o : options)
    for (auto& s : chosen)
      if (s.option == o) r.settings.push_back(std::move(s));
  return r;
}

std::vector<std::string> with_settings(const std::vector<std::string>& args, size_t command_at, const Resolution& r) {
  std::vector<std::string> inserted;
  std::vector<std::string> trailing;
  for (const auto& s : r.settings) {
    if (s.option->get_positional()) {
      trailing.insert(trailing.end(), s.values.begin(), s.values.end());
      continue;
    }
    for (const auto& v : s.values) inserted.push_back(fmt::format("--{}={}", s.key, v));
  }
  std::vector<std::string> out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(command_at + 1));
  out.insert(out.end(), inserted.begin(), inserted.end());
  auto dashes = std::find(args.begin() + static_cast<std::ptrdiff_t>(command_at + 1), args.end(), "--");
  out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(command_at + 1), dashes);
  out.insert(out.end(), trailing.begin(), trailing.end());
  out.insert(out.end(), dashes, args.end());
  return out;
}

std::optional<std::string> blame(const Resolution& r, std::string_view message) {
  // Messages that name what a value is rather than its option.
  static const std::vector<std::pair<std::string_view, std::string_view>> subjects = {
      {"Ed25519 private key", "private-key"}, {"Ed25519 public key", "public-key"}};
  for (const auto& s : r.settings) {
    std::vector<std::string> names = {s.option->get_positional() ? "url" : "--" + s.key};
    for (const auto& sn : s.option->get_snames()) names.push_back("-" + sn);
    for (const auto& [phrase, key] : subjects)
      if (key == s.key) names.emplace_back(phrase);
    for (const auto& name : names)
      for (size_t at = message.find(name); at != std::string_view::npos; at = message.find(name, at + 1)) {
        const size_t end = at + name.size();
        const bool whole = (end == message.size() || !word_char(message[end])) && (at == 0 || message[at - 1] == ' ');
        if (!whole) continue;
        if (s.source.kind == Source::Kind::env) return fmt::format("{}: {}", s.source.env, message);
        return fmt::format("{}:{}: key '{}': {}", s.source.path, s.source.line, s.key, message);
      }
  }
  return std::nullopt;
}

} // namespace hookctl::app
