#include <atomic>
#include <cmath>
#include <csignal>
#include <mutex>

#include <fmt/format.h>

#include "commands.hpp"
#include "docs.hpp"
#include "hookctl/catalog/catalog.hpp"
#include "hookctl/delivery/deliver.hpp"
#include "hookctl/delivery/load.hpp"
#include "hookctl/sign/ids.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"
#include "send_plan.hpp"

namespace hookctl::app {
namespace {

bool is_form_provider(std::string_view provider) { return provider == "twilio" || provider == "slack"; }

std::string default_content_type(std::string_view provider, std::string_view body) {
  bool json = !body.empty() && (body.front() == '{' || body.front() == '[');
  if (is_form_provider(provider) && !json) return "application/x-www-form-urlencoded";
  return "application/json";
}

} // namespace

Result<Message> make_message(const Plan& plan, Context& ctx) {
  Message m;
  if (!plan.event.empty() || !plan.envelope_at.empty()) {
    catalog::Fresh fresh{ctx.now(), ctx.random};
    HOOKCTL_TRY_ASSIGN(catalog::Event ev, plan.event.empty()
                                              ? catalog::load_envelope(plan.envelope, plan.envelope_at, fresh)
                                              : catalog::instantiate(plan.event, fresh));
    HOOKCTL_TRY_ASSIGN(m.body, catalog::apply_sets(ev.body, plan.content_type, plan.sets));
    m.headers = std::move(ev.headers);
    m.id = ev.delivery_id;
  } else {
    m.body = plan.data;
  }
  if (!plan.extra.get("Content-Type")) m.headers.set("Content-Type", plan.content_type);
  for (const auto& [name, value] : plan.extra.fields()) m.headers.set(name, value);
  if (!plan.id.empty()) m.id = plan.id;
  if (m.id.empty()) m.id = sign::delivery_id(plan.provider, ctx.random(16));
  return m;
}

// The request of one attempt: signed now, so a retry carries a fresh timestamp as providers' do.
Result<http::Request> sign_request(const Plan& plan, const Message& m, Context& ctx) {
  http::Request req;
  req.method = plan.method;
  req.url = plan.url;
  req.headers = m.headers;
  req.body = m.body;
  if (!plan.scheme) return req;
  sign::SignRequest s;
  s.body = m.body;
  s.headers = m.headers;
  s.url = plan.url;
  s.method = plan.method;
  s.id = m.id;
  s.timestamp = ctx.now();
  s.keys = plan.keys;
  HOOKCTL_TRY_ASSIGN(sign::Signed signed_, plan.scheme->sign(s));
  for (const auto& [name, value] : signed_.headers.fields()) req.headers.set(name, value);
  req.url = signed_.url.empty() ? plan.url : signed_.url;
  return req;
}

Result<Plan> make_plan(const SendFlags& f, Context& ctx) {
  Plan plan;
  HOOKCTL_TRY(http::parse_url(f.url));
  HOOKCTL_TRY(check_field_value("--id", f.id));
  plan.url = f.url;
  plan.method = f.method;
  if (f.method.empty() ||
      f.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~") !=
          std::string::npos)
    return make_error(Errc::usage, "-X: a method is one word of letters, such as POST or PUT");
  plan.id = f.id;
  plan.sets = f.sets;
  HOOKCTL_TRY_ASSIGN(plan.extra, parse_header_args(f.headers));
  for (auto framing : {"Content-Length", "Transfer-Encoding", "Host"})
    if (plan.extra.get(framing))
      return make_error(Errc::usage, fmt::format("-H: hookctl sets {} itself from the URL and the body", framing));
  bool has_data = f.data_option && f.data_option->count() > 0;
  if (f.event.empty() == !has_data)
    return make_error(Errc::usage, "give exactly one of --event NAME (see `hookctl catalog`) and --data");

  std::string event_provider;
  std::string event_type;
  catalog::Fresh probe{ctx.now(), ctx.random};
  if (!f.event.empty()) {
    Result<catalog::Event> ev = make_error(Errc::internal, "");
    if (f.event.starts_with("@")) {
      plan.envelope_at = f.event.substr(1);
      HOOKCTL_TRY_ASSIGN(plan.envelope, read_file(plan.envelope_at));
      ev = catalog::load_envelope(plan.envelope, plan.envelope_at, probe);
    } else {
      plan.event = f.event;
      ev = catalog::instantiate(f.event, probe);
    }
    if (!ev) return ev.error();
    event_provider = ev->provider;
    event_type = ev->content_type;
  }
  plan.provider = f.provider.empty() ? event_provider : f.provider;
  if (!f.provider.empty() && !event_provider.empty() && f.provider != event_provider && !f.no_sign)
    return make_error(Errc::usage,
                      fmt::format("event {} is a {} event, but --provider is {}", f.event, event_provider, f.provider));

  if (!plan.extra.get("Content-Type")) {
    if (!event_type.empty())
      plan.content_type = event_type;
    else
      plan.content_type = default_content_type(plan.provider, "");
  } else {
    plan.content_type = std::string(*plan.extra.get("Content-Type"));
  }
  if (has_data) {
    HOOKCTL_TRY_ASSIGN(std::string body, read_data(f.data, ctx));
    if (!plan.extra.get("Content-Type")) plan.content_type = default_content_type(plan.provider, body);
    HOOKCTL_TRY_ASSIGN(plan.data, catalog::apply_sets(body, plan.content_type, f.sets));
  }

  bool key_given = !f.keys.secrets.empty() || !f.keys.secret_file.empty() || !f.keys.private_keys.empty();
  if (plan.provider.empty() && key_given && !f.no_sign)
    return make_error(Errc::usage, "a key was given but no provider: add --provider (the event names none), or "
                                   "--no-sign to send unsigned");
  if (f.no_sign || plan.provider.empty()) {
    plan.provider = f.no_sign ? std::string() : plan.provider;
    return plan;
  }
  HOOKCTL_TRY_ASSIGN(auto options, scheme_options(f.hmac));
  HOOKCTL_TRY_ASSIGN(plan.scheme, sign::make_scheme(plan.provider, options));
  HOOKCTL_TRY_ASSIGN(plan.keys, load_keys(f.keys));
  if (plan.keys.secrets.empty() && plan.keys.private_keys.empty()) {
    auto kind = sign::KeyKind::secret;
    for (const auto& p : sign::providers())
      if (p.name == plan.provider) kind = p.key_kind;
    std::string_view how = kind == sign::KeyKind::ed25519 ? "--private-key (hookctl keygen makes one)"
                           : kind == sign::KeyKind::secret_or_ed25519
                               ? "--secret, --secret-file or HOOKCTL_SECRET, or --private-key for v1a"
                               : "--secret, --secret-file or HOOKCTL_SECRET";
    return make_error(Errc::usage, fmt::format("{} deliveries are signed: give {}, or --no-sign to send unsigned",
                                               plan.provider, how));
  }
  // Sign once now so that a bad key is a usage error before anything is sent.
  HOOKCTL_TRY_ASSIGN(Message m, make_message(plan, ctx));
  HOOKCTL_TRY(sign_request(plan, m, ctx));
  return plan;
}

namespace {

std::string ms_text(std::chrono::nanoseconds d) {
  double ms = static_cast<double>(d.count()) / 1e6;
  if (ms < 10) return fmt::format("{:.2f} ms", ms);
  if (ms < 1000) return fmt::format("{:.1f} ms", ms);
  return fmt::format("{:.2f} s", ms / 1000);
}

double ms_value(std::chrono::nanoseconds d) { return std::round(static_cast<double>(d.count()) / 1e3) / 1e3; }

// The first bytes of a response body, safe to print on one line.
std::string preview(std::string_view body, size_t limit = 200) {
  std::string_view head = body.substr(0, limit);
  if (!util::is_printable_utf8(head)) return fmt::format("<{} bytes of binary data>", body.size());
  std::string out;
  for (char c : head) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (body.size() > limit) out += fmt::format("... ({} bytes)", body.size());
  return out;
}

// Response headers worth a line in the short report.
bool notable_header(std::string_view name) {
  for (auto n : {"Content-Type", "Content-Length", "Retry-After", "Location", "Server", "X-Request-Id"})
    if (util::iequals(name, n)) return true;
  return false;
}

nlohmann::ordered_json attempt_json(const delivery::Attempt& a) {
  nlohmann::ordered_json j{{"attempt", a.number}, {"delay_ms", a.delay_before.count()}};
  if (a.outcome.response) {
    j["status"] = a.outcome.response->status;
    j["error"] = nullptr;
  } else {
    j["status"] = nullptr;
    j["error"] = a.outcome.error;
    j["failure"] = http::failure_name(a.outcome.failure);
  }
  j["latency_ms"] = ms_value(a.outcome.latency);
  return j;
}

// A wait as a person reads it: 250 ms, 5 s, 30 min, 10 h.
std::string wait_text(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms < 1000) return fmt::format("{} ms", ms);
  if (ms < 120000) return fmt::format("{:.3g} s", static_cast<double>(ms) / 1e3);
  if (ms < 7200000) return fmt::format("{:.3g} min", static_cast<double>(ms) / 6e4);
  return fmt::format("{:.3g} h", static_cast<double>(ms) / 3.6e6);
}

void print_attempt(std::ostream& out, const delivery::Attempt& a) {
  std::string delay = a.number > 1 ? fmt::format(" (after waiting {})", wait_text(a.delay_before)) : "";
  if (a.outcome.response)
    out << fmt::format("attempt {}: {} in {}{}\n", a.number, a.outcome.response->status, ms_text(a.outcome.latency),
                       delay);
  else
    out << fmt::format("attempt {}: {} error in {}{}: {}\n", a.number, http::failure_name(a.outcome.failure),
                       ms_text(a.outcome.latency), delay, a.outcome.error);
}

void print_request(std::ostream& err, const http::Request& req) {
  err << fmt::format("> {} {}\n", req.method, req.url);
  for (const auto& [name, value] : req.headers.fields())
    err << fmt::format("> {}: {}\n", name, sign::is_secret_header(name) ? "***" : value);
  err << fmt::format("> ({} body bytes) {}\n", req.body.size(), preview(req.body, 4096));
}

void print_response(std::ostream& out, const http::Response& res, bool verbose) {
  for (const auto& [name, value] : res.headers.fields())
    if (verbose || notable_header(name)) out << fmt::format("< {}: {}\n", name, value);
  if (!res.body.empty()) out << fmt::format("< {}\n", preview(res.body, verbose ? 65536 : 200));
}

Result<int> run_one(const SendFlags& f, const Plan& plan, const Globals& g, Context& ctx) {
  HOOKCTL_TRY_ASSIGN(auto policy, retry_policy(f.retry));
  HOOKCTL_TRY_ASSIGN(auto options, client_options(f.conn));
  HOOKCTL_TRY_ASSIGN(Message message, make_message(plan, ctx));
  auto transport = ctx.transport(options);
  auto& out = *ctx.out;
  std::optional<Error> sign_error;
  http::Request last_request;
  auto make_request = [&](int) {
    auto req = sign_request(plan, message, ctx);
    if (!req) {
      sign_error = req.error();
      return http::Request{};
    }
    last_request = *req;
    if (g.verbose && !g.json) print_request(*ctx.err, *req);
    return std::move(req).value();
  };
  delivery::Clock clock;
  clock.now_unix = ctx.now;
  clock.sleep_for = ctx.sleep;
  clock.uniform01 = [&ctx] {
    std::string r = ctx.random(8);
    uint64_t v = 0;
    for (unsigned char c : r) v = (v << 8) | c;
    return static_cast<double>(v >> 11) / static_cast<double>(uint64_t{1} << 53);
  };
  if (!g.json && !g.quiet)
    out << fmt::format("{} {} ({}, id {})\n", plan.method, plan.url, plan.provider.empty() ? "unsigned" : plan.provider,
                       message.id);
  auto on_attempt = [&](const delivery::Attempt& a) {
    if (!g.json && (!g.quiet || a.outcome.response)) print_attempt(out, a);
  };
  delivery::Delivery d = delivery::deliver(*transport, make_request, policy, clock, on_attempt);
  if (sign_error) return *sign_error;
  const delivery::Attempt* last = d.attempts.empty() ? nullptr : &d.attempts.back();
  if (g.json) {
    nlohmann::ordered_json attempts = nlohmann::ordered_json::array();
    for (const auto& a : d.attempts) attempts.push_back(attempt_json(a));
    nlohmann::ordered_json j{
        {"url", plan.url},
        {"method", plan.method},
        {"provider", plan.provider.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(plan.provider)},
        {"id", message.id},
        {"success", d.success},
        {"attempts", attempts}};
    if (last && last->outcome.response) {
      nlohmann::ordered_json headers = nlohmann::ordered_json::object();
      for (const auto& [name, value] : last->outcome.response->headers.fields()) headers[name] = value;
      j["response"] = {{"status", last->outcome.response->status},
                       {"headers", headers},
                       {"body", preview(last->outcome.response->body, 4096)}};
    }
    out << json_line(j) << "\n";
  } else if (last && last->outcome.response && !g.quiet) {
    print_response(out, *last->outcome.response, g.verbose);
  }
  if (!d.success && !g.json) {
    std::string why = !last                    ? "nothing was sent"
                      : last->outcome.response ? fmt::format("the last answer was {}", last->outcome.response->status)
                                               : last->outcome.error;
    *ctx.err << fmt::format("hookctl: delivery failed after {} attempt{}: {}\n", d.attempts.size(),
                            d.attempts.size() == 1 ? "" : "s", why);
  }
  return d.success ? 0 : 1;
}

// Set by SIGINT/SIGTERM during a load run: no new delivery starts, the summary still prints.
nlohmann::ordered_json load_json(const Plan& plan, const delivery::LoadReport& r, const SendFlags& f) {
  nlohmann::ordered_json statuses = nlohmann::ordered_json::object();
  for (const auto& [status, n] : r.statuses) statuses[std::to_string(status)] = n;
  nlohmann::ordered_json errors = nlohmann::ordered_json::object();
  for (const auto& [kind, n] : r.errors_by_kind) errors[kind] = n;
  const auto& h = r.latency;
  auto ms_or_null = [&](std::chrono::nanoseconds d) {
    return h.count() > 0 ? nlohmann::ordered_json(ms_value(d)) : nlohmann::ordered_json();
  };
  return {{"url", plan.url},
          {"provider", plan.provider.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(plan.provider)},
          {"concurrency", f.concurrency},
          {"rate", f.rate > 0 ? nlohmann::ordered_json(f.rate) : nlohmann::ordered_json()},
          {"sent", r.sent},
          {"ok", r.ok},
          {"errors", r.errors},
          {"statuses", statuses},
          {"errors_by_kind", errors},
          {"elapsed_s", std::round(static_cast<double>(r.elapsed.count()) / 1e6) / 1e3},
          {"throughput_rps", std::round(r.throughput * 10) / 10},
          {"latency_ms",
           {{"min", ms_or_null(h.min())},
            {"p50", ms_or_null(h.percentile(50))},
            {"p90", ms_or_null(h.percentile(90))},
            {"p99", ms_or_null(h.percentile(99))},
            {"max", ms_or_null(h.max())},
            {"mean", ms_or_null(h.mean())}}},
          {"cancelled", r.cancelled}};
}

void print_load(std::ostream& out, const delivery::LoadReport& r, const SendFlags& f) {
  out << fmt::format("sent {} in {} ({:.1f}/s), concurrency {}{}\n", r.sent, ms_text(r.elapsed), r.throughput,
                     f.concurrency, f.rate > 0 ? fmt::format(", paced at {}/s", f.rate) : "");
  std::vector<std::string> parts;
  for (const auto& [status, n] : r.statuses) parts.push_back(fmt::format("{} x{}", status, n));
  if (!parts.empty()) out << fmt::format("status:  {}\n", fmt::join(parts, ", "));
  parts.clear();
  for (const auto& [kind, n] : r.errors_by_kind) parts.push_back(fmt::format("{} x{}", kind, n));
  if (!parts.empty()) out << fmt::format("errors:  {}\n", fmt::join(parts, ", "));
  const auto& h = r.latency;
  if (h.count() > 0)
    out << fmt::format("latency: min {}  p50 {}  p90 {}  p99 {}  max {}\n", ms_text(h.min()), ms_text(h.percentile(50)),
                       ms_text(h.percentile(90)), ms_text(h.percentile(99)), ms_text(h.max()));
}

Result<int> run_load(const SendFlags& f, const Plan& plan, const Globals& g, Context& ctx) {
  HOOKCTL_TRY_ASSIGN(auto options, client_options(f.conn));
  // A load run counts statuses and latencies: response bodies are read (up to the limit) but not kept.
  options.keep_response_body = 0;
  delivery::LoadOptions lo;
  if (f.count > 0) lo.count = static_cast<uint64_t>(f.count);
  if (!f.duration.empty()) {
    HOOKCTL_TRY_ASSIGN(auto d, util::parse_duration(f.duration));
    if (d.count() <= 0) return make_error(Errc::usage, "--duration must be above 0");
    lo.duration = d;
  }
  lo.concurrency = f.concurrency;
  if (f.rate > 0) lo.rate = f.rate;
  if (f.retry.retries > 0 || !f.retry.schedule.empty())
    *ctx.err << "hookctl: note: load mode sends each delivery once; --retries and --retry-schedule are ignored\n";
  // Called from the run's threads at once: `plan` is only read, ctx.now and ctx.random are thread-safe.
  std::mutex error_mutex;
  std::optional<Error> build_error;
  auto make_request = [&](uint64_t) {
    auto m = make_message(plan, ctx);
    auto req = m ? sign_request(plan, *m, ctx) : Result<http::Request>(m.error());
    if (!req) {
      std::lock_guard lock(error_mutex);
      if (!build_error) build_error = req.error();
      return http::Request{};
    }
    return std::move(req).value();
  };
  auto make_transport = [&] { return ctx.transport(options); };
  // http:// runs on event loops (one per core); https:// on a thread per connection.
  auto make_multiplexer = [&](size_t slots) { return ctx.multiplexer(options, slots); };
  const bool plain = ctx.multiplexer && util::to_lower(std::string_view(plan.url).substr(0, 7)) == "http://";
  // A progress line only for a person watching: a TTY, not --json, not CI.
  const bool progress = show_progress(g, ctx);
  auto on_progress = [&](const delivery::LoadProgress& p) {
    if (!progress) return;
    double s = static_cast<double>(p.elapsed.count()) / 1e9;
    *ctx.err << fmt::format("\r{} sent, {} ok, {} errors, {:.1f} s ", p.sent, p.ok, p.errors, s) << std::flush;
  };
  InterruptScope interrupts;
  lo.cancel = &interrupts.flag();
  HOOKCTL_TRY_ASSIGN(
      delivery::LoadReport r,
      plain ? delivery::run_load(lo, delivery::MultiplexerFactory(make_multiplexer), make_request, on_progress)
            : delivery::run_load(lo, delivery::TransportFactory(make_transport), make_request, on_progress));
  if (progress) *ctx.err << "\n";
  if (build_error) return *build_error;
  if (g.json)
    *ctx.out << json_line(load_json(plan, r, f)) << "\n";
  else
    print_load(*ctx.out, r, f);
  if (r.cancelled && interrupts.flag().load()) {
    *ctx.err << fmt::format("hookctl: interrupted after {} deliveries\n", r.sent);
    return 130;
  }
  bool all_ok = r.sent > 0 && r.ok == r.sent;
  if (!all_ok && !g.json)
    *ctx.err << fmt::format("hookctl: {} of {} deliveries did not get a 2xx\n", r.sent - r.ok, r.sent);
  return all_ok ? 0 : 1;
}

Result<int> run_send(const SendFlags& f, const Globals& g, Context& ctx) {
  HOOKCTL_TRY_ASSIGN(Plan plan, make_plan(f, ctx));
  if (f.count > 0 || !f.duration.empty()) return run_load(f, plan, g, ctx);
  if ((f.concurrency != 1 || f.rate > 0) && !g.quiet)
    *ctx.err << "hookctl: note: --concurrency and --rate apply to load mode (-n N or --duration D); sending once\n";
  return run_one(f, plan, g, ctx);
}

} // namespace

