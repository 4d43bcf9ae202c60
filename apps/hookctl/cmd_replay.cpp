// `hookctl replay`: captured events (hookctl captures or HAR files) selected, listed, exported, or
// re-sent to a URL (re-signed when asked) and compared with what was recorded.
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "docs.hpp"
#include "hookctl/capture/har.hpp"
#include "hookctl/capture/reader.hpp"
#include "hookctl/capture/store.hpp"
#include "hookctl/http/version.hpp"
#include "hookctl/http/wire.hpp"
#include "hookctl/replay/runner.hpp"
#include "hookctl/replay/select.hpp"
#include "hookctl/report/curl.hpp"
#include "hookctl/report/junit.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::app {
namespace {

struct ReplayFlags {
  std::vector<std::string> files;
  bool skip_invalid = false;
  // selection
  std::vector<std::string> ids;
  std::string path;
  std::vector<std::string> methods;
  std::string since;
  std::string until;
  long long last = 0;
  std::string provider;
  std::string verdict;
  std::vector<std::string> statuses;
  std::vector<std::string> where;
  long long limit = 0;
  bool list = false;
  // sending
  std::string to;
  std::string to_exact;
  bool resign = false;
  bool new_ids = false;
  KeyFlags keys;
  HmacFlags hmac;
  std::vector<std::string> sets;
  int concurrency = 1;
  double rate = 0;
  bool preserve_timing = false;
  double speed = 1;
  RetryFlags retry;
  ConnectionFlags conn;
  // comparing
  bool compare = false;
  bool compare_body = false;
  std::vector<std::string> ignore;
  std::vector<std::string> expect_status;
  std::string junit;
  std::string output;
  // export
  std::string format;
  bool include_sensitive = false;
};

// --since/--until: an RFC 3339 time, or a duration ago ("2h").
Result<int64_t> time_arg(const std::string& flag, const std::string& text, Context& ctx) {
  if (auto at = replay::parse_time_us(text)) return *at;
  if (auto d = util::parse_duration(text)) return ctx.now() * 1'000'000 - d->count() * 1000;
  return make_error(
      Errc::usage,
      fmt::format("invalid {} '{}': use a time (2026-11-28T10:00:00Z) or a duration ago (2h)", flag, text));
}

// The first `limit` bytes of another stream buffer.
class LimitedBuf : public std::streambuf {
public:
  LimitedBuf(std::streambuf* source, uint64_t limit) : m_source(source), m_left(limit) {}

protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (m_left == 0) return traits_type::eof();
    const auto want = static_cast<std::streamsize>(std::min<uint64_t>(sizeof m_buf, m_left));
    const std::streamsize n = m_source->sgetn(m_buf, want);
    if (n <= 0) return traits_type::eof();
    m_left -= static_cast<uint64_t>(n);
    setg(m_buf, m_buf, m_buf + n);
    return traits_type::to_int_type(*gptr());
  }

private:
  std::streambuf* m_source;
  uint64_t m_left;
  char m_buf[1 << 16];
};

// The headers of `r` with sensitive values redacted unless `include`.
util::Headers shown_headers(const util::Headers& headers, bool include) {
  util::Headers out = headers;
  if (!include) out.mask(capture::is_sensitive_header, "REDACTED");
  return out;
}

// Statistics of a run for the summary.
struct Tally {
  uint64_t sent = 0, ok = 0, failed = 0, unbuildable = 0;
  uint64_t matched = 0, mismatched = 0, unrecorded = 0;
  std::map<int, uint64_t> statuses;
  std::vector<std::string> mismatches; // "seq 3 POST /x: diff", the first few
};

