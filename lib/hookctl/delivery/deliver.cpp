#include "hookctl/delivery/deliver.hpp"

#include <algorithm>
#include <exception>
#include <random>
#include <thread>

namespace hookctl::delivery {
namespace {

using std::chrono::milliseconds;

// The longest single sleep while a cancel flag is watched.
constexpr milliseconds k_cancel_slice{200};

bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

// Sleeps `delay` through `clock`, in slices when `cancel` is watched; false when cancelled.
bool wait(const Clock& clock, milliseconds delay, const std::atomic<bool>* cancel) {
  if (delay.count() <= 0 || !clock.sleep_for) return !cancelled(cancel);
  if (!cancel) {
    clock.sleep_for(delay);
    return true;
  }
  while (delay.count() > 0) {
    if (cancelled(cancel)) return false;
    const milliseconds slice = std::min(delay, k_cancel_slice);
    clock.sleep_for(slice);
    delay -= slice;
  }
  return !cancelled(cancel);
}

} // namespace

Clock real_clock() {
  Clock c;
  c.now_unix = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  c.sleep_for = [](milliseconds d) { std::this_thread::sleep_for(d); };
  c.uniform01 = [] {
    thread_local std::mt19937_64 engine{[] {
      std::random_device rd;
      std::seed_seq seq{rd(), rd(), rd(), rd()};
      return std::mt19937_64(seq);
    }()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
  };
  return c;
}

std::string_view ending_name(Ending ending) {
  switch (ending) {
  case Ending::success: return "success";
  case Ending::stopped: return "stopped";
  case Ending::exhausted: return "exhausted";
  case Ending::cancelled: return "cancelled";
  case Ending::error: return "error";
  }
  return "error";
}

Delivery deliver(http::Transport& transport, const std::function<http::Request(int attempt)>& make_request,
                 const RetryPolicy& policy, const Clock& clock, const std::function<void(const Attempt&)>& on_attempt,
                 const std::atomic<bool>* cancel) {
  Delivery d;
  try {
    milliseconds delay_before{0};
    for (int number = 1;; ++number) {
      if (cancelled(cancel)) {
        d.ending = Ending::cancelled;
        return d;
      }
      Attempt a;
      a.number = number;
      a.delay_before = delay_before;
      a.outcome = transport.send(make_request(number));
      const Verdict verdict = classify(a.outcome);
      if (verdict == Verdict::retry) {
        const int64_t now = clock.now_unix ? clock.now_unix() : 0;
        a.delay_after = next_delay(policy, number, a.outcome, now, clock.uniform01);
      }
      d.attempts.push_back(std::move(a));
      if (on_attempt) on_attempt(d.attempts.back());

      const Attempt& done = d.attempts.back();
      if (verdict == Verdict::success) {
        d.success = true;
        d.ending = Ending::success;
        return d;
      }
      if (verdict == Verdict::stop) {
        d.ending = Ending::stopped;
        return d;
      }
      if (!done.delay_after) {
        d.ending = Ending::exhausted;
        return d;
      }
      delay_before = *done.delay_after;
      if (!wait(clock, delay_before, cancel)) {
        d.ending = Ending::cancelled;
        return d;
      }
    }
  } catch (const std::exception& e) {
    d.success = false;
    d.ending = Ending::error;
    d.error = std::string("internal error: ") + e.what();
  } catch (...) {
    d.success = false;
    d.ending = Ending::error;
    d.error = "internal error: unknown exception";
  }
  return d;
}

} // namespace hookctl::delivery