Command register_send(CLI::App& root, Globals& g, Context& ctx) {
  auto f = std::make_shared<SendFlags>();
  auto* cmd = root.add_subcommand("send", "Fire a signed test webhook at a URL, with retries or as a load run");
  cmd->add_option("url", f->url, "Where to deliver: http://host:port/path or https://...")
      ->required()
      ->type_name("URL");
  add_provider_flag(cmd, f->provider, false);
  add_key_flags(cmd, f->keys, KeyUse::sign);
  cmd->add_flag("--no-sign", f->no_sign, "Send without a signature, even for a provider's event");
  const char* body = "Body";
  cmd->add_option("-e,--event", f->event, "A catalog event (hookctl catalog), or @FILE with a user event envelope")
      ->type_name("NAME")
      ->group(body);
  f->data_option = cmd->add_option("-d,--data", f->data, "Body: a string, @FILE, or @- for stdin (sent byte-exact)")
                       ->type_name("DATA")
                       ->group(body);
  cmd->add_option("--set", f->sets, "Edit the body: PATH=VALUE, e.g. data.object.amount=500 (repeatable)")
      ->type_name("PATH=VALUE")
      ->group(body);
  cmd->add_option("-H,--header", f->headers, "Extra header 'Name: value' (repeatable)")
      ->type_name("HEADER")
      ->group(body);
  cmd->add_option("-X,--method", f->method, "HTTP method")->capture_default_str()->group(body);
  cmd->add_option("--id", f->id, "Delivery id (default: a fresh one per delivery)")->group(body);

  add_retry_flags(cmd, f->retry);
  add_connection_flags(cmd, f->conn);

  const char* load = "Load mode";
  auto* count = cmd->add_option("-n,--count", f->count, "Send N deliveries (load mode)")
                    ->check(CLI::Range(1LL, 1000000000LL))
                    ->type_name("N")
                    ->group(load);
  cmd->add_option("--duration", f->duration, "Send for this long (load mode)")
      ->type_name("DURATION")
      ->excludes(count)
      ->group(load);
  cmd->add_option("-c,--concurrency", f->concurrency, "Connections in parallel")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096))
      ->type_name("C")
      ->group(load);
  cmd->add_option("--rate", f->rate, "Deliveries per second, open loop (default: as fast as answered)")
      ->check(CLI::Validator(
          [](std::string& v) {
            double r = 0;
            return CLI::detail::lexical_cast(v, r) && r > 0 && std::isfinite(r)
                       ? std::string()
                       : std::string("must be a number above 0");
          },
          "R > 0"))
      ->type_name("R")
      ->group(load);
  cmd->add_flag("--json", g.json, "Print the result as one JSON object");
  add_hmac_flags(cmd, f->hmac);
  cmd->footer(help_footer("send"));
  return {cmd, [f, &g, &ctx] { return run_send(*f, g, ctx); }};
}

} // namespace hookctl::app