Result<int> run_replay(const ReplayFlags& f, const Globals& g, Context& ctx) {
  std::ostream& out = *ctx.out;
  std::ostream& err = *ctx.err;

  // --- what to do ------------------------------------------------------------------------------
  if (!f.format.empty() && f.format != "har" && f.format != "curl")
    return make_error(Errc::usage, "--format takes har or curl");
  const bool exporting = !f.format.empty();
  const bool listing = f.list;
  if (exporting && listing) return make_error(Errc::usage, "--format and --list do not go together");
  if (!f.to.empty() && !f.to_exact.empty()) return make_error(Errc::usage, "--to and --to-exact do not go together");
  const std::string to = f.to.empty() ? f.to_exact : f.to;
  const bool sending = !exporting && !listing;
  if (sending && to.empty())
    return make_error(Errc::usage, "--to URL is needed to send (or --list to see the events, --format to export)");
  if (!to.empty()) HOOKCTL_TRY(http::parse_url(to));
  if (f.compare || f.compare_body || !f.ignore.empty() || !f.expect_status.empty() || !f.junit.empty() ||
      !f.output.empty()) {
    if (!sending)
      return make_error(Errc::usage, exporting
                                         ? "--compare, --expect-status, --junit and --output go with a replay "
                                           "(--to), not with --format"
                                         : "--compare, --expect-status, --junit and --output need a replay (--to)");
  }
  if (!f.ignore.empty() && !f.compare_body) return make_error(Errc::usage, "--ignore goes with --compare-body");
  if (f.new_ids && !f.resign) return make_error(Errc::usage, "--new-ids goes with --resign");
  if (f.format == "har" && (f.resign || !f.sets.empty()))
    return make_error(Errc::usage, "--resign and --set go with a replay or --format curl; a HAR export keeps the "
                                   "events as captured");
  if (!f.expect_status.empty() && (f.compare || f.compare_body))
    return make_error(Errc::usage, "--expect-status asserts instead of --compare: use one of them");
  if (f.rate != 0 && f.preserve_timing)
    return make_error(Errc::usage, "--rate and --preserve-timing do not go together");
  if (f.speed != 1 && !f.preserve_timing) return make_error(Errc::usage, "--speed goes with --preserve-timing");
  if (f.files.empty()) return make_error(Errc::usage, "name a capture or HAR file (- for stdin)");

  // --- selection -------------------------------------------------------------------------------
  replay::Selection sel;
  sel.ids = f.ids;
  sel.path_glob = f.path;
  sel.methods = f.methods;
  if (!f.since.empty()) {
    HOOKCTL_TRY_ASSIGN(sel.since_us, time_arg("--since", f.since, ctx));
  }
  if (!f.until.empty()) {
    HOOKCTL_TRY_ASSIGN(sel.until_us, time_arg("--until", f.until, ctx));
  }
  // --provider selects that provider's events; with --resign, unsigned ones too (signed now), so
  // that another provider's event is never re-signed as this one.
  sel.provider = f.provider;
  sel.unsigned_too = f.resign;
  sel.verdict = f.verdict;
  for (const auto& s : f.statuses) {
    for (auto part : util::split(s, ',')) {
      HOOKCTL_TRY_ASSIGN(auto filter, replay::parse_status_filter(part));
      sel.statuses.push_back(filter);
    }
  }
  for (const auto& w : f.where) {
    HOOKCTL_TRY_ASSIGN(auto cond, replay::parse_where(w));
    sel.where.push_back(cond);
  }

  // --- sending setup ---------------------------------------------------------------------------
  replay::RunOptions ro;
  ro.plan.to = to;
  ro.plan.exact = !f.to_exact.empty();
  ro.plan.sets = f.sets;
  if (f.resign) {
    if (f.provider.empty()) return make_error(Errc::usage, "--resign needs --provider and its keys");
    replay::Resign r;
    r.provider = f.provider;
    HOOKCTL_TRY_ASSIGN(r.keys, load_keys(f.keys));
    HOOKCTL_TRY_ASSIGN(r.scheme_options, scheme_options(f.hmac));
    r.new_ids = f.new_ids;
    ro.plan.resign = r;
  }
  // Keys without --resign are not an error: HOOKCTL_SECRET may well be set in the environment.
  ro.concurrency = f.concurrency;
  if (f.rate != 0) ro.rate = f.rate;
  if (f.preserve_timing) ro.speed = f.speed;
  HOOKCTL_TRY_ASSIGN(ro.retry, retry_policy(f.retry));
  ro.comparing = f.compare || f.compare_body || !f.expect_status.empty();
  ro.compare.body = f.compare_body;
  ro.compare.ignore = f.ignore;
  for (const auto& e : f.expect_status) {
    for (auto part : util::split(e, ',')) {
      HOOKCTL_TRY_ASSIGN(auto filter, replay::parse_status_filter(part));
      ro.compare.expected.push_back(filter);
    }
  }
  http::ClientOptions client;
  HOOKCTL_TRY_ASSIGN(client, client_options(f.conn));

  std::unique_ptr<report::JunitWriter> junit;
  if (!f.junit.empty()) {
    HOOKCTL_TRY_ASSIGN(junit, report::JunitWriter::open(f.junit, "hookctl replay"));
  }
  std::unique_ptr<capture::Store> output;
  if (!f.output.empty()) {
    capture::StoreOptions so;
    so.durability = capture::Durability::batch;
    HOOKCTL_TRY_ASSIGN(output, capture::Store::open(f.output, so));
  }

  // --- the run -----------------------------------------------------------------------------------
  Tally tally;
  uint64_t stale = 0;
  std::map<std::string, uint64_t> stale_by_provider;
  std::vector<std::string> stale_examples;
  const int64_t now_us = ctx.now() * 1'000'000;
  const bool json = g.json;
  const bool quiet = g.quiet;
  const auto started = std::chrono::steady_clock::now();

  auto on_result = [&](replay::EventResult&& r) {
    const capture::Record& rec = r.record;
    int status = 0;
    std::string error = r.build_error;
    double latency_ms = 0;
    const http::Response* response = nullptr;
    if (!r.delivery.attempts.empty()) {
      const auto& last = r.delivery.attempts.back().outcome;
      latency_ms = std::chrono::duration<double, std::milli>(last.latency).count();
      if (last.response) {
        status = last.response->status;
        response = &*last.response;
      } else {
        error = last.error;
      }
    }
    if (!r.build_error.empty())
      ++tally.unbuildable;
    else
      ++tally.sent;
    if (status != 0) ++tally.statuses[status];
    const bool success = status >= 200 && status <= 299;
    success ? ++tally.ok : ++tally.failed;
    std::string verdict;
    if (r.comparison) {
      switch (r.comparison->match) {
      case replay::Match::match:
        ++tally.matched;
        verdict = "match";
        break;
      case replay::Match::mismatch:
        ++tally.mismatched;
        verdict = "MISMATCH";
        if (tally.mismatches.size() < 20)
          tally.mismatches.push_back(
              fmt::format("seq {} {} {}: {}", rec.seq, rec.method, rec.path, r.comparison->diff));
        break;
      case replay::Match::unrecorded:
        ++tally.unrecorded;
        verdict = "unrecorded";
        break;
      }
    }
    const std::string got = status != 0 ? std::to_string(status) : fmt::format("error ({})", error);
    if (json) {
      nlohmann::ordered_json j = {{"index", r.index},
                                  {"seq", rec.seq},
                                  {"id", rec.id},
                                  {"method", rec.method},
                                  {"url", r.request.url},
                                  {"status", status},
                                  {"attempts", r.delivery.attempts.size()},
                                  {"latency_ms", latency_ms}};
      if (!error.empty()) j["error"] = error;
      if (rec.response) j["recorded_status"] = rec.response->status;
      if (r.comparison) {
        j["match"] = verdict == "match" ? nlohmann::ordered_json("match")
                                        : nlohmann::ordered_json(verdict == "MISMATCH" ? "mismatch" : "unrecorded");
        if (!r.comparison->diff.empty()) j["diff"] = r.comparison->diff;
      }
      out << json_line(j) << "\n";
    } else if (!quiet || (r.comparison && r.comparison->match == replay::Match::mismatch) || !error.empty()) {
      std::string line = fmt::format("seq {} {} {} -> {}", rec.seq, rec.method, rec.path, got);
      if (r.delivery.attempts.size() > 1) line += fmt::format(" after {} attempts", r.delivery.attempts.size());
      if (status != 0) line += fmt::format("  {:.2f} ms", latency_ms);
      if (rec.response) line += fmt::format("  (recorded {})", rec.response->status);
      if (!verdict.empty()) line += "  " + verdict;
      if (r.comparison && !r.comparison->diff.empty() && r.comparison->match == replay::Match::mismatch)
        line += ": " + r.comparison->diff;
      out << line << "\n";
    }
    if (ctx.stdout_live) out.flush();
    if (junit) {
      report::JunitCase c;
      c.name = fmt::format("seq {} {} {} ({})", rec.seq, rec.method, rec.path, rec.id);
      c.classname =
          "replay." + (replay::record_provider(rec).empty() ? std::string("unsigned") : replay::record_provider(rec));
      c.seconds = latency_ms / 1000;
      if (r.comparison) {
        if (r.comparison->match == replay::Match::mismatch) c.failure = r.comparison->diff;
        if (r.comparison->match == replay::Match::unrecorded) {
          c.skipped = true;
          c.failure = r.comparison->diff;
        }
      } else if (!success) {
        c.failure = status != 0 ? fmt::format("answered {}", status) : error;
      }
      c.details = fmt::format("{} {} -> {}", rec.method, r.request.url, got);
      junit->add(c);
    }
    if (output && r.build_error.empty()) {
      capture::Record o = sent_record(r.request, r.sent_at_us, ctx);
      o.event_type = rec.event_type;
      o.delivery_id = rec.delivery_id;
      if (response) {
        capture::RecordedResponse rr;
        rr.status = response->status;
        rr.latency_ms = latency_ms;
        rr.headers = response->headers;
        rr.body = response->body;
        o.response = rr;
      }
      if (auto appended = output->append(o); !appended)
        err << fmt::format("hookctl: cannot write {}: {}\n", f.output, appended.error().message);
    }
  };

  replay::RunDeps deps;
  deps.transport = [&ctx, client] { return ctx.transport(client); };
  // Plain http:// targets go through event loops, as send's load mode does; https:// and injected
  // transports through a thread per connection.
  if (ctx.multiplexer && to.starts_with("http://"))
    deps.multiplexer = [&ctx, client](size_t slots) { return ctx.multiplexer(client, slots); };
  deps.now_us = unix_us;
  deps.random = ctx.random;
  deps.retry_clock.now_unix = ctx.now;
  deps.retry_clock.sleep_for = ctx.sleep;
  deps.retry_clock.uniform01 = [&ctx] {
    std::string r = ctx.random(8);
    uint64_t v = 0;
    for (unsigned char c : r) v = (v << 8) | c;
    return static_cast<double>(v >> 11) / static_cast<double>(uint64_t{1} << 53);
  };
  deps.steady_now = [] { return std::chrono::steady_clock::now(); };
  deps.sleep_until = [](std::chrono::steady_clock::time_point t) { std::this_thread::sleep_until(t); };
  std::unique_ptr<replay::Runner> runner;
  if (sending) {
    if (!ctx.transport) return make_error(Errc::internal, "replay: no HTTP client");
    runner = std::make_unique<replay::Runner>(ro, deps, on_result);
    HOOKCTL_TRY(runner->start());
  }

  std::unique_ptr<capture::HarWriter> har;
  if (f.format == "har") {
    capture::HarWriteOptions ho;
    ho.include_sensitive = f.include_sensitive;
    ho.creator_version = std::string(http::k_user_agent.substr(http::k_user_agent.find('/') + 1));
    har = std::make_unique<capture::HarWriter>(out, ho);
  }
  if (listing && !json)
    out << fmt::format("{:>5}  {:<26}  {:<24}  {:<6}  {:<24}  {:<9}  {:<22}  {:>9}  {}\n", "seq", "id", "time",
                       "method", "path", "provider", "event", "size", "status");

  uint64_t selected = 0, invalid = 0;
  std::deque<capture::Record> last; // --last N: the newest N so far
  bool stop = false;
  std::optional<Error> export_error;
  InterruptScope interrupts;
  // One selected event: listed, exported or sent.
  auto take = [&](capture::Record rec) {
    ++selected;
    std::string provider;
    if (sending && !f.resign && replay::stale(rec, now_us, &provider)) {
      ++stale;
      ++stale_by_provider[provider];
      if (stale_examples.size() < 5) stale_examples.push_back(fmt::format("seq {} ({})", rec.seq, provider));
    }
    if (listing) {
      if (json) {
        out << capture::to_line(rec);
      } else {
        const std::string p = replay::record_provider(rec);
        out << fmt::format("{:>5}  {:<26}  {:<24}  {:<6}  {:<24}  {:<9}  {:<22}  {:>9}  {}\n", rec.seq, rec.id,
                           rec.received_at.substr(0, 23), rec.method, rec.path, p.empty() ? "-" : p,
                           rec.event_type.empty() ? "-" : rec.event_type, size_text(rec.body.size()),
                           rec.response ? std::to_string(rec.response->status) : "-");
      }
    } else if (har) {
      har->add(rec);
    } else if (f.format == "curl") {
      // The request as a replay would send it: to --to (else the captured Host), with the --set
      // edits and, with --resign, signed now.
      replay::RequestPlan plan = ro.plan;
      if (plan.to.empty()) {
        plan.to = fmt::format("http://{}", rec.headers.get("Host").value_or("localhost"));
        plan.exact = false;
      }
      auto req = replay::build_request(rec, plan, ctx.now(), ctx.random);
      if (!req) {
        if (!export_error) export_error = req.error();
        stop = true;
        return;
      }
      out << report::curl_command(req->method, req->url,
                                  shown_headers(http::end_to_end(req->headers), f.include_sensitive), req->body)
          << "\n";
    } else if (!runner->submit(std::move(rec))) {
      stop = true;
    }
    if (f.limit > 0 && selected >= static_cast<uint64_t>(f.limit)) stop = true;
  };

  for (const auto& file : f.files) {
    if (stop) break;
    std::ifstream in_file;
    std::istream* in = ctx.in;
    // A regular file is read up to the size it had when opened: replaying a capture to the
    // listener that is appending to it must end.
    std::optional<LimitedBuf> limited;
    std::optional<std::istream> limited_in;
    if (file != "-") {
      in_file.open(file, std::ios::binary);
      if (!in_file) return make_error(Errc::input, fmt::format("cannot read {}", file));
      in = &in_file;
      std::error_code ec;
      if (std::filesystem::is_regular_file(file, ec)) {
        const auto size = std::filesystem::file_size(file, ec);
        if (!ec) {
          limited.emplace(in_file.rdbuf(), size);
          limited_in.emplace(&*limited);
          in = &*limited_in;
        }
      }
    }
    const std::string shown = file == "-" ? std::string("stdin") : file;
    auto read = capture::read_events(
        *in, shown,
        [&](capture::Record rec, const std::string&) {
          if (interrupts.flag().load()) {
            stop = true;
            return false;
          }
          if (!sel.matches(rec)) return true;
          if (f.last > 0) {
            last.push_back(std::move(rec));
            if (last.size() > static_cast<size_t>(f.last)) last.pop_front();
            return true;
          }
          take(std::move(rec));
          return !stop;
        },
        [&](const Error& e) {
          if (!f.skip_invalid) return false;
          ++invalid;
          if (!quiet) err << fmt::format("hookctl: skipped {}\n", e.message);
          return true;
        },
        [&] { return runner ? runner->recycled() : capture::Record{}; });
    if (!read) {
      if (runner) runner->cancel();
      return read.error();
    }
  }
  for (auto& rec : last) {
    if (stop) break;
    take(std::move(rec));
  }
  if (runner) {
    if (interrupts.flag().load()) runner->cancel();
    runner->finish();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (export_error) return *export_error;
  if (har) HOOKCTL_TRY(har->finish());
  if (junit) HOOKCTL_TRY(junit->finish(seconds));
  if (output) HOOKCTL_TRY(output->flush());

  // --- summary -------------------------------------------------------------------------------------
  if (invalid > 0 && quiet) err << fmt::format("hookctl: skipped {} malformed event(s)\n", invalid);
  if (!sending) {
    if (!quiet && listing && !json) err << fmt::format("hookctl: {} event(s) selected\n", selected);
    if (interrupts.flag().load()) return 130;
    return 0;
  }
  if (!quiet) {
    std::vector<std::string> statuses;
    for (const auto& [st, n] : tally.statuses) statuses.push_back(fmt::format("{} x{}", st, n));
    err << fmt::format("hookctl replay: {} event(s) in {:.2f} s: {} 2xx, {} not{}{}{}\n", selected, seconds, tally.ok,
                       tally.failed, statuses.empty() ? "" : fmt::format(" (answered {})", fmt::join(statuses, ", ")),
                       tally.unbuildable > 0 ? fmt::format("; {} could not be built", tally.unbuildable) : "",
                       invalid > 0 ? fmt::format("; {} malformed skipped", invalid) : "");
    if (ro.comparing) {
      err << fmt::format("compare: {} match, {} mismatch{}\n", tally.matched, tally.mismatched,
                         tally.unrecorded > 0 ? fmt::format(", {} with nothing recorded", tally.unrecorded) : "");
      for (const auto& m : tally.mismatches) err << "  " << m << "\n";
      if (tally.mismatched > tally.mismatches.size())
        err << fmt::format("  ... and {} more\n", tally.mismatched - tally.mismatches.size());
    }
    if (stale > 0) {
      std::vector<std::string> by;
      for (const auto& [p, n] : stale_by_provider) by.push_back(fmt::format("{} {}", n, p));
      err << fmt::format("warning: {} event(s) are older than their provider's timestamp window ({}), e.g. {}: a "
                         "verifying receiver rejects them; use --resign --provider P --secret S\n",
                         stale, fmt::join(by, ", "), fmt::join(stale_examples, ", "));
    }
  }
  if (interrupts.flag().load()) return interrupts.signal() == SIGINT ? 130 : 0;
  if (ro.comparing) return tally.mismatched > 0 || tally.unbuildable > 0 ? 1 : 0;
  return tally.failed > 0 ? 1 : 0;
}

} // namespace

