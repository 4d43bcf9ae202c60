#pragma once
// Latency statistics in fixed memory: a log-linear histogram in the manner of HdrHistogram, so a
// run of ten million requests costs no more memory than a run of ten.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace hookctl::delivery {

// Counts of latencies in log-linear buckets: exact below 256 ns, then 128 buckets per power of two
// (every value within 1/128, under 0.8 %, of its bucket's bounds) up to `k_highest` (about 137 s);
// larger values count in the top bucket but still set `max`.
class LatencyHistogram {
public:
  // Sub-buckets per power of two (the linear part), as HdrHistogram's 2 significant digits.
  static constexpr int k_sub_bucket_bits = 8;
  // The largest value kept apart from its neighbours, in nanoseconds: 2^37 - 1 (about 137 s).
  static constexpr int64_t k_highest = (int64_t{1} << 37) - 1;
  // The number of counters, fixed: memory does not grow with the number of samples.
  static constexpr size_t k_bucket_count = 128 * (37 - k_sub_bucket_bits) + 256;

  // Counts one latency `value` (negative values count as 0).
  void record(std::chrono::nanoseconds value);

  // Adds every sample of `other` to this histogram.
  void merge(const LatencyHistogram& other);

  // The number of samples recorded.
  uint64_t count() const { return m_count; }

  // The smallest sample, exact (0 when empty).
  std::chrono::nanoseconds min() const { return std::chrono::nanoseconds(m_count ? m_min : 0); }

  // The largest sample, exact (0 when empty).
  std::chrono::nanoseconds max() const { return std::chrono::nanoseconds(m_max); }

  // The mean of the samples, exact up to double rounding (0 when empty).
  std::chrono::nanoseconds mean() const;

  // The value below or at which `p` percent of the samples lie (`p` in [0, 100], clamped), as the
  // upper bound of its bucket clamped to [min, max]; 0 when empty.
  std::chrono::nanoseconds percentile(double p) const;

  // The counter index of `value` nanoseconds (exposed for tests).
  static size_t index_of(int64_t value);

  // The largest value that falls in counter `index` (exposed for tests).
  static int64_t highest_in(size_t index);

private:
  std::array<uint64_t, k_bucket_count> m_counts{};
  uint64_t m_count = 0;
  int64_t m_min = std::numeric_limits<int64_t>::max();
  int64_t m_max = 0;
  double m_sum = 0; // of the exact values, for the mean
};

} // namespace hookctl::delivery
