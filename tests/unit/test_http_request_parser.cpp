#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "hookctl/http/wire.hpp"

using namespace hookctl::http;
using State = RequestParser::State;
using Fields = std::vector<std::pair<std::string, std::string>>;

namespace {

// Small limits, so that the 431 and 413 boundaries take a few hundred bytes.
RequestParser::Limits small_limits() {
  RequestParser::Limits l;
  l.max_head = 200;
  l.max_headers = 4;
  l.max_body = 16;
  return l;
}

// Feeds `bytes` one byte at a time, as the slowest network would, stopping at the first byte that
// ends the request (complete or error); `at` gets the number of bytes fed.
State trickle(RequestParser& p, std::string_view bytes, size_t* at = nullptr) {
  State s = p.state();
  size_t i = 0;
  while (i < bytes.size() && s == State::incomplete) s = p.feed(bytes.substr(i++, 1));
  if (at != nullptr) *at = i;
  return s;
}

// Feeds `bytes` and then ends the connection if the request is still incomplete.
State feed_then_finish(RequestParser& p, std::string_view bytes) {
  State s = p.feed(bytes);
  return s == State::incomplete ? p.finish() : s;
}

std::string with_host(std::string_view method_target, std::string_view extra_headers, std::string_view body = "") {
  return std::string(method_target) + " HTTP/1.1\r\nHost: example.com\r\n" + std::string(extra_headers) + "\r\n" +
         std::string(body);
}

const char* name_of(State s) {
  switch (s) {
  case State::incomplete: return "incomplete";
  case State::complete: return "complete";
  case State::error: return "error";
  }
  return "?";
}

} // namespace

TEST_CASE("http::RequestParser: a POST with Content-Length, fed whole and one byte at a time") {
  const std::string raw = "POST /hooks/stripe?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: "
                          "application/json\r\nContent-Length: 10\r\n\r\n{\"id\":\"1\"}";
  RequestParser whole({});
  CHECK_FALSE(whole.started());
  CHECK(whole.feed(raw) == State::complete);
  CHECK(whole.started());
  CHECK(whole.head_done());
  CHECK(whole.keep_alive());
  CHECK_FALSE(whole.expects_continue());
  CHECK(whole.error_status() == 0);
  const ParsedRequest& r = whole.request();
  CHECK(r.method == "POST");
  CHECK(r.target == "/hooks/stripe?x=1");
  CHECK(r.version == "HTTP/1.1");
  CHECK(r.headers.fields() ==
        Fields{{"Host", "127.0.0.1:8080"}, {"Content-Type", "application/json"}, {"Content-Length", "10"}});
  CHECK(r.body == "{\"id\":\"1\"}");
  CHECK(whole.take_leftover().empty());

  RequestParser slow({});
  size_t at = 0;
  CHECK(trickle(slow, raw, &at) == State::complete);
  CHECK(at == raw.size()); // complete with the last byte, not before
  CHECK(slow.request().method == r.method);
  CHECK(slow.request().target == r.target);
  CHECK(slow.request().version == r.version);
  CHECK(slow.request().headers.fields() == r.headers.fields());
  CHECK(slow.request().body == r.body);
  CHECK(slow.keep_alive());
  CHECK(slow.take_leftover().empty());

  // Every split point in two pieces gives the same request.
  for (size_t cut = 0; cut <= raw.size(); ++cut) {
    CAPTURE(cut);
    RequestParser two({});
    State s = two.feed(std::string_view(raw).substr(0, cut));
    CHECK(s == (cut == raw.size() ? State::complete : State::incomplete));
    if (s == State::incomplete) s = two.feed(std::string_view(raw).substr(cut));
    CHECK(s == State::complete);
    CHECK(two.request().headers.fields() == r.headers.fields());
    CHECK(two.request().body == r.body);
  }
}

TEST_CASE("http::RequestParser: headers keep their order, case, duplicates and inner spaces") {
  RequestParser p({});
  CHECK(p.feed("POST /h HTTP/1.1\r\nx-sig: a\r\nHost: example.com\r\nX-SIG:b\r\nx-Sig: \t c d \t\r\n"
               "Empty:\r\nContent-Length: 0\r\n\r\n") == State::complete);
  CHECK(p.request().headers.fields() == Fields{{"x-sig", "a"},
                                               {"Host", "example.com"},
                                               {"X-SIG", "b"},
                                               {"x-Sig", "c d"},
                                               {"Empty", ""},
                                               {"Content-Length", "0"}});
  CHECK(p.request().headers.count("X-Sig") == 3);
  CHECK(p.request().headers.get("x-sig") == "a");
  CHECK(p.request().body.empty());
}

