// sign::parse_paddle_header on arbitrary header text.
#include "fuzz_check.hpp"
#include "hookctl/sign/parse.hpp"
#include "hookctl/util/strings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view header = fuzz::as_view(data, size);
  auto parsed = hookctl::sign::parse_paddle_header(header);
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message.empty());
    return 0;
  }
  // The timestamp is the one its text says, and that text is signed as sent.
  FUZZ_CHECK(fuzz::within(parsed->timestamp_text, header));
  long long t = 0;
  FUZZ_CHECK(hookctl::util::parse_int64(parsed->timestamp_text, t) && t == parsed->timestamp);
  for (auto h : parsed->h1) {
    FUZZ_CHECK(fuzz::within(h, header));
    FUZZ_CHECK(h.find(';') == std::string_view::npos);
  }
  return 0;
}
