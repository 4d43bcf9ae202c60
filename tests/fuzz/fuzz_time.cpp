// util::parse_duration, parse_rfc3339, parse_unix_or_rfc3339 and parse_size on arbitrary text,
// with round trips through format_duration and format_rfc3339.
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"

namespace util = hookctl::util;

namespace {
// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years format_rfc3339 writes as four digits.
constexpr int64_t k_min_rfc3339 = -62167219200;
constexpr int64_t k_end_rfc3339 = 253402300800;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::as_view(data, size);

  if (auto n = util::parse_size(text)) {
    // A size is its leading digits times a power of 1024 and never wraps around.
    size_t digits = 0;
    const std::string_view t = util::trim(text);
    while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
    FUZZ_CHECK(digits > 0);
    FUZZ_CHECK(*n % 1024 == 0 || t.find_first_not_of("0123456789", 0) == std::string_view::npos ||
               util::to_lower(util::trim(t.substr(digits))) == "b");
  }

  if (auto d = util::parse_duration(text)) {
    FUZZ_CHECK(d->count() >= 0);
    auto again = util::parse_duration(util::format_duration(*d));
    FUZZ_CHECK(again && *again == *d);
  }

  auto t = util::parse_rfc3339(text);
  if (t) {
    FUZZ_CHECK(*t >= k_min_rfc3339 - 100 * 3600 && *t < k_end_rfc3339 + 100 * 3600);
    if (*t >= k_min_rfc3339 && *t < k_end_rfc3339) {
      for (int digits : {0, 3, 9}) {
        auto again = util::parse_rfc3339(util::format_rfc3339(*t, digits));
        FUZZ_CHECK(again && *again == *t);
      }
    }
  }

  auto u = util::parse_unix_or_rfc3339(text);
  long long n = 0;
  if (util::parse_int64(util::trim(text), n)) {
    FUZZ_CHECK(u && *u == n);
  } else {
    auto direct = util::parse_rfc3339(util::trim(text));
    FUZZ_CHECK(u.ok() == direct.ok());
    if (u) FUZZ_CHECK(*u == *direct);
  }
  if (u) {
    auto again = util::parse_unix_or_rfc3339(std::to_string(*u));
    FUZZ_CHECK(again && *again == *u);
  }
  return 0;
}
