#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "commands.hpp"
#include "docs.hpp"
#include "hookctl/capture/record.hpp"
#include "hookctl/receiver/receiver.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::app {
namespace {

struct VerifyFlags {
  std::string provider;
  KeyFlags keys;
  HmacFlags hmac;
  std::vector<std::string> headers;
  std::string url;
  std::string method = "POST";
  std::string now;
  std::string tolerance;
  bool allow_sha1 = false;
  std::string data;
  std::string capture;
  std::vector<std::string> ids;
};

// What to check when no signature matched: the signature covers the body byte for byte, and the
// usual culprits are a trailing newline (echo, editors) and a re-serialised JSON body.
std::string body_hint(std::string_view body) {
  std::string ending;
  if (body.ends_with("\r\n"))
    ending = ", ending in CRLF";
  else if (body.ends_with('\n'))
    ending = ", ending in a newline";
  return fmt::format("hint: checked {} body byte{}{}; the signature covers the raw body exactly as sent (no added "
                     "newline, no re-formatted JSON) and the secret as given",
                     body.size(), body.size() == 1 ? "" : "s", ending);
}

// `verify --capture FILE`: each record (or those named by --id) checked as received, as of its
// received_at unless --now says otherwise, with --provider or the provider the record names.
Result<int> run_verify_capture(const VerifyFlags& f, const Globals& g, Context& ctx) {
  HOOKCTL_TRY_ASSIGN(auto options, scheme_options(f.hmac));
  HOOKCTL_TRY_ASSIGN(auto keys, load_keys(f.keys));
  std::optional<int64_t> now;
  if (!f.now.empty()) {
    HOOKCTL_TRY_ASSIGN(now, time_or_now(f.now, ctx));
  }
  std::optional<std::chrono::seconds> tolerance;
  if (!f.tolerance.empty()) {
    HOOKCTL_TRY_ASSIGN(auto ms, util::parse_duration(f.tolerance));
    tolerance = std::chrono::seconds((ms.count() + 999) / 1000);
  }
  std::ifstream in(f.capture, std::ios::binary);
  if (!in) return make_error(Errc::input, fmt::format("cannot read capture file {}", f.capture));
  std::map<std::string, std::unique_ptr<sign::Scheme>> schemes;
  std::set<std::string> wanted(f.ids.begin(), f.ids.end());
  std::set<std::string> found;
  uint64_t checked = 0, invalid = 0, unchecked = 0, unsigned_ = 0;
  std::string line;
  for (uint64_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    auto r = capture::parse_line(line);
    if (!r) return make_error(Errc::input, fmt::format("{}:{}: {}", f.capture, number, r.error().message));
    if (!wanted.empty()) {
      const bool hit = wanted.count(r->id) != 0 || (!r->delivery_id.empty() && wanted.count(r->delivery_id) != 0);
      if (!hit) continue;
      found.insert(wanted.count(r->id) != 0 ? r->id : r->delivery_id);
    }
    // A request refused at the HTTP level (413, 408, ...) was captured without its body: nothing to check.
    if (!r->refused.empty()) continue;
    std::string provider = f.provider;
    if (provider.empty() && r->verification) provider = r->verification->provider;
    if (provider.empty()) provider = receiver::detect_provider(r->headers);
    // Nothing signed it (a bare curl, a health check, an unsigned handshake): reported, not failed.
    if (provider.empty()) {
      ++unsigned_;
      if (g.json)
        *ctx.out << json_line({{"seq", r->seq},
                               {"id", r->id},
                               {"provider", ""},
                               {"valid", false},
                               {"code", "unsigned"},
                               {"reason", "no provider given, named or detected"}})
                 << "\n";
      else if (!g.quiet)
        *ctx.out << fmt::format("seq {} {} {} {}: unsigned (no provider given, named or detected)\n", r->seq, r->id,
                                r->method, r->path);
      continue;
    }
    ++checked;
    sign::Verdict v = sign::fail(sign::Reason::missing_header, "no provider given, named or detected");
    std::string code = provider.empty() ? "no_provider" : "";
    if (!provider.empty()) {
      auto& scheme = schemes[provider];
      if (!scheme) {
        HOOKCTL_TRY_ASSIGN(scheme, sign::make_scheme(provider, options));
      }
      sign::VerifyRequest req;
      req.body = r->body;
      req.headers = r->headers;
      auto host = r->headers.get("Host");
      req.url =
          fmt::format("http://{}{}{}{}", host.value_or("localhost"), r->path, r->query.empty() ? "" : "?", r->query);
      req.method = r->method;
      req.keys = keys;
      req.tolerance = tolerance;
      req.allow_sha1 = f.allow_sha1 ? sign::AllowSha1::yes : sign::AllowSha1::no;
      auto at = util::parse_rfc3339(r->received_at);
      req.now = now ? *now : (at ? *at : ctx.now());
      // Keys this provider cannot use (a --secret for Discord) fail this record, not the whole file;
      // so does a header that carried the secret itself, which listen masks before capturing.
      bool masked = false;
      for (const auto& [name, value] : r->headers.fields())
        masked = masked || (sign::is_secret_header(name) && value == "***");
      if (masked) {
        v = sign::fail(sign::Reason::no_match, "not checked: the token header was masked when it was captured");
        code = "error";
        ++unchecked;
      } else if (auto checked_v = scheme->verify(req)) {
        v = *checked_v;
      } else {
        v = sign::fail(sign::Reason::no_match, fmt::format("not checked: {}", checked_v.error().message));
        code = "error";
        ++unchecked;
      }
    }
    if (code.empty()) code = std::string(sign::reason_code(v.reason));
    if (!v.valid && code != "error") ++invalid;
    if (g.json) {
      *ctx.out << json_line({{"seq", r->seq},
                             {"id", r->id},
                             {"provider", provider},
                             {"valid", v.valid},
                             {"code", code},
                             {"reason", v.detail}})
               << "\n";
    } else if (!g.quiet || !v.valid) {
      *ctx.out << fmt::format("seq {} {} {} {}: {} ({}): {}\n", r->seq, r->id, r->method, r->path,
                              v.valid           ? paint("valid", Paint::green, g.color_out)
                              : code == "error" ? paint("unchecked", Paint::yellow, g.color_out)
                                                : paint("invalid", Paint::red, g.color_out),
                              provider.empty() ? "-" : provider, v.detail);
    }
  }
  for (const auto& id : wanted) {
    if (found.count(id) == 0) return make_error(Errc::input, fmt::format("no record with id {} in {}", id, f.capture));
  }
  if (!g.json && !g.quiet)
    *ctx.err << fmt::format("hookctl: {} record(s) checked, {} invalid{}{}\n", checked, invalid,
                            unchecked > 0 ? fmt::format(", {} not checkable", unchecked) : "",
                            unsigned_ > 0 ? fmt::format("; {} unsigned skipped", unsigned_) : "");
  return invalid == 0 && unchecked == 0 ? 0 : 1;
}

Result<int> run_verify(const VerifyFlags& f, const Globals& g, Context& ctx) {
  if (!f.capture.empty()) {
    if (!f.data.empty() || !f.headers.empty()) return make_error(Errc::usage, "--capture replaces --data and -H");
    return run_verify_capture(f, g, ctx);
  }
  if (!f.ids.empty()) return make_error(Errc::usage, "--id selects records of --capture FILE");
  if (f.provider.empty()) return make_error(Errc::usage, "--provider is required (or HOOKCTL_PROVIDER)");
  if (f.data.empty()) return make_error(Errc::usage, "--data is required (or --capture FILE)");
  HOOKCTL_TRY_ASSIGN(auto options, scheme_options(f.hmac));
  HOOKCTL_TRY_ASSIGN(auto scheme, sign::make_scheme(f.provider, options));
  HOOKCTL_TRY_ASSIGN(std::string body, read_data(f.data, ctx));
  sign::VerifyRequest req;
  req.body = body;
  HOOKCTL_TRY_ASSIGN(req.headers, parse_header_args(f.headers));
  req.url = f.url;
  req.method = f.method;
  HOOKCTL_TRY_ASSIGN(req.keys, load_keys(f.keys));
  HOOKCTL_TRY_ASSIGN(req.now, time_or_now(f.now, ctx));
  if (!f.tolerance.empty()) {
    HOOKCTL_TRY_ASSIGN(auto ms, util::parse_duration(f.tolerance));
    // Windows are whole seconds; a fraction rounds up so that 250ms does not turn the check off.
    req.tolerance = std::chrono::seconds((ms.count() + 999) / 1000);
  }
  req.allow_sha1 = f.allow_sha1 ? sign::AllowSha1::yes : sign::AllowSha1::no;
  HOOKCTL_TRY_ASSIGN(sign::Verdict v, scheme->verify(req));

  if (g.json) {
    *ctx.out << json_line({{"provider", f.provider},
                           {"valid", v.valid},
                           {"code", sign::reason_code(v.reason)},
                           {"reason", v.detail}})
             << "\n";
  } else if (v.valid) {
    if (!g.quiet) *ctx.out << fmt::format("{} {}\n", paint("valid:", Paint::green, g.color_out), v.detail);
  } else {
    *ctx.err << fmt::format("hookctl: {} ({}): {}\n", paint("invalid signature", Paint::red, g.color_err), f.provider,
                            v.detail);
    if (v.reason == sign::Reason::no_match && !g.quiet) *ctx.err << body_hint(body) << "\n";
  }
  return v.valid ? 0 : 1;
}

} // namespace

