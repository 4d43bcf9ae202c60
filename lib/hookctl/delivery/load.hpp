#pragma once
// The load runner of `hookctl send --count/--duration`: event loops on threads, each driving the
// slots of its own http::Multiplexer, closed loop or paced open loop, counted into constant-size
// statistics.

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
#include "hookctl/http/multiplex.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::delivery {

// The time source of a load run; every thread calls it, so both functions must be thread-safe.
struct LoadClock {
  std::function<std::chrono::nanoseconds()> now;             // monotonic, any fixed epoch
  std::function<void(std::chrono::nanoseconds)> sleep_until; // returns once `now()` has reached the argument
};

// The real clock: std::chrono::steady_clock and std::this_thread::sleep_until.
LoadClock real_load_clock();

// The most connections a run may have.
inline constexpr int k_max_concurrency = 1024;

// What to run (`--count`, `--duration`, `--concurrency`, `--rate`); at least one of `count` and
// `duration` is needed, and the run ends at whichever comes first.
struct LoadOptions {
  std::optional<uint64_t> count;                     // requests in all
  std::optional<std::chrono::milliseconds> duration; // no request starts (or, paced, is due) after this
  int concurrency = 1;                               // exchanges in flight at once (connections)
  // Event-loop threads for a MultiplexerFactory run (0: one per CPU core); never more than the
  // connections. A TransportFactory run has one thread per connection.
  int threads = 0;
  // Requests per second for the whole run (open loop: request i is due at start + i / rate and its
  // latency counts from then); unset: closed loop, each connection sends when its last response is in.
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
  bool cancelled = false;                         // `cancel` stopped the run before it was done
};

// Makes the Multiplexer of one event loop with the given number of slots; called once per thread on
// the calling thread before any request is sent, the slots adding up to `concurrency` (or `count`
// when fewer).
using MultiplexerFactory = std::function<std::unique_ptr<http::Multiplexer>(size_t slots)>;

// Makes one blocking Transport per connection (`concurrency`, or `count` when fewer), each then
// driven by a thread of its own; for https:// and for transports injected by tests.
using TransportFactory = std::function<std::unique_ptr<http::Transport>()>;

// Builds request number `index` (0-based), freshly signed. The run's threads call it at once, so it
// must be thread-safe (a mutex inside would serialise the run); it should be quick, since it runs
// inside the measured time of a paced run.
using RequestFactory = std::function<http::Request(uint64_t index)>;

// Runs `options` with requests from `make_request` over multiplexers from `make_multiplexer`,
// calling `on_progress` from the calling thread every `progress_interval` and once at the end;
// `clock` is injectable for tests. Every thread is joined, and every exchange in flight has ended,
// before it returns. Errc::usage for invalid options, Errc::environment when a thread cannot be
// started, Errc::internal when a factory or callback fails or throws; never throws itself.
Result<LoadReport> run_load(const LoadOptions& options, const MultiplexerFactory& make_multiplexer,
                            const RequestFactory& make_request,
                            const std::function<void(const LoadProgress&)>& on_progress = {},
                            const LoadClock& clock = real_load_clock());

// The same over blocking transports: one thread per connection, each with a one-slot
// http::serial_multiplexer over a Transport from `make_transport`.
Result<LoadReport> run_load(const LoadOptions& options, const TransportFactory& make_transport,
                            const RequestFactory& make_request,
                            const std::function<void(const LoadProgress&)>& on_progress = {},
                            const LoadClock& clock = real_load_clock());

} // namespace hookctl::delivery
