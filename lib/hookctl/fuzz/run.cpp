#include "hookctl/fuzz/run.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "hookctl/replay/select.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::fuzz {

namespace {

using Clock = std::chrono::steady_clock;

// How long the baseline may take while a slow client holds a connection (without --max-latency).
constexpr double k_meanwhile_ms = 1000;

std::string shown(const Exchange& e) {
  if (e.status != 0) return fmt::format("answered {} in {:.0f} ms", e.status, e.latency_ms);
  if (e.closed) return e.error.empty() ? std::string("closed the connection without an answer") : e.error;
  return e.error.empty() ? std::string(http::failure_name(e.failure)) : e.error;
}

// SplitMix64 step (as the case builder's): the draw order of --cases.
uint64_t mix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace

std::string_view kind_name(Kind kind) {
  switch (kind) {
  case Kind::accepts_forgery: return "accepts-forgery";
  case Kind::accepts_stale: return "accepts-stale";
  case Kind::server_error: return "server-error";
  case Kind::timeout: return "timeout";
  case Kind::connection_drop: return "connection-drop";
  case Kind::receiver_broke: return "receiver-broke";
  case Kind::slow: return "slow";
  case Kind::check_failed: return "check-failed";
  case Kind::unexpected: return "unexpected-status";
  }
  return "?";
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
  case Verdict::pass: return "pass";
  case Verdict::finding: return "finding";
  case Verdict::note: return "note";
  }
  return "?";
}

namespace {

// `message` on one line: control characters (from the user's text) shown as '?'.
Error usage_line(std::string message) {
  for (char& c : message)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return Error{Errc::usage, std::move(message)};
}

} // namespace

Result<std::vector<Family>> parse_families(std::string_view text) {
  std::vector<Family> out;
  for (auto part : util::split(text, ',')) {
    part = util::trim(part);
    if (part.empty()) continue; // "signature," as "signature"
    auto f = parse_family(part);
    if (!f) {
      std::vector<std::string_view> names;
      for (auto x : all_families()) names.push_back(family_name(x));
      return usage_line(fmt::format("--families: unknown family '{}' (known: {})", part, fmt::join(names, ", ")));
    }
    out.push_back(*f);
  }
  if (out.empty()) return usage_line("--families: name at least one family");
  return out;
}

Result<std::pair<Family, std::vector<std::string>>> parse_override(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos)
    return usage_line(fmt::format("--expect '{}': write FAMILY=STATUSES, as signature=401,403", text));
  auto family = parse_family(util::trim(text.substr(0, eq)));
  if (!family) return usage_line(fmt::format("--expect: unknown family '{}'", util::trim(text.substr(0, eq))));
  std::vector<std::string> statuses;
  for (auto part : util::split(text.substr(eq + 1), ',')) {
    auto filter = replay::parse_status_filter(util::trim(part));
    if (!filter) return usage_line(fmt::format("--expect: {}", filter.error().message));
    statuses.push_back(*filter);
  }
  if (statuses.empty()) return usage_line("--expect: no statuses after '='");
  return std::make_pair(*family, statuses);
}

