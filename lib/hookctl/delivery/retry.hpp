#pragma once
// The retry policy as pure functions: what an outcome means, how long to wait before the next
// attempt, and the providers' published retry schedules.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "hookctl/http/message.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::delivery {

// How the waits between attempts are chosen: exponential backoff with full jitter, or a provider's schedule.
enum class Schedule { exponential, standard, svix, stripe };

// Parses `text` (`exponential`, `standard`, `svix` or `stripe`); Errc::usage listing the choices otherwise.
Result<Schedule> parse_schedule(std::string_view text);

// The name of `schedule` as `parse_schedule` reads it.
std::string_view schedule_name(Schedule schedule);

// The waits of `schedule` before retry 1, 2, ... (the first attempt is immediate); empty for exponential.
std::span<const std::chrono::milliseconds> schedule_delays(Schedule schedule);

// The retry settings of one delivery (`--retries`, `--backoff`, `--backoff-max`, `--retry-schedule`, `--time-scale`).
struct RetryPolicy {
  std::optional<int> retries;           // retries after the first attempt; unset: 0, or a schedule's length
  std::chrono::milliseconds base{1000}; // exponential: the cap of the first retry's wait
  std::chrono::milliseconds max{30000}; // exponential: the largest cap; also caps Retry-After
  Schedule schedule = Schedule::exponential;
  double time_scale = 1.0; // multiplies every wait, Retry-After included (0.001 runs a schedule in seconds)
};

// Checks `policy` the way the CLI needs it: retries >= 0, base and max >= 0, base <= max, and a finite
// time scale >= 0; Errc::usage naming the flag otherwise.
Result<void> check_policy(const RetryPolicy& policy);

// How many retries `policy` allows: `retries` (capped by a schedule's length), or by default 0 for
// exponential backoff and the whole schedule otherwise.
int retry_limit(const RetryPolicy& policy);

// What one outcome means for the delivery.
enum class Verdict {
  success, // a 2xx response
  retry,   // worth another attempt: a transport failure, 408, 429 or 5xx
  stop,    // final without success: 3xx, other 4xx (410 included), or the receiver asked to stop
};

// The verdict on `outcome`: see `Verdict`.
Verdict classify(const http::Outcome& outcome);

// Parses a Retry-After field `value` (delta-seconds, or an HTTP-date compared with `now_unix`) to a
// wait of at least zero; nullopt when it is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, int64_t now_unix);

// The wait before attempt `attempt` + 1 after `attempt` attempts (1 for the first) ended with `last`,
// or nullopt when there is to be no further attempt; `now_unix` dates Retry-After and `uniform01`
// draws the jitter in [0, 1]. Pure apart from calling `uniform01`.
std::optional<std::chrono::milliseconds> next_delay(const RetryPolicy& policy, int attempt, const http::Outcome& last,
                                                    int64_t now_unix, const std::function<double()>& uniform01);

} // namespace hookctl::delivery
