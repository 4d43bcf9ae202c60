#include <doctest/doctest.h>

#include "hookctl/http/message.hpp"

using hookctl::http::parse_url;

TEST_CASE("http::parse_url: scheme, host, default and explicit ports, target") {
  auto u = parse_url("http://127.0.0.1:3000/webhooks/stripe?x=1#frag");
  REQUIRE(u.ok());
  CHECK(u->scheme == "http");
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == 3000);
  CHECK(u->target == "/webhooks/stripe?x=1");
  auto s = parse_url("HTTPS://example.com");
  REQUIRE(s.ok());
  CHECK(s->scheme == "https");
  CHECK(s->port == 443);
  CHECK(s->target == "/");
  auto q = parse_url("http://localhost?a=b");
  REQUIRE(q.ok());
  CHECK(q->port == 80);
  CHECK(q->target == "/?a=b");
  auto v6 = parse_url("http://[::1]:8080/h");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8080);
}

TEST_CASE("http::parse_url: what is wrong is named") {
  for (const char* bad :
       {"", "127.0.0.1:3000/h", "ftp://x/", "http://", "http://:80/", "http://h:0/", "http://h:65536/", "http://h:-1/",
        "http://h:x/", "http://h:/", "http://[::1/", "http://a b/", "http://u@h/", "http://h/\r\nX: y"}) {
    CAPTURE(bad);
    auto u = parse_url(bad);
    REQUIRE_FALSE(u.ok());
    CHECK(u.error().code == hookctl::Errc::usage);
    CHECK(u.error().message.starts_with("invalid URL"));
  }
}
