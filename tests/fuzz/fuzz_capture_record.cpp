// The capture line codec on arbitrary bytes: parse_line never crashes or throws, and a record it
// accepts comes back equal through to_line and parse_line, written as exactly one line.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/capture/record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hookctl;
  auto first = capture::parse_line(fuzz::as_view(data, size));
  if (!first) {
    FUZZ_CHECK(first.error().code == Errc::input);
    FUZZ_CHECK(first.error().message.find('\n') == std::string::npos);
    return 0;
  }
  const std::string line = capture::to_line(*first);
  FUZZ_CHECK(!line.empty() && line.find('\n') == line.size() - 1);
  auto second = capture::parse_line(line);
  FUZZ_CHECK(second.ok());
  FUZZ_CHECK(*second == *first);
  FUZZ_CHECK(capture::to_line(*second) == line);
  return 0;
}
