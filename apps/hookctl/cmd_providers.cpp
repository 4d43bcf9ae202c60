#include <fmt/format.h>

#include "commands.hpp"
#include "docs.hpp"

namespace hookctl::app {
namespace {

std::string_view key_name(sign::KeyKind kind) {
  switch (kind) {
  case sign::KeyKind::secret: return "secret";
  case sign::KeyKind::token: return "token";
  case sign::KeyKind::ed25519: return "ed25519";
  case sign::KeyKind::secret_or_ed25519: return "secret|ed25519";
  }
  return "secret";
}

std::string tolerance_text(const sign::ProviderInfo& p) {
  if (!p.tolerance_s) return "none";
  return fmt::format("{}s{}", *p.tolerance_s, p.direction == sign::Direction::past ? " (past)" : "");
}

Result<int> run_providers(const Globals& g, Context& ctx) {
  auto& out = *ctx.out;
  if (g.json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& p : sign::providers()) {
      nlohmann::ordered_json headers = nlohmann::ordered_json::array();
      for (auto h : p.headers) headers.push_back(h);
      list.push_back(
          {{"name", p.name},
           {"summary", p.summary},
           {"headers", headers},
           {"algorithm", p.algorithm},
           {"key", key_name(p.key_kind)},
           {"tolerance_s", p.tolerance_s ? nlohmann::ordered_json(*p.tolerance_s) : nlohmann::ordered_json(nullptr)},
           {"direction", p.tolerance_s ? (p.direction == sign::Direction::past ? "past" : "both") : "none"}});
    }
    out << json_line({{"providers", list}}) << "\n";
    return 0;
  }
  out << fmt::format("{:<9} {:<15} {:<11} {:<44} {}\n", "NAME", "KEY", "TOLERANCE", "ALGORITHM", "HEADERS");
  for (const auto& p : sign::providers())
    out << fmt::format("{:<9} {:<15} {:<11} {:<44} {}\n", p.name, key_name(p.key_kind), tolerance_text(p), p.algorithm,
                       fmt::join(p.headers, ", "));
  return 0;
}

} // namespace

Command register_providers(CLI::App& root, Globals& g, Context& ctx) {
  auto* cmd = root.add_subcommand("providers", "List the signature schemes: headers, algorithm, timestamp window");
  cmd->add_flag("--json", g.json, "Print {\"providers\":[...]}");
  cmd->footer(help_footer("providers"));
  return {cmd, [&g, &ctx] { return run_providers(g, ctx); }};
}

} // namespace hookctl::app
