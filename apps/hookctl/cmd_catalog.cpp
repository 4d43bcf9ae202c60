#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "commands.hpp"
#include "docs.hpp"
#include "hookctl/catalog/catalog.hpp"
#include "hookctl/catalog/detail.hpp"

namespace hookctl::app {
namespace {

struct CatalogFlags {
  std::string name;
  std::string provider;
  bool headers = false;
  std::vector<std::string> sets;
};

std::vector<std::string> catalog_providers() {
  std::set<std::string_view> names;
  for (const auto& e : catalog::events()) names.insert(e.provider);
  return {names.begin(), names.end()};
}

Result<int> run_list(const CatalogFlags& f, const Globals& g, Context& ctx) {
  if (!f.sets.empty()) return make_error(Errc::usage, "--set needs an event NAME");
  if (f.headers) return make_error(Errc::usage, "--headers needs an event NAME");
  std::vector<const catalog::EventInfo*> shown;
  for (const auto& e : catalog::events())
    if (f.provider.empty() || e.provider == f.provider) shown.push_back(&e);
  auto& out = *ctx.out;
  if (g.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto* e : shown)
      list.push_back(
          {{"name", e->name}, {"provider", e->provider}, {"summary", e->summary}, {"content_type", e->content_type}});
    out << json_line({{"events", list}}) << "\n";
    return 0;
  }
  size_t width = 4;
  for (const auto* e : shown) width = std::max(width, e->name.size());
  out << fmt::format("{:<{}}  {:<9} {}\n", "NAME", width, "PROVIDER", "SUMMARY");
  for (const auto* e : shown) out << fmt::format("{:<{}}  {:<9} {}\n", e->name, width, e->provider, e->summary);
  return 0;
}

// The event NAME names: a built-in event (the provider may be left out with --provider), or an
// envelope file with @FILE or @- (stdin).
Result<catalog::Event> load_event(const CatalogFlags& f, Context& ctx) {
  catalog::Fresh fresh{ctx.now(), ctx.random};
  if (f.name.starts_with("@")) {
    HOOKCTL_TRY_ASSIGN(std::string text, read_data(f.name, ctx));
    return catalog::load_envelope(text, f.name == "@-" ? "stdin" : std::string_view(f.name).substr(1), fresh);
  }
  if (!f.provider.empty() && !catalog::find_event(f.name) && catalog::find_event(f.provider + "." + f.name))
    return catalog::instantiate(f.provider + "." + f.name, fresh);
  return catalog::instantiate(f.name, fresh);
}

Result<int> run_show(const CatalogFlags& f, const Globals& g, Context& ctx) {
  HOOKCTL_TRY_ASSIGN(catalog::Event ev, load_event(f, ctx));
  HOOKCTL_TRY_ASSIGN(ev.body, catalog::apply_sets(ev.body, ev.content_type, f.sets));
  auto& out = *ctx.out;
  if (g.json) {
    nlohmann::ordered_json headers = nlohmann::ordered_json::object();
    for (const auto& [name, value] : ev.headers.fields()) headers[name] = value;
    nlohmann::ordered_json body = ev.body;
    if (catalog::detail::is_json_type(ev.content_type) &&
        catalog::detail::depth_within(ev.body, catalog::detail::k_max_depth)) {
      auto parsed = nlohmann::ordered_json::parse(ev.body, nullptr, false);
      if (!parsed.is_discarded()) body = std::move(parsed);
    }
    out << json_line({{"name", ev.name},
                      {"provider", ev.provider},
                      {"content_type", ev.content_type},
                      {"headers", headers},
                      {"body", body}})
        << "\n";
    return 0;
  }
  if (f.headers) {
    out << "Content-Type: " << ev.content_type << "\n";
    for (const auto& [name, value] : ev.headers.fields()) out << name << ": " << value << "\n";
    out << "\n";
  }
  // Byte-exact into a file or pipe; a newline only for the terminal's sake.
  out << ev.body;
  if (ctx.stdout_tty && !ev.body.ends_with('\n')) out << "\n";
  return 0;
}

} // namespace

Command register_catalog(CLI::App& root, Globals& g, Context& ctx) {
  auto f = std::make_shared<CatalogFlags>();
  auto* cmd = root.add_subcommand("catalog", "List the built-in sample events, or print one with fresh ids and time");
  cmd->add_option("name", f->name, "Event to print (see the list), or @FILE / @- for an event envelope in JSON")
      ->type_name("NAME");
  cmd->add_option("-p,--provider", f->provider,
                  "List only this provider's events; with NAME, the 'provider.' prefix may be left out")
      ->check(CLI::IsMember(catalog_providers()))
      ->type_name("PROVIDER");
  cmd->add_flag("--headers", f->headers, "Print Content-Type and the provider's context headers before the body");
  cmd->add_option("--set", f->sets,
                  "Edit the body: PATH=VALUE with a dotted JSON path (numbers index arrays) and VALUE as JSON "
                  "or text, or a form field NAME=VALUE; repeatable")
      ->type_name("PATH=VALUE");
  cmd->add_flag("--json", g.json, "Print {\"events\":[...]}, or the event as {\"name\",\"headers\",\"body\",...}");
  cmd->footer(help_footer("catalog"));
  return {cmd, [f, &g, &ctx] { return f->name.empty() ? run_list(*f, g, ctx) : run_show(*f, g, ctx); }};
}

} // namespace hookctl::app