TEST_CASE("http::RequestParser: a chunked body with extensions and trailers is decoded") {
  const std::string raw = with_host("POST /h", "Transfer-Encoding: chunked\r\n",
                                    "5;name=value;x=\"quoted\"\r\nhello\r\n1 \r\n,\r\nA\r\n world 123\r\n"
                                    "0;last\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n");
  RequestParser whole({});
  CHECK(whole.feed(raw) == State::complete);
  CHECK(whole.request().body == "hello, world 123");
  // Trailers are skipped, not merged into the headers.
  CHECK(whole.request().headers.fields() == Fields{{"Host", "example.com"}, {"Transfer-Encoding", "chunked"}});
  CHECK(whole.take_leftover().empty());

  RequestParser slow({});
  size_t at = 0;
  CHECK(trickle(slow, raw, &at) == State::complete);
  CHECK(at == raw.size());
  CHECK(slow.request().body == "hello, world 123");

  RequestParser upper({});
  CHECK(upper.feed(with_host("POST /h", "transfer-encoding: Chunked\r\n", "0000A\r\n0123456789\r\n0\r\n\r\n")) ==
        State::complete);
  CHECK(upper.request().body == "0123456789");

  RequestParser empty({});
  CHECK(empty.feed(with_host("POST /h", "Transfer-Encoding: chunked\r\n", "0\r\n\r\n")) == State::complete);
  CHECK(empty.request().body.empty());
}

TEST_CASE("http::RequestParser: pipelined requests come one at a time through take_leftover and reset") {
  const std::string first = with_host("POST /one", "Content-Length: 3\r\n", "abc");
  const std::string second = with_host("POST /two", "Transfer-Encoding: chunked\r\n", "2\r\nde\r\n0\r\n\r\n");
  const std::string third = with_host("GET /three", "");
  RequestParser p({});
  CHECK(p.feed(first + second + third.substr(0, 10)) == State::complete);
  CHECK(p.request().target == "/one");
  CHECK(p.request().body == "abc");
  std::string leftover = p.take_leftover();
  CHECK(leftover == second + third.substr(0, 10));

  CHECK(p.reset(std::move(leftover)) == State::complete);
  CHECK(p.request().target == "/two");
  CHECK(p.request().body == "de");
  CHECK(p.request().headers.fields() == Fields{{"Host", "example.com"}, {"Transfer-Encoding", "chunked"}});

  CHECK(p.reset(p.take_leftover()) == State::incomplete);
  CHECK(p.started());
  CHECK_FALSE(p.head_done());
  CHECK(p.request().body.empty());
  CHECK(p.request().headers.empty());
  CHECK(p.feed(std::string_view(third).substr(10)) == State::complete);
  CHECK(p.request().method == "GET");
  CHECK(p.request().target == "/three");
  CHECK(p.take_leftover().empty());

  // Nothing left: the next request has not started.
  CHECK(p.reset("") == State::incomplete);
  CHECK_FALSE(p.started());
  CHECK(p.finish() == State::error);
  CHECK(p.error_status() == 400);

  // reset() also clears an error.
  CHECK(p.reset(first) == State::complete);
  CHECK(p.error_status() == 0);
  CHECK(p.error().empty());
  CHECK(p.keep_alive());
}

