#include "hookctl/delivery/load.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace hookctl::delivery {
namespace {

using std::chrono::nanoseconds;

// The longest single sleep of a paced worker, so that cancellation is seen promptly.
constexpr nanoseconds k_sleep_slice = std::chrono::milliseconds(50);

// The number of http::Failure values, for a fixed-size count per kind.
constexpr size_t k_failure_kinds = static_cast<size_t>(http::Failure::other) + 1;

// What one worker counts, merged after the run.
struct WorkerStats {
  std::map<int, uint64_t> statuses;
  std::array<uint64_t, k_failure_kinds> failures{};
  LatencyHistogram latency;
};

// State shared by the workers and the calling thread.
struct Shared {
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> ok{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<bool> abort{false};     // a worker or callback failed
  std::atomic<bool> cancelled{false}; // a worker stopped early for the cancel flag
  std::mutex state_mutex;             // guards `running` and `error`
  std::condition_variable done_cv;
  int running = 0;
  std::string error;

  void fail(std::string message) {
    {
      std::lock_guard lock(state_mutex);
      if (error.empty()) error = std::move(message);
    }
    abort.store(true);
  }
};

struct Plan {
  const LoadOptions& options;
  const RequestFactory& make_request;
  const LoadClock& clock;
  nanoseconds start{};
  std::optional<nanoseconds> deadline;
};

bool should_stop(const Plan& plan, Shared& shared) {
  if (shared.abort.load(std::memory_order_relaxed)) return true;
  if (plan.options.cancel && plan.options.cancel->load(std::memory_order_relaxed)) {
    shared.cancelled.store(true, std::memory_order_relaxed);
    return true;
  }
  return false;
}

// Sleeps until `due` in slices; false when the run is to stop.
bool sleep_until(const Plan& plan, Shared& shared, nanoseconds due) {
  for (;;) {
    if (should_stop(plan, shared)) return false;
    const nanoseconds now = plan.clock.now();
    if (now >= due) return true;
    plan.clock.sleep_until(std::min(due, now + k_sleep_slice));
  }
}

// Counts one ended exchange that began (or was due) at `from`.
void record(const Plan& plan, Shared& shared, WorkerStats& stats, const http::Outcome& outcome, nanoseconds from) {
  if (outcome.response && outcome.failure == http::Failure::none) {
    const int status = outcome.response->status;
    ++stats.statuses[status];
    stats.latency.record(plan.clock.now() - from);
    if (status >= 200 && status <= 299) shared.ok.fetch_add(1, std::memory_order_relaxed);
  } else {
    const http::Failure kind = outcome.failure == http::Failure::none ? http::Failure::other : outcome.failure;
    ++stats.failures.at(static_cast<size_t>(kind));
    shared.errors.fetch_add(1, std::memory_order_relaxed);
  }
  shared.sent.fetch_add(1, std::memory_order_relaxed);
}

// One event loop: keeps every idle slot of `mux` busy while there is work (closed loop) or while a
// request is due (open loop), and collects what ends. Once the run stops, it waits for the
// exchanges in flight, so none outlives the run.
void work(const Plan& plan, Shared& shared, http::Multiplexer& mux, WorkerStats& stats) {
  const LoadOptions& o = plan.options;
  const size_t slots = mux.slots();
  std::vector<nanoseconds> from(slots);
  std::vector<size_t> idle;
  idle.reserve(slots);
  for (size_t i = slots; i-- > 0;) idle.push_back(i);
  size_t in_flight = 0;
  bool exhausted = false;          // no more requests for this loop
  std::optional<uint64_t> pending; // open loop: the next request of this loop, claimed ...
  nanoseconds pending_due{};       // ... and due then
  auto on_done = [&](size_t slot, http::Outcome& outcome) {
    record(plan, shared, stats, outcome, from.at(slot));
    idle.push_back(slot);
    --in_flight;
  };

  for (;;) {
    const bool stopping = exhausted || should_stop(plan, shared);
    while (!stopping && !exhausted && !idle.empty()) {
      uint64_t index = 0;
      nanoseconds start_from{};
      if (o.rate) {
        if (!pending) {
          index = shared.next.fetch_add(1, std::memory_order_relaxed);
          // Open loop: the due time is fixed in advance, and latency counts from it, so a slow response
          // delays the requests behind it into the measurement instead of out of it (coordinated
          // omission, Gil Tene, "How NOT to Measure Latency").
          const double offset = static_cast<double>(index) * 1e9 / *o.rate;
          const nanoseconds due = plan.start + nanoseconds(static_cast<int64_t>(std::min(offset, 9e18)));
          if ((o.count && index >= *o.count) || offset >= 9e18 || (plan.deadline && due >= *plan.deadline)) {
            exhausted = true;
            break;
          }
          pending = index;
          pending_due = due;
        }
        if (plan.clock.now() < pending_due) break;
        index = *pending;
        start_from = pending_due;
        pending.reset();
      } else {
        // Closed loop: no request starts after the deadline.
        if (plan.deadline && plan.clock.now() >= *plan.deadline) {
          exhausted = true;
          break;
        }
        index = shared.next.fetch_add(1, std::memory_order_relaxed);
        if (o.count && index >= *o.count) {
          exhausted = true;
          break;
        }
      }
      const http::Request request = plan.make_request(index);
      const size_t slot = idle.back();
      idle.pop_back();
      from.at(slot) = o.rate ? start_from : plan.clock.now();
      ++in_flight;
      mux.start(slot, request);
    }
    if (in_flight == 0) {
      if (stopping || exhausted || !pending) return;
      // Nothing in flight and the next request not yet due: sleep in slices, awake for a stop.
      if (!sleep_until(plan, shared, pending_due)) return;
      continue;
    }
    nanoseconds wait = k_sleep_slice;
    if (pending && !stopping) wait = std::clamp(pending_due - plan.clock.now(), nanoseconds(0), k_sleep_slice);
    mux.wait(wait, on_done);
  }
}

void run_worker(const Plan& plan, Shared& shared, http::Multiplexer& mux, WorkerStats& stats) {
  try {
    work(plan, shared, mux, stats);
  } catch (const std::exception& e) {
    shared.fail(fmt::format("load worker failed: {}", e.what()));
  } catch (...) {
    shared.fail("load worker failed: unknown exception");
  }
  {
    std::lock_guard lock(shared.state_mutex);
    --shared.running;
  }
  shared.done_cv.notify_all();
}

LoadProgress snapshot(const Shared& shared, nanoseconds elapsed) {
  LoadProgress p;
  p.sent = shared.sent.load();
  p.ok = shared.ok.load();
  p.errors = shared.errors.load();
  p.elapsed = elapsed;
  return p;
}

Result<void> check_options(const LoadOptions& o) {
  if (!o.count && !o.duration) return make_error(Errc::usage, "a load run needs --count or --duration");
  if (o.concurrency < 1 || o.concurrency > k_max_concurrency)
    return make_error(Errc::usage,
                      fmt::format("invalid --concurrency {}: must be 1 to {}", o.concurrency, k_max_concurrency));
  if (o.threads < 0 || o.threads > k_max_concurrency)
    return make_error(Errc::usage,
                      fmt::format("invalid thread count {}: must be 0 to {}", o.threads, k_max_concurrency));
  if (o.rate && !(std::isfinite(*o.rate) && *o.rate > 0))
    return make_error(Errc::usage, fmt::format("invalid --rate {}: must be a number above 0", *o.rate));
  if (o.duration && o.duration->count() < 0) return make_error(Errc::usage, "invalid --duration: must not be negative");
  return {};
}

// Calls `on_progress` safely; false (with the run aborted) when it threw.
bool report_progress(const std::function<void(const LoadProgress&)>& on_progress, Shared& shared,
                     const LoadProgress& p) {
  if (!on_progress) return true;
  try {
    on_progress(p);
    return true;
  } catch (const std::exception& e) {
    shared.fail(fmt::format("progress callback failed: {}", e.what()));
  } catch (...) {
    shared.fail("progress callback failed: unknown exception");
  }
  return false;
}

} // namespace

LoadClock real_load_clock() {
  LoadClock c;
  c.now = [] { return std::chrono::duration_cast<nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()); };
  c.sleep_until = [](nanoseconds t) {
    std::this_thread::sleep_until(
        std::chrono::steady_clock::time_point(std::chrono::duration_cast<std::chrono::steady_clock::duration>(t)));
  };
  return c;
}

