#include "hookctl/delivery/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace hookctl::delivery {
namespace {

constexpr int64_t k_half = int64_t{1} << (LatencyHistogram::k_sub_bucket_bits - 1); // 128
constexpr int64_t k_linear = int64_t{1} << LatencyHistogram::k_sub_bucket_bits;     // 256

} // namespace

size_t LatencyHistogram::index_of(int64_t value) {
  const int64_t v = std::clamp<int64_t>(value, 0, k_highest);
  if (v < k_linear) return static_cast<size_t>(v);
  // HdrHistogram's layout: shift `v` right until it lies in [128, 256); each shift starts a bucket
  // of 128 counters twice as wide as the one before.
  const int shift = (63 - std::countl_zero(static_cast<uint64_t>(v))) - (k_sub_bucket_bits - 1);
  return static_cast<size_t>(k_half * shift + (v >> shift));
}

int64_t LatencyHistogram::highest_in(size_t index) {
  const auto i = static_cast<int64_t>(std::min(index, k_bucket_count - 1));
  if (i < k_linear) return i;
  const int64_t shift = i / k_half - 1;
  const int64_t lowest = (i - k_half * shift) << shift;
  return lowest + (int64_t{1} << shift) - 1;
}

void LatencyHistogram::record(std::chrono::nanoseconds value) {
  const int64_t v = std::max<int64_t>(0, value.count());
  ++m_counts[index_of(v)];
  ++m_count;
  m_min = std::min(m_min, v);
  m_max = std::max(m_max, v);
  m_sum += static_cast<double>(v);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.m_count == 0) return;
  for (size_t i = 0; i < k_bucket_count; ++i) m_counts[i] += other.m_counts[i];
  m_count += other.m_count;
  m_min = std::min(m_min, other.m_min);
  m_max = std::max(m_max, other.m_max);
  m_sum += other.m_sum;
}

std::chrono::nanoseconds LatencyHistogram::mean() const {
  if (m_count == 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(std::llround(m_sum / static_cast<double>(m_count)));
}

std::chrono::nanoseconds LatencyHistogram::percentile(double p) const {
  if (m_count == 0) return std::chrono::nanoseconds(0);
  if (!(p > 0)) return min(); // NaN too
  if (p >= 100) return max();
  // The rank of the sample at `p` percent, 1-based; the tiny scale-down keeps 99.9 % of 1000 at 999.
  const double exact = p * static_cast<double>(m_count) / 100.0;
  const auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(exact * (1 - 1e-12))));
  uint64_t seen = 0;
  for (size_t i = 0; i < k_bucket_count; ++i) {
    seen += m_counts[i];
    if (seen >= rank) return std::chrono::nanoseconds(std::clamp(highest_in(i), m_min, m_max));
  }
  return max();
}

} // namespace hookctl::delivery
