// `hookctl listen`: the server adapter around receiver::handle and capture::Store, the console log,
// --expect/--timeout, and the summary at the end.
#include <atomic>
#include <cmath>
#include <csignal>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "docs.hpp"
#include "hookctl/capture/store.hpp"
#include "hookctl/crypto/crypto.hpp"
#include "hookctl/crypto/tls.hpp"
#include "hookctl/http/server.hpp"
#include "hookctl/receiver/receiver.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::app {
namespace {

struct ListenFlags {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string path;
  std::string provider;
  KeyFlags keys;
  HmacFlags hmac;
  std::string tolerance;
  std::string on_invalid = "reject";
  std::optional<std::string> capture; // default hookctl-captures.jsonl
  bool no_capture = false;
  std::string durability = "always";
  bool repair = false;
  bool no_handshake = false;
  std::string verify_token;
  std::optional<int> status; // 200 unless given
  std::string delay;
  std::string respond;
  double fail_rate = 0;
  int fail_status = 503;
  int fail_first = 0;
  std::string sequence;
  std::string sequence_scope = "id";
  double reset_rate = 0;
  std::string seed;
  std::string forward_to;
  int expect = 0;
  std::string timeout;
  std::string max_body = "10MiB";
  std::string read_timeout = "10s";
  std::string tls_cert;
  std::string tls_key;
  bool tls = false;
};

// The status line of a --respond file: {"status": 202, "headers": {"Name": "value"}, "body": "..."}.
Result<http::Response> load_respond(const std::string& arg, Context& ctx) {
  HOOKCTL_TRY_ASSIGN(std::string text, read_data(arg, ctx));
  auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
  auto bad = [&](std::string_view why) {
    return make_error(Errc::input, fmt::format("--respond {}: {} (expected {{\"status\": 202, \"headers\": "
                                               "{{\"Name\": \"value\"}}, \"body\": \"...\"}})",
                                               arg, why));
  };
  if (doc.is_discarded() || !doc.is_object()) return bad("not a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key != "status" && key != "headers" && key != "body") return bad(fmt::format("unknown key \"{}\"", key));
  }
  http::Response r;
  r.status = 200;
  if (doc.contains("status")) {
    if (!doc["status"].is_number_integer()) return bad("status is not a number");
    r.status = doc["status"].get<int>();
    if (r.status < 100 || r.status > 599) return bad("status is not 100 to 599");
  }
  if (doc.contains("headers")) {
    if (!doc["headers"].is_object()) return bad("headers is not an object");
    for (const auto& [name, value] : doc["headers"].items()) {
      if (!value.is_string()) return bad(fmt::format("header {} is not a string", name));
      r.headers.add(name, value.get<std::string>());
    }
  }
  if (doc.contains("body")) {
    if (doc["body"].is_string()) {
      r.body = doc["body"].get<std::string>();
    } else {
      r.body = doc["body"].dump();
      if (!r.headers.get("Content-Type")) r.headers.add("Content-Type", "application/json");
    }
  }
  return r;
}

Result<std::vector<int>> parse_sequence(const std::string& text) {
  std::vector<int> out;
  if (text.empty()) return out;
  for (auto part : util::split(text, ',')) {
    long long v = 0;
    if (!util::parse_int64(util::trim(part), v) || v < 100 || v > 599)
      return make_error(Errc::usage, fmt::format("invalid --sequence '{}': use statuses like 500,500,200", text));
    out.push_back(static_cast<int>(v));
  }
  return out;
}

