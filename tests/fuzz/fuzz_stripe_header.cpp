// sign::parse_stripe_header on arbitrary header text.
#include "fuzz_check.hpp"
#include "hookctl/sign/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view header = fuzz::as_view(data, size);
  auto parsed = hookctl::sign::parse_stripe_header(header);
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message.empty());
    return 0;
  }
  // A header without "t=" is refused, so a parsed one has at least one.
  FUZZ_CHECK(header.find("t=") != std::string_view::npos);
  for (auto v : parsed->v1) {
    FUZZ_CHECK(fuzz::within(v, header));
    FUZZ_CHECK(v.find(',') == std::string_view::npos);
  }
  for (auto k : parsed->other) {
    FUZZ_CHECK(fuzz::within(k, header));
    FUZZ_CHECK(k.find(',') == std::string_view::npos && k.find('=') == std::string_view::npos);
    FUZZ_CHECK(k != "t" && k != "v1");
  }
  return 0;
}