TEST_CASE("http::RequestParser: keep_alive from the version and the Connection header") {
  struct Case {
    const char* version;
    const char* headers;
    bool keep_alive;
  };
  const Case cases[] = {
      {"HTTP/1.1", "", true},
      {"HTTP/1.1", "Connection: close\r\n", false},
      {"HTTP/1.1", "Connection: CLOSE\r\n", false},
      {"HTTP/1.1", "Connection: Upgrade, close\r\n", false},
      {"HTTP/1.1", "Connection: keep-alive\r\n", true},
      {"HTTP/1.1", "Connection: closed\r\n", true},
      {"HTTP/1.1", "Connection: keep-alive\r\nConnection: close\r\n", false},
      {"HTTP/1.0", "", false},
      {"HTTP/1.0", "Connection: keep-alive\r\n", true},
      {"HTTP/1.0", "Connection: Keep-Alive\r\n", true},
      {"HTTP/1.0", "Connection: close\r\n", false},
      {"HTTP/1.0", "Connection: TE\r\nConnection: keep-alive\r\n", true},
      // RFC 9112, 6.1: a chunked HTTP/1.0 request has faulty framing; close after it.
      {"HTTP/1.0", "Connection: keep-alive\r\nTransfer-Encoding: chunked\r\n", false},
  };
  for (const auto& c : cases) {
    INFO(c.version);
    INFO(c.headers);
    RequestParser p({});
    const std::string body = std::string_view(c.headers).find("chunked") != std::string_view::npos ? "0\r\n\r\n" : "";
    CHECK(p.feed(std::string("GET / ") + c.version + "\r\nHost: h\r\n" + c.headers + "\r\n" + body) == State::complete);
    CHECK(p.keep_alive() == c.keep_alive);
  }
}

TEST_CASE("http::RequestParser: Expect: 100-continue is known once the head is in") {
  const std::string head = with_host("POST /h", "Expect: 100-continue\r\nContent-Length: 2\r\n");
  RequestParser p({});
  CHECK(p.feed(std::string_view(head).substr(0, head.size() - 1)) == State::incomplete);
  CHECK_FALSE(p.head_done());
  CHECK_FALSE(p.expects_continue());
  CHECK(p.feed("\n") == State::incomplete);
  CHECK(p.head_done());
  CHECK(p.expects_continue());
  CHECK(p.request().headers.get("Expect") == "100-continue");
  CHECK(p.feed("{}") == State::complete);
  CHECK(p.request().body == "{}");
  // The next request starts without it.
  CHECK(p.reset(with_host("POST /h", "Content-Length: 0\r\n")) == State::complete);
  CHECK_FALSE(p.expects_continue());

  struct Case {
    const char* version;
    const char* expect;
    bool expects;
  };
  const Case cases[] = {
      {"HTTP/1.1", "Expect: 100-Continue\r\n", true},  {"HTTP/1.1", "expect:  100-continue \r\n", true},
      {"HTTP/1.1", "Expect: 200-ok\r\n", false},       {"HTTP/1.1", "", false},
      {"HTTP/1.0", "Expect: 100-continue\r\n", false}, // RFC 9110, 10.1.1: ignored from HTTP/1.0
  };
  for (const auto& c : cases) {
    INFO(c.expect);
    RequestParser e({});
    CHECK(e.feed(std::string("POST / ") + c.version + "\r\nHost: h\r\n" + c.expect + "Content-Length: 1\r\n\r\n") ==
          State::incomplete);
    CHECK(e.head_done());
    CHECK(e.expects_continue() == c.expects);
  }
}

TEST_CASE("http::RequestParser: body bytes in the same piece as the head do not change how the head reads") {
  // The version decides Host, keep-alive and Expect after the head leaves the buffer: the body
  // bytes that move into its place must not be read instead.
  for (size_t n : {size_t{0}, size_t{5}, size_t{40}, size_t{300}}) {
    CAPTURE(n);
    const std::string body(n, 'x');
    const std::string len = "Content-Length: " + std::to_string(n) + "\r\n";
    RequestParser no_host({});
    CHECK(no_host.feed("POST /h HTTP/1.1\r\n" + len + "\r\n" + body) == State::error);
    CHECK(no_host.error_status() == 400);

    RequestParser expect({});
    CHECK(expect.feed(with_host("POST /h", "Expect: 100-continue\r\n" + len, body)) == State::complete);
    CHECK(expect.keep_alive());
    CHECK(expect.expects_continue());
    CHECK(expect.request().body == body);

    RequestParser old({});
    const std::string tricky =
        std::string(n, '.').replace(0, std::min<size_t>(n, 16), "........HTTP/1.1", 0, std::min<size_t>(n, 16));
    CHECK(old.feed("POST /h HTTP/1.0\r\nConnection: keep-alive\r\n" + len + "\r\n" + tricky) == State::complete);
    CHECK(old.keep_alive());
    CHECK_FALSE(old.expects_continue());
  }
}

