#include <doctest/doctest.h>

#include "hookctl/sign/ids.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"

using namespace hookctl::util;
using namespace std::chrono_literals;

TEST_CASE("util::parse_duration accepts ms, s, m, h and bare seconds") {
  CHECK(*parse_duration("250ms") == 250ms);
  CHECK(*parse_duration("10s") == 10s);
  CHECK(*parse_duration("2m") == 120s);
  CHECK(*parse_duration("1h") == 3600s);
  CHECK(*parse_duration("300") == 300s);
  CHECK(*parse_duration("1.5s") == 1500ms);
  CHECK_FALSE(parse_duration("").ok());
  CHECK_FALSE(parse_duration("-5s").ok());
  CHECK_FALSE(parse_duration("5 parsecs").ok());
  CHECK_FALSE(parse_duration("1e400").ok());
  CHECK(format_duration(300s) == "5m");
  CHECK(format_duration(250ms) == "250ms");
}

TEST_CASE("util::rfc3339 parses offsets and fractions and formats UTC") {
  CHECK(*parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(*parse_rfc3339("2023-11-14T22:13:20.123456789Z") == 1700000000);
  CHECK(*parse_rfc3339("2023-11-14T23:13:20+01:00") == 1700000000);
  CHECK_FALSE(parse_rfc3339("2023-11-14 22:13").ok());
  CHECK_FALSE(parse_rfc3339("2023-13-14T22:13:20Z").ok());
  CHECK_FALSE(parse_rfc3339("2023-11-14T22:13:20Zjunk").ok());
  CHECK(format_rfc3339(1700000000) == "2023-11-14T22:13:20Z");
  CHECK(format_rfc3339(1700000000, 3) == "2023-11-14T22:13:20.000Z");
  CHECK(*parse_unix_or_rfc3339("1700000000") == 1700000000);
  CHECK(*parse_unix_or_rfc3339("2023-11-14T22:13:20Z") == 1700000000);
  CHECK_FALSE(parse_unix_or_rfc3339("soon").ok());
}

TEST_CASE("util::strings helpers") {
  CHECK(trim("  a b \t") == "a b");
  CHECK(iequals("X-Hub", "x-hub"));
  CHECK(split("a,,b", ',').size() == 3);
  CHECK(is_printable_utf8("héllo"));
  CHECK_FALSE(is_printable_utf8(std::string("a\0b", 3)));
  CHECK_FALSE(is_printable_utf8("\xc0\xaf"));     // overlong
  CHECK_FALSE(is_printable_utf8("\xed\xa0\x80")); // surrogate
}

TEST_CASE("sign::delivery_id: UUID v4 for GitHub, msg_ ids for Standard Webhooks") {
  std::string entropy(16, '\xab');
  auto uuid = hookctl::sign::delivery_id("github", entropy);
  CHECK(uuid.size() == 36);
  CHECK(uuid[14] == '4');
  auto msg = hookctl::sign::delivery_id("standard", entropy);
  CHECK(msg.starts_with("msg_"));
  CHECK(msg.size() == 26);
  CHECK(msg != hookctl::sign::delivery_id("standard", std::string(16, '\xac')));
}
