// replay's selection parsers on arbitrary text: --where conditions, --status filters, times with
// fractions, and the glob matcher (text split at the first NUL into pattern and subject), with the
// properties each must keep.
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/replay/select.hpp"
#include "hookctl/util/time.hpp"

namespace replay = hookctl::replay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::as_view(data, size);

  if (auto w = replay::parse_where(text)) {
    // body.PATH=VALUE: the path is non-empty and the pieces put back together give the input.
    FUZZ_CHECK(!w->first.empty());
    FUZZ_CHECK("body." + w->first + "=" + w->second == text);
  }

  if (auto s = replay::parse_status_filter(text)) {
    FUZZ_CHECK(s->size() == 3);
    // A class matches exactly its hundred statuses; a status matches only itself.
    int matched = 0;
    for (int status = 100; status <= 599; ++status) matched += replay::status_matches(*s, status) ? 1 : 0;
    FUZZ_CHECK(matched == ((*s)[1] == 'x' ? 100 : 1));
  }

  if (auto us = replay::parse_time_us(text)) {
    // Within a second of what the seconds-only parser reads.
    auto seconds = hookctl::util::parse_rfc3339(text);
    FUZZ_CHECK(seconds.ok());
    FUZZ_CHECK(*us - *seconds * 1'000'000 >= 0 && *us - *seconds * 1'000'000 < 1'000'000);
  }

  const size_t nul = text.find('\0');
  const std::string_view pattern = text.substr(0, nul);
  const std::string_view subject = nul == std::string_view::npos ? std::string_view{} : text.substr(nul + 1);
  const bool matched = replay::glob_match(pattern, subject);
  // A pattern without wildcards matches only itself; "*" + pattern + "*" matches whatever pattern does.
  if (pattern.find_first_of("*?") == std::string_view::npos) FUZZ_CHECK(matched == (pattern == subject));
  if (matched) FUZZ_CHECK(replay::glob_match("*" + std::string(pattern) + "*", subject));
  FUZZ_CHECK(replay::glob_match(pattern, pattern) || pattern.find('?') != std::string_view::npos ||
             pattern.find('*') != std::string_view::npos);
  return 0;
}