TEST_CASE("http::RequestParser: a request without a body completes at the end of the head") {
  const std::string raw = with_host("GET /status", "Accept: */*\r\n");
  RequestParser p({});
  size_t at = 0;
  CHECK(trickle(p, raw, &at) == State::complete);
  CHECK(at == raw.size());
  CHECK(p.request().method == "GET");
  CHECK(p.request().body.empty());
  CHECK(p.take_leftover().empty());

  // Content-Length: 0 is the same; a POST without framing has no body either.
  for (const char* extra : {"Content-Length: 0\r\n", "Content-Length: 00, 0\r\n", ""}) {
    INFO(extra);
    RequestParser q({});
    CHECK(q.feed(with_host("POST /h", extra, "GET")) == State::complete);
    CHECK(q.request().body.empty());
    CHECK(q.take_leftover() == "GET");
  }

  // Other request-target forms and methods pass through as sent.
  RequestParser o({});
  CHECK(o.feed("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n") == State::complete);
  CHECK(o.request().target == "*");
  RequestParser a({});
  CHECK(a.feed("M-SEARCH http://h:1/a?b#c HTTP/1.0\r\n\r\n") == State::complete);
  CHECK(a.request().method == "M-SEARCH");
  CHECK(a.request().target == "http://h:1/a?b#c");
  CHECK(a.request().version == "HTTP/1.0");
}

TEST_CASE("http::RequestParser: empty lines before the request line are ignored") {
  const std::string raw = "\r\n\r\n\r\n" + with_host("POST /h", "Content-Length: 1\r\n", "x");
  RequestParser whole({});
  CHECK(whole.feed(raw) == State::complete);
  CHECK(whole.request().method == "POST");
  CHECK(whole.request().body == "x");
  RequestParser slow({});
  CHECK(trickle(slow, raw) == State::complete);
  CHECK(slow.request().method == "POST");
  CHECK(slow.request().body == "x");
  // ...but a bare LF is not an empty line.
  RequestParser lf({});
  CHECK(feed_then_finish(lf, std::string("\n").append(with_host("GET /", ""))) == State::error);
  CHECK(lf.error_status() == 400);
}

