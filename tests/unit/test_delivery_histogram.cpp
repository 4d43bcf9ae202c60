// delivery::LatencyHistogram: bucket layout, percentiles within 1 %, merge, fixed memory.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <doctest/doctest.h>

#include "hookctl/delivery/histogram.hpp"

using namespace hookctl::delivery;
using namespace std::chrono_literals;
using std::chrono::nanoseconds;

namespace {

// True when `got` is within `rel` of `want`.
bool near(nanoseconds got, nanoseconds want, double rel = 0.01) {
  return std::abs(static_cast<double>(got.count() - want.count())) <= rel * static_cast<double>(want.count());
}

} // namespace

TEST_CASE("delivery::LatencyHistogram: every value lies in its bucket, whose width is under 1/128 of it") {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    const int64_t v =
        static_cast<int64_t>(rng() % static_cast<uint64_t>(LatencyHistogram::k_highest + 1)) >> (rng() % 37);
    const size_t idx = LatencyHistogram::index_of(v);
    REQUIRE(idx < LatencyHistogram::k_bucket_count);
    const int64_t hi = LatencyHistogram::highest_in(idx);
    const int64_t lo = idx == 0 ? 0 : LatencyHistogram::highest_in(idx - 1) + 1;
    CAPTURE(v);
    REQUIRE(lo <= v);
    REQUIRE(v <= hi);
    REQUIRE(static_cast<double>(hi - lo) <= static_cast<double>(v) / 128.0);
  }
  // Exact below 256 ns; the top counter ends at k_highest; beyond it values are clamped.
  for (int64_t v = 0; v < 256; ++v) CHECK(LatencyHistogram::highest_in(LatencyHistogram::index_of(v)) == v);
  CHECK(LatencyHistogram::index_of(LatencyHistogram::k_highest) == LatencyHistogram::k_bucket_count - 1);
  CHECK(LatencyHistogram::highest_in(LatencyHistogram::k_bucket_count - 1) == LatencyHistogram::k_highest);
  CHECK(LatencyHistogram::index_of(INT64_MAX) == LatencyHistogram::k_bucket_count - 1);
  CHECK(LatencyHistogram::index_of(-5) == 0);
  // Consecutive counters tile the range with no gap.
  for (size_t i = 1; i < LatencyHistogram::k_bucket_count; ++i) {
    REQUIRE(LatencyHistogram::highest_in(i) > LatencyHistogram::highest_in(i - 1));
    REQUIRE(LatencyHistogram::index_of(LatencyHistogram::highest_in(i - 1) + 1) == i);
  }
}

TEST_CASE("delivery::LatencyHistogram: percentiles within 1 % on known data; exact count, min, max, mean") {
  LatencyHistogram h;
  // 1 us .. 100 ms in 1 us steps, shuffled.
  std::vector<int64_t> values;
  for (int64_t us = 1; us <= 100000; ++us) values.push_back(us * 1000);
  std::shuffle(values.begin(), values.end(), std::mt19937_64(7));
  for (int64_t v : values) h.record(nanoseconds(v));
  CHECK(h.count() == 100000);
  CHECK(h.min() == 1us);
  CHECK(h.max() == 100ms);
  CHECK(near(h.mean(), nanoseconds(50000500)));
  CHECK(near(h.percentile(50), 50ms));
  CHECK(near(h.percentile(90), 90ms));
  CHECK(near(h.percentile(99), 99ms));
  CHECK(near(h.percentile(99.9), 99900us));
  CHECK(near(h.percentile(1), 1ms));
  CHECK(h.percentile(0) == 1us);
  CHECK(h.percentile(100) == 100ms);
  CHECK(h.percentile(150) == 100ms);
  // Percentiles never fall below the true value at that rank (HdrHistogram reports the bucket's top).
  CHECK(h.percentile(50) >= 50ms);

  // A bimodal load: 99 % fast, 1 % slow; p99 is fast, p99.5 slow.
  LatencyHistogram b;
  for (int i = 0; i < 9900; ++i) b.record(2ms);
  for (int i = 0; i < 100; ++i) b.record(1500ms);
  CHECK(near(b.percentile(50), 2ms));
  CHECK(near(b.percentile(99), 2ms));
  CHECK(near(b.percentile(99.5), 1500ms));
  CHECK(b.max() == 1500ms);
}

TEST_CASE("delivery::LatencyHistogram: merge equals recording everything in one") {
  LatencyHistogram a, b, all;
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> dist(13.0, 1.5); // median ~0.44 ms, long tail
  for (int i = 0; i < 50000; ++i) {
    const auto v = nanoseconds(static_cast<int64_t>(dist(rng)));
    (i % 3 == 0 ? a : b).record(v);
    all.record(v);
  }
  LatencyHistogram merged = a;
  merged.merge(b);
  CHECK(merged.count() == all.count());
  CHECK(merged.min() == all.min());
  CHECK(merged.max() == all.max());
  CHECK(near(merged.mean(), all.mean(), 1e-9));
  for (double p : {1.0, 50.0, 90.0, 99.0, 99.9}) CHECK(merged.percentile(p) == all.percentile(p));
  // Merging an empty histogram, or into one, changes nothing.
  LatencyHistogram empty;
  merged.merge(empty);
  CHECK(merged.count() == all.count());
  empty.merge(a);
  CHECK(empty.count() == a.count());
  CHECK(empty.min() == a.min());
}

TEST_CASE("delivery::LatencyHistogram: fixed memory; empty and out-of-range values") {
  // The whole state is the fixed counter array: about 31 KiB whatever the number of samples.
  static_assert(LatencyHistogram::k_bucket_count == 3968);
  static_assert(sizeof(LatencyHistogram) < 32 * 1024);
  LatencyHistogram h;
  CHECK(h.count() == 0);
  CHECK(h.min() == 0ns);
  CHECK(h.max() == 0ns);
  CHECK(h.mean() == 0ns);
  CHECK(h.percentile(99) == 0ns);
  for (int i = 0; i < 3'000'000; ++i) h.record(nanoseconds(i % 5000));
  CHECK(h.count() == 3'000'000);
  // Longer than the highest trackable value: counted at the top, max still exact.
  h.record(500s);
  h.record(-3ns);
  CHECK(h.max() == 500s);
  CHECK(h.min() == 0ns);
  CHECK(h.percentile(100) == 500s);
  LatencyHistogram slow;
  slow.record(200s);
  slow.record(300s);
  CHECK(slow.percentile(50) == 200s); // clamped to [min, max]
}
