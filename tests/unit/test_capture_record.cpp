#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "hookctl/capture/record.hpp"

using namespace hookctl;
using namespace hookctl::capture;
using namespace std::string_literals;

namespace {

// A record with every field set, as `listen` would capture a GitHub delivery.
Record github_record() {
  Record r;
  r.seq = 17;
  r.id = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  r.received_at = "2026-11-28T11:20:37.123456Z";
  r.remote = "127.0.0.1:53422";
  r.method = "POST";
  r.path = "/webhooks/github";
  r.query = "a=1";
  r.headers.add("Content-Type", "application/json");
  r.headers.add("X-Hub-Signature-256", "sha256=abc");
  r.body = R"({"zen":"hi"})";
  r.verification = Verification{"github", true, "signature matches", "match"};
  r.response = RecordedResponse{200, 0.41, {}, {}};
  r.event_type = "push";
  r.delivery_id = "d-1";
  return r;
}

// The minimal valid line with `extra` spliced in before the closing brace.
std::string minimal_line(const std::string& extra = "") {
  return R"({"v":1,"seq":1,"id":"x","received_at":"t","remote":"r","method":"POST","path":"/","query":"",)"
         R"("headers":[],"body":"","body_encoding":"utf8","verification":null,"response":null)" +
         extra + "}";
}

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

Record round_trip(const Record& r) {
  auto parsed = parse_line(to_line(r));
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().message));
  return *parsed;
}

// The error message of parsing `line`, which must fail with Errc::input.
std::string error_of(const std::string& line) {
  auto parsed = parse_line(line);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == Errc::input);
  CHECK(parsed.error().message.find('\n') == std::string::npos);
  return parsed.error().message;
}

} // namespace

TEST_CASE("capture::to_line writes the keys in CLI.md order") {
  CHECK(to_line(github_record()) ==
        R"({"v":1,"seq":17,"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","received_at":"2026-11-28T11:20:37.123456Z",)"
        R"("remote":"127.0.0.1:53422","method":"POST","path":"/webhooks/github","query":"a=1",)"
        R"("headers":[["Content-Type","application/json"],["X-Hub-Signature-256","sha256=abc"]],)"
        R"("body":"{\"zen\":\"hi\"}","body_encoding":"utf8",)"
        R"("verification":{"provider":"github","valid":true,"reason":"signature matches","code":"match"},)"
        R"("response":{"status":200,"latency_ms":0.41},"event_type":"push","delivery_id":"d-1"})"
        "\n");
}

TEST_CASE("capture::to_line writes null, base64 and the extras only when set") {
  Record r;
  r.seq = 2;
  r.id = "id"s;
  r.method = "GET"s;
  r.path = "/"s;
  r.body = std::string("\xff\x00\x01", 3);
  CHECK(to_line(r) == R"({"v":1,"seq":2,"id":"id","received_at":"","remote":"","method":"GET","path":"/","query":"",)"
                      R"("headers":[],"body":"/wAB","body_encoding":"base64","verification":null,"response":null})"
                      "\n");
  r.body.clear();
  r.handshake = "slack.url_verification";
  r.duplicate = true;
  const std::string line = to_line(r);
  CHECK(line.find(R"("body":"","body_encoding":"utf8",)") != std::string::npos);
  CHECK(line.find(R"("response":null,"handshake":"slack.url_verification","duplicate":true})") != std::string::npos);
  CHECK(line.find("event_type") == std::string::npos);
  CHECK(line.find("delivery_id") == std::string::npos);
}

TEST_CASE("capture::parse_line round-trips a full record") {
  const Record r = github_record();
  const Record back = round_trip(r);
  CHECK(back == r);
  CHECK(to_line(back) == to_line(r));
  Record other = r;
  other.headers.add("X-Extra", "1");
  CHECK_FALSE(other == r);
}

