// The raw client's response parser on arbitrary bytes, fed whole and in pieces: it must end in a
// state, never crash, and agree with itself on the two ways of feeding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "hookctl/http/wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  using hookctl::http::ResponseParser;
  ResponseParser whole("POST", 4096);
  auto a = whole.feed(in);
  if (a == ResponseParser::State::incomplete) a = whole.finish();
  ResponseParser pieces("POST", 4096);
  auto b = ResponseParser::State::incomplete;
  for (size_t i = 0; i < in.size() && b == ResponseParser::State::incomplete; i += 7) b = pieces.feed(in.substr(i, 7));
  if (b == ResponseParser::State::incomplete) b = pieces.finish();
  FUZZ_CHECK(a == b);
  if (a == ResponseParser::State::complete) {
    FUZZ_CHECK(whole.response().status >= 200 && whole.response().status <= 999);
    FUZZ_CHECK(whole.response().body == pieces.response().body);
    FUZZ_CHECK(whole.response().body.size() <= 4096);
  }
  return 0;
}
