#include <memory>

#include <doctest/doctest.h>

#include "catalog_helpers.hpp"
#include "hookctl/catalog/catalog.hpp"

namespace catalog = hookctl::catalog;
using catalog::fill_placeholders;

namespace {

constexpr int64_t k_now = testing::k_catalog_now;
using testing::fresh;

std::string fill(std::string_view text, unsigned seed = 1, int64_t now = k_now) {
  auto r = fill_placeholders(text, fresh(seed, now));
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return *r;
}

bool all_of(const std::string& s, std::string_view alphabet) {
  return !s.empty() && s.find_first_not_of(alphabet) == std::string::npos;
}

} // namespace

TEST_CASE("catalog::fill_placeholders: times, with offsets") {
  CHECK(fill("{{unix}}") == "1700000000");
  CHECK(fill("{{unix+60}}|{{unix-1700000000}}") == "1700000060|0");
  CHECK(fill("{{unix_ms}}") == "1700000000000");
  CHECK(fill("{{iso}}") == "2023-11-14T22:13:20Z");
  CHECK(fill("{{iso-3600}}") == "2023-11-14T21:13:20Z");
  CHECK(fill("{{iso_ms}} {{iso_us}}") == "2023-11-14T22:13:20.000Z 2023-11-14T22:13:20.000000Z");
  CHECK(fill("{{iso_ns+1}}") == "2023-11-14T22:13:21.000000000Z");
  // Times are clamped to what RFC 3339 can show.
  CHECK(fill("{{unix}}", 1, -5) == "0");
  CHECK(fill("{{iso}}", 1, INT64_MAX) == "9999-12-31T23:59:59Z");
  CHECK(fill("{{unix+9999999999}}", 1, INT64_MAX) == "253402300799");
}

TEST_CASE("catalog::fill_placeholders: ids and random text in their shapes") {
  std::string uuid = fill("{{uuid}}");
  REQUIRE(uuid.size() == 36);
  CHECK(uuid[8] == '-');
  CHECK(uuid[14] == '4');
  CHECK(std::string_view("89ab").find(uuid[19]) != std::string_view::npos);

  std::string id = fill("{{id:evt}}");
  CHECK(id.starts_with("evt_"));
  CHECK(id.size() == 28);
  CHECK(all_of(id.substr(4), "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"));
  CHECK(fill("{{id:cs_test}}").starts_with("cs_test_"));

  CHECK(all_of(fill("{{rand:hex:40}}"), "0123456789abcdef"));
  CHECK(fill("{{rand:hex:40}}").size() == 40);
  CHECK(all_of(fill("{{rand:digits:6}}"), "0123456789"));
  CHECK(all_of(fill("{{rand:upper:10}}"), "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"));
  CHECK(all_of(fill("{{rand:lower:26}}"), "abcdefghijklmnopqrstuvwxyz0123456789"));
  CHECK(fill("{{rand:alnum:256}}").size() == 256);

  for (unsigned seed = 0; seed < 50; ++seed) {
    std::string n = fill("{{num:13}}", seed);
    CHECK(n.size() == 13);
    CHECK(n[0] != '0'); // a valid JSON number
  }
  auto snowflake = std::stoull(fill("{{snowflake}}"));
  CHECK((snowflake >> 22) == 1700000000000ULL - 1420070400000ULL);
}

TEST_CASE("catalog::fill_placeholders: labels repeat a value, other occurrences are fresh") {
  std::string s = fill("{{uuid#a}} {{uuid#a}} {{uuid}} {{uuid}} {{uuid#b}}");
  auto parts = std::vector<std::string>{s.substr(0, 36), s.substr(37, 36), s.substr(74, 36), s.substr(111, 36),
                                        s.substr(148, 36)};
  CHECK(parts[0] == parts[1]);
  CHECK(parts[2] != parts[0]);
  CHECK(parts[2] != parts[3]);
  CHECK(parts[4] != parts[0]);
  CHECK(fill("{{num:5#x}}-{{num:5#x}}").substr(0, 5) == fill("{{num:5#x}}-{{num:5#x}}").substr(6));
  CHECK(fill("{{uuid}}", 1) != fill("{{uuid}}", 2));
  CHECK(fill("{{uuid}}", 1) == fill("{{uuid}}", 1));
}

TEST_CASE("catalog::fill_placeholders: text that is no placeholder stays as it is") {
  for (std::string_view text : {"", "plain", "{{name}}", "{{ unix }}", "{{unix", "unix}}", "{{}}", "{{UNIX}}",
                                "{\"a\":{\"b\":1}}", "{{{{", "Hello {{user.name}}!"})
    CHECK(fill(text) == text);
  CHECK(fill("{{{unix}}}") == "{1700000000}");
  CHECK(fill("a{{unix}}b{{unix}}c") == "a1700000000b1700000000c");
}

TEST_CASE("catalog::fill_placeholders: a known kind with bad arguments is an input error naming it") {
  for (std::string_view text : {"{{rand:nope:3}}", "{{rand:hex:0}}", "{{rand:hex:257}}", "{{rand:hex}}", "{{num:0}}",
                                "{{num:19}}", "{{num}}", "{{id}}", "{{id:}}", "{{id:a.b}}", "{{uuid:x}}", "{{unix+}}",
                                "{{unix*2}}", "{{unix+12345678901}}", "{{uuid#}}", "{{uuid#a b}}", "{{snowflake:1}}"}) {
    CAPTURE(text);
    auto r = fill_placeholders(text, fresh(1));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == hookctl::Errc::input);
    CHECK(r.error().message.starts_with("bad placeholder '" + std::string(text) + "'"));
  }
  auto r = fill_placeholders("{{rand:\x01\xff:3}}", fresh(1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find('\x01') == std::string::npos);
}