TEST_CASE("capture::parse_line round-trips binary and control-character bodies byte-exact") {
  Record r = github_record();
  SUBCASE("every byte value, so not UTF-8: base64") {
    r.body = all_bytes();
    CHECK(to_line(r).find(R"("body_encoding":"base64")") != std::string::npos);
  }
  SUBCASE("invalid UTF-8: a lone continuation byte, an overlong, a surrogate, past U+10FFFF") {
    const std::vector<std::string> bad = {"a\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"};
    for (const auto& b : bad) {
      r.body = b;
      CAPTURE(r.body);
      CHECK(to_line(r).find(R"("body_encoding":"base64")") != std::string::npos);
      CHECK(round_trip(r).body == r.body);
    }
  }
  SUBCASE("NUL, CRLF, tabs and multi-byte text are still UTF-8") {
    r.body = "line1\r\nline2\n\t\0end \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"s;
    REQUIRE(r.body.size() == 30);
    const std::string line = to_line(r);
    CHECK(line.find(R"("body_encoding":"utf8")") != std::string::npos);
    CHECK(line.find(R"(line1\r\nline2\n\t\u0000end)") != std::string::npos);
    // One line: the newlines of the body are escaped.
    CHECK(std::count(line.begin(), line.end(), '\n') == 1);
  }
  SUBCASE("an empty body") { r.body.clear(); }
  const Record back = round_trip(r);
  CHECK(back.body == r.body);
  CHECK(back == r);
}

TEST_CASE("capture::parse_line keeps header order, case and duplicates") {
  Record r = github_record();
  r.headers =
      util::Headers{{"X-Dup", "1"}, {"x-dup", "2"}, {"Content-Type", "text/plain"}, {"X-DUP", "3"}, {"Empty", ""}};
  const Record back = round_trip(r);
  REQUIRE(back.headers.size() == 5);
  CHECK(back.headers.fields() == r.headers.fields());
  CHECK(back.headers.count("x-dup") == 3);
  CHECK(to_line(r).find("headers_encoding") == std::string::npos);
}

TEST_CASE("capture::to_line writes headers with invalid UTF-8 as base64 and reads them back") {
  Record r = github_record();
  r.headers = util::Headers{{"X-Latin1", "caf\xe9"}, {"Content-Type", "text/plain"}, {"x-latin1", "\xff"}};
  const std::string line = to_line(r);
  CHECK(line.find(R"("headers":[["WC1MYXRpbjE=","Y2Fm6Q=="],["Q29udGVudC1UeXBl","dGV4dC9wbGFpbg=="],)"
                  R"(["eC1sYXRpbjE=","/w=="]],"headers_encoding":"base64","body")") != std::string::npos);
  const Record back = round_trip(r);
  CHECK(back.headers.fields() == r.headers.fields());
  CHECK(back == r);
}

TEST_CASE("capture::to_line keeps latency doubles exact and never writes null for them") {
  Record r = github_record();
  r.response = RecordedResponse{503, 1.0 / 3.0, {}, {}};
  CHECK(round_trip(r).response->latency_ms == 1.0 / 3.0);
  r.response->latency_ms = 1e300 * 1e300; // infinity
  CHECK(to_line(r).find(R"("latency_ms":0.0)") != std::string::npos);
  CHECK(round_trip(r).response->latency_ms == 0.0);
}

TEST_CASE("capture::to_line replaces invalid UTF-8 outside body and headers instead of throwing") {
  Record r = github_record();
  r.path = "/a\xff";
  std::string line;
  CHECK_NOTHROW(line = to_line(r));
  auto back = parse_line(line);
  REQUIRE(back.ok());
  CHECK(back->path == "/a\xef\xbf\xbd");
}

TEST_CASE("capture::parse_line accepts a line with or without its newline and a CRLF end") {
  CHECK(parse_line(minimal_line()).ok());
  CHECK(parse_line(minimal_line() + "\n").ok());
  CHECK(parse_line(minimal_line() + "\r\n").ok());
}

TEST_CASE("capture::parse_line ignores unknown fields and reads optional ones") {
  auto r = parse_line(minimal_line(R"(,"future":{"nested":[1,2,{"x":null}]},"note":"hi")"));
  REQUIRE(r.ok());
  CHECK(r->seq == 1);
  CHECK(r->event_type.empty());
  CHECK_FALSE(r->duplicate);
  auto v = parse_line(minimal_line().replace(minimal_line().find(R"("verification":null)"), 19,
                                             R"("verification":{"provider":"p","valid":false,"reason":"no"})"));
  REQUIRE_MESSAGE(v.ok(), (v.ok() ? "" : v.error().message));
  REQUIRE(v->verification.has_value());
  CHECK(v->verification->reason_code.empty());
  CHECK_FALSE(v->verification->valid);
}

