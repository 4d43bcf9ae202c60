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
  std::mutex request_mutex;           // serialises make_request
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

void work(const Plan& plan, Shared& shared, http::Transport& transport, WorkerStats& stats) {
  const LoadOptions& o = plan.options;
  for (;;) {
    if (should_stop(plan, shared)) return;
    // Closed loop: no request starts after the deadline; paced: none is due after it (checked below).
    if (!o.rate && plan.deadline && plan.clock.now() >= *plan.deadline) return;
    const uint64_t index = shared.next.fetch_add(1, std::memory_order_relaxed);
    if (o.count && index >= *o.count) return;

    nanoseconds from{};
    if (o.rate) {
      // Open loop: the due time is fixed in advance, and latency counts from it, so a slow response
      // delays the requests behind it into the measurement instead of out of it (coordinated omission,
      // Gil Tene, "How NOT to Measure Latency").
      const double offset = static_cast<double>(index) * 1e9 / *o.rate;
      if (offset >= 9e18) return;
      const nanoseconds due = plan.start + nanoseconds(static_cast<int64_t>(offset));
      if (plan.deadline && due >= *plan.deadline) return;
      if (!sleep_until(plan, shared, due)) return;
      from = due;
    }

    http::Request request;
    {
      std::lock_guard lock(shared.request_mutex);
      request = plan.make_request(index);
    }
    if (!o.rate) from = plan.clock.now();
    const http::Outcome outcome = transport.send(request);
    const nanoseconds latency = plan.clock.now() - from;

    if (outcome.response && outcome.failure == http::Failure::none) {
      const int status = outcome.response->status;
      ++stats.statuses[status];
      stats.latency.record(latency);
      if (status >= 200 && status <= 299) shared.ok.fetch_add(1, std::memory_order_relaxed);
    } else {
      const http::Failure kind = outcome.failure == http::Failure::none ? http::Failure::other : outcome.failure;
      ++stats.failures.at(static_cast<size_t>(kind));
      shared.errors.fetch_add(1, std::memory_order_relaxed);
    }
    shared.sent.fetch_add(1, std::memory_order_relaxed);
  }
}

void run_worker(const Plan& plan, Shared& shared, http::Transport& transport, WorkerStats& stats) {
  try {
    work(plan, shared, transport, stats);
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

Result<LoadReport> run_load(const LoadOptions& options, const TransportFactory& make_transport,
                            const RequestFactory& make_request,
                            const std::function<void(const LoadProgress&)>& on_progress, const LoadClock& clock) {
  HOOKCTL_TRY(check_options(options));
  if (!make_transport || !make_request || !clock.now || !clock.sleep_until)
    return make_error(Errc::internal, "run_load: a factory or clock function is missing");

  try {
    uint64_t workers = static_cast<uint64_t>(options.concurrency);
    if (options.count) workers = std::min(workers, *options.count);

    std::vector<std::unique_ptr<http::Transport>> transports;
    for (uint64_t i = 0; i < workers; ++i) {
      transports.push_back(make_transport());
      if (!transports.back()) return make_error(Errc::internal, "run_load: the transport factory returned null");
    }
    std::vector<WorkerStats> stats(workers);

    Shared shared;
    Plan plan{options, make_request, clock, clock.now(), std::nullopt};
    if (options.duration) plan.deadline = plan.start + nanoseconds(*options.duration);

    std::vector<std::thread> threads;
    threads.reserve(workers);
    // Whatever happens below, no worker outlives this scope: stop them, then join.
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
    for (uint64_t i = 0; i < workers; ++i) {
      {
        std::lock_guard lock(shared.state_mutex);
        ++shared.running;
      }
      try {
        threads.emplace_back(run_worker, std::cref(plan), std::ref(shared), std::ref(*transports[i]),
                             std::ref(stats[i]));
      } catch (const std::exception& e) {
        {
          std::lock_guard lock(shared.state_mutex);
          --shared.running;
        }
        spawn_error = fmt::format("cannot start load worker {}: {}", i + 1, e.what());
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
  } catch (const std::exception& e) {
    return make_error(Errc::internal, fmt::format("load run failed: {}", e.what()));
  } catch (...) {
    return make_error(Errc::internal, "load run failed: unknown exception");
  }
}

} // namespace hookctl::delivery
