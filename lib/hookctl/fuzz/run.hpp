#pragma once
// Running fuzz cases against an endpoint: the baseline first (every verdict depends on it), then
// each case, the oracle after each one (or every K) re-sending the baseline to tell a receiver that
// broke, and a verdict per case from what came back.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hookctl/fuzz/cases.hpp"
#include "hookctl/http/raw.hpp"

namespace hookctl::fuzz {

// What a finding is.
enum class Kind {
  accepts_forgery, // a forged delivery answered 2xx
  accepts_stale,   // a delivery outside the timestamp window answered 2xx
  server_error,    // a 5xx
  timeout,         // no answer within the case timeout
  connection_drop, // the connection closed without an answer where one was due
  receiver_broke,  // after this case, the baseline delivery no longer succeeds
  slow,            // an answer slower than --max-latency
  check_failed,    // --check-cmd exited non-zero after the case
  unexpected,      // a status outside what --expect FAMILY=... allows
};
std::string_view kind_name(Kind kind);

enum class Verdict {
  pass,    // as expected
  finding, // the endpoint got it wrong
  note,    // a 2xx the provider's official library would also give (a finding with --strict)
};
std::string_view verdict_name(Verdict verdict);

// One exchange as it came back.
struct Exchange {
  int status = 0; // 0: no answer
  http::Failure failure = http::Failure::none;
  bool closed = false; // the connection closed (or was reset) without an answer
  std::string error;
  double latency_ms = 0;
};

struct Judgement {
  Verdict verdict = Verdict::pass;
  std::optional<Kind> kind;
  std::string detail; // what came back, one line
};

// --expect FAMILY=LIST: the statuses (classes such as 4xx, or codes) that count as expected for a
// family's deliveries, replacing its default expectation for answered exchanges.
using Overrides = std::vector<std::pair<Family, std::vector<std::string>>>;

// Parses --families ("signature,payload"; an empty item is skipped); Errc::usage naming an unknown
// family, or for no family at all.
Result<std::vector<Family>> parse_families(std::string_view text);

// Parses one --expect value ("signature=401,403"); Errc::usage naming what is wrong.
Result<std::pair<Family, std::vector<std::string>>> parse_override(std::string_view text);

// The oracle for one case: `exchanges` are its deliveries' outcomes, `meanwhile` the baseline's
// sent during a slow case. Pure.
Judgement judge(const Case& c, const std::vector<Exchange>& exchanges, const std::optional<Exchange>& meanwhile,
                double max_latency_ms, bool strict, const Overrides& overrides = {});

// How exchanges are made; tests pass fakes.
struct Deps {
  std::function<Exchange(const http::Request&)> send;   // through the HTTP client
  std::function<Exchange(const Step&)> send_raw;        // raw bytes over a socket
  std::function<int64_t()> now;                         // unix seconds
  std::function<int(const Case&)> check;                // --check-cmd: its exit status (0: fine)
  std::function<void(std::chrono::milliseconds)> sleep; // between a slow case's start and the baseline
};

struct RunOptions {
  std::optional<size_t> cases;                  // --cases N: N cases drawn from the list
  std::optional<std::chrono::seconds> duration; // --duration D: cases drawn until time is up
  std::string only;                             // --case ID: that case alone
  uint64_t seed = 0;
  size_t check_every = 1;    // the oracle's baseline every K cases
  double max_latency_ms = 0; // 0: no slow findings
  bool strict = false;
  size_t concurrency = 1; // cases run at once (the oracle checks after each such batch)
  Overrides overrides;    // --expect FAMILY=STATUSES
};

struct CaseResult {
  const Case* c = nullptr;
  size_t run = 0; // 0-based position in this run
  Plan plan;      // as sent
  std::vector<Exchange> exchanges;
  std::optional<Exchange> meanwhile;
  Judgement judgement;
  std::string build_error;
};

struct Summary {
  size_t cases = 0;
  size_t findings = 0;
  size_t notes = 0;
  bool stopped_broken = false; // the receiver stopped accepting the baseline
  double seconds = 0;
};

// The order cases run in: every case once in list order, or --case, or --cases N drawn by `seed`
// (cycling when N exceeds the list). Errc::usage for an unknown --case.
Result<std::vector<size_t>> schedule(const std::vector<Case>& cases, const RunOptions& options);

// Sends the baseline; Errc::input saying what the endpoint answered when it is not a 2xx.
Result<Exchange> check_baseline(const Base& base, const Deps& deps);

// Runs `order` (or, with a duration, keeps drawing from it until time is up), calling `on_case`
// after each; stops early when `stop` becomes true or the receiver breaks.
Summary run(const Base& base, const std::vector<Case>& cases, const std::vector<size_t>& order,
            const RunOptions& options, const Deps& deps, const std::function<void(const CaseResult&)>& on_case,
            const std::function<bool()>& stop);

} // namespace hookctl::fuzz