namespace {

// Runs `options` on one thread per multiplexer in `muxes`.
Result<LoadReport> run_threads(const LoadOptions& options, std::vector<std::unique_ptr<http::Multiplexer>>& muxes,
                               const RequestFactory& make_request,
                               const std::function<void(const LoadProgress&)>& on_progress, const LoadClock& clock) {
  std::vector<WorkerStats> stats(muxes.size());
  Shared shared;
  Plan plan{options, make_request, clock, clock.now(), std::nullopt};
  if (options.duration) plan.deadline = plan.start + nanoseconds(*options.duration);

  std::vector<std::thread> threads;
  threads.reserve(muxes.size());
  // Whatever happens below, no thread outlives this scope: stop them, then join.
  struct JoinAll {
    Shared& shared;
    std::vector<std::thread>& threads;
    ~JoinAll() {
      shared.abort.store(true);
      for (auto& t : threads) {
        if (t.joinable()) t.join();
      }
    }
  } join_all{shared, threads};
  std::string spawn_error;
  for (size_t i = 0; i < muxes.size(); ++i) {
    {
      std::lock_guard lock(shared.state_mutex);
      ++shared.running;
    }
    try {
      threads.emplace_back(run_worker, std::cref(plan), std::ref(shared), std::ref(*muxes[i]), std::ref(stats[i]));
    } catch (const std::exception& e) {
      {
        std::lock_guard lock(shared.state_mutex);
        --shared.running;
      }
      spawn_error = fmt::format("cannot start load thread {}: {}", i + 1, e.what());
      shared.abort.store(true);
      break;
    }
  }

  // The calling thread reports progress until every worker is done.
  {
    const auto interval = std::max(options.progress_interval, std::chrono::milliseconds(1));
    std::unique_lock lock(shared.state_mutex);
    for (;;) {
      if (shared.done_cv.wait_for(lock, interval, [&] { return shared.running == 0; })) break;
      lock.unlock();
      report_progress(on_progress, shared, snapshot(shared, clock.now() - plan.start));
      lock.lock();
    }
  }
  for (auto& t : threads) t.join();

  if (!spawn_error.empty()) return make_error(Errc::environment, spawn_error);
  if (!shared.error.empty()) return make_error(Errc::internal, shared.error);

  LoadReport report;
  report.elapsed = clock.now() - plan.start;
  report.sent = shared.sent.load();
  report.ok = shared.ok.load();
  report.errors = shared.errors.load();
  for (const auto& s : stats) {
    for (const auto& [status, n] : s.statuses) report.statuses[status] += n;
    for (size_t k = 0; k < k_failure_kinds; ++k) {
      if (s.failures.at(k) != 0)
        report.errors_by_kind[std::string(http::failure_name(static_cast<http::Failure>(k)))] += s.failures.at(k);
    }
    report.latency.merge(s.latency);
  }
  const double seconds = std::chrono::duration<double>(report.elapsed).count();
  report.throughput = seconds > 0 ? static_cast<double>(report.sent) / seconds : 0.0;
  report.cancelled = shared.cancelled.load();
  if (!report_progress(on_progress, shared, snapshot(shared, report.elapsed)))
    return make_error(Errc::internal, shared.error);
  return report;
}

// Connections the run needs: `concurrency`, or `count` when fewer.
uint64_t connections(const LoadOptions& o) {
  uint64_t n = static_cast<uint64_t>(o.concurrency);
  if (o.count) n = std::min(n, *o.count);
  return n;
}

template <typename Build>
Result<LoadReport> guarded(const LoadOptions& options, const RequestFactory& make_request, const LoadClock& clock,
                           const Build& build, const std::function<void(const LoadProgress&)>& on_progress) {
  HOOKCTL_TRY(check_options(options));
  if (!make_request || !clock.now || !clock.sleep_until)
    return make_error(Errc::internal, "run_load: a factory or clock function is missing");
  try {
    std::vector<std::unique_ptr<http::Multiplexer>> muxes;
    HOOKCTL_TRY(build(muxes));
    return run_threads(options, muxes, make_request, on_progress, clock);
  } catch (const std::exception& e) {
    return make_error(Errc::internal, fmt::format("load run failed: {}", e.what()));
  } catch (...) {
    return make_error(Errc::internal, "load run failed: unknown exception");
  }
}

} // namespace

