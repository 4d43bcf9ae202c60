// hookctl fuzz: attack a webhook endpoint with forged, stale, replayed, malformed and slow
// deliveries and report what it got wrong.
#include <algorithm>
#include <arpa/inet.h>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <fmt/format.h>

#include "commands.hpp"
#include "docs.hpp"
#include "hookctl/capture/har.hpp"
#include "hookctl/capture/record.hpp"
#include "hookctl/crypto/crypto.hpp"
#include "hookctl/fuzz/run.hpp"
#include "hookctl/report/curl.hpp"
#include "hookctl/report/junit.hpp"
#include "hookctl/sign/ids.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"
#include "send_plan.hpp"

namespace hookctl::app {
namespace {

struct FuzzFlags {
  SendFlags send; // URL, provider, keys, event or data, --set, -H
  std::string families = "signature,replay,payload,http,slow,order";
  long long cases = 0;
  std::string duration;
  long long seed = -1;
  std::string case_timeout = "5s";
  std::string max_latency;
  long long check_every = 1;
  std::string check_cmd;
  bool strict = false;
  bool allow_remote = false;
  std::string junit;
  std::string out_dir;
  std::string only;
  bool list = false;
  int concurrency = 1;
  std::vector<std::string> expects;
};

// Whether `host` is this machine: a loopback name or address, or a name that resolves only to
// loopback addresses (Debian maps the machine's own name to 127.0.1.1).
bool loopback(const std::string& host) {
  if (host == "localhost" || host == "::1" || host.starts_with("127.") || host.ends_with(".localhost")) return true;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return false;
  bool all = true;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
      all = all && (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (a->ai_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
      all = all && IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    } else {
      all = false;
    }
  }
  ::freeaddrinfo(found);
  return all;
}

// The string values that differ between two instantiations of the same event: its own ids (JSON
// string members of the body, and header values), which each delivery must get afresh.
std::vector<std::string> volatile_values(const Message& a, const Message& b) {
  std::vector<std::string> out;
  std::function<void(const nlohmann::json&, const nlohmann::json&)> walk = [&](const nlohmann::json& x,
                                                                               const nlohmann::json& y) {
    if (x.is_object() && y.is_object()) {
      for (auto it = x.begin(); it != x.end(); ++it)
        if (y.contains(it.key())) walk(it.value(), y.at(it.key()));
    } else if (x.is_array() && y.is_array()) {
      for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) walk(x[i], y[i]);
    } else if (x.is_string() && y.is_string() && x != y && x.get<std::string>().size() >= 6) {
      out.push_back(x.get<std::string>());
    }
  };
  try {
    walk(nlohmann::json::parse(a.body), nlohmann::json::parse(b.body));
  } catch (const std::exception&) {
  }
  for (const auto& [name, value] : a.headers.fields()) {
    auto other = b.headers.get(name);
    if (other && *other != value && value.size() >= 6) out.push_back(value);
  }
  std::sort(out.begin(), out.end(), [](const auto& l, const auto& r) { return l.size() > r.size(); });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// What a case expects, as --expect FAMILY=... may have replaced it.
std::string expected_text(const fuzz::Case& c, const fuzz::Overrides& overrides) {
  std::vector<std::string> allowed;
  for (const auto& [family, statuses] : overrides)
    if (family == c.family && c.expect != fuzz::Expect::serve_others)
      allowed.insert(allowed.end(), statuses.begin(), statuses.end());
  if (allowed.empty()) return std::string(fuzz::expect_text(c.expect));
  return fmt::format("{} (--expect)", fmt::join(allowed, " or "));
}

// The file --out writes a finding to: the case id with '/' (JSON paths) as '_', and `suffix`.
std::string finding_file(const std::string& dir, const std::string& id, std::string_view suffix = ".jsonl") {
  std::string name = id;
  std::replace(name.begin(), name.end(), '/', '_');
  return (std::filesystem::path(dir) / (name + std::string(suffix))).string();
}

// The files --out writes for a raw-socket case: DIR/ID.http with the bytes it writes (masked), or
// DIR/ID.N.http for each of several raw connections; none for a case without raw steps.
std::vector<std::pair<std::string, std::string>> raw_files(const std::string& dir, const fuzz::CaseResult& r,
                                                           const sign::Keys& keys) {
  std::vector<const fuzz::Step*> raw;
  for (const auto& step : r.plan.steps)
    if (!step.raw.empty()) raw.push_back(&step);
  std::vector<std::pair<std::string, std::string>> files;
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string bytes;
    for (const auto& chunk : raw[i]->raw) bytes += chunk;
    files.emplace_back(finding_file(dir, r.c->id, raw.size() == 1 ? ".http" : fmt::format(".{}.http", i + 1)),
                       redact_raw_request(bytes, keys.secrets));
  }
  return files;
}

nlohmann::ordered_json exchange_json(const fuzz::Exchange& e) {
  nlohmann::ordered_json j = {{"status", e.status}, {"latency_ms", std::round(e.latency_ms * 100) / 100}};
  if (e.status == 0) {
    j["closed"] = e.closed;
    if (e.failure != http::Failure::none) j["failure"] = http::failure_name(e.failure);
    if (!e.error.empty()) j["error"] = e.error;
  }
  return j;
}

// The capture records of a case's requests, answers included, for `hookctl replay FILE --to URL`.
std::string finding_lines(const fuzz::CaseResult& r, const std::vector<std::string>& secrets, Context& ctx) {
  std::string out;
  for (size_t i = 0; i < r.plan.steps.size(); ++i) {
    capture::Record rec = sent_record(r.plan.steps[i].request, ctx.now() * 1'000'000, ctx, secrets);
    rec.seq = i + 1;
    rec.event_type = r.c->id;
    if (i < r.exchanges.size() && r.exchanges[i].status != 0)
      rec.response = capture::RecordedResponse{r.exchanges[i].status, r.exchanges[i].latency_ms, {}, {}};
    out += capture::to_line(rec);
  }
  return out;
}

Result<int> run_fuzz(FuzzFlags& f, const Globals& g, Context& ctx) {
  std::ostream& out = *ctx.out;
  std::ostream& err = *ctx.err;
  HOOKCTL_TRY_ASSIGN(http::Url url, http::parse_url(f.send.url));
  if (!loopback(url.host) && !f.allow_remote)
    return make_error(Errc::usage, fmt::format("{} is not this machine: fuzzing someone's server is a choice, so add "
                                               "--allow-remote to do it",
                                               url.host));
  HOOKCTL_TRY_ASSIGN(auto families, fuzz::parse_families(f.families));
  if (f.cases > 0 && !f.duration.empty()) return make_error(Errc::usage, "--cases and --duration do not go together");
  if (!f.only.empty() && (f.cases > 0 || !f.duration.empty()))
    return make_error(Errc::usage, "--case runs one case: leave out --cases and --duration");
  HOOKCTL_TRY_ASSIGN(auto case_timeout, util::parse_duration(f.case_timeout));
  if (case_timeout.count() <= 0) return make_error(Errc::usage, "--case-timeout must be more than 0");
  fuzz::RunOptions ro;
  if (!f.max_latency.empty()) {
    HOOKCTL_TRY_ASSIGN(auto ml, util::parse_duration(f.max_latency));
    ro.max_latency_ms = static_cast<double>(ml.count());
  }
  if (!f.duration.empty()) {
    HOOKCTL_TRY_ASSIGN(auto d, util::parse_duration(f.duration));
    if (d.count() <= 0) return make_error(Errc::usage, "--duration must be more than 0");
    ro.duration = std::chrono::ceil<std::chrono::seconds>(d);
  }
  if (f.cases > 0) ro.cases = static_cast<size_t>(f.cases);
  uint64_t seed = 0;
  if (f.seed >= 0) {
    seed = static_cast<uint64_t>(f.seed);
  } else {
    for (unsigned char c : ctx.random(4)) seed = (seed << 8) | c;
  }
  ro.seed = seed;
  ro.only = f.only;
  ro.check_every = static_cast<size_t>(f.check_every);
  ro.strict = f.strict;
  ro.concurrency = static_cast<size_t>(f.concurrency);
  for (const auto& e : f.expects) {
    HOOKCTL_TRY_ASSIGN(auto o, fuzz::parse_override(e));
    ro.overrides.push_back(std::move(o));
  }

  // The base delivery, as `send` would make it; each delivery gets a fresh id.
  f.send.method = "POST";
  const bool key_given = !f.send.keys.secrets.empty() || !f.send.keys.secret_file.empty() ||
                         !f.send.keys.private_keys.empty() || ctx.getenv("HOOKCTL_SECRET") ||
                         ctx.getenv("HOOKCTL_PRIVATE_KEY");
  if (f.send.provider.empty() && f.send.event.empty())
    return make_error(Errc::usage, "fuzz signs its deliveries: give --provider and its key (--secret, "
                                   "--secret-file or --private-key)");
  if (!key_given)
    return make_error(Errc::usage, "fuzz signs its deliveries: give the provider's key (--secret, --secret-file or "
                                   "--private-key); the baseline must be one your endpoint accepts");
  HOOKCTL_TRY_ASSIGN(Plan plan, make_plan(f.send, ctx));
  HOOKCTL_TRY_ASSIGN(Message message, make_message(plan, ctx));
  fuzz::Base base;
  base.url = f.send.url;
  base.provider = plan.provider;
  base.keys = plan.keys;
  HOOKCTL_TRY_ASSIGN(base.scheme_options, scheme_options(f.send.hmac));
  base.body = message.body;
  base.headers = message.headers;
  base.id = message.id;
  base.new_id = [&ctx, provider = plan.provider] { return sign::delivery_id(provider, ctx.random(16)); };
  if (!plan.event.empty() || !plan.envelope_at.empty()) {
    // A catalog event carries its own ids (Stripe's evt_..., Slack's event_id, ...): found by
    // instantiating it again, and replaced afresh in every delivery.
    HOOKCTL_TRY_ASSIGN(Message again, make_message(plan, ctx));
    auto values = volatile_values(message, again);
    if (!values.empty()) {
      base.refresh = [&ctx, values](std::string& body, util::Headers& headers) {
        auto replace_all = [](std::string& text, const std::string& from, const std::string& to) {
          for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
        };
        for (const auto& v : values) {
          const std::string fresh = fresh_like(v, ctx.random(v.size() + 1));
          replace_all(body, v, fresh);
          for (auto& [name, value] : headers.mutable_fields()) replace_all(value, v, fresh);
        }
      };
    }
  }
  HOOKCTL_TRY_ASSIGN(auto cases, fuzz::make_cases(base, families, seed));
  HOOKCTL_TRY_ASSIGN(auto order, fuzz::schedule(cases, ro));

  if (f.list) {
    for (size_t i : order) {
      const auto& c = cases[i];
      if (g.json)
        out << json_line({{"id", c.id},
                          {"family", fuzz::family_name(c.family)},
                          {"description", c.description},
                          {"expected", expected_text(c, ro.overrides)}})
            << "\n";
      else
        out << fmt::format("{:<44}  {}; expected: {}\n", c.id, c.description, expected_text(c, ro.overrides));
    }
    return 0;
  }

  // Every exchange on a new connection: cases must not share a socket's state.
  HOOKCTL_TRY_ASSIGN(http::ClientOptions client, client_options(f.send.conn));
  client.timeout = case_timeout;
  client.connect_timeout = case_timeout;
  client.keep_alive = false;
  fuzz::Deps deps;
  deps.send = [&ctx, client](const http::Request& r) {
    fuzz::Exchange e;
    auto t = ctx.transport(client);
    http::Outcome o = t->send(r);
    e.latency_ms = static_cast<double>(o.latency.count()) / 1e6;
    if (o.response) {
      e.status = o.response->status;
    } else {
      e.failure = o.failure;
      e.closed = o.failure == http::Failure::io;
      e.error = o.error;
    }
    return e;
  };
  deps.send_raw = [url, case_timeout](const fuzz::Step& s) {
    http::RawRequest raw;
    raw.chunks = s.raw;
    raw.gap = s.gap;
    raw.half_close = s.half_close;
    raw.reset = s.reset;
    raw.method = s.request.method;
    http::RawOutcome o = http::raw_exchange(url, raw, case_timeout);
    fuzz::Exchange e;
    e.latency_ms = static_cast<double>(o.latency.count()) / 1e6;
    if (o.response) e.status = o.response->status;
    e.closed = o.closed;
    e.failure = o.failure;
    e.error = o.error;
    return e;
  };
  deps.now = ctx.now;
  deps.sleep = ctx.sleep;
  if (!f.check_cmd.empty()) {
    deps.check = [&f](const fuzz::Case& c) {
      const std::string cmd = fmt::format("export HOOKCTL_FUZZ_CASE='{}'; {}", c.id, f.check_cmd);
      const int status = std::system(cmd.c_str());
      return status == -1 ? 127 : WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    };
  }

  std::unique_ptr<report::JunitWriter> junit;
  if (!f.junit.empty()) {
    HOOKCTL_TRY_ASSIGN(junit, report::JunitWriter::open(f.junit, fmt::format("hookctl fuzz (seed {})", seed)));
  }
  if (!f.junit.empty()) { // find out now, not after the run, that the report cannot be written
    std::ofstream probe(f.junit, std::ios::app);
    if (!probe) return make_error(Errc::environment, fmt::format("cannot write {}", f.junit));
  }
  if (!f.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(f.out_dir, ec);
    if (ec) return make_error(Errc::environment, fmt::format("cannot create {}: {}", f.out_dir, ec.message()));
    const std::string probe_path = (std::filesystem::path(f.out_dir) / ".hookctl-probe").string();
    std::ofstream probe(probe_path);
    if (!probe) return make_error(Errc::environment, fmt::format("cannot write into {}", f.out_dir));
    probe.close();
    std::filesystem::remove(probe_path, ec);
  }

  // The baseline: every verdict depends on it.
  HOOKCTL_TRY_ASSIGN(fuzz::Exchange baseline, fuzz::check_baseline(base, deps));
  const bool quiet = g.quiet;
  if (!quiet)
    err << fmt::format("hookctl fuzz: {} against {} (seed {}); baseline answered {} in {:.0f} ms\n",
                       ro.duration ? "cases drawn for " + f.duration : std::to_string(order.size()) + " case(s)",
                       f.send.url, seed, baseline.status, baseline.latency_ms);
  const bool progress = show_progress(g, ctx);
  // The key as the user gave it (never its value), and the flags that shape the base delivery and
  // the verdicts, for the reproducer lines.
  std::string key_flag;
  if (!f.send.keys.private_keys.empty())
    key_flag = "--private-key \"$KEY\"";
  else if (!f.send.keys.secret_file.empty())
    key_flag = "--secret-file " + report::shell_quote(f.send.keys.secret_file);
  else if (!f.send.keys.secrets.empty())
    key_flag = "--secret \"$SECRET\"";
  std::string shaping;
  if (!f.send.event.empty())
    shaping = "--event " + report::shell_quote(f.send.event);
  else if ((f.send.data.starts_with("@") && f.send.data != "@-") || f.send.data.size() <= 200)
    shaping = "--data " + report::shell_quote(f.send.data);
  else
    shaping = "--data ..."; // stdin, or too long to repeat
  for (const auto& set : f.send.sets) shaping += " --set " + report::shell_quote(set);
  for (const auto& h : f.send.headers) {
    // A credential in a header is not repeated.
    const std::string name(util::trim(std::string_view(h).substr(0, h.find(':'))));
    shaping += " -H " + report::shell_quote(capture::is_sensitive_header(name) ? name + ": REDACTED" : h);
  }
  if (plan.provider == "hmac") {
    const auto& h = f.send.hmac;
    const HmacFlags defaults;
    if (h.header != defaults.header) shaping += " --hmac-header " + report::shell_quote(h.header);
    if (h.algorithm != defaults.algorithm) shaping += " --hmac-algorithm " + h.algorithm;
    if (h.encoding != defaults.encoding) shaping += " --hmac-encoding " + h.encoding;
    if (h.prefix != defaults.prefix) shaping += " --hmac-prefix " + report::shell_quote(h.prefix);
    if (h.templ != defaults.templ) shaping += " --hmac-template " + report::shell_quote(h.templ);
    if (h.id_header != defaults.id_header) shaping += " --hmac-id-header " + report::shell_quote(h.id_header);
    if (h.timestamp_header != defaults.timestamp_header)
      shaping += " --hmac-timestamp-header " + report::shell_quote(h.timestamp_header);
  }
  for (const auto& e : f.expects) shaping += " --expect " + report::shell_quote(e);
  if (f.strict) shaping += " --strict";
  if (!f.max_latency.empty()) shaping += " --max-latency " + f.max_latency;
  if (f.case_timeout != "5s") shaping += " --case-timeout " + f.case_timeout;
  if (!f.check_cmd.empty()) shaping += " --check-cmd " + report::shell_quote(f.check_cmd);
  if (f.send.conn.insecure) shaping += " -k";
  if (!f.send.conn.cacert.empty()) shaping += " --cacert " + report::shell_quote(f.send.conn.cacert);
  auto reproducer = [&](const fuzz::Case& c) {
    return fmt::format("hookctl fuzz {} -p {}{}{} {} --seed {} --case {}", f.send.url, plan.provider,
                       key_flag.empty() ? "" : " ", key_flag, shaping, seed, c.id);
  };
  std::map<std::string, std::map<std::string, std::pair<size_t, std::string>>> by_kind; // kind -> id -> (n, line)
  size_t raw_written = 0;
  std::optional<Error> write_error;
  InterruptScope interrupts;
  auto on_case = [&](const fuzz::CaseResult& r) {
    const fuzz::Case& c = *r.c;
    const auto& j = r.judgement;
    if (progress) {
      // A bar over the list (a count for a timed run), then the case that just ran.
      std::string bar;
      if (!ro.duration) {
        const size_t filled = (r.run + 1) * 20 / std::max<size_t>(1, order.size());
        bar = fmt::format("[{}{}] {}/{} ", std::string(filled, '#'), std::string(20 - filled, '.'), r.run + 1,
                          order.size());
      } else {
        bar = fmt::format("[{}] ", r.run + 1);
      }
      err << "\r\033[K" << bar << c.id << std::flush;
    }
    if (g.json) {
      nlohmann::ordered_json o = {{"id", c.id},
                                  {"family", fuzz::family_name(c.family)},
                                  {"description", c.description},
                                  {"expected", expected_text(c, ro.overrides)},
                                  {"verdict", fuzz::verdict_name(j.verdict)}};
      if (j.kind) o["kind"] = fuzz::kind_name(*j.kind);
      o["detail"] = j.detail;
      nlohmann::ordered_json ex = nlohmann::ordered_json::array();
      for (const auto& e : r.exchanges) ex.push_back(exchange_json(e));
      o["exchanges"] = ex;
      if (r.meanwhile) o["baseline_meanwhile"] = exchange_json(*r.meanwhile);
      o["seed"] = seed;
      if (j.verdict != fuzz::Verdict::pass) o["reproduce"] = reproducer(c);
      out << json_line(o) << "\n" << std::flush;
    }
    if (j.verdict != fuzz::Verdict::pass) {
      // A case drawn again (--cases, --duration) is listed once, with how often it came out so.
      const std::string kind =
          std::string(j.verdict == fuzz::Verdict::note ? "note: " : "") + std::string(fuzz::kind_name(*j.kind));
      auto& entry = by_kind[kind][c.id];
      if (entry.first == 0)
        entry.second = fmt::format("{}: {} -> {}\n      reproduce: {}", c.id, c.description, j.detail, reproducer(c));
      ++entry.first;
    }
    if (junit) {
      report::JunitCase jc;
      jc.name = c.id;
      jc.classname = std::string(fuzz::family_name(c.family));
      double total = 0;
      for (const auto& e : r.exchanges) total += e.latency_ms;
      jc.seconds = total / 1000;
      if (j.verdict == fuzz::Verdict::finding) jc.failure = fmt::format("{}: {}", fuzz::kind_name(*j.kind), j.detail);
      jc.details = fmt::format("{}; expected: {}; got: {}", c.description, expected_text(c, ro.overrides), j.detail);
      if (j.verdict != fuzz::Verdict::pass) jc.details += "\nreproduce: " + reproducer(c);
      junit->add(jc);
    }
    if (j.verdict == fuzz::Verdict::finding && !f.out_dir.empty()) {
      // Raw-socket cases (lying lengths, bad chunking, slow writers) are not requests a capture can
      // hold: their bytes go to .http files instead.
      auto files = raw_files(f.out_dir, r, base.keys);
      if (files.empty())
        files.emplace_back(finding_file(f.out_dir, c.id), finding_lines(r, base.keys.secrets, ctx));
      else
        ++raw_written;
      for (const auto& [path, content] : files) {
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file << content;
        if (!file && !write_error) write_error = Error{Errc::environment, fmt::format("cannot write {}", path)};
      }
    }
  };
  fuzz::Summary sum = fuzz::run(base, cases, order, ro, deps, on_case, [&] { return interrupts.flag().load(); });
  if (progress) err << "\r\033[K";
  std::ostream& report = g.json ? err : out;
  if (!quiet || sum.findings > 0) {
    for (const auto& [kind, cases_of_kind] : by_kind) {
      const bool on = g.json ? g.color_err : g.color_out;
      report << fmt::format("{} ({}):\n", paint(kind, kind.starts_with("note") ? Paint::yellow : Paint::red, on),
                            cases_of_kind.size());
      for (const auto& [id, entry] : cases_of_kind) {
        const auto& [n, line] = entry;
        report << "  " << (n > 1 ? fmt::format("(x{}) ", n) : std::string()) << line << "\n";
      }
    }
  }
  if (!quiet) {
    size_t distinct = 0;
    for (const auto& [kind, cases_of_kind] : by_kind)
      if (!kind.starts_with("note")) distinct += cases_of_kind.size();
    report << fmt::format("hookctl fuzz: {} case(s) in {:.1f} s: {} finding(s){}, {} note(s){}{}\n", sum.cases,
                          sum.seconds, sum.findings,
                          distinct != sum.findings ? fmt::format(" ({} distinct)", distinct) : std::string(), sum.notes,
                          sum.stopped_broken ? "; stopped: the receiver no longer accepts the baseline" : "",
                          interrupts.flag().load() ? "; interrupted" : "");
    if (raw_written > 0)
      report << fmt::format("hookctl fuzz: {} raw-socket finding(s) written as {}/ID.http, the bytes the case writes: "
                            "'nc {} {} < FILE' sends them again (--case also keeps the timing of slow writers)\n",
                            raw_written, f.out_dir, url.host, url.port);
  }
  if (junit) HOOKCTL_TRY(junit->finish(sum.seconds));
  if (write_error) return *write_error;
  if (interrupts.flag().load()) return 130;
  return sum.findings > 0 ? 1 : 0;
}

} // namespace