// What the banner says about scripted answers: "200", "500,500,200 per delivery id; delay 2s".
std::string script_text(const receiver::Script& s, const std::string& delay, bool plain) {
  std::vector<std::string> parts;
  if (!s.sequence.empty()) {
    std::vector<std::string> codes;
    for (int c : s.sequence) codes.push_back(std::to_string(c));
    parts.push_back(fmt::format("sequence {} (the last repeats), counted {}", fmt::join(codes, ","),
                                s.per_delivery ? "per delivery id (globally without one)" : "globally"));
  } else if (s.respond) {
    parts.push_back(fmt::format("{} from --respond", s.respond->status));
  } else if (plain) {
    parts.push_back(std::to_string(s.status));
  } else {
    parts.push_back("what the app answers");
  }
  if (s.fail_first > 0)
    parts.push_back(fmt::format("the first {} attempt(s) {} {}", s.fail_first,
                                s.per_delivery ? "of each delivery get" : "get", s.fail_status));
  if (s.fail_rate > 0) parts.push_back(fmt::format("{:g}% get {}", s.fail_rate * 100, s.fail_status));
  if (s.reset_rate > 0) parts.push_back(fmt::format("{:g}% reset", s.reset_rate * 100));
  if (s.delay.count() > 0) parts.push_back(fmt::format("after a delay of {}", delay));
  return fmt::format("{}", fmt::join(parts, "; "));
}

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.starts_with("127.");
}

