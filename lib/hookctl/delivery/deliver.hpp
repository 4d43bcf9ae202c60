#pragma once
// One delivery: attempts over a Transport until success, a final answer, or the retry policy gives up.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hookctl/delivery/retry.hpp"
#include "hookctl/http/message.hpp"

namespace hookctl::delivery {

// The time and randomness `deliver` uses, injected so tests run a 10-hour schedule instantly.
struct Clock {
  std::function<int64_t()> now_unix;                        // wall clock in unix seconds (dates Retry-After)
  std::function<void(std::chrono::milliseconds)> sleep_for; // waits between attempts
  std::function<double()> uniform01;                        // uniform in [0, 1] for the jitter
};

// The real clock: std::chrono::system_clock, std::this_thread::sleep_for and a per-thread
// std::mt19937_64 seeded from std::random_device; safe to use from several threads.
Clock real_clock();

// One attempt of a delivery.
struct Attempt {
  int number = 1;                                       // 1 for the first attempt
  std::chrono::milliseconds delay_before{0};            // the wait before it (0 for the first)
  http::Outcome outcome;                                // what came back
  std::optional<std::chrono::milliseconds> delay_after; // the wait before the next attempt; nullopt when last
};

// Why a delivery ended.
enum class Ending {
  success,   // a 2xx response
  stopped,   // a final answer that is not a success (3xx, 4xx other than 408/429)
  exhausted, // the last allowed attempt still asked for a retry
  cancelled, // `cancel` was set
  error,     // a callback threw; `error` says what (a bug in the caller)
};

// The name of `ending` for reports and JSON (`"success"`, `"exhausted"`, ...).
std::string_view ending_name(Ending ending);

// Every attempt of one delivery and how it ended.
struct Delivery {
  std::vector<Attempt> attempts; // in order, the first first
  bool success = false;          // the last attempt got a 2xx
  Ending ending = Ending::error; // why it ended
  std::string error;             // a one-line cause when `ending` is Ending::error
};

// Sends attempts over `transport` until a success, a final answer or `policy` gives up; `make_request`
// builds attempt number N's request (re-signed with a fresh timestamp), `on_attempt` sees each attempt
// as it ends (with the wait that follows it), and `clock` supplies time, sleeping and jitter. A set
// `cancel` ends the delivery before the next attempt; when `cancel` is given, waits are slept in slices
// of at most 200 ms so that it is seen within that time. Never throws: an exception from a callback
// ends the delivery with Ending::error.
Delivery deliver(http::Transport& transport, const std::function<http::Request(int attempt)>& make_request,
                 const RetryPolicy& policy, const Clock& clock,
                 const std::function<void(const Attempt&)>& on_attempt = {}, const std::atomic<bool>* cancel = nullptr);

} // namespace hookctl::delivery
