// util::parse_size: byte sizes with binary units, and the values it refuses; the did-you-mean
// helpers edit_distance, closest_name and echoable.
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

TEST_CASE("util::edit_distance: insertions, deletions, substitutions and adjacent swaps") {
  CHECK(util::edit_distance("", "") == 0);
  CHECK(util::edit_distance("send", "send") == 0);
  CHECK(util::edit_distance("sned", "send") == 1); // a swap of two neighbours is one edit
  CHECK(util::edit_distance("sedn", "send") == 1);
  CHECK(util::edit_distance("sedn", "sign") == 2);
  CHECK(util::edit_distance("ab", "ba") == 1);
  CHECK(util::edit_distance("abc", "ca") == 3);
  CHECK(util::edit_distance("provder", "provider") == 1);
  CHECK(util::edit_distance("", "abc") == 3);
  CHECK(util::edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("util::closest_name: within two edits, a prefix counts as one, first of equals, else none") {
  const std::vector<std::string> names{"--provider", "--port", "--secret", "--secret-file"};
  CHECK(util::closest_name("--provder", names) == "--provider");
  CHECK(util::closest_name("--prot", names) == "--port");
  CHECK(util::closest_name("--secret-f", names) == "--secret-file"); // prefix: one edit, beats "--secret" (two)
  CHECK(util::closest_name("--sec", names) == "--secret");           // prefix of two names: the first
  CHECK(util::closest_name("--secret", {"--secret-file", "--secret"}) == "--secret"); // itself beats a prefix
  CHECK_FALSE(util::closest_name("--zzzzzz", names).has_value());
  CHECK_FALSE(util::closest_name("send", {}).has_value());
  CHECK(util::closest_name("", {"abcd", "x"}) == "x"); // "" is no prefix hit: plain edit distance
}

TEST_CASE("util::echoable: command-like words only, never what may be a secret") {
  CHECK(util::echoable("send"));
  CHECK(util::echoable("secret-file"));
  CHECK(util::echoable("v2"));
  CHECK_FALSE(util::echoable(""));
  CHECK_FALSE(util::echoable("Send"));
  CHECK_FALSE(util::echoable("sk_test_abc"));
  CHECK_FALSE(util::echoable("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
  CHECK_FALSE(util::echoable(std::string(33, 'a')));
  CHECK(util::echoable(std::string(32, 'a')));
}