// The log line of one request and, with -v, its headers and body (JSON pretty-printed in its own key
// order, form fields one per line; the parser has already refused control characters in headers).
void print_request(std::ostream& out, const receiver::Handled& h, bool verbose) {
  const receiver::Decision& d = h.decision;
  const capture::Record& r = d.record;
  const bool note_in_verdict = d.verdict == receiver::Verdict::invalid || d.verdict == receiver::Verdict::unverified;
  std::string verdict(receiver::verdict_name(d.verdict));
  // The verdict's reason is the record's; a scripted or forwarding note follows the latency.
  const std::string reason = r.verification ? r.verification->reason : d.note;
  if (note_in_verdict) verdict += fmt::format(" ({})", reason);
  if (d.verdict == receiver::Verdict::handshake) verdict += " " + r.handshake;
  out << fmt::format(
      "{} {} {}{}  {} {}  {}{}  {}  -> {}  {:.2f} ms", util::format_rfc3339(unix_us() / 1000000).substr(11, 8),
      r.method, r.path, r.query.empty() ? "" : "?" + r.query, r.verification ? r.verification->provider : "-",
      r.event_type.empty() ? "-" : r.event_type, verdict, r.duplicate ? " duplicate" : "", size_text(r.body.size()),
      h.response.status == 0 ? std::string("reset") : std::to_string(h.response.status),
      r.response ? r.response->latency_ms : 0.0);
  if ((!note_in_verdict || d.note != reason) && d.verdict != receiver::Verdict::handshake && !d.note.empty())
    out << "  " << d.note;
  out << "\n";
  if (!h.capture_error.empty()) out << fmt::format("  capture failed, answered 503: {}\n", h.capture_error);
  if (!verbose) return;
  for (const auto& [name, value] : r.headers.fields()) out << fmt::format("  {}: {}\n", name, value);
  if (r.body.empty()) return;
  auto doc = nlohmann::ordered_json::parse(r.body, nullptr, false);
  auto type = r.headers.get("Content-Type");
  if (!doc.is_discarded()) {
    out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (type && util::to_lower(*type).starts_with("application/x-www-form-urlencoded")) {
    for (auto pair : util::split(r.body, '&')) {
      auto eq = pair.find('=');
      auto decoded = [](std::string_view t) { return util::form_decode(t).value_or(std::string(t)); };
      out << fmt::format("  {} = {}\n", decoded(pair.substr(0, eq)),
                         eq == std::string_view::npos ? std::string() : decoded(pair.substr(eq + 1)));
    }
  } else if (util::is_printable_utf8(r.body)) {
    out << r.body << "\n";
  } else {
    out << fmt::format("  ({} bytes of binary body)\n", r.body.size());
  }
}

// Counts by verdict and status for the summary; thread-safe.
struct Tally {
  std::mutex mutex;
  std::map<std::string, uint64_t> verdicts;
  std::map<int, uint64_t> statuses;
  uint64_t requests = 0;
  uint64_t capture_failures = 0;
  uint64_t protocol_errors = 0;
  std::atomic<uint64_t> valid{0};
  std::set<std::string> accepted_ids; // delivery ids already counted by --expect
};

Result<int> run_listen(const ListenFlags& f, const Globals& g, Context& ctx) {
  // --- configuration ---------------------------------------------------------------------------
  receiver::Config config;
  config.provider = f.provider;
  HOOKCTL_TRY_ASSIGN(config.keys, load_keys(f.keys));
  HOOKCTL_TRY_ASSIGN(config.scheme_options, scheme_options(f.hmac));
  if (!f.tolerance.empty()) {
    HOOKCTL_TRY_ASSIGN(auto t, util::parse_duration(f.tolerance));
    config.tolerance = std::chrono::duration_cast<std::chrono::seconds>(t);
  }
  if (f.on_invalid != "reject" && f.on_invalid != "accept")
    return make_error(Errc::usage, "--on-invalid takes reject or accept");
  config.reject_invalid = f.on_invalid == "reject";
  config.handshakes = !f.no_handshake;
  config.verify_token = f.verify_token;
  config.path_prefix = f.path;
  if (!config.path_prefix.empty() && config.path_prefix.front() != '/') config.path_prefix = "/" + config.path_prefix;
  auto& s = config.script;
  if (f.status && (*f.status < 100 || *f.status > 599)) return make_error(Errc::usage, "--status takes 100 to 599");
  s.status = f.status.value_or(200);
  // Options that would silently override each other are refused together.
  auto conflict = [](bool a, std::string_view na, bool b, std::string_view nb) -> Result<void> {
    if (a && b)
      return make_error(Errc::usage, fmt::format("{} and {} do not go together: {} decides the answer", na, nb, na));
    return {};
  };
  const bool seq = !f.sequence.empty();
  HOOKCTL_TRY(conflict(seq, "--sequence", f.fail_first != 0, "--fail-first"));
  HOOKCTL_TRY(conflict(seq, "--sequence", f.fail_rate != 0, "--fail-rate"));
  HOOKCTL_TRY(conflict(seq, "--sequence", f.status.has_value(), "--status"));
  HOOKCTL_TRY(conflict(seq, "--sequence", !f.respond.empty(), "--respond"));
  HOOKCTL_TRY(conflict(!f.respond.empty(), "--respond", f.status.has_value(), "--status"));
  HOOKCTL_TRY(conflict(!f.forward_to.empty(), "--forward-to", f.status.has_value(), "--status"));
  HOOKCTL_TRY(conflict(!f.forward_to.empty(), "--forward-to", !f.respond.empty(), "--respond"));
  if (f.no_capture && f.capture) return make_error(Errc::usage, "--capture and --no-capture do not go together");
  if (f.capture && f.capture->empty()) return make_error(Errc::usage, "--capture needs a file name");
  const std::string capture_file = f.capture.value_or("hookctl-captures.jsonl");
  if (!f.delay.empty()) {
    HOOKCTL_TRY_ASSIGN(s.delay, util::parse_duration(f.delay));
  }
  if (!f.respond.empty()) {
    HOOKCTL_TRY_ASSIGN(s.respond, load_respond(f.respond, ctx));
  }
  if (f.fail_status < 100 || f.fail_status > 599) return make_error(Errc::usage, "--fail-status takes 100 to 599");
  if (f.fail_first < 0) return make_error(Errc::usage, "--fail-first must not be negative");
  s.fail_rate = f.fail_rate;
  s.fail_status = f.fail_status;
  s.fail_first = static_cast<uint64_t>(f.fail_first);
  s.reset_rate = f.reset_rate;
  HOOKCTL_TRY_ASSIGN(s.sequence, parse_sequence(f.sequence));
  if (f.sequence_scope != "id" && f.sequence_scope != "global")
    return make_error(Errc::usage, "--sequence-scope takes id or global");
  s.per_delivery = f.sequence_scope == "id";
  uint64_t seed = 0;
  if (!f.seed.empty()) {
    long long v = 0;
    if (!util::parse_int64(f.seed, v) || v < 0)
      return make_error(Errc::usage, fmt::format("invalid --seed '{}': use a whole number 0 or above", f.seed));
    seed = static_cast<uint64_t>(v);
  } else {
    std::string r = ctx.random(8);
    for (char c : r) seed = (seed << 8) | static_cast<unsigned char>(c);
    seed &= 0xffffffffffffULL; // short enough to retype
  }
  s.seed = seed;
  config.forward_to = f.forward_to;
  if (f.expect < 0) return make_error(Errc::usage, "--expect must not be negative");
  std::optional<std::chrono::milliseconds> timeout;
  if (!f.timeout.empty()) {
    HOOKCTL_TRY_ASSIGN(timeout, util::parse_duration(f.timeout));
    if (timeout->count() <= 0)
      return make_error(Errc::usage, "--timeout must be above 0 (leave it out to wait forever)");
  }
  if (f.port < 0 || f.port > 65535) return make_error(Errc::usage, "--port takes 0 to 65535");

  http::ServerOptions so;
  so.host = f.host;
  so.port = static_cast<uint16_t>(f.port);
  HOOKCTL_TRY_ASSIGN(so.max_body, util::parse_size(f.max_body));
  HOOKCTL_TRY_ASSIGN(so.read_timeout, util::parse_duration(f.read_timeout));
  if (so.read_timeout.count() <= 0) return make_error(Errc::usage, "--read-timeout must be above 0");
  std::string tls_note;
  if (f.tls && (!f.tls_cert.empty() || !f.tls_key.empty()))
    return make_error(Errc::usage, "--tls makes its own certificate: leave out --tls-cert and --tls-key");
  if (f.tls_cert.empty() != f.tls_key.empty()) return make_error(Errc::usage, "--tls-cert and --tls-key go together");
  if (f.tls) {
    HOOKCTL_TRY_ASSIGN(auto tls, crypto::TlsServer::self_signed({"localhost", "127.0.0.1", "::1"}));
    const std::string cert_file = "hookctl-tls-cert.pem";
    std::ofstream out(cert_file, std::ios::binary | std::ios::trunc);
    out << tls->certificate_pem();
    if (!out.flush())
      return make_error(Errc::environment, fmt::format("cannot write the TLS certificate to {}", cert_file));
    tls_note = fmt::format("self-signed certificate in {} (SHA-256 {}); clients: --cacert {}", cert_file,
                           tls->fingerprint_sha256(), cert_file);
    so.tls = std::move(tls);
  } else if (!f.tls_cert.empty()) {
    HOOKCTL_TRY_ASSIGN(auto tls, crypto::TlsServer::from_files(f.tls_cert, f.tls_key));
    tls_note = fmt::format("certificate {} (SHA-256 {})", f.tls_cert, tls->fingerprint_sha256());
    so.tls = std::move(tls);
  }

  receiver::Deps deps;
  deps.now_us = unix_us;
  deps.random = ctx.random;
  http::ClientOptions forward_options;
  deps.transport = [&ctx, forward_options] { return ctx.transport(forward_options); };
  HOOKCTL_TRY_ASSIGN(auto rx, receiver::Receiver::create(config, deps));

  // --- the capture file --------------------------------------------------------------------------
  std::unique_ptr<capture::Store> store;
  capture::Durability durability = capture::Durability::always;
  HOOKCTL_TRY_ASSIGN(durability, capture::parse_durability(f.durability));
  if (!f.no_capture) {
    capture::StoreOptions o;
    o.durability = durability;
    o.repair = f.repair;
    HOOKCTL_TRY_ASSIGN(store, capture::Store::open(capture_file, o));
  }

  // --- serving -----------------------------------------------------------------------------------
  Tally tally;
  std::mutex out_mutex;
  std::ostream& out = *ctx.out;
  std::ostream& err = *ctx.err;
  const bool json = g.json;
  const bool verbose = g.verbose;
  const bool quiet = g.quiet;
  // A request the server refused itself (413, 408, malformed, ...) gets a log line like any other,
  // and a capture record when its head arrived (there is something to look at).
  so.on_error = [&](const http::ServerError& e) {
    {
      std::lock_guard lock(tally.mutex);
      ++tally.protocol_errors;
    }
    std::optional<capture::Record> record;
    std::string capture_error;
    if (e.request) {
      record = receiver::refused_record(e, unix_us(), ctx.random(10));
      if (store) {
        if (auto appended = store->append(*record); !appended) capture_error = appended.error().message;
      }
    }
    std::lock_guard lock(out_mutex);
    if (json) {
      if (record) out << capture::to_line(*record) << std::flush;
      return;
    }
    if (quiet && capture_error.empty()) return;
    const std::string answer = e.status > 0 ? std::to_string(e.status) : std::string("dropped");
    if (record)
      out << fmt::format("{} {} {}{}  refused ({})  -> {}\n", util::format_rfc3339(unix_us() / 1000000).substr(11, 8),
                         record->method, record->path, record->query.empty() ? "" : "?" + record->query, e.reason,
                         answer);
    else
      out << fmt::format("{} - -  refused ({}) from {}  -> {}\n",
                         util::format_rfc3339(unix_us() / 1000000).substr(11, 8), e.reason, e.remote, answer);
    if (!capture_error.empty()) out << fmt::format("  capture failed: {}\n", capture_error);
    out << std::flush;
  };
  auto handler = [&](const http::ServerRequest& request) -> http::Response {
    receiver::Handled h = receiver::handle_and_capture(*rx, store.get(), request);
    const receiver::Decision& d = h.decision;
    const http::Response& response = h.response;
    const std::string& capture_error = h.capture_error;
    {
      std::lock_guard lock(tally.mutex);
      ++tally.requests;
      ++tally.verdicts[std::string(receiver::verdict_name(d.verdict))];
      ++tally.statuses[response.status];
      if (!capture_error.empty()) ++tally.capture_failures;
    }
    // The scripted --delay passes before the line is printed: the line tells when the answer went out,
    // and its latency (like the record's) includes the delay.
    if (d.delay.count() > 0) std::this_thread::sleep_for(d.delay);
    {
      std::lock_guard lock(out_mutex);
      if (json && !capture_error.empty() && d.record.response) {
        // What was answered (503), not what would have been.
        capture::Record shown = d.record;
        shown.response->status = response.status;
        out << capture::to_line(shown) << std::flush;
      } else if (json) {
        out << capture::to_line(d.record) << std::flush;
      } else if (!quiet || !capture_error.empty()) {
        print_request(out, h, verbose);
        out << std::flush;
      }
    }
    // --expect counts accepted deliveries once each: a scripted failure does not count, and a
    // delivery retried after one counts once, when it is accepted.
    if (d.verdict == receiver::Verdict::valid && response.status >= 200 && response.status <= 299) {
      bool first = true;
      if (!d.record.delivery_id.empty()) {
        std::lock_guard lock(tally.mutex);
        first = tally.accepted_ids.insert(d.record.delivery_id).second;
      }
      if (first) ++tally.valid;
    }
    return h.response;
  };

  InterruptScope interrupts;
  // A file size limit (ulimit -f) makes a capture write fail (answered 503) instead of killing us.
  std::signal(SIGXFSZ, SIG_IGN);
  HOOKCTL_TRY_ASSIGN(auto server, http::Server::start(so, handler));
  const std::string scheme = so.tls ? "https" : "http";
  const std::string shown_host = f.host.find(':') != std::string::npos ? "[" + f.host + "]" : f.host;
  const std::string url = fmt::format("{}://{}:{}{}", scheme, shown_host, server->port(),
                                      config.path_prefix.empty() ? "/" : config.path_prefix);
  // With --port 0 the address is a result: --quiet still prints it.
  if (quiet && f.port == 0) err << fmt::format("hookctl listen: {}\n", url);
  if (!quiet) {
    err << fmt::format("hookctl listen: {} (any method{})\n", url, config.path_prefix.empty() ? ", any path" : "");
    std::string provider_text;
    const size_t nkeys = config.keys.secrets.size() + config.keys.public_keys.size() + config.keys.private_keys.size();
    if (!f.provider.empty())
      provider_text = nkeys > 0 ? fmt::format("{}, verifying with {} key(s)", f.provider, nkeys)
                                : fmt::format("{}, not verifying (no secret given)", f.provider);
    else
      provider_text = nkeys > 0 ? fmt::format("detected from the headers, verifying with {} key(s)", nkeys)
                                : "detected from the headers, not verifying (no secret given)";
    if (nkeys > 0)
      err << fmt::format("  provider:   {}; invalid signatures are {}\n", provider_text,
                         config.reject_invalid ? "answered 401" : "accepted (--on-invalid accept)");
    else
      err << fmt::format("  provider:   {}; every delivery is accepted\n", provider_text);
    if (store) {
      const auto& o = store->opened();
      err << fmt::format("  capture:    {} (durability {}; {} record(s) already, next seq {})\n", capture_file,
                         capture::durability_name(durability), o.records, o.last_seq + 1);
      if (o.torn_bytes > 0)
        err << fmt::format("  repaired:   a torn last line ({} bytes, from a crash) was removed\n", o.torn_bytes);
      if (o.repaired > 0)
        err << fmt::format("  repaired:   {} corrupt line(s) moved to {}.rejected\n", o.repaired, capture_file);
    } else {
      err << "  capture:    off (--no-capture)\n";
    }
    err << fmt::format("  handshakes: {}\n", config.handshakes ? "answered (Slack, Twitch, Zoom, Meta, Microsoft "
                                                                 "Graph, Dropbox)"
                                                               : "off");
    if (!f.forward_to.empty()) err << fmt::format("  forward to: {}\n", f.forward_to);
    if (!tls_note.empty()) err << fmt::format("  tls:        {}\n", tls_note);
    err << fmt::format("  answers:    {}\n", script_text(s, f.delay, f.forward_to.empty()));
    if (s.fail_rate > 0 || s.reset_rate > 0)
      err << fmt::format("  seed:       {} (--seed {} replays the same decisions)\n", seed, seed);
    if (!is_loopback(f.host))
      err << fmt::format("  note:       listening on {}, reachable from other machines\n", f.host);
    err << std::flush;
  }

  const auto started = std::chrono::steady_clock::now();
  bool expected = false, timed_out = false;
  while (!interrupts.flag().load()) {
    if (f.expect > 0 && tally.valid.load() >= static_cast<uint64_t>(f.expect)) {
      expected = true;
      break;
    }
    if (timeout && std::chrono::steady_clock::now() - started >= *timeout) {
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server->stop();
  std::string flush_error;
  if (store) {
    if (auto flushed = store->flush(); !flushed) flush_error = flushed.error().message;
  }

  // --- summary -------------------------------------------------------------------------------------
  if (!quiet) {
    std::lock_guard lock(tally.mutex);
    std::vector<std::string> parts;
    for (const auto& [v, n] : tally.verdicts) parts.push_back(fmt::format("{} {}", n, v));
    std::vector<std::string> statuses;
    for (const auto& [st, n] : tally.statuses)
      statuses.push_back(fmt::format("{} x{}", st == 0 ? std::string("reset") : std::to_string(st), n));
    err << fmt::format("hookctl listen: {} request(s){}{}{}{}\n", tally.requests,
                       parts.empty() ? "" : ": " + fmt::format("{}", fmt::join(parts, ", ")),
                       statuses.empty() ? "" : "; answered " + fmt::format("{}", fmt::join(statuses, ", ")),
                       tally.protocol_errors > 0 ? fmt::format("; {} refused at the HTTP level", tally.protocol_errors)
                                                 : "",
                       store ? fmt::format("; captured in {}", capture_file) : "");
  }
  if (!flush_error.empty()) return make_error(Errc::environment, flush_error);
  if (interrupts.flag().load()) return interrupts.signal() == SIGINT ? 130 : 0;
  if (expected) return 0;
  if (timed_out && f.expect > 0) {
    err << fmt::format("hookctl: expected {} valid deliveries within {}, got {}\n", f.expect, f.timeout,
                       tally.valid.load());
    return 1;
  }
  return 0;
}

} // namespace

Command register_listen(CLI::App& root, Globals& g, Context& ctx) {
  auto f = std::make_shared<ListenFlags>();
  auto* cmd = root.add_subcommand("listen", "Receive webhooks locally: log, verify, capture, answer, forward");
  const char* net = "Listening";
  const char* verify = "Verification";
  const char* cap = "Capture";
  const char* answer = "Answering";
  cmd->add_option("--host", f->host, "Address to bind (loopback unless you name another)")
      ->capture_default_str()
      ->group(net);
  cmd->add_option("--port", f->port, "Port to bind; 0 picks a free one")->capture_default_str()->group(net);
  cmd->add_option("--path", f->path, "Only serve under this path prefix (others get 404)")->group(net);
  cmd->add_option("--max-body", f->max_body, "Largest body accepted (413 beyond)")->capture_default_str()->group(net);
  cmd->add_option("--read-timeout", f->read_timeout, "Longest a request may take to arrive (408 beyond)")
      ->capture_default_str()
      ->group(net);
  cmd->add_option("--tls-cert", f->tls_cert, "Serve HTTPS with this PEM certificate chain")->group(net);
  cmd->add_option("--tls-key", f->tls_key, "The PEM private key of --tls-cert")->group(net);
  cmd->add_flag("--tls", f->tls, "Serve HTTPS with a fresh self-signed certificate for localhost")->group(net);
  add_provider_flag(cmd, f->provider, false)->group(verify);
  add_key_flags(cmd, f->keys, KeyUse::verify);
  cmd->add_option("--tolerance", f->tolerance, "Timestamp window instead of the provider's (0 turns it off)")
      ->group(verify);
  cmd->add_option("--on-invalid", f->on_invalid, "reject (answer 401) or accept an invalid signature")
      ->check(CLI::IsMember({"reject", "accept"}))
      ->capture_default_str()
      ->group(verify);
  cmd->add_option("--capture", f->capture,
                  "Append every request to this JSON Lines file (default: hookctl-captures.jsonl)")
      ->group(cap);
  cmd->add_flag("--no-capture", f->no_capture, "Do not write a capture file")->group(cap);
  cmd->add_option("--durability", f->durability, "always (fsync before answering), batch (every 100 ms) or none")
      ->check(CLI::IsMember({"always", "batch", "none"}))
      ->capture_default_str()
      ->group(cap);
  cmd->add_flag("--repair", f->repair, "Move corrupt lines of the capture file aside instead of refusing it")
      ->group(cap);
  cmd->add_flag("--no-handshake", f->no_handshake, "Do not answer providers' endpoint checks")->group(answer);
  cmd->add_option("--verify-token", f->verify_token, "The hub.verify_token Meta/WhatsApp checks send")->group(answer);
  cmd->add_option("--status", f->status, "Status for accepted deliveries (default: 200)")->group(answer);
  cmd->add_option("--delay", f->delay, "Wait this long before answering")->group(answer);
  cmd->add_option("--respond", f->respond, "Answer from @FILE: {\"status\":..., \"headers\":{...}, \"body\":...}")
      ->group(answer);
  cmd->add_option("--fail-rate", f->fail_rate, "Share of deliveries answered --fail-status (0 to 1)")->group(answer);
  cmd->add_option("--fail-status", f->fail_status, "Status of scripted failures")->capture_default_str()->group(answer);
  cmd->add_option("--fail-first", f->fail_first, "Fail the first N attempts of each delivery")->group(answer);
  cmd->add_option("--sequence", f->sequence, "Statuses for attempts 1, 2, ... of each delivery: 500,500,200")
      ->group(answer);
  cmd->add_option("--sequence-scope", f->sequence_scope,
                  "Count attempts per delivery id, or globally (--fail-first and --sequence)")
      ->check(CLI::IsMember({"id", "global"}))
      ->capture_default_str()
      ->group(answer);
  cmd->add_option("--reset-rate", f->reset_rate, "Share of deliveries whose connection is closed unanswered")
      ->group(answer);
  cmd->add_option("--seed", f->seed, "Seed of the random decisions (printed when not given)")->group(answer);
  cmd->add_option("--forward-to", f->forward_to, "Forward deliveries to your app and relay its answer")->group(answer);
  cmd->add_option("--expect", f->expect, "Exit 0 once N valid deliveries arrived")->group("CI");
  cmd->add_option("--timeout", f->timeout, "Stop after this long (exit 1 if --expect was not met)")->group("CI");
  cmd->add_flag("--json", g.json, "Print each capture record as a JSON line instead of the log");
  add_hmac_flags(cmd, f->hmac);
  cmd->footer(help_footer("listen"));
  return {cmd, [f, &g, &ctx] { return run_listen(*f, g, ctx); }};
}

} // namespace hookctl::app