Judgement judge(const Case& c, const std::vector<Exchange>& exchanges, const std::optional<Exchange>& meanwhile,
                double max_latency_ms, bool strict, const Overrides& overrides) {
  Judgement j;
  std::vector<std::string> seen;
  for (const auto& e : exchanges) seen.push_back(shown(e));
  j.detail = fmt::format("{}", fmt::join(seen, "; "));
  auto finding = [&](Kind kind) {
    j.verdict = Verdict::finding;
    j.kind = kind;
    return j;
  };
  if (c.expect == Expect::serve_others) {
    if (!meanwhile) return j;
    j.detail = fmt::format("the baseline meanwhile {}", shown(*meanwhile));
    // Served meanwhile: promptly, not once the slow client gave up.
    const double bound = max_latency_ms > 0 ? max_latency_ms : k_meanwhile_ms;
    if (meanwhile->status >= 200 && meanwhile->status < 300) {
      if (meanwhile->latency_ms <= bound) return j;
      j.detail += fmt::format(" (more than {:.0f} ms: held up behind the slow client)", bound);
      return finding(Kind::slow); // answered, but late: a timeout is no answer at all
    }
    if (meanwhile->status >= 500) return finding(Kind::server_error);
    if (meanwhile->failure == http::Failure::timeout) return finding(Kind::timeout);
    return finding(Kind::connection_drop);
  }
  // --expect FAMILY=...: answered exchanges pass when listed; a 2xx outside the list of a case that
  // should be rejected is still an acceptance (judged below), anything else unlisted is unexpected.
  // (Several --expect for one family add up.)
  bool overridden = false;
  std::vector<std::string> allowed;
  for (const auto& [family, statuses] : overrides) {
    if (family != c.family) continue;
    overridden = true;
    allowed.insert(allowed.end(), statuses.begin(), statuses.end());
  }
  auto listed = [&](int status) {
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const std::string& a) { return replay::status_matches(a, status); });
  };
  if (overridden) {
    for (const auto& e : exchanges) {
      if (e.status == 0 || listed(e.status) || (c.expect == Expect::reject && e.status / 100 == 2)) continue;
      return finding(e.status >= 500 ? Kind::server_error : Kind::unexpected);
    }
  }
  for (const auto& e : exchanges) {
    if (e.failure == http::Failure::timeout) return finding(Kind::timeout);
    if (e.status != 0 && listed(e.status)) continue;
    // To framing it does not implement, a server answers 501 or 505 as HTTP says it should.
    const bool refusal = c.expect == Expect::reject_or_close && (e.status == 501 || e.status == 505);
    if (e.status >= 500 && !refusal) return finding(Kind::server_error);
    if (e.status == 0) {
      if (c.expect == Expect::reject_or_close && (e.closed || e.failure == http::Failure::io)) continue;
      return finding(Kind::connection_drop);
    }
  }
  if (c.expect == Expect::reject) {
    for (const auto& e : exchanges) {
      if (e.status >= 200 && e.status < 300 && !listed(e.status)) {
        if (c.note_only && !strict) {
          j.verdict = Verdict::note;
          j.kind = c.stale ? Kind::accepts_stale : Kind::accepts_forgery;
          return j;
        }
        return finding(c.stale ? Kind::accepts_stale : Kind::accepts_forgery);
      }
    }
  }
  if (max_latency_ms > 0) {
    for (const auto& e : exchanges)
      if (e.status != 0 && e.latency_ms > max_latency_ms) return finding(Kind::slow);
  }
  return j;
}

Result<std::vector<size_t>> schedule(const std::vector<Case>& cases, const RunOptions& options) {
  std::vector<size_t> order;
  if (!options.only.empty()) {
    for (const auto& c : cases)
      if (c.id == options.only) return std::vector<size_t>{c.index};
    return usage_line(fmt::format("no case '{}' in the chosen families (see --list)", options.only));
  }
  for (size_t i = 0; i < cases.size(); ++i) order.push_back(i);
  if (!options.cases) return order;
  // Drawn by the seed: a shuffle of the list, then another, until N.
  std::vector<size_t> drawn;
  uint64_t state = options.seed;
  while (drawn.size() < *options.cases && !order.empty()) {
    std::vector<size_t> round = order;
    for (size_t i = round.size(); i > 1; --i) std::swap(round[i - 1], round[mix(state) % i]);
    for (size_t i : round) {
      if (drawn.size() == *options.cases) break;
      drawn.push_back(i);
    }
  }
  return drawn;
}

Result<Exchange> check_baseline(const Base& base, const Deps& deps) {
  HOOKCTL_TRY_ASSIGN(http::Request r, sign_delivery(base, base.body, deps.now()));
  Exchange e = deps.send(r);
  if (e.status >= 200 && e.status < 300) return e;
  return make_error(Errc::input,
                    fmt::format("the baseline (a correctly signed delivery) was not accepted: {}; every verdict "
                                "depends on it, so fix the endpoint or the key first",
                                e.status != 0 ? shown(e) : "no answer: " + shown(e)));
}

