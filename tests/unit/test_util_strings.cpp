// util::parse_size: byte sizes with binary units, and the values it refuses.
#include <doctest/doctest.h>

#include "hookctl/util/strings.hpp"

using namespace hookctl;

TEST_CASE("util::parse_size: bare bytes and binary units, case-insensitive") {
  CHECK(util::parse_size("0").value() == 0);
  CHECK(util::parse_size("512").value() == 512);
  CHECK(util::parse_size("512b").value() == 512);
  CHECK(util::parse_size("64k").value() == 64 * 1024);
  CHECK(util::parse_size("64KiB").value() == 64 * 1024);
  CHECK(util::parse_size("64KB").value() == 64 * 1024);
  CHECK(util::parse_size("10MiB").value() == 10 * 1024 * 1024);
  CHECK(util::parse_size(" 10 m ").value() == 10 * 1024 * 1024);
  CHECK(util::parse_size("2g").value() == 2ULL * 1024 * 1024 * 1024);
}

TEST_CASE("util::parse_size: malformed, negative, fractional and overflowing sizes are usage errors") {
  for (const char* bad : {"", "k", "-1", "1.5m", "10 MiBs", "12x", "99999999999999999999", "17179869184g"}) {
    CAPTURE(bad);
    auto r = util::parse_size(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::usage);
    CHECK(r.error().message.find("invalid size") != std::string::npos);
  }
}