Result<LoadReport> run_load(const LoadOptions& options, const MultiplexerFactory& make_multiplexer,
                            const RequestFactory& make_request,
                            const std::function<void(const LoadProgress&)>& on_progress, const LoadClock& clock) {
  auto build = [&](std::vector<std::unique_ptr<http::Multiplexer>>& muxes) -> Result<void> {
    if (!make_multiplexer) return make_error(Errc::internal, "run_load: the multiplexer factory is missing");
    const uint64_t conns = connections(options);
    if (conns == 0) return {};
    uint64_t threads = options.threads > 0 ? static_cast<uint64_t>(options.threads)
                                           : std::max<uint64_t>(1, std::thread::hardware_concurrency());
    threads = std::min(threads, conns);
    for (uint64_t t = 0; t < threads; ++t) {
      const uint64_t slots = conns / threads + (t < conns % threads ? 1 : 0);
      muxes.push_back(make_multiplexer(slots));
      if (!muxes.back() || muxes.back()->slots() != slots)
        return make_error(Errc::internal, "run_load: the multiplexer factory returned null or the wrong slot count");
    }
    return {};
  };
  return guarded(options, make_request, clock, build, on_progress);
}

Result<LoadReport> run_load(const LoadOptions& options, const TransportFactory& make_transport,
                            const RequestFactory& make_request,
                            const std::function<void(const LoadProgress&)>& on_progress, const LoadClock& clock) {
  auto build = [&](std::vector<std::unique_ptr<http::Multiplexer>>& muxes) -> Result<void> {
    if (!make_transport) return make_error(Errc::internal, "run_load: the transport factory is missing");
    for (uint64_t i = 0; i < connections(options); ++i) {
      auto transport = make_transport();
      if (!transport) return make_error(Errc::internal, "run_load: the transport factory returned null");
      muxes.push_back(http::serial_multiplexer(std::move(transport)));
    }
    return {};
  };
  return guarded(options, make_request, clock, build, on_progress);
}

} // namespace hookctl::delivery
