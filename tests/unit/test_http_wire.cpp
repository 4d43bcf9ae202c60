#include <doctest/doctest.h>

#include "hookctl/http/wire.hpp"

using namespace hookctl::http;

namespace {
// Feeds `bytes` one byte at a time, as the slowest network would.
ResponseParser::State trickle(ResponseParser& p, std::string_view bytes) {
  ResponseParser::State s = ResponseParser::State::incomplete;
  for (char c : bytes) s = p.feed(std::string_view(&c, 1));
  return s;
}
} // namespace

TEST_CASE("http::serialize_request: request line, Host, the headers as given, Content-Length, body") {
  Request r;
  r.url = "http://127.0.0.1:3000/hooks?x=1";
  r.headers = {{"Content-Type", "application/json"}, {"X-Sig", "a"}, {"X-Sig", "b"}};
  r.body = "{}";
  auto url = parse_url(r.url);
  REQUIRE(url.ok());
  CHECK(serialize_request(r, *url, "hookctl/0.1") ==
        "POST /hooks?x=1 HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nUser-Agent: hookctl/0.1\r\nContent-Type: "
        "application/json\r\nX-Sig: a\r\nX-Sig: b\r\nContent-Length: 2\r\n\r\n{}");
  r.url = "http://[::1]/";
  r.method = "GET";
  r.body.clear();
  r.headers = {{"User-Agent", "mine"}};
  auto v6 = parse_url(r.url);
  REQUIRE(v6.ok());
  CHECK(serialize_request(r, *v6, "hookctl/0.1") == "GET / HTTP/1.1\r\nHost: [::1]\r\nUser-Agent: mine\r\n\r\n");
}

TEST_CASE("http::ResponseParser: Content-Length, chunked and until-close bodies, in any pieces") {
  ResponseParser a("POST", 1024);
  CHECK(trickle(a, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello") ==
        ResponseParser::State::complete);
  CHECK(a.response().status == 200);
  CHECK(a.response().body == "hello");
  CHECK(a.response().headers.get("content-type") == "text/plain");
  CHECK(a.keep_alive());

  ResponseParser c("POST", 1024);
  CHECK(trickle(c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\nConnection: "
                   "close\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n") ==
        ResponseParser::State::complete);
  CHECK(c.response().status == 503);
  CHECK(c.response().body == "abcde");
  CHECK_FALSE(c.keep_alive());

  ResponseParser u("POST", 1024);
  CHECK(u.feed("HTTP/1.0 200 OK\r\n\r\nuntil close") == ResponseParser::State::incomplete);
  CHECK(u.finish() == ResponseParser::State::complete);
  CHECK(u.response().body == "until close");
  CHECK_FALSE(u.keep_alive());

  ResponseParser h("HEAD", 1024);
  CHECK(h.feed("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n") == ResponseParser::State::complete);
  ResponseParser n("POST", 1024);
  CHECK(n.feed("HTTP/1.1 204 No Content\r\n\r\n") == ResponseParser::State::complete);
}

TEST_CASE("http::ResponseParser: garbage, oversize and truncation are errors, never crashes") {
  for (const char* bad :
       {"SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n"}) {
    CAPTURE(bad);
    ResponseParser p("POST", 1024);
    CHECK(p.feed(bad) == ResponseParser::State::error);
    CHECK_FALSE(p.error().empty());
  }
  ResponseParser big("POST", 4);
  CHECK(big.feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") == ResponseParser::State::error);
  ResponseParser cut("POST", 1024);
  CHECK(cut.feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab") == ResponseParser::State::incomplete);
  CHECK(cut.finish() == ResponseParser::State::error);
  ResponseParser none("POST", 1024);
  CHECK(none.finish() == ResponseParser::State::error);
  CHECK_FALSE(none.started());
}

TEST_CASE("http::ResponseParser: keep_body keeps the first bytes and drops the rest, the limit still counts all") {
  // Every framing completes with only the first 3 body bytes kept.
  ResponseParser a("POST", 1024, 3);
  CHECK(trickle(a, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") == ResponseParser::State::complete);
  CHECK(a.response().body == "hel");
  ResponseParser c("POST", 1024, 3);
  CHECK(trickle(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n") ==
        ResponseParser::State::complete);
  CHECK(c.response().body == "abc");
  ResponseParser u("POST", 1024, 0);
  CHECK(u.feed("HTTP/1.0 500 Oops\r\n\r\nuntil close") == ResponseParser::State::incomplete);
  CHECK(u.finish() == ResponseParser::State::complete);
  CHECK(u.response().status == 500);
  CHECK(u.response().body.empty());
  // The size limit is on what was read, not on what was kept: dropped bytes still count.
  ResponseParser chunks("POST", 8, 0);
  CHECK(chunks.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n") ==
        ResponseParser::State::incomplete);
  CHECK(chunks.feed("5\r\nfghij\r\n") == ResponseParser::State::error);
  CHECK(chunks.error().find("limit") != std::string::npos);
  ResponseParser endless("POST", 8, 2);
  CHECK(endless.feed("HTTP/1.0 200 OK\r\n\r\n12345") == ResponseParser::State::incomplete);
  CHECK(endless.feed("6789") == ResponseParser::State::error);
}