namespace {

// Builds `c` now, sends its deliveries and judges what came back (no oracle, no --check-cmd).
CaseResult execute(const Base& base, const Case& c, size_t position, const RunOptions& options, const Deps& deps) {
  CaseResult r;
  r.c = &c;
  r.run = position;
  auto built = c.build(deps.now());
  if (!built) {
    r.build_error = built.error().message;
    r.judgement.detail = "not built: " + r.build_error;
    return r;
  }
  r.plan = std::move(*built);
  if (c.expect == Expect::serve_others) {
    // The slow client on its own thread; the baseline on another connection meanwhile.
    std::vector<Exchange> got(r.plan.steps.size());
    std::thread slow([&] {
      for (size_t i = 0; i < r.plan.steps.size(); ++i) got[i] = deps.send_raw(r.plan.steps[i]);
    });
    deps.sleep(std::chrono::milliseconds(500));
    auto meanwhile = sign_delivery(base, base.body, deps.now());
    if (meanwhile) r.meanwhile = deps.send(*meanwhile);
    slow.join();
    r.exchanges = std::move(got);
  } else if (r.plan.concurrent) {
    std::vector<Exchange> got(r.plan.steps.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < r.plan.steps.size(); ++i)
      threads.emplace_back([&, i] { got[i] = deps.send(r.plan.steps[i].request); });
    for (auto& t : threads) t.join();
    r.exchanges = std::move(got);
  } else {
    for (const auto& step : r.plan.steps)
      r.exchanges.push_back(step.raw.empty() ? deps.send(step.request) : deps.send_raw(step));
  }
  r.judgement = judge(c, r.exchanges, r.meanwhile, options.max_latency_ms, options.strict, options.overrides);
  return r;
}

} // namespace

Summary run(const Base& base, const std::vector<Case>& cases, const std::vector<size_t>& order,
            const RunOptions& options, const Deps& deps, const std::function<void(const CaseResult&)>& on_case,
            const std::function<bool()>& stop) {
  Summary sum;
  const auto start = Clock::now();
  const size_t every = std::max<size_t>(1, options.check_every);
  const size_t width = std::max<size_t>(1, options.concurrency);
  size_t since_check = 0;
  for (size_t n = 0;;) {
    if (stop && stop()) break;
    // The next batch: `width` cases at once (one at a time by default).
    std::vector<size_t> batch;
    while (batch.size() < width) {
      if (options.duration ? (Clock::now() - start >= *options.duration || order.empty()) : n >= order.size()) break;
      batch.push_back(n++);
    }
    if (batch.empty()) break;
    std::vector<CaseResult> results(batch.size());
    if (batch.size() == 1) {
      results[0] = execute(base, cases.at(order[batch[0] % order.size()]), batch[0], options, deps);
    } else {
      std::vector<std::thread> threads;
      for (size_t i = 0; i < batch.size(); ++i)
        threads.emplace_back(
            [&, i] { results[i] = execute(base, cases.at(order[batch[i] % order.size()]), batch[i], options, deps); });
      for (auto& t : threads) t.join();
    }
    bool slow_case = false;
    for (auto& r : results) {
      slow_case = slow_case || r.c->expect == Expect::serve_others;
      if (r.build_error.empty() && r.judgement.verdict == Verdict::pass && deps.check) {
        const int status = deps.check(*r.c);
        if (status != 0) {
          r.judgement.verdict = Verdict::finding;
          r.judgement.kind = Kind::check_failed;
          r.judgement.detail += fmt::format("; --check-cmd exited {}", status);
        }
      }
    }
    // The oracle: does the baseline still succeed? (A broken receiver is blamed on the batch's
    // last case; with --concurrency, on one of the batch.)
    bool broke = false;
    since_check += results.size();
    if (since_check >= every || slow_case) {
      since_check = 0;
      auto again = check_baseline(base, deps);
      if (!again) {
        broke = true;
        CaseResult& last = results.back();
        last.judgement.verdict = Verdict::finding;
        last.judgement.kind = Kind::receiver_broke;
        last.judgement.detail +=
            "; afterwards " + again.error().message.substr(0, again.error().message.find(';')) +
            (results.size() > 1 ? fmt::format(" (after this batch of {} cases run at once)", results.size()) : "");
      }
    }
    for (const auto& r : results) {
      ++sum.cases;
      if (r.judgement.verdict == Verdict::finding) ++sum.findings;
      if (r.judgement.verdict == Verdict::note) ++sum.notes;
      if (on_case) on_case(r);
    }
    if (broke) {
      sum.stopped_broken = true;
      break;
    }
  }
  sum.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return sum;
}

} // namespace hookctl::fuzz