Command register_fuzz(CLI::App& root, Globals& g, Context& ctx) {
  auto f = std::make_shared<FuzzFlags>();
  auto* cmd =
      root.add_subcommand("fuzz", "Attack a webhook endpoint with forged, stale, malformed and slow deliveries");
  cmd->add_option("url", f->send.url, "The endpoint (loopback unless --allow-remote)")->required();
  add_provider_flag(cmd, f->send.provider, false);
  add_key_flags(cmd, f->send.keys, KeyUse::sign);
  cmd->add_option("-e,--event", f->send.event, "The base delivery: a catalog event (hookctl catalog) or @FILE");
  f->send.data_option = cmd->add_option("-d,--data", f->send.data, "The base delivery's body: text, @FILE or @-");
  cmd->add_option("--set", f->send.sets, "Edit the base body: PATH=VALUE (repeatable)");
  cmd->add_option("-H,--header", f->send.headers, "An extra header of the base delivery: 'Name: value' (repeatable)");
  const char* sel = "Cases";
  cmd->add_option("--families", f->families, "Comma-separated: signature,replay,payload,http,slow,order (default: all)")
      ->group(sel);
  cmd->add_option("--cases", f->cases, "Run N cases drawn from the families (by --seed), repeating when N is more")
      ->check(CLI::Range(1LL, 10000000LL))
      ->group(sel);
  cmd->add_option("--duration", f->duration, "Draw cases until this much time has passed (30s, 5m)")->group(sel);
  cmd->add_option("--seed", f->seed, "The seed of the mutations and the draw (default: random, printed)")
      ->check(CLI::Range(0LL, 9007199254740991LL))
      ->group(sel);
  cmd->add_option("--case", f->only, "Run this one case again (an id from a report or --list)")->group(sel);
  cmd->add_flag("--list", f->list, "Print the cases instead of running them")->group(sel);
  cmd->add_option("-c,--concurrency", f->concurrency, "Cases run at once (the oracle checks after each batch)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256))
      ->group(sel);
  const char* oracle = "Oracle";
  cmd->add_option("--case-timeout", f->case_timeout, "Time for each exchange (default 5s)")->group(oracle);
  cmd->add_option("--max-latency", f->max_latency, "A slower answer is a finding (slow)")->group(oracle);
  cmd->add_option("--check-every", f->check_every, "Send the baseline again after every K cases (default 1)")
      ->check(CLI::Range(1LL, 1000000LL))
      ->group(oracle);
  cmd->add_option("--check-cmd", f->check_cmd,
                  "A shell command run after each case (HOOKCTL_FUZZ_CASE set); non-zero exit is a finding")
      ->group(oracle);
  cmd->add_option("--expect", f->expects,
                  "What a family's answers may be instead of its default: FAMILY=STATUSES, as signature=401,403 "
                  "(repeatable)")
      ->group(oracle);
  cmd->add_flag("--strict", f->strict, "Count what the provider's own library accepts (future timestamps) as findings")
      ->group(oracle);
  cmd->add_flag("--allow-remote", f->allow_remote, "Fuzz a host other than this machine");
  const char* rep = "Report";
  cmd->add_flag("--json", g.json, "One JSON object per case on stdout")->group(rep);
  cmd->add_option("--junit", f->junit, "Write a JUnit XML report, one test case per case")
      ->type_name("FILE")
      ->group(rep);
  cmd->add_option("--out", f->out_dir,
                  "Write each finding as a capture file DIR/ID.jsonl (for hookctl replay), or raw bytes as DIR/ID.http")
      ->type_name("DIR")
      ->group(rep);
  cmd->add_flag("-k,--insecure", f->send.conn.insecure, "Do not verify the server's TLS certificate");
  cmd->add_option("--cacert", f->send.conn.cacert, "Verify TLS against the CA certificates in FILE (PEM)")
      ->type_name("FILE");
  add_hmac_flags(cmd, f->send.hmac);
  cmd->footer(help_footer("fuzz"));
  return {cmd, [f, &g, &ctx] { return run_fuzz(*f, g, ctx); }};
}

} // namespace hookctl::app
