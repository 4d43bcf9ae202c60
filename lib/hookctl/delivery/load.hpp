#pragma once
// The load runner of `hookctl send --count/--duration`: workers on threads, each with its own
// Transport, closed loop or paced open loop, counted into constant-size statistics.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "hookctl/delivery/histogram.hpp"
#include "hookctl/http/message.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::delivery {

// The time source of a load run; every worker calls it, so both functions must be thread-safe.
struct LoadClock {
  std::function<std::chrono::nanoseconds()> now;             // monotonic, any fixed epoch
  std::function<void(std::chrono::nanoseconds)> sleep_until; // returns once `now()` has reached the argument
};

// The real clock: std::chrono::steady_clock and std::this_thread::sleep_until.
LoadClock real_load_clock();

// The most workers a run may have (each holds a Transport, a thread and a 32 KiB histogram).
inline constexpr int k_max_concurrency = 1024;

// What to run (`--count`, `--duration`, `--concurrency`, `--rate`); at least one of `count` and
// `duration` is needed, and the run ends at whichever comes first.
struct LoadOptions {
  std::optional<uint64_t> count;                     // requests in all
  std::optional<std::chrono::milliseconds> duration; // no request starts (or, paced, is due) after this
  int concurrency = 1;                               // workers, each with its own Transport
  // Requests per second for the whole run (open loop: request i is due at start + i / rate and its
  // latency counts from then); unset: closed loop, each worker sends when its last response is in.
  std::optional<double> rate;
  std::chrono::milliseconds progress_interval{250}; // how often `on_progress` is called
  const std::atomic<bool>* cancel = nullptr;        // when set, no new request starts
};

// A snapshot for the progress line.
struct LoadProgress {
  uint64_t sent = 0;                  // requests finished, with a response or a failure
  uint64_t ok = 0;                    // of which 2xx
  uint64_t errors = 0;                // of which transport failures (no response)
  std::chrono::nanoseconds elapsed{}; // since the start of the run
};

// The result of a load run; its size does not depend on the number of requests.
struct LoadReport {
  uint64_t sent = 0;                              // requests finished, with a response or a failure
  uint64_t ok = 0;                                // 2xx responses
  uint64_t errors = 0;                            // transport failures
  std::map<int, uint64_t> statuses;               // responses by status code
  std::map<std::string, uint64_t> errors_by_kind; // failures by http::failure_name
  std::chrono::nanoseconds elapsed{};             // from the start to the last response
  double throughput = 0;                          // `sent` per second of `elapsed`
  LatencyHistogram latency;                       // of responses only; paced runs count from the due time
  bool cancelled = false;                         // `cancel` stopped a worker before the run was done
};

// Makes a worker's Transport; called once per worker (`concurrency`, or `count` when fewer) on the
// calling thread before any request is sent.
using TransportFactory = std::function<std::unique_ptr<http::Transport>()>;

// Builds request number `index` (0-based), freshly signed; run_load serialises the calls with a mutex,
// so it need not be thread-safe, but it should be quick (it runs inside the measured time of a paced run).
using RequestFactory = std::function<http::Request(uint64_t index)>;

// Runs `options` with requests from `make_request` over transports from `make_transport`, calling
// `on_progress` from the calling thread every `progress_interval` and once at the end; `clock` is
// injectable for tests. Every worker thread is joined before it returns. Errc::usage for invalid
// options, Errc::environment when a thread cannot be started, Errc::internal when a factory or
// callback fails or throws; never throws itself.
Result<LoadReport> run_load(const LoadOptions& options, const TransportFactory& make_transport,
                            const RequestFactory& make_request,
                            const std::function<void(const LoadProgress&)>& on_progress = {},
                            const LoadClock& clock = real_load_clock());

} // namespace hookctl::delivery