TEST_CASE("capture::parse_line refuses malformed lines with a one-line reason") {
  CHECK(error_of("").find("not valid JSON") != std::string::npos);
  CHECK(error_of("not json").find("not valid JSON") != std::string::npos);
  CHECK(error_of(minimal_line() + " trailing").find("not valid JSON") != std::string::npos);
  CHECK(error_of("[1,2]") == "not a JSON object");
  // The reason never quotes the line, which may carry header values.
  CHECK(error_of(R"({"headers":[["Authorization","Bearer sekrit"]] oops})").find("sekrit") == std::string::npos);

  std::string no_seq = minimal_line();
  no_seq.replace(no_seq.find(R"("seq":1,)"), 8, "");
  CHECK(error_of(no_seq) == R"(missing field "seq")");
  std::string no_response = minimal_line();
  no_response.replace(no_response.find(R"(,"response":null)"), 16, "");
  CHECK(error_of(no_response) == R"(missing field "response")");

  auto with = [](const std::string& from, const std::string& to) {
    std::string s = minimal_line();
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  CHECK(error_of(with(R"("seq":1)", R"("seq":"1")")) == R"(field "seq" must be a non-negative integer)");
  CHECK(error_of(with(R"("seq":1)", R"("seq":-1)")) == R"(field "seq" must be a non-negative integer)");
  CHECK(error_of(with(R"("path":"/")", R"("path":7)")) == R"(field "path" must be a string)");
  CHECK(error_of(with(R"("headers":[])", R"("headers":[["a"]])")).find(R"(field "headers")") == 0);
  CHECK(error_of(with(R"("headers":[])", R"("headers":{"a":"b"})")).find(R"(field "headers")") == 0);
  CHECK(error_of(with(R"("verification":null)", R"("verification":{"provider":"p","valid":1,"reason":""})")) ==
        R"(field "verification.valid" must be true or false)");
  CHECK(error_of(with(R"("response":null)", R"("response":{"status":200})")) ==
        R"(missing field "response.latency_ms")");
  CHECK(error_of(with(R"("response":null)", R"("response":{"status":200.5,"latency_ms":1})")) ==
        R"(field "response.status" must be an integer)");
  CHECK(error_of(with(R"("response":null)", R"("response":{"status":200,"latency_ms":1e999})")) ==
        "not valid JSON (a number is out of range)");
  CHECK(error_of(with(R"("response":null)", R"("response":{"status":200,"latency_ms":"1"})")) ==
        R"(field "response.latency_ms" must be a finite number)");
  CHECK(error_of(with(R"("response":null)", R"("response":{"status":4294967296,"latency_ms":1})")) ==
        R"(field "response.status" is out of range)");
  CHECK(error_of(with(R"("body_encoding":"utf8")", R"("body_encoding":"hex")")) ==
        R"(field "body_encoding" must be "utf8" or "base64")");
  CHECK(error_of(with(R"("body":"","body_encoding":"utf8")", R"("body":"@@@","body_encoding":"base64")")) ==
        R"(field "body" is not valid base64 ("body_encoding":"base64"))");
  CHECK(error_of(with(R"("headers":[])", R"("headers":[["!!","AA=="]],"headers_encoding":"base64")"))
            .find("invalid base64") != std::string::npos);
  CHECK(error_of(minimal_line(R"(,"duplicate":"yes")")) == R"(field "duplicate" must be true or false)");
  // Raw control characters and invalid UTF-8 inside a JSON string are not JSON.
  CHECK(error_of(with(R"("path":"/")", "\"path\":\"/\xff\"")).find("not valid JSON") != std::string::npos);
}

TEST_CASE("capture::parse_line refuses other versions, naming the version") {
  auto with_v = [](const std::string& v) {
    std::string s = minimal_line();
    s.replace(s.find(R"("v":1)"), 5, "\"v\":" + v);
    return s;
  };
  CHECK(error_of(with_v("2")) == "unsupported capture version 2 (this hookctl reads version 1)");
  CHECK(error_of(with_v("0")) == "unsupported capture version 0 (this hookctl reads version 1)");
  CHECK(error_of(with_v("-3")) == "unsupported capture version -3 (this hookctl reads version 1)");
  // The version is checked first: a v2 line with other fields still names the version.
  CHECK(error_of(R"({"v":2,"entirely":"different"})") ==
        "unsupported capture version 2 (this hookctl reads version 1)");
  CHECK(error_of(with_v(R"("1")")) == R"(field "v" must be an integer)");
  CHECK(error_of(R"({"seq":1})") == R"(missing field "v")");
}

TEST_CASE("capture::make_record_id makes sortable 26-character ULIDs") {
  // The example of the ULID specification (github.com/ulid/spec).
  const std::string spec_random("\xd6\x76\x4c\x61\xef\xb9\x93\x02\xbd\x5b", 10);
  CHECK(make_record_id(1469922850259, spec_random) == "01ARZ3NDEKTSV4RRFFQ69G5FAV");
  CHECK(make_record_id(0, std::string(10, '\0')) == "00000000000000000000000000");
  CHECK(make_record_id((int64_t{1} << 48) - 1, std::string(10, '\xff')) == "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");

  const std::string crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::vector<std::string> ids;
  for (int64_t ms : {1700000000000, 1700000000001, 1700000000999, 1800000000000}) {
    for (char fill : {'\xff', '\x00', '\x7f'}) ids.push_back(make_record_id(ms, std::string(10, fill)));
  }
  for (const auto& id : ids) {
    CHECK(id.size() == 26);
    CHECK(id.find_first_not_of(crockford) == std::string::npos);
  }
  // Later milliseconds always sort after earlier ones, whatever the random part.
  for (size_t i = 3; i < ids.size(); ++i) CHECK(ids[i - 3] < ids[i]);
  CHECK(make_record_id(1700000000000, "0123456789") != make_record_id(1700000000000, "0123456788"));
}

TEST_CASE("capture::format_received_at writes RFC 3339 UTC with microseconds") {
  CHECK(format_received_at(0) == "1970-01-01T00:00:00.000000Z");
  CHECK(format_received_at(1700000000123456) == "2023-11-14T22:13:20.123456Z");
  CHECK(format_received_at(1795778437000001) == "2026-11-27T11:20:37.000001Z");
  CHECK(format_received_at(951782400000000) == "2000-02-29T00:00:00.000000Z");
  CHECK(format_received_at(-1) == "1969-12-31T23:59:59.999999Z");
}

TEST_CASE("capture::to_line/parse_line: a response's headers and body (extras) round-trip, binary as base64") {
  Record r = github_record();
  r.response->headers = util::Headers{{"Content-Type", "application/json"}, {"X-A", "1"}, {"x-a", "2"}};
  r.response->body = std::string("{\"ok\":true}");
  auto line = to_line(r);
  CHECK(line.find(R"("response":{"status":200,"latency_ms":0.41,"headers":[["Content-Type","application/json"],)") !=
        std::string::npos);
  auto back = parse_line(line);
  REQUIRE(back.ok());
  CHECK(*back == r);
  r.response->body = std::string("\xff\x00\x01", 3);
  line = to_line(r);
  CHECK(line.find(R"("body":"/wAB","body_encoding":"base64"})") != std::string::npos);
  back = parse_line(line);
  REQUIRE(back.ok());
  CHECK(back->response->body == std::string("\xff\x00\x01", 3));
  // Without the extras the response has neither (not an empty body).
  auto plain = parse_line(to_line(github_record()));
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->response->body.has_value());
  CHECK_FALSE(plain->response->headers.has_value());
}

