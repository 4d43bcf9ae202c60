// delivery::parse_retry_after and parse_http_date on arbitrary text: waits are never negative, an
// HTTP-date survives a round trip through format_http_date, and next_delay honours Retry-After within
// backoff-max.
#include <chrono>
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/delivery/http_date.hpp"
#include "hookctl/delivery/retry.hpp"
#include "hookctl/util/strings.hpp"

namespace delivery = hookctl::delivery;
namespace http = hookctl::http;
namespace util = hookctl::util;
using std::chrono::milliseconds;

namespace {
// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years an HTTP-date can hold.
constexpr int64_t k_min_date = -62167219200;
constexpr int64_t k_max_date = 253402300799;
// The longest wait parse_retry_after gives, in seconds.
constexpr int64_t k_max_wait_s = 1'000'000'000;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::as_view(data, size);

  // 1970, 2026 and 2096: the RFC 850 two-digit year lands on either side of a century.
  for (int64_t now : {int64_t{0}, int64_t{1795864837}, int64_t{4000000000}}) {
    auto wait = delivery::parse_retry_after(text, now);
    if (wait) FUZZ_CHECK(wait->count() >= 0 && wait->count() <= k_max_wait_s * 1000);

    std::string_view t = util::trim(text);
    bool digits = !t.empty();
    for (char c : t) digits = digits && c >= '0' && c <= '9';
    if (digits) FUZZ_CHECK(wait.has_value());

    auto date = delivery::parse_http_date(text, now);
    if (date) {
      FUZZ_CHECK(*date >= k_min_date && *date <= k_max_date + 1); // +1: a leap second on the last day
      if (*date <= k_max_date) {
        auto again = delivery::parse_http_date(delivery::format_http_date(*date), now);
        FUZZ_CHECK(again && *again == *date);
      }
      FUZZ_CHECK(!digits);
      FUZZ_CHECK(wait.has_value());
      const int64_t expect = *date <= now ? 0 : std::min(*date - now, k_max_wait_s);
      FUZZ_CHECK(wait->count() == expect * 1000);
    } else if (!digits) {
      FUZZ_CHECK(!wait.has_value());
    }

    // As a Retry-After field of a 503: a wait in [0, backoff-max], and at least what was asked up to it.
    delivery::RetryPolicy policy;
    policy.retries = 3;
    http::Outcome last;
    last.response = http::Response{503, {{"Retry-After", std::string(text)}}, ""};
    auto d = delivery::next_delay(policy, 2, last, now, [] { return 0.5; });
    FUZZ_CHECK(d.has_value());
    FUZZ_CHECK(d->count() >= 0 && *d <= policy.max);
    if (wait) FUZZ_CHECK(*d >= std::min(*wait, policy.max));
  }
  return 0;
}
