#include <doctest/doctest.h>

#include "hookctl/util/encoding.hpp"

using namespace hookctl::util;

TEST_CASE("util::hex round trip and rejects bad input") {
  CHECK(hex_encode(std::string("\x00\xff\x10", 3)) == "00ff10");
  CHECK(hex_decode("00FF10") == std::string("\x00\xff\x10", 3));
  CHECK_FALSE(hex_decode("abc").has_value());
  CHECK_FALSE(hex_decode("zz").has_value());
}

TEST_CASE("util::base64 matches RFC 4648 test vectors") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_decode("Zm9vYg==") == "foob");
  CHECK_FALSE(base64_decode("Zm9vYg").has_value());
  CHECK(base64_decode("Zm9vYg", Padding::optional) == "foob");
  CHECK_FALSE(base64_decode("Zm9v!g==").has_value());
  CHECK_FALSE(base64_decode("Zh==").has_value()); // non-zero trailing bits
  CHECK_FALSE(base64_decode("Z").has_value());
}

TEST_CASE("util::form_decode decodes + and escapes, rejects broken escapes") {
  CHECK(form_decode("a+b%2Fc") == "a b/c");
  CHECK_FALSE(form_decode("%2").has_value());
  CHECK_FALSE(form_decode("%zz").has_value());
  CHECK(url_encode("a b/~") == "a%20b%2F~");
}
