// The capture line codec on arbitrary bytes: parse_line never crashes or throws, and a record it
// accepts comes back equal through to_line and parse_line, written as exactly one line. Its fast
// path (parse_own_line) agrees with the JSON parser on every line it reads, and reads every line
// to_line writes without base64 headers. Parsing into a record that holds the previous input's
// fields (as replay recycles them) gives the same record as parsing into a new one.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/capture/record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hookctl;
  const std::string_view input = fuzz::as_view(data, size);
  if (auto own = capture::parse_own_line(input)) {
    auto full = capture::parse_line_json(input);
    FUZZ_CHECK(full.ok());
    FUZZ_CHECK(*full == *own);
  }
  static capture::Record recycled; // the last input's record, or what a failed parse left in it
  auto first = capture::parse_line(input);
  auto into = capture::parse_line_into(input, recycled);
  FUZZ_CHECK(into.ok() == first.ok());
  if (first) FUZZ_CHECK(recycled == *first);
  if (!first) {
    FUZZ_CHECK(first.error().code == Errc::input);
    FUZZ_CHECK(first.error().message.find('\n') == std::string::npos);
    return 0;
  }
  const std::string line = capture::to_line(*first);
  FUZZ_CHECK(!line.empty() && line.find('\n') == line.size() - 1);
  auto second = capture::parse_line(line);
  FUZZ_CHECK(second.ok());
  if (line.find("\"headers_encoding\"") == std::string::npos && line.find("\\ud") == std::string::npos)
    FUZZ_CHECK(capture::parse_own_line(line).has_value());
  FUZZ_CHECK(*second == *first);
  FUZZ_CHECK(capture::to_line(*second) == line);
  return 0;
}