Command register_replay(CLI::App& root, Globals& g, Context& ctx) {
  auto f = std::make_shared<ReplayFlags>();
  auto* cmd = root.add_subcommand("replay", "Re-send captured events (capture files or HAR) and compare the answers");
  cmd->add_option("files", f->files, "Capture (JSON Lines) or HAR files; - for stdin")->type_name("FILE");
  cmd->add_flag("--skip-invalid", f->skip_invalid, "Skip malformed lines or entries (counted) instead of stopping");
  const char* select = "Selection";
  cmd->add_option("--id", f->ids, "Only the event with this record id or delivery id (repeatable)")->group(select);
  cmd->add_option("--path", f->path, "Only paths matching this glob (* and ?)")->type_name("GLOB")->group(select);
  cmd->add_option("--method", f->methods, "Only this method (repeatable)")->group(select);
  cmd->add_option("--since", f->since, "Only events received at or after a time, or a duration ago (2h)")
      ->group(select);
  cmd->add_option("--until", f->until, "Only events received before a time, or a duration ago")->group(select);
  cmd->add_option("--last", f->last, "Only the last N selected events")
      ->check(CLI::Range(1LL, 100000000LL))
      ->group(select);
  add_provider_flag(cmd, f->provider, false)->group(select);
  cmd->add_option("--verdict", f->verdict, "Only events captured as valid, invalid, unsigned or unverified")
      ->check(CLI::IsMember({"valid", "invalid", "unsigned", "unverified"}))
      ->group(select);
  cmd->add_option("--status", f->statuses, "Only events answered so at capture time: 5xx, 503 (repeatable)")
      ->group(select);
  cmd->add_option("--where", f->where, "Only events whose JSON body has body.PATH=VALUE (repeatable)")->group(select);
  cmd->add_option("--limit", f->limit, "At most N events")->check(CLI::Range(1LL, 1000000000LL))->group(select);
  cmd->add_flag("--list,--dry-run", f->list, "Print the selected events as a table instead of sending them")
      ->group(select);
  const char* send = "Sending";
  cmd->add_option("--to", f->to, "Send each event to this base URL, keeping its path and query")->group(send);
  cmd->add_option("--to-exact", f->to_exact, "Send each event to exactly this URL")->group(send);
  cmd->add_flag("--resign", f->resign, "Sign again now with --provider and its keys")->group(send);
  cmd->add_flag("--new-ids", f->new_ids, "With --resign: fresh delivery ids too")->group(send);
  add_key_flags(cmd, f->keys, KeyUse::sign);
  cmd->add_option("--set", f->sets, "Edit the body before sending: PATH=VALUE (repeatable)")->group(send);
  cmd->add_option("-c,--concurrency", f->concurrency, "Events in flight at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024))
      ->group(send);
  cmd->add_option("--rate", f->rate, "Events per second")->group(send);
  cmd->add_flag("--preserve-timing", f->preserve_timing, "Keep the captured gaps between events")->group(send);
  cmd->add_option("--speed", f->speed, "With --preserve-timing: this many times faster")->group(send);
  add_retry_flags(cmd, f->retry);
  add_connection_flags(cmd, f->conn);
  const char* cmp = "Comparing";
  cmd->add_flag("--compare", f->compare, "Compare each status class with the one recorded; exit 1 on a mismatch")
      ->group(cmp);
  cmd->add_flag("--compare-body", f->compare_body, "Compare the bodies too (JSON-aware)")->group(cmp);
  cmd->add_option("--ignore", f->ignore, "With --compare-body: leave this JSON path out (repeatable)")->group(cmp);
  cmd->add_option("--expect-status", f->expect_status, "Assert each answer instead: 2xx, 202 (repeatable)")->group(cmp);
  cmd->add_option("--junit", f->junit, "Write a JUnit XML report, one test case per event")
      ->type_name("FILE")
      ->group(cmp);
  cmd->add_option("--output", f->output, "Write the replay as a new capture (requests sent, answers got)")
      ->type_name("FILE")
      ->group(cmp);
  const char* exp = "Export";
  cmd->add_option("--format", f->format, "Print the selected events as har or curl instead of sending")
      ->check(CLI::IsMember({"har", "curl"}))
      ->group(exp);
  cmd->add_flag("--include-sensitive", f->include_sensitive, "Keep Authorization, Cookie, ... in exports")->group(exp);
  cmd->add_flag("--json", g.json, "One JSON object per event (with --list: the capture records)");
  add_hmac_flags(cmd, f->hmac);
  cmd->footer(help_footer("replay"));
  return {cmd, [f, &g, &ctx] { return run_replay(*f, g, ctx); }};
}

} // namespace hookctl::app
