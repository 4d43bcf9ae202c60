#include <fmt/format.h>

#include "commands.hpp"
#include "docs.hpp"
#include "hookctl/report/curl.hpp"
#include "hookctl/sign/ids.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::app {
namespace {

struct SignFlags {
  std::string provider;
  KeyFlags keys;
  HmacFlags hmac;
  std::string id;
  std::string timestamp;
  std::string url;
  std::string method = "POST";
  std::vector<std::string> headers;
  std::string format = "headers";
  std::string data;
};

Result<int> run_sign(const SignFlags& f, const Globals& g, Context& ctx) {
  HOOKCTL_TRY_ASSIGN(auto options, scheme_options(f.hmac));
  HOOKCTL_TRY_ASSIGN(auto scheme, sign::make_scheme(f.provider, options));
  HOOKCTL_TRY_ASSIGN(std::string body, read_data(f.data, ctx));
  HOOKCTL_TRY_ASSIGN(util::Headers extra, parse_header_args(f.headers));
  sign::SignRequest req;
  req.body = body;
  req.headers = extra;
  req.url = f.url;
  req.method = f.method;
  HOOKCTL_TRY_ASSIGN(req.keys, load_keys(f.keys));
  HOOKCTL_TRY(check_field_value("--id", f.id));
  HOOKCTL_TRY(check_field_value("--url", f.url));
  req.id = f.id.empty() ? sign::delivery_id(f.provider, ctx.random(16)) : f.id;
  HOOKCTL_TRY_ASSIGN(req.timestamp, time_or_now(f.timestamp, ctx));
  std::string format = g.json ? "json" : f.format;
  if (format == "curl" && f.url.empty()) return make_error(Errc::usage, "--format curl needs --url");
  HOOKCTL_TRY_ASSIGN(sign::Signed signed_, scheme->sign(req));

  util::Headers all = signed_.headers;
  for (const auto& [name, value] : extra.fields()) all.add(name, value);
  auto& out = *ctx.out;
  if (format == "json") {
    nlohmann::ordered_json headers = nlohmann::ordered_json::object();
    for (const auto& [name, value] : all.fields()) headers[name] = value;
    nlohmann::ordered_json j{
        {"provider", f.provider}, {"id", req.id}, {"timestamp", req.timestamp}, {"headers", headers}};
    if (!signed_.url.empty()) j["url"] = signed_.url;
    out << json_line(j) << "\n";
  } else if (format == "curl") {
    if (!all.get("Content-Type")) {
      bool json_body = !body.empty() && (body.front() == '{' || body.front() == '[');
      all.add("Content-Type", json_body ? "application/json" : "application/x-www-form-urlencoded");
    }
    out << report::curl_command(f.method, signed_.url, all, body) << "\n";
  } else {
    for (const auto& [name, value] : all.fields()) out << name << ": " << value << "\n";
    if (signed_.url != f.url && !g.quiet)
      *ctx.err << fmt::format("hookctl: note: send to {} (the signature covers this URL)\n", signed_.url);
  }
  if (f.provider == "gitlab" && !g.quiet)
    *ctx.err << "hookctl: note: GitLab sends the secret token itself as X-Gitlab-Token, so it is printed\n";
  return 0;
}

} // namespace

Command register_sign(CLI::App& root, Globals& g, Context& ctx) {
  auto f = std::make_shared<SignFlags>();
  auto* cmd = root.add_subcommand("sign", "Print the headers a provider would send with a body");
  add_provider_flag(cmd, f->provider);
  add_key_flags(cmd, f->keys, KeyUse::sign);
  cmd->add_option("-d,--data", f->data, "Body: a string, @FILE, or @- for stdin (sent byte-exact)")
      ->required()
      ->type_name("DATA");
  cmd->add_option("--id", f->id, "Delivery/message id (default: a fresh one)");
  cmd->add_option("--timestamp", f->timestamp, "Unix seconds or RFC 3339 (default: now)")->type_name("TIME");
  cmd->add_option("--url", f->url, "Target URL (Twilio and Square sign it; needed for --format curl)");
  cmd->add_option("-X,--method", f->method, "HTTP method for --format curl and {method}")->capture_default_str();
  cmd->add_option("-H,--header", f->headers, "Extra header 'Name: value' (repeatable)")->type_name("HEADER");
  auto* format = cmd->add_option("--format", f->format, "Output: headers, json or curl")
                     ->check(CLI::IsMember({"headers", "json", "curl"}))
                     ->capture_default_str();
  cmd->add_flag("--json", g.json, "Print one JSON object (same as --format json)")->excludes(format);
  add_hmac_flags(cmd, f->hmac);
  cmd->footer(help_footer("sign"));
  return {cmd, [f, &g, &ctx] { return run_sign(*f, g, ctx); }};
}

} // namespace hookctl::app