TEST_CASE("http::RequestParser: malformed requests get their status, whole and byte by byte") {
  struct Case {
    const char* what;
    std::string raw;
    int status;
  };
  const std::string host = "Host: example.com\r\n";
  const std::vector<Case> cases = {
      // Host (RFC 9112, 3.2)
      {"no Host in HTTP/1.1", "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 400},
      {"two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400},
      {"two Host headers in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      // Framing (RFC 9112, 6)
      {"CL + TE", with_host("POST /", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
      {"TE + CL", with_host("POST /", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"), 400},
      {"conflicting CLs", with_host("POST /", "Content-Length: 1\r\nContent-Length: 2\r\n", "ab"), 400},
      {"conflicting CL list", with_host("POST /", "Content-Length: 2, 1\r\n", "ab"), 400},
      {"non-numeric CL", with_host("POST /", "Content-Length: abc\r\n"), 400},
      {"CL with exponent", with_host("POST /", "Content-Length: 1e3\r\n"), 400},
      {"CL with sign", with_host("POST /", "Content-Length: +1\r\n", "a"), 400},
      {"negative CL", with_host("POST /", "Content-Length: -1\r\n"), 400},
      {"hex CL", with_host("POST /", "Content-Length: 0x1\r\n", "a"), 400},
      {"empty CL", with_host("POST /", "Content-Length:\r\n"), 400},
      {"CL with inner space", with_host("POST /", "Content-Length: 1 1\r\n"), 400},
      {"CL over 64 bits", with_host("POST /", "Content-Length: 99999999999999999999999\r\n"), 400},
      {"TE gzip", with_host("POST /", "Transfer-Encoding: gzip\r\n"), 501},
      {"TE gzip, chunked", with_host("POST /", "Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 501},
      {"TE chunked, gzip", with_host("POST /", "Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n"), 501},
      {"TE in two headers", with_host("POST /", "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n"), 501},
      {"TE empty", with_host("POST /", "Transfer-Encoding:\r\n"), 501},
      // Line endings (RFC 9112, 2.2): a bare LF is refused as soon as it is seen
      {"bare LF line endings", "GET / HTTP/1.1\nHost: a\n\n", 400},
      {"bare LF after the request line", "GET / HTTP/1.1\nHost: a", 400},
      // Request line (RFC 9112, 3)
      {"HTTP/2.0", "GET / HTTP/2.0\r\n" + host + "\r\n", 505},
      {"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505},
      {"HTTP/3.0", "GET / HTTP/3.0\r\n" + host + "\r\n", 505},
      {"HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 505},
      {"garbage version", "GET / HTTX/1.1\r\n" + host + "\r\n", 400},
      {"lowercase version", "GET / http/1.1\r\n" + host + "\r\n", 400},
      {"version with no minor", "GET / HTTP/1\r\n" + host + "\r\n", 400},
      {"version with suffix", "GET / HTTP/1.1x\r\n" + host + "\r\n", 400},
      {"version not digits", "GET / HTTP/a.b\r\n" + host + "\r\n", 400},
      {"no version", "GET /\r\n" + host + "\r\n", 400},
      {"no target", "GET\r\n" + host + "\r\n", 400},
      {"empty target", "GET  HTTP/1.1\r\n" + host + "\r\n", 400},
      {"space in target", "GET /a b HTTP/1.1\r\n" + host + "\r\n", 400},
      {"trailing space", "GET / HTTP/1.1 \r\n" + host + "\r\n", 400},
      {"leading space", " GET / HTTP/1.1\r\n" + host + "\r\n", 400},
      {"tabs as separators", "GET\t/\tHTTP/1.1\r\n" + host + "\r\n", 400},
      {"control character in target", "GET /a\x01 HTTP/1.1\r\n" + host + "\r\n", 400},
      {"DEL in target", "GET /a\x7f HTTP/1.1\r\n" + host + "\r\n", 400},
      {"tab in target", "GET /a\tb HTTP/1.1\r\n" + host + "\r\n", 400},
      {"CR in target", "GET /a\rb HTTP/1.1\r\n" + host + "\r\n", 400},
      {"method not a token", "GE(T / HTTP/1.1\r\n" + host + "\r\n", 400},
      {"not HTTP at all", "SSH-2.0-OpenSSH_9.2\r\n\r\n", 400},
      // Header lines (RFC 9112, 5)
      {"obs-fold", with_host("GET /", "X-A: a\r\n folded\r\n"), 400},
      {"obs-fold with a tab", with_host("GET /", "X-A: a\r\n\tfolded: x\r\n"), 400},
      {"space before the colon", with_host("GET /", "X-A : a\r\n"), 400},
      {"space in the name", with_host("GET /", "X A: a\r\n"), 400},
      {"no colon", with_host("GET /", "X-A a\r\n"), 400},
      {"empty name", with_host("GET /", ": a\r\n"), 400},
      {"first header folded", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400},
      {"NUL in a value", with_host("GET /", std::string("X-A: a\0b\r\n", 10)), 400},
      {"bare LF in a value", with_host("POST /", "X-A: a\nContent-Length: 5\r\nContent-Length: 0\r\n"), 400},
      {"bare CR in a value", with_host("GET /", "X-A: a\rb\r\n"), 400},
      {"control character in a value", with_host("GET /", "X-A: a\x1b[2Jb\r\n"), 400},
      {"DEL in a value", with_host("GET /", "X-A: a\x7f\r\n"), 400},
      // Chunked bodies (RFC 9112, 7.1)
      {"bad chunk size", with_host("POST /", "Transfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n"), 400},
      {"negative chunk size", with_host("POST /", "Transfer-Encoding: chunked\r\n", "-1\r\n"), 400},
      {"empty chunk size", with_host("POST /", "Transfer-Encoding: chunked\r\n", "\r\n"), 400},
      {"0x chunk size", with_host("POST /", "Transfer-Encoding: chunked\r\n", "0x5\r\nhello\r\n"), 400},
      {"chunk size over 64 bits", with_host("POST /", "Transfer-Encoding: chunked\r\n", "10000000000000000\r\n"), 400},
      {"chunk size line too long",
       with_host("POST /", "Transfer-Encoding: chunked\r\n", "1;" + std::string(2000, 'x') + "\r\na\r\n0\r\n\r\n"),
       400},
      {"no CRLF after chunk data", with_host("POST /", "Transfer-Encoding: chunked\r\n", "3\r\nabcX\r\n0\r\n\r\n"),
       400},
      {"LF only after chunk data", with_host("POST /", "Transfer-Encoding: chunked\r\n", "3\r\nabc\n0\r\n\r\n"), 400},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    RequestParser whole({});
    CHECK(feed_then_finish(whole, c.raw) == State::error);
    CHECK(whole.error_status() == c.status);
    CHECK_FALSE(whole.error().empty());
    CHECK_FALSE(whole.keep_alive());
    // The error is final: more bytes do not change it.
    CHECK(whole.feed(with_host("GET /", "")) == State::error);
    CHECK(whole.error_status() == c.status);

    RequestParser slow({});
    State s = trickle(slow, c.raw);
    if (s == State::incomplete) s = slow.finish();
    CHECK(s == State::error);
    CHECK(slow.error_status() == c.status);
  }
}

TEST_CASE("http::RequestParser: a head over max_head is 431, with or without its end") {
  const auto limits = small_limits(); // max_head 200
  const std::string start = "POST / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
  // A head of exactly `n` bytes before its final CRLFCRLF.
  auto head_of = [&](size_t n) { return start + std::string(n - start.size(), 'p') + "\r\n\r\n"; };

  // The terminator never comes: 431 once more bytes are in than any head within the limit could
  // have before its end (the limit and the first three bytes of CRLFCRLF), whatever the pieces.
  const std::string endless = start + std::string(1000, 'p');
  RequestParser never(limits);
  CHECK(never.feed(endless) == State::error);
  CHECK(never.error_status() == 431);
  CHECK_FALSE(never.head_done());
  RequestParser never_slow(limits);
  size_t at = 0;
  CHECK(trickle(never_slow, endless, &at) == State::error);
  CHECK(never_slow.error_status() == 431);
  CHECK(at == limits.max_head + 4);

  // The terminator is found late: 431 as well.
  for (size_t n : {limits.max_head + 1, limits.max_head + 2, limits.max_head + 50}) {
    CAPTURE(n);
    RequestParser late(limits);
    CHECK(late.feed(head_of(n)) == State::error);
    CHECK(late.error_status() == 431);
    RequestParser late_slow(limits);
    CHECK(trickle(late_slow, head_of(n)) == State::error);
    CHECK(late_slow.error_status() == 431);
  }
  // At the limit the head is accepted, in any pieces.
  for (size_t n : {limits.max_head - 1, limits.max_head}) {
    CAPTURE(n);
    RequestParser ok(limits);
    CHECK(ok.feed(head_of(n)) == State::complete);
    RequestParser ok_slow(limits);
    CHECK(trickle(ok_slow, head_of(n)) == State::complete);
    for (size_t cut = n - 2; cut <= n + 4; ++cut) {
      CAPTURE(cut);
      RequestParser two(limits);
      const std::string raw = head_of(n);
      State s = two.feed(std::string_view(raw).substr(0, cut));
      if (s == State::incomplete) s = two.feed(std::string_view(raw).substr(cut));
      CHECK(s == State::complete);
    }
  }
  // Empty lines before the request line do not count.
  RequestParser crlf(limits);
  std::string lines;
  for (int i = 0; i < 500; ++i) lines += "\r\n";
  CHECK(crlf.feed(lines + head_of(limits.max_head)) == State::complete);
}

TEST_CASE("http::RequestParser: more than max_headers header lines is 431") {
  const auto limits = small_limits(); // max_headers 4
  RequestParser four(limits);
  CHECK(four.feed("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n") == State::complete);
  CHECK(four.request().headers.size() == 4);
  RequestParser five(limits);
  CHECK(five.feed("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n") == State::error);
  CHECK(five.error_status() == 431);
  // A malformed line within the limit is still 400.
  RequestParser bad(limits);
  CHECK(bad.feed("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB 2\r\nC: 3\r\nD: 4\r\n\r\n") == State::error);
  CHECK(bad.error_status() == 400);
  // With the default limits (256 lines).
  std::string flood = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 300; ++i) flood += "X-" + std::to_string(i) + ": v\r\n";
  RequestParser big({});
  CHECK(big.feed(flood + "\r\n") == State::error);
  CHECK(big.error_status() == 431);
}

TEST_CASE("http::RequestParser: a body over max_body is 413, via Content-Length before any body byte, or chunks") {
  const auto limits = small_limits(); // max_body 16
  RequestParser at_limit(limits);
  CHECK(at_limit.feed(with_host("POST /", "Content-Length: 16\r\n", std::string(16, 'b'))) == State::complete);
  CHECK(at_limit.request().body.size() == 16);

  RequestParser over(limits);
  CHECK(over.feed(with_host("POST /", "Content-Length: 17\r\n")) == State::error);
  CHECK(over.head_done()); // the head is there to log, no body byte was needed
  CHECK(over.error_status() == 413);
  CHECK(over.request().headers.get("Content-Length") == "17");
  CHECK(over.request().body.empty());
  CHECK_FALSE(over.expects_continue());
  CHECK_FALSE(over.keep_alive());
  RequestParser huge(limits);
  CHECK(huge.feed(with_host("POST /", "Expect: 100-continue\r\nContent-Length: 18446744073709551615\r\n")) ==
        State::error);
  CHECK(huge.error_status() == 413);

  // Chunks: one chunk too large (refused at its size line), or several that add up.
  struct Case {
    const char* what;
    const char* chunks;
    State state;
    int status;
  };
  const Case cases[] = {
      {"one chunk at the limit", "10\r\n0123456789abcdef\r\n0\r\n\r\n", State::complete, 0},
      {"one chunk over", "11\r\n", State::error, 413},
      {"a huge chunk size", "ffffffffffffffff\r\n", State::error, 413},
      {"chunks that add up", "8\r\n01234567\r\n8\r\n89abcdef\r\n1\r\n", State::error, 413},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    RequestParser p(limits);
    CHECK(p.feed(with_host("POST /", "Transfer-Encoding: chunked\r\n", c.chunks)) == c.state);
    CHECK(p.error_status() == c.status);
    if (c.state == State::complete) CHECK(p.request().body.size() == 16);
  }
}

TEST_CASE("http::RequestParser: finish() before a complete request is 400") {
  const std::string raw = with_host("POST /", "Content-Length: 4\r\n", "body");
  for (size_t cut = 1; cut < raw.size(); ++cut) {
    CAPTURE(cut);
    RequestParser p({});
    CHECK(p.feed(std::string_view(raw).substr(0, cut)) == State::incomplete);
    CHECK(p.started());
    CHECK(p.finish() == State::error);
    CHECK(p.error_status() == 400);
    CHECK(p.error() == "the connection closed in the middle of a request");
  }
  const std::string chunked = with_host("POST /", "Transfer-Encoding: chunked\r\n", "4\r\nbody\r\n0\r\nX-T: 1\r\n");
  for (size_t cut : {chunked.size() - 20, chunked.size() - 12, chunked.size()}) {
    CAPTURE(cut);
    RequestParser p({});
    CHECK(p.feed(std::string_view(chunked).substr(0, cut)) == State::incomplete);
    CHECK(p.finish() == State::error);
    CHECK(p.error_status() == 400);
  }

  RequestParser none({});
  CHECK(none.feed("") == State::incomplete);
  CHECK_FALSE(none.started());
  CHECK(none.finish() == State::error);
  CHECK(none.error_status() == 400);
  CHECK(none.error() == "the connection closed");

  // finish() after a complete request changes nothing.
  RequestParser done({});
  CHECK(done.feed(raw) == State::complete);
  CHECK(done.finish() == State::complete);
  CHECK(done.error_status() == 0);
}

TEST_CASE("http::BodyDecoder: leaves the bytes after the body, decodes in pieces, enforces the limit") {
  using Mode = BodyDecoder::Mode;
  using BState = BodyDecoder::State;
  BodyDecoder d;
  std::string buf = "abcdefNEXT", body;
  d.start(Mode::length, 6, 6);
  CHECK(d.consume(buf, body) == BState::complete);
  CHECK(body == "abcdef");
  CHECK(buf == "NEXT");

  d.start(Mode::chunked, 0, 100);
  buf = "3\r\nab";
  body.clear();
  CHECK(d.consume(buf, body) == BState::incomplete);
  buf += "c\r\n0\r\nT: 1\r\n\r\nNEXT";
  CHECK(d.consume(buf, body) == BState::complete);
  CHECK(body == "abc");
  CHECK(buf == "NEXT");

  d.start(Mode::until_close, 0, 5);
  buf = "12345";
  body.clear();
  CHECK(d.consume(buf, body) == BState::incomplete);
  CHECK(d.finish() == BState::complete);
  CHECK(body == "12345");
  d.start(Mode::until_close, 0, 5);
  buf = "123456";
  body.clear();
  CHECK(d.consume(buf, body) == BState::error);
  CHECK(d.over_limit());

  d.start(Mode::length, 7, 6);
  CHECK(d.consume(buf, body) == BState::error);
  CHECK(d.over_limit());
  CHECK_FALSE(d.error().empty());

  d.start(Mode::length, 4, 6);
  buf = "ab";
  body.clear();
  CHECK(d.consume(buf, body) == BState::incomplete);
  CHECK(d.finish() == BState::error);
  CHECK_FALSE(d.over_limit());

  d.start(Mode::none, 0, 0);
  buf = "x";
  body.clear();
  CHECK(d.consume(buf, body) == BState::complete);
  CHECK(buf == "x");

  // Trailers are skipped but not without end: over 64 KiB of them is an error, in any pieces.
  const std::string trailers = "0\r\n" + std::string(40000, 't') + ":\r\n" + std::string(40000, 'u') + ":\r\n\r\n";
  for (size_t piece : {trailers.size(), size_t{1000}}) {
    CAPTURE(piece);
    d.start(Mode::chunked, 0, 100);
    body.clear();
    buf.clear();
    BState s = BState::incomplete;
    for (size_t i = 0; i < trailers.size() && s == BState::incomplete; i += piece) {
      buf += trailers.substr(i, piece);
      s = d.consume(buf, body);
    }
    CHECK(s == BState::error);
    CHECK_FALSE(d.over_limit());
  }
}

TEST_CASE("http::RequestParser: the malformed requests of tests/data/http get the status their README gives") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(HOOKCTL_TEST_DATA_DIR) / "http";
  std::ifstream readme(dir / "README.md");
  REQUIRE(readme);
  // | file.http | 400 | head | what is wrong |
  struct Row {
    int status = 0;
    std::string at;
  };
  std::map<std::string, Row> table;
  for (std::string line; std::getline(readme, line);) {
    if (!line.starts_with("| ") || line.find(".http |") == std::string::npos) continue;
    std::vector<std::string> cells;
    std::istringstream in(line.substr(1));
    for (std::string cell; std::getline(in, cell, '|');) {
      const auto b = cell.find_first_not_of(' ');
      const auto e = cell.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    REQUIRE(cells.size() >= 3);
    table[cells[0]] = Row{std::stoi(cells[1]), cells[2]};
  }
  REQUIRE(table.size() >= 15);

  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".http") files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  CHECK(files.size() == table.size());
  for (const auto& name : files) {
    CAPTURE(name);
    auto row = table.find(name);
    if (row == table.end()) {
      FAIL_CHECK("no row in tests/data/http/README.md");
      continue;
    }
    std::ifstream f(dir / name, std::ios::binary);
    std::ostringstream bytes;
    bytes << f.rdbuf();
    const std::string raw = bytes.str();
    REQUIRE_FALSE(raw.empty());
    const int status = row->second.status;
    const std::string& at = row->second.at;

    RequestParser whole({});
    const State fed = whole.feed(raw);
    CHECK(name_of(fed) == std::string(at == "eof" ? "incomplete" : "error"));
    if (at == "head") CHECK(whole.request().body.empty());
    if (at == "body") CHECK(whole.head_done());
    CHECK(feed_then_finish(whole, "") == State::error);
    CHECK(whole.error_status() == status);

    // In pieces (bytes for the small files), the same status.
    RequestParser pieces({});
    const size_t piece = raw.size() > 8192 ? 997 : 1;
    State s = State::incomplete;
    for (size_t i = 0; i < raw.size() && s == State::incomplete; i += piece)
      s = pieces.feed(std::string_view(raw).substr(i, piece));
    if (s == State::incomplete) s = pieces.finish();
    CHECK(s == State::error);
    CHECK(pieces.error_status() == status);
  }
  for (const auto& [name, row] : table) {
    CAPTURE(name);
    CHECK_MESSAGE(std::binary_search(files.begin(), files.end(), name), "README row without a file");
  }
}

TEST_CASE("http::RequestParser: a bare LF is refused when it arrives, not at the end of the connection") {
  RequestParser p({});
  CHECK(p.feed("GET / HTTP/1.1\n") == RequestParser::State::error);
  CHECK(p.error_status() == 400);
  CHECK(p.error().find("bare LF") != std::string::npos);
  // CRLF split across pieces is not a bare LF.
  RequestParser q({});
  CHECK(q.feed("GET / HTTP/1.1\r") == RequestParser::State::incomplete);
  CHECK(q.feed("\nHost: a\r") == RequestParser::State::incomplete);
  CHECK(q.feed("\n\r\n") == RequestParser::State::complete);
}
