// hookctl config show: every effective option value and where it came from.
#include <fmt/format.h>

#include "commands.hpp"
#include "docs.hpp"
#include "hookctl/capture/har.hpp"
#include "hookctl/http/message.hpp"
#include "settings.hpp"

namespace hookctl::app {
namespace {

struct ConfigFlags {
  std::string action;
  std::string command;
};

bool truthy(const std::string& v) { return v == "true" || v == "1" || v == "yes" || v == "on"; }

// `values` as they may be shown: key material as ***, sensitive header values as "Name: ***".
std::vector<std::string> shown(const CLI::Option& o, std::vector<std::string> values) {
  for (auto& v : values) {
    v = http::redact_userinfo(v);
    if (secret_option(o) && !v.empty()) v = "***";
    if (config_key(o) == "header") {
      const auto colon = v.find(':');
      if (colon != std::string::npos && capture::is_sensitive_header(v.substr(0, colon)))
        v = v.substr(0, colon) + ": ***";
    }
  }
  return values;
}

struct Row {
  std::string key;
  nlohmann::ordered_json value;
  std::string text;
  std::string source;
};

Row make_row(const CLI::Option& o, const std::vector<std::string>& raw, const Source& source) {
  const auto values = shown(o, raw);
  Row row{config_key(o), nullptr, "", source.describe()};
  if (is_flag(o)) {
    const bool on = !values.empty() && truthy(values.back());
    row.value = on;
    row.text = on ? "true" : "false";
  } else if (is_multi(o)) {
    row.value = values;
    row.text = values.empty() ? "(none)" : fmt::format("{}", fmt::join(values, ", "));
  } else if (!values.empty() && !(source.kind == Source::Kind::default_value && values.back().empty())) {
    row.value = values.back();
    row.text = values.back();
  } else {
    row.text = "(none)";
  }
  return row;
}

Result<int> run_config_show(const ConfigFlags& f, Globals& g, Context& ctx, const CLI::App& root) {
  const CLI::App* cmd = f.command.empty() ? nullptr : root.get_subcommand(f.command);
  HOOKCTL_TRY_ASSIGN(Resolution r, resolve(root, cmd, g.args, ctx));
  const auto given = given_keys(root, nullptr, g.args);
  std::vector<Row> rows;
  const auto globals = root.get_options();
  auto add = [&](const CLI::Option& o, bool only_set) {
    const std::string key = config_key(o);
    if (key.empty()) return;
    for (const auto& row : rows)
      if (row.key == key) return;
    for (const auto& s : r.settings)
      if (s.key == key) return rows.push_back(make_row(o, s.values, s.source));
    if (only_set) return;
    if (std::find(globals.begin(), globals.end(), &o) != globals.end() &&
        std::find(given.begin(), given.end(), key) != given.end())
      return rows.push_back(make_row(o, o.results(), Source{Source::Kind::flag, {}, {}, 0}));
    std::vector<std::string> def;
    if (!o.get_default_str().empty()) def.push_back(o.get_default_str());
    rows.push_back(make_row(o, def, Source{}));
  };
  for (const auto* o : root.get_options()) add(*o, false);
  if (cmd != nullptr) {
    for (const auto* o : cmd->get_options()) add(*o, false);
  } else {
    // Without a command: what the environment and the files set for any command.
    for (const auto& s : r.settings) add(*s.option, true);
  }

  auto& out = *ctx.out;
  if (g.json) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::object();
    for (const auto& row : rows) doc[row.key] = {{"value", row.value}, {"source", row.source}};
    out << json_line(doc) << "\n";
  } else {
    size_t kw = 6;
    size_t vw = 5;
    for (const auto& row : rows) {
      kw = std::max(kw, row.key.size());
      vw = std::max(vw, std::min<size_t>(row.text.size(), 40));
    }
    for (auto& row : rows) // one line per option: control characters as escapes
      for (size_t i = 0; i < row.text.size(); ++i)
        if (static_cast<unsigned char>(row.text[i]) < 0x20) {
          const std::string esc = row.text[i] == '\n' ? "\\n" : row.text[i] == '\t' ? "\\t" : "?";
          row.text.replace(i, 1, esc);
          i += esc.size() - 1;
        }
    out << fmt::format("{:<{}}  {:<{}}  {}\n", "OPTION", kw, "VALUE", vw, "SOURCE");
    for (const auto& row : rows) out << fmt::format("{:<{}}  {:<{}}  {}\n", row.key, kw, row.text, vw, row.source);
  }
  if (!g.quiet) {
    *ctx.err << fmt::format("hookctl: config files read: {}\n",
                            r.files.empty() ? "none" : fmt::format("{}", fmt::join(r.files, ", ")));
    if (r.profile) *ctx.err << fmt::format("hookctl: profile: {}\n", *r.profile);
    if (cmd == nullptr && !r.sections.empty())
      *ctx.err << fmt::format("hookctl: [{}] set values for one command each: see 'hookctl config show {}'\n",
                              fmt::join(r.sections, "], ["), r.sections.front());
  }
  return 0;
}

} // namespace

Command register_config(CLI::App& root, Globals& g, Context& ctx) {
  auto f = std::make_shared<ConfigFlags>();
  auto* cmd = root.add_subcommand("config", "Show option values from HOOKCTL_* variables and config files");
  cmd->add_option("action", f->action, "What to do: show (each effective option value and where it came from)")
      ->required()
      ->check(CLI::IsMember({"show"}));
  std::vector<std::string> names;
  for (const auto* c : root.get_subcommands([](const CLI::App*) { return true; }))
    if (c->get_name() != "config") names.push_back(c->get_name());
  cmd->add_option("command", f->command, "Show the values this command would get (default: what is set for any)")
      ->check(CLI::IsMember(names));
  cmd->add_flag("--json", g.json,
                "Print one object keyed by option name: {\"value\": ..., \"source\": \"flag|env HOOKCTL_X|file "
                "PATH:LINE|default\"}");
  cmd->footer(help_footer("config"));
  return {cmd, [f, &g, &ctx, &root] { return run_config_show(*f, g, ctx, root); }};
}

} // namespace hookctl::app
