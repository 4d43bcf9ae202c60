// util::base64_decode (both paddings), hex_decode and form_decode on arbitrary text, and the round
// trips decode(encode(x)) == x for the input bytes.
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"

namespace util = hookctl::util;
using util::Padding;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::as_view(data, size);

  // Decoding arbitrary text: what decodes strictly is canonical base64, so it encodes back to itself.
  auto strict = util::base64_decode(text, Padding::required);
  auto lenient = util::base64_decode(text, Padding::optional);
  if (strict) {
    FUZZ_CHECK(util::base64_encode(*strict) == text);
    FUZZ_CHECK(lenient && *lenient == *strict);
  }
  if (lenient) {
    std::string canonical = util::base64_encode(*lenient);
    // The same text, possibly without its padding.
    FUZZ_CHECK(canonical.starts_with(text));
    FUZZ_CHECK(canonical.find_first_not_of('=', text.size()) == std::string::npos);
  }

  // Round trips of the input bytes.
  std::string b64 = util::base64_encode(text);
  FUZZ_CHECK(b64.size() == (size + 2) / 3 * 4);
  auto back = util::base64_decode(b64, Padding::required);
  FUZZ_CHECK(back && *back == text);
  back = util::base64_decode(b64, Padding::optional);
  FUZZ_CHECK(back && *back == text);
  std::string unpadded = b64.substr(0, b64.find('='));
  back = util::base64_decode(unpadded, Padding::optional);
  FUZZ_CHECK(back && *back == text);
  FUZZ_CHECK(util::base64_decode(unpadded, Padding::required).has_value() == (size % 3 == 0));

  if (auto hex = util::hex_decode(text)) {
    FUZZ_CHECK(hex->size() * 2 == size);
    FUZZ_CHECK(util::hex_encode(*hex) == util::to_lower(text));
  }
  std::string hex = util::hex_encode(text);
  FUZZ_CHECK(hex.size() == 2 * size);
  auto hex_back = util::hex_decode(hex);
  FUZZ_CHECK(hex_back && *hex_back == text);

  if (auto form = util::form_decode(text)) {
    FUZZ_CHECK(form->size() <= size);
    if (text.find_first_of("%+") == std::string_view::npos) FUZZ_CHECK(*form == text);
  }
  auto form_back = util::form_decode(util::url_encode(text));
  FUZZ_CHECK(form_back && *form_back == text);
  return 0;
}