TEST_CASE("capture::parse_own_line: reads what to_line writes, agrees with the JSON parser, leaves the rest to it") {
  std::vector<Record> records;
  records.push_back(github_record());
  Record odd = github_record();
  odd.body = std::string("\x00\x01\xff binary", 10);
  odd.path = "/p\"q\\r/\xc3\xa9";
  odd.query = "a=1&b=\t";
  odd.headers.add("X-Ctl", "a\x1f"
                           "b\x7f");
  odd.verification.reset();
  odd.response->headers = util::Headers{{"A", "1"}};
  odd.response->body = "\xe2\x82\xac";
  odd.response->latency_ms = 1e-05;
  odd.duplicate = true;
  odd.refused = "why";
  odd.handshake = "h";
  records.push_back(odd);
  Record bare = github_record();
  bare.response.reset();
  bare.headers = util::Headers{};
  bare.event_type.clear();
  bare.delivery_id.clear();
  records.push_back(bare);
  for (const auto& r : records) {
    const std::string line = to_line(r);
    INFO(line);
    auto own = parse_own_line(line);
    REQUIRE(own.has_value());
    auto full = parse_line_json(line);
    REQUIRE(full.ok());
    CHECK(*own == *full);
    CHECK(*own == r);
  }
  // Other shapes go to the JSON parser: keys in another order, spaces, a trailing CR, base64 headers,
  // leading zeros, and malformed lines (whose messages stay the JSON parser's).
  const std::string line = to_line(github_record());
  std::string spaced = line;
  spaced.insert(1, " ");
  std::string cr = line.substr(0, line.size() - 1) + "\r";
  Record b64 = github_record();
  b64.headers.add("X-Bin", "\xff");
  std::string zeros = line;
  zeros.replace(zeros.find("\"seq\":") + 6, 0, "0");
  for (const auto& other : {spaced, cr, to_line(b64), std::string(R"({"seq":1,"v":1})")}) {
    CHECK_FALSE(parse_own_line(other).has_value());
  }
  CHECK(parse_line(spaced).ok());
  CHECK(parse_line(cr).ok());
  CHECK(parse_line(to_line(b64)).ok());
  CHECK_FALSE(parse_own_line(zeros).has_value());
  CHECK_FALSE(parse_line(zeros).ok());
  CHECK(parse_line(line.substr(0, 40)).error().message == parse_line_json(line.substr(0, 40)).error().message);
}