Command register_verify(CLI::App& root, Globals& g, Context& ctx) {
  auto f = std::make_shared<VerifyFlags>();
  auto* cmd = root.add_subcommand("verify", "Check a webhook signature offline");
  add_provider_flag(cmd, f->provider, false);
  add_key_flags(cmd, f->keys, KeyUse::verify);
  cmd->add_option("-H,--header", f->headers, "Received header 'Name: value' (repeatable)")->type_name("HEADER");
  cmd->add_option("-d,--data", f->data, "Raw body: a string, @FILE, or @- for stdin")->type_name("DATA");
  cmd->add_option("--capture", f->capture, "Check the records of a hookctl listen capture file instead")
      ->type_name("FILE");
  cmd->add_option("--id", f->ids, "With --capture: only the record with this id or delivery id (repeatable)")
      ->type_name("ID");
  cmd->add_option("--url", f->url, "URL the request was sent to (Twilio, Square)");
  cmd->add_option("-X,--method", f->method, "HTTP method, for {method} in --hmac-template")->capture_default_str();
  cmd->add_option("--now", f->now, "Verify as of this time: unix seconds or RFC 3339 (default: now)")
      ->type_name("TIME");
  cmd->add_option("--tolerance", f->tolerance,
                  "Timestamp window, overriding the provider's (250ms, 10s, 5m; bare number = seconds; 0 = off)")
      ->type_name("DURATION");
  cmd->add_flag("--allow-sha1", f->allow_sha1,
                "Accept GitHub deliveries signed only with legacy X-Hub-Signature (sha1)");
  cmd->add_flag("--json", g.json, "Print the verdict as one JSON object");
  add_hmac_flags(cmd, f->hmac);
  cmd->footer(help_footer("verify"));
  return {cmd, [f, &g, &ctx] { return run_verify(*f, g, ctx); }};
}

} // namespace hookctl::app