namespace {
// `prefix`, `at` filler bytes, `special`, then filler up to 18 bytes after the prefix.
std::string around(std::string_view prefix, size_t at, std::string_view special) {
  std::ostringstream out;
  out << prefix << std::string(at, 'x') << special << std::string(17 - at, 'y');
  return out.str();
}
} // namespace

TEST_CASE("capture::parse_own_line_into: every field rewritten when the record held another one") {
  Record full = github_record();
  full.response->headers = util::Headers{{"A", "1"}, {"B", "2"}};
  full.response->body = "answer";
  full.event_type = "push";
  full.handshake = "h";
  full.duplicate = true;
  full.refused = "why";
  full.headers.add("X-More", "more");
  Record bare = github_record();
  bare.verification.reset();
  bare.response->status = 404;
  bare.event_type.clear();
  bare.delivery_id.clear();
  bare.headers = util::Headers{{"Only", "one"}};
  Record none = bare;
  none.response.reset();
  none.headers = util::Headers{};
  Record invalid = github_record();
  invalid.verification->valid = false;
  const std::vector<Record> order = {full, bare, full, none, full, invalid, bare, full};
  Record into;
  for (const auto& r : order) {
    const std::string line = to_line(r);
    INFO(line);
    REQUIRE(parse_own_line_into(line, into));
    CHECK(into == r);
    REQUIRE(parse_line_into(line, into).ok());
    CHECK(into == r);
  }
  // A line only the JSON parser reads (spaces) still lands in `into`; a broken one is an error.
  std::string spaced = to_line(bare);
  spaced.insert(1, " ");
  into = full;
  REQUIRE(parse_line_into(spaced, into).ok());
  CHECK(into == bare);
  CHECK_FALSE(parse_line_into("{broken", into).ok());
}

TEST_CASE("capture::parse_own_line: a quote, backslash, control byte or UTF-8 at any offset of a long string") {
  // The fast path scans strings eight bytes at a time: put each special byte at every offset of two
  // words, in a path (raw text) and in a body (JSON-escaped), and in an invalid UTF-8 sequence.
  const std::vector<std::string> specials = {
      "\"", "\\", "\x01", "\x1f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f", " ", "~"};
  for (const auto& special : specials) {
    for (size_t at = 0; at <= 17; ++at) {
      Record r = github_record();
      r.path = around("/", at, special);
      r.body = around("{\"k\":\"", at, special) + "\"}";
      const std::string line = to_line(r);
      INFO(line);
      auto own = parse_own_line(line);
      REQUIRE(own.has_value());
      CHECK(*own == r);
      CHECK(*own == *parse_line_json(line));
    }
  }
  // A body that is not UTF-8 is base64 in the line; raw invalid UTF-8 inside a JSON string is refused
  // by both parsers, wherever it is.
  for (size_t at = 0; at <= 17; ++at) {
    std::string line = to_line(github_record());
    const size_t path = line.find("\"path\":\"") + 8;
    line.insert(path, around("", at, "\xc3("));
    INFO(at);
    CHECK_FALSE(parse_own_line(line).has_value());
    CHECK_FALSE(parse_line(line).ok());
  }
}
