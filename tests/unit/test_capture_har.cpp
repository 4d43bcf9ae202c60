#include <cstdint>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hookctl/capture/har.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/time.hpp"

using namespace hookctl;
using namespace hookctl::capture;
using namespace std::string_literals;
using Json = nlohmann::json;

namespace {

// What read_har gave: its result, and every (index, entry) the handler saw.
struct Read {
  Result<void> result;
  std::vector<size_t> indexes;
  std::vector<Result<Record>> entries;

  // The records, which must all have parsed.
  std::vector<Record> records() const {
    std::vector<Record> out;
    for (const auto& e : entries) {
      REQUIRE_MESSAGE(e.ok(), (e.ok() ? "" : e.error().message));
      out.push_back(*e);
    }
    return out;
  }
};

// Reads `text` with a handler that keeps everything and goes on.
Read read_text(const std::string& text) {
  std::istringstream in(text);
  Read read;
  read.result = read_har(in, [&](Result<Record> entry, size_t index) -> Result<bool> {
    read.indexes.push_back(index);
    read.entries.push_back(std::move(entry));
    return true;
  });
  return read;
}

// `records` exported as one HAR document.
std::string export_har(const std::vector<Record>& records, bool include_sensitive = true) {
  std::ostringstream out;
  HarWriteOptions options;
  options.include_sensitive = include_sensitive;
  options.creator_version = "0.1";
  HarWriter writer(out, options);
  for (const auto& r : records) writer.add(r);
  auto done = writer.finish();
  REQUIRE(done.ok());
  return out.str();
}

// `records` exported and read back.
std::vector<Record> round_trip(const std::vector<Record>& records) {
  Read read = read_text(export_har(records));
  REQUIRE_MESSAGE(read.result.ok(), (read.result.ok() ? "" : read.result.error().message));
  return read.records();
}

// The sample file tests/data/har/`name`.
std::string sample(const std::string& name) {
  std::ifstream in(std::string(HOOKCTL_TEST_DATA_DIR) + "/har/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The records of the sample `name`, which must read without an error.
std::vector<Record> sample_records(const std::string& name) {
  Read read = read_text(sample(name));
  REQUIRE_MESSAGE(read.result.ok(), (read.result.ok() ? "" : read.result.error().message));
  return read.records();
}

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

// A record with every field set, as `listen` would capture a GitHub delivery.
Record github_record() {
  Record r;
  r.seq = 17;
  r.id = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
  r.received_at = "2026-11-28T11:20:37.123456Z";
  r.remote = "127.0.0.1:53422";
  r.method = "POST";
  r.path = "/webhooks/github";
  r.query = "a=1&b=%20x";
  r.headers.add("Host", "127.0.0.1:8080");
  r.headers.add("Content-Type", "application/json");
  r.headers.add("X-Hub-Signature-256", "sha256=abc");
  r.headers.add("X-Dup", "1");
  r.headers.add("x-dup", "2");
  r.body = R"({"zen":"hi \u00e9 ✓"})";
  r.verification = Verification{"github", true, "signature matches", "match"};
  r.response = RecordedResponse{200, 0.41, util::Headers{{"Content-Type", "text/plain"}}, "ok"};
  r.event_type = "push";
  r.delivery_id = "d-1";
  return r;
}

// Records that exercise every place the export has to work around HAR.
std::vector<Record> varied_records() {
  std::vector<Record> records;
  records.push_back(github_record());

  Record binary = github_record();
  binary.seq = 18;
  binary.id = "binary";
  binary.body = all_bytes();
  binary.response = RecordedResponse{201, 12.5, std::nullopt, "\x89PNG\r\n\x1a\n\xff\xfe"s};
  binary.verification = Verification{"stripe", false, "no signature matched", ""};
  records.push_back(binary);

  Record raw_headers;
  raw_headers.seq = 19;
  raw_headers.id = "raw-headers";
  raw_headers.received_at = "2026-01-01T00:00:00.000000Z";
  raw_headers.method = "PUT";
  raw_headers.path = "/x";
  raw_headers.headers.add("X-Bin\xff", "v\xc3\x28");
  raw_headers.headers.add("Latin", "caf\xe9");
  raw_headers.headers.add("Nul", "a\0b"s);
  raw_headers.response = RecordedResponse{500, 1, util::Headers{{"X-R", "\xfe\xff"}, {"Ok", "fine"}}, std::nullopt};
  records.push_back(raw_headers);

  Record no_response;
  no_response.seq = 20;
  no_response.id = "no-response";
  no_response.received_at = "not a time";
  no_response.remote = "[::1]:5000";
  no_response.method = "";
  no_response.path = "";
  no_response.query = "a=1#frag";
  no_response.refused = "413 content too large";
  records.push_back(no_response);

  Record odd;
  odd.seq = std::numeric_limits<uint64_t>::max();
  odd.id = "ödd ✓";
  odd.received_at = "2026-11-28T11:20:37Z"; // valid, but not the canonical 6 digits
  odd.method = "PATCH";
  odd.path = "no-slash";
  odd.query = "x?y=1&z";
  odd.headers.add("Host", "evil/host?#");
  odd.response = RecordedResponse{0, -2.5, util::Headers{}, ""};
  odd.duplicate = true;
  odd.handshake = "slack.url_verification";
  records.push_back(odd);

  Record h2;
  h2.seq = 1;
  h2.id = "h2";
  h2.received_at = "1969-12-31T23:59:59.500000Z";
  h2.method = "GET";
  h2.path = "/a://b/%2F";
  h2.headers.add(":authority", "example.com");
  h2.headers.add(":path", "/a://b/%2F");
  h2.response = RecordedResponse{204, 0.1 + 0.2, util::Headers{{"Location", "/next"}}, std::nullopt};
  records.push_back(h2);
  return records;
}

// Checks that `object` has `key` of the type `is` accepts.
#define CHECK_MEMBER(object, key, is)                                                                                  \
  do {                                                                                                                 \
    INFO("member " << (key));                                                                                          \
    REQUIRE((object).contains(key));                                                                                   \
    CHECK((object)[key].is());                                                                                         \
  } while (false)

// Checks one HAR name/value list (headers, queryString, cookies' shape aside).
void check_name_values(const Json& list) {
  REQUIRE(list.is_array());
  for (const Json& item : list) {
    REQUIRE(item.is_object());
    CHECK_MEMBER(item, "name", is_string);
    CHECK_MEMBER(item, "value", is_string);
  }
}

// Every key of `object` outside `known` is a custom field, which HAR 1.2 requires to start with '_'.
void check_only(const Json& object, const std::set<std::string>& known) {
  for (const auto& [key, value] : object.items()) {
    INFO("key " << key);
    CHECK((known.count(key) == 1 || key.starts_with('_')));
  }
}

// A HAR document whose entries are `entries` (JSON texts).
std::string har_of(const std::vector<std::string>& entries) {
  std::string text = R"({"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[)";
  for (size_t i = 0; i < entries.size(); ++i) text += (i ? "," : "") + entries[i];
  return text + "]}}";
}

// A small valid entry whose query is `query`.
std::string entry_with_query(const std::string& query) {
  return R"({"startedDateTime":"2026-11-28T11:20:37.5Z","time":3,"request":{"method":"POST","url":"http://h/p?)" +
         query +
         R"(","httpVersion":"HTTP/1.1","cookies":[],"headers":[{"name":"A","value":"b"}],"queryString":[],)"
         R"("headersSize":-1,"bodySize":2,"postData":{"mimeType":"application/json","text":"{}"}},)"
         R"("response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","cookies":[],"headers":[],)"
         R"("content":{"size":0,"mimeType":""},"redirectURL":"","headersSize":-1,"bodySize":0},)"
         R"("cache":{},"timings":{"send":0,"wait":3,"receive":0}})";
}

// A HAR document generated on demand, one entry per refill, so that a reader that streams sees
// entry 1 long before the last entry exists.
class GeneratedHar : public std::streambuf {
public:
  explicit GeneratedHar(size_t count) : m_count(count) {}
  // How many entries have been generated (handed to the reader) so far.
  size_t produced() const { return m_produced; }
  // Whether the tail has been generated.
  bool finished() const { return m_state == State::done; }

protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (m_state == State::head) {
      m_chunk = R"({"log":{"version":"1.2","creator":{"name":"gen","version":"1"},"pages":[{"id":"p"}],"entries":[)";
      m_state = State::entries;
    } else if (m_state == State::entries && m_produced < m_count) {
      ++m_produced;
      m_chunk = (m_produced > 1 ? "," : "") + entry_with_query(fmt::format("i={}", m_produced));
    } else if (m_state == State::entries) {
      m_chunk = "]}}";
      m_state = State::done;
    } else {
      return traits_type::eof();
    }
    setg(m_chunk.data(), m_chunk.data(), m_chunk.data() + m_chunk.size());
    return traits_type::to_int_type(*gptr());
  }

private:
  enum class State { head, entries, done };
  size_t m_count;
  size_t m_produced = 0;
  State m_state = State::head;
  std::string m_chunk;
};

} // namespace

TEST_CASE("capture::HarWriter round trip: read_har gives back exactly the records exported") {
  const std::vector<Record> records = varied_records();
  const std::vector<Record> back = round_trip(records);
  REQUIRE(back.size() == records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    INFO("record " << i << " id " << records[i].id);
    CHECK(back[i] == records[i]);
    // Spot checks, so that a broken operator== cannot hide a difference.
    CHECK(back[i].body == records[i].body);
    CHECK(back[i].headers.fields() == records[i].headers.fields());
    CHECK(back[i].received_at == records[i].received_at);
    CHECK(back[i].response.has_value() == records[i].response.has_value());
  }
  CHECK(back[1].body == all_bytes());
  CHECK(back[1].response->body == "\x89PNG\r\n\x1a\n\xff\xfe"s);
  CHECK_FALSE(back[1].response->headers.has_value());
  CHECK(back[2].headers.fields()[0].first == "X-Bin\xff");
  CHECK(back[3].path.empty());
  CHECK_FALSE(back[3].response.has_value());
  CHECK(back[4].response->status == 0);
  CHECK(back[4].response->latency_ms == -2.5);

  // Exporting what was read gives the same document again.
  CHECK(export_har(back) == export_har(records));
}

TEST_CASE("capture::HarWriter round trip of an empty log and of the real-tool samples") {
  const std::string empty = export_har({});
  Read read = read_text(empty);
  CHECK(read.result.ok());
  CHECK(read.entries.empty());
  CHECK(Json::parse(empty)["log"]["entries"].is_array());

  for (const char* name :
       {"chrome.har", "chrome_postdata.har", "firefox.har", "insomnia.har", "mitmproxy.har", "charles.har"}) {
    INFO(name);
    const std::vector<Record> records = sample_records(name);
    CHECK_FALSE(records.empty());
    CHECK(round_trip(records) == records);
  }
}

TEST_CASE("capture::HarWriter writes every field HAR 1.2 requires, with its type") {
  const std::vector<Record> records = varied_records();
  const std::string text = export_har(records);
  const Json doc = Json::parse(text); // throws (fails the test) when the output is not JSON
  REQUIRE(doc.is_object());
  CHECK_MEMBER(doc, "log", is_object);
  const Json& log = doc["log"];
  CHECK(log["version"] == "1.2");
  CHECK_MEMBER(log, "creator", is_object);
  CHECK_MEMBER(log["creator"], "name", is_string);
  CHECK(log["creator"]["name"] == "hookctl");
  CHECK(log["creator"]["version"] == "0.1");
  CHECK_MEMBER(log, "entries", is_array);
  check_only(log, {"version", "creator", "browser", "pages", "entries", "comment"});
  REQUIRE(log["entries"].size() == records.size());

  for (size_t i = 0; i < records.size(); ++i) {
    const Record& record = records[i];
    const Json& entry = log["entries"][i];
    INFO("entry " << i);
    REQUIRE(entry.is_object());
    check_only(entry, {"pageref", "startedDateTime", "time", "request", "response", "cache", "timings",
                       "serverIPAddress", "connection", "comment"});
    CHECK_MEMBER(entry, "startedDateTime", is_string);
    CHECK(util::parse_rfc3339(entry["startedDateTime"].get<std::string>()).ok());
    CHECK_MEMBER(entry, "time", is_number);
    CHECK(entry["time"].get<double>() >= 0);
    CHECK_MEMBER(entry, "cache", is_object);

    CHECK_MEMBER(entry, "timings", is_object);
    const Json& timings = entry["timings"];
    CHECK_MEMBER(timings, "send", is_number);
    CHECK_MEMBER(timings, "wait", is_number);
    CHECK_MEMBER(timings, "receive", is_number);
    // time is the sum of the timings (HAR 1.2, entries).
    CHECK(entry["time"].get<double>() ==
          timings["send"].get<double>() + timings["wait"].get<double>() + timings["receive"].get<double>());

    CHECK_MEMBER(entry, "request", is_object);
    const Json& request = entry["request"];
    check_only(request, {"method", "url", "httpVersion", "cookies", "headers", "queryString", "postData", "headersSize",
                         "bodySize", "comment"});
    CHECK_MEMBER(request, "method", is_string);
    CHECK(request["method"] == record.method);
    CHECK_MEMBER(request, "url", is_string);
    CHECK(request["url"].get<std::string>().find("://") != std::string::npos);
    CHECK_MEMBER(request, "httpVersion", is_string);
    CHECK_MEMBER(request, "cookies", is_array);
    CHECK_MEMBER(request, "headers", is_array);
    check_name_values(request["headers"]);
    CHECK(request["headers"].size() == record.headers.size());
    CHECK_MEMBER(request, "queryString", is_array);
    check_name_values(request["queryString"]);
    CHECK_MEMBER(request, "headersSize", is_number_integer);
    CHECK_MEMBER(request, "bodySize", is_number_integer);
    CHECK(request["bodySize"].get<size_t>() == record.body.size());
    if (record.body.empty()) {
      CHECK_FALSE(request.contains("postData"));
    } else {
      CHECK_MEMBER(request, "postData", is_object);
      const Json& post = request["postData"];
      CHECK_MEMBER(post, "mimeType", is_string);
      CHECK_MEMBER(post, "text", is_string);
      const bool base64 = post.contains("encoding") && post["encoding"] == "base64";
      const std::string text_value = post["text"].get<std::string>();
      CHECK((base64 ? util::base64_decode(text_value).value_or("?") : text_value) == record.body);
    }

    CHECK_MEMBER(entry, "response", is_object);
    const Json& response = entry["response"];
    check_only(response, {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL",
                          "headersSize", "bodySize", "comment"});
    CHECK_MEMBER(response, "status", is_number_integer);
    CHECK(response["status"] == (record.response ? record.response->status : 0));
    CHECK_MEMBER(response, "statusText", is_string);
    CHECK_MEMBER(response, "httpVersion", is_string);
    CHECK_MEMBER(response, "cookies", is_array);
    CHECK_MEMBER(response, "headers", is_array);
    check_name_values(response["headers"]);
    CHECK_MEMBER(response, "redirectURL", is_string);
    CHECK_MEMBER(response, "headersSize", is_number_integer);
    CHECK_MEMBER(response, "bodySize", is_number_integer);
    CHECK_MEMBER(response, "content", is_object);
    const Json& content = response["content"];
    CHECK_MEMBER(content, "size", is_number_integer);
    CHECK_MEMBER(content, "mimeType", is_string);
    if (record.response && record.response->body) {
      CHECK(content["size"].get<size_t>() == record.response->body->size());
      CHECK_MEMBER(content, "text", is_string);
    } else {
      CHECK_FALSE(content.contains("text"));
    }
  }

  const Json& first = log["entries"][0];
  CHECK(first["request"]["url"] == "http://127.0.0.1:8080/webhooks/github?a=1&b=%20x");
  CHECK(first["request"]["queryString"][1]["value"] == " x");
  CHECK(first["request"]["postData"]["mimeType"] == "application/json");
  CHECK_FALSE(first["request"]["postData"].contains("encoding"));
  CHECK(first["response"]["statusText"] == "OK");
  CHECK(first["startedDateTime"] == "2026-11-28T11:20:37.123456Z");
  CHECK(first["time"] == 0.41);
  CHECK(first["_hookctl"]["seq"] == 17);
  CHECK(first["_hookctl"]["verification"]["provider"] == "github");
  CHECK_FALSE(first["_hookctl"].contains("received_at"));
  CHECK(log["entries"][1]["request"]["postData"]["encoding"] == "base64");
  CHECK(log["entries"][1]["response"]["content"]["encoding"] == "base64");
  CHECK(log["entries"][2]["_hookctl"]["headers"].size() == 3);
  CHECK(log["entries"][3]["startedDateTime"] == "1970-01-01T00:00:00.000000Z");
  CHECK(log["entries"][3]["_hookctl"]["received_at"] == "not a time");
  CHECK(log["entries"][4]["request"]["url"] == "http://localhost/no-slash?x?y=1&z");
  CHECK(log["entries"][4]["startedDateTime"] == "2026-11-28T11:20:37.000000Z");
  CHECK(log["entries"][5]["request"]["url"] == "http://example.com/a://b/%2F");
  CHECK(log["entries"][5]["response"]["redirectURL"] == "/next");
}

TEST_CASE("capture::HarWriter redacts sensitive headers unless include_sensitive") {
  Record r = github_record();
  r.headers.add("Authorization", "Bearer tok-123");
  r.headers.add("cookie", "session=cookie-456");
  r.headers.add("X-Gitlab-Token", "gitlab-789");
  r.headers.add("X-Raw", "\xff"); // forces the base64 copy in _hookctl, which must be redacted too
  r.response->headers->add("Set-Cookie", "id=setcookie-000");
  const std::vector<std::string> secrets = {"tok-123", "cookie-456", "gitlab-789", "setcookie-000"};

  const std::string redacted = export_har({r}, false);
  for (const auto& secret : secrets) {
    INFO(secret);
    CHECK(redacted.find(secret) == std::string::npos);
    CHECK(redacted.find(util::base64_encode("Bearer " + secret)) == std::string::npos);
    CHECK(redacted.find(util::base64_encode("session=" + secret)) == std::string::npos);
    CHECK(redacted.find(util::base64_encode(secret)) == std::string::npos);
    CHECK(redacted.find(util::base64_encode("id=" + secret)) == std::string::npos);
  }
  Read read = read_text(redacted);
  REQUIRE(read.result.ok());
  const Record back = read.records().at(0);
  CHECK(back.headers.get("authorization") == "REDACTED");
  CHECK(back.headers.get("Cookie") == "REDACTED");
  CHECK(back.headers.get("x-gitlab-token") == "REDACTED");
  CHECK(back.headers.get("X-Hub-Signature-256") == "sha256=abc"); // signatures are not secrets
  CHECK(back.headers.size() == r.headers.size());
  CHECK(back.response->headers->get("Set-Cookie") == "REDACTED");

  const std::string kept = export_har({r}, true);
  for (const auto& secret : secrets) CHECK(kept.find(secret) != std::string::npos);
  CHECK(round_trip({r}).at(0) == r);

  CHECK(is_sensitive_header("Authorization"));
  CHECK(is_sensitive_header("proxy-authorization"));
  CHECK(is_sensitive_header("COOKIE"));
  CHECK(is_sensitive_header("set-cookie"));
  CHECK(is_sensitive_header("X-GitLab-Token"));
  CHECK_FALSE(is_sensitive_header("X-Hub-Signature-256"));
  CHECK_FALSE(is_sensitive_header("Content-Type"));
  CHECK_FALSE(is_sensitive_header("Authorization2"));
  CHECK_FALSE(is_sensitive_header(""));
}

TEST_CASE("capture::HarWriter::finish reports a failed stream") {
  std::ostringstream out;
  HarWriter writer(out, HarWriteOptions{});
  writer.add(github_record());
  out.setstate(std::ios::badbit);
  auto done = writer.finish();
  REQUIRE_FALSE(done.ok());
  CHECK(done.error().code == Errc::environment);
}

TEST_CASE("capture::read_har Chrome export: pseudo-headers, base64 content, a request without answer") {
  const std::vector<Record> records = sample_records("chrome.har");
  REQUIRE(records.size() == 2);
  const Record& a = records[0];
  CHECK(a.seq == 1);
  CHECK(a.id == "har-1");
  CHECK(a.method == "GET");
  CHECK(a.path == "/");
  CHECK(a.query.empty());
  CHECK(a.remote == "108.138.246.80");
  CHECK(a.received_at == "2023-03-30T00:00:54.250000Z");
  REQUIRE(a.headers.size() == 21);
  CHECK(a.headers.fields()[0] == util::Headers::Field{":authority", "mitmproxy.org"});
  CHECK(a.headers.get("sec-ch-ua") == R"("Chromium";v="110", "Not A(Brand";v="24", "Google Chrome";v="110")");
  CHECK(a.body.empty());
  REQUIRE(a.response.has_value());
  CHECK(a.response->status == 304);
  CHECK(a.response->latency_ms == 14.666000031866133);
  CHECK(a.response->headers->size() == 10);
  CHECK(a.response->body == "<!DOCTYPE html>\n<html lang=\"en-us\">\n");

  const Record& b = records[1];
  CHECK(b.seq == 2);
  CHECK(b.id == "har-2");
  CHECK(b.path == "/");
  CHECK(b.remote.empty());
  CHECK(b.headers.size() == 13);
  CHECK_FALSE(b.response.has_value()); // status 0: net::ERR_INTERNET_DISCONNECTED
}

TEST_CASE("capture::read_har Chrome export with a POST body (postData)") {
  const std::vector<Record> records = sample_records("chrome_postdata.har");
  REQUIRE(records.size() == 1);
  const Record& r = records[0];
  CHECK(r.method == "POST");
  CHECK(r.path == "/events");
  CHECK(r.received_at == "2023-07-12T18:57:52.050000Z");
  // The exported body is as long as the request's own content-length says.
  CHECK(r.headers.get("content-length") == "504");
  CHECK(r.body.size() == 504);
  CHECK(r.body.starts_with("eyJjYXRlZ29yeSI6"));
  REQUIRE(r.response.has_value());
  CHECK(r.response->status == 200);
  CHECK(r.response->headers->size() == 8);
  CHECK_FALSE(r.response->body.has_value()); // content without text
}

TEST_CASE("capture::read_har Firefox export: local-time startedDateTime, null headersSize, no bodies") {
  const std::vector<Record> records = sample_records("firefox.har");
  REQUIRE(records.size() == 2);
  CHECK(records[0].received_at == "2023-03-29T23:58:59.303000Z"); // 16:58:59.303-07:00
  CHECK(records[0].headers.get("Host") == "mitmproxy.org");
  CHECK(records[0].response->status == 304);
  CHECK(records[0].response->latency_ms == 23);
  CHECK(records[0].response->body == "<!DOCTYPE html>\n<html lang=\"en-us\">\n<head>\n");
  CHECK(records[0].remote == "13.35.121.55");
  CHECK(records[1].path == "/logo-navbar.png");
  CHECK(records[1].received_at == "2023-03-29T23:58:59.418000Z");
  REQUIRE(records[1].response.has_value());
  CHECK(records[1].response->status == 200);
  CHECK(records[1].response->latency_ms == 0);
  REQUIRE(records[1].response->headers.has_value());
  CHECK(records[1].response->headers->empty());
  CHECK_FALSE(records[1].response->body.has_value());
}

TEST_CASE("capture::read_har Insomnia, mitmproxy and Charles exports") {
  const std::vector<Record> insomnia = sample_records("insomnia.har");
  REQUIRE(insomnia.size() == 1);
  CHECK(insomnia[0].path == "/");
  CHECK(insomnia[0].headers.empty());
  CHECK(insomnia[0].body.empty()); // postData with an empty text
  CHECK(insomnia[0].response->latency_ms == 70.402);
  CHECK(insomnia[0].response->headers->size() == 15);
  CHECK(insomnia[0].response->body->size() == 250); // content.size
  CHECK(insomnia[0].response->body->starts_with("<div class=\"container\">\n"));

  const std::vector<Record> mitmproxy = sample_records("mitmproxy.har");
  REQUIRE(mitmproxy.size() == 2);
  CHECK(mitmproxy[0].received_at == "2023-07-25T10:42:01.726810Z");
  CHECK(mitmproxy[0].remote == "93.184.216.34");
  CHECK(mitmproxy[0].response->body->size() == 1256);
  CHECK(mitmproxy[1].method == "POST");
  CHECK(mitmproxy[1].path == "/post");
  CHECK(mitmproxy[1].body == "key1=value1&key2=value2"); // text wins over params
  CHECK(mitmproxy[1].received_at == "2023-07-25T10:58:25.577252Z");
  CHECK(mitmproxy[1].response->latency_ms == 14989.961862564087);
  CHECK(mitmproxy[1].response->body->size() == 453);
  CHECK(mitmproxy[1].response->headers->get("server") == "gunicorn/19.9.0");

  const std::vector<Record> charles = sample_records("charles.har");
  REQUIRE(charles.size() == 1);
  CHECK(charles[0].received_at == "2023-03-30T00:37:42.482000Z"); // 17:37:42.482-07:00
  CHECK(charles[0].path == "/");
  CHECK(charles[0].query == "=");
  CHECK(charles[0].response->latency_ms == 107);
  CHECK(charles[0].response->headers->size() == 14);
  CHECK(charles[0].response->body->find("proxy</title>") != std::string::npos); // "<\/title>" unescaped
}

TEST_CASE("capture::read_har refuses a document that is not JSON, naming the byte") {
  // Each text with the 0-based offset of the character that makes it invalid.
  const std::vector<std::pair<std::string, size_t>> cases = {{R"({"log":{"entries":[]}} x)", 23},
                                                             {R"({"log": nope})", 9},
                                                             {R"({"log":{"entries":[{"a":1,}]}})", 26},
                                                             {"\x01", 0}};
  for (const auto& [text, offset] : cases) {
    INFO(text);
    Read read = read_text(text);
    REQUIRE_FALSE(read.result.ok());
    CHECK(read.result.error().code == Errc::input);
    // The byte is the offending character's, counted from 1.
    CHECK(read.result.error().message == fmt::format("not valid JSON at byte {}", offset + 1));
  }
  CHECK_FALSE(read_text("").result.ok());
  // Invalid UTF-8 inside a string.
  CHECK(read_text(R"({"log":{"entries":["\xff"]}})").result.error().message.starts_with("not valid JSON"));

  // Entries before the break were delivered, then the error is returned.
  std::string truncated = har_of({entry_with_query("a"), entry_with_query("b")});
  truncated.resize(truncated.size() - 3);
  truncated += ",{\"request\":";
  Read read = read_text(truncated);
  CHECK(read.entries.size() == 2);
  REQUIRE_FALSE(read.result.ok());
  CHECK(read.result.error().message == fmt::format("not valid JSON at byte {}", truncated.size() + 1));
}

TEST_CASE("capture::read_har refuses a document without log.entries") {
  for (const char* text :
       {R"({"log":{"version":"1.2"}})", R"([])", R"("log")", R"({"entries":[{"request":{}}]})",
        R"({"other":{"log":{"entries":[]}}})", R"({"notlog":{"entries":[]}})", R"({"log":[{"entries":[]}]})"}) {
    INFO(text);
    Read read = read_text(text);
    REQUIRE_FALSE(read.result.ok());
    CHECK(read.result.error().code == Errc::input);
    CHECK(read.result.error().message == "not a HAR document: no log.entries array");
    CHECK(read.entries.empty());
  }
  for (const char* text : {R"({"log":{"entries":{}}})", R"({"log":{"entries":"x"}})", R"({"log":{"entries":null}})"}) {
    INFO(text);
    Read read = read_text(text);
    REQUIRE_FALSE(read.result.ok());
    CHECK(read.result.error().message == "log.entries is not an array");
  }
  // Members named "entries" elsewhere (in pages, in an entry) are not log.entries.
  const std::string nested =
      R"({"log":{"pages":[{"entries":[1,2,3]}],"creator":{"entries":[]},"entries":[)" + entry_with_query("q") + "]}}";
  Read read = read_text(nested);
  CHECK(read.result.ok());
  REQUIRE(read.entries.size() == 1);
  CHECK(read.records()[0].query == "q");
}

TEST_CASE("capture::read_har reports a malformed entry by index and reads on") {
  const std::string text = har_of({
      entry_with_query("1"),
      R"({"request":{"url":"http://h/"}})",
      entry_with_query("3"),
      R"(5)",
      R"({"request":{"method":"GET","url":"/relative"}})",
      R"({"request":{"method":"GET","url":"http://h/","postData":{"text":"!!","encoding":"base64"}}})",
      R"({"request":{"method":"GET","url":"http://h/","headers":[{"name":"A"}]}})",
      R"({"request":{"method":"GET","url":"http://h/"},"response":{"status":"200"}})",
      R"({"request":{"method":"GET","url":"http://h/"},"_hookctl":{"seq":"1"}})",
      R"({"request":{"method":7,"url":"http://h/"}})",
      entry_with_query("11"),
  });
  Read read = read_text(text);
  CHECK(read.result.ok());
  REQUIRE(read.entries.size() == 11);
  for (size_t i = 0; i < read.indexes.size(); ++i) CHECK(read.indexes[i] == i + 1);
  auto error_at = [&](size_t index) {
    const auto& e = read.entries.at(index - 1);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == Errc::input);
    CHECK(e.error().message.find('\n') == std::string::npos);
    return e.error().message;
  };
  CHECK(read.entries[0].ok());
  CHECK(error_at(2) == "missing request.method");
  CHECK(read.entries[2].ok());
  CHECK(read.entries[2].value().query == "3");
  CHECK(read.entries[2].value().seq == 3);
  CHECK(error_at(4) == "the entry is not an object");
  CHECK(error_at(5).find("request.url") != std::string::npos);
  CHECK(error_at(6).find("base64") != std::string::npos);
  CHECK(error_at(7).find("request.headers") != std::string::npos);
  CHECK(error_at(8).find("response.status") != std::string::npos);
  CHECK(error_at(9).find("_hookctl.seq") != std::string::npos);
  CHECK(error_at(10).find("request.method") != std::string::npos);
  CHECK(read.entries[10].ok());
  CHECK(read.entries[10].value().id == "har-11");
}

TEST_CASE("capture::read_har stops when the handler says so, and passes on its error") {
  const std::string text = har_of({entry_with_query("1"), entry_with_query("2"), entry_with_query("3")});
  std::vector<size_t> seen;
  {
    std::istringstream in(text);
    auto result = read_har(in, [&](Result<Record> entry, size_t index) -> Result<bool> {
      CHECK(entry.ok());
      seen.push_back(index);
      return index < 2;
    });
    CHECK(result.ok());
    CHECK(seen == std::vector<size_t>{1, 2});
  }
  {
    // Stopping early does not read (or judge) the rest of the document.
    std::string broken = text.substr(0, text.find(entry_with_query("2"))) + "garbage";
    std::istringstream in(broken);
    size_t calls = 0;
    auto result = read_har(in, [&](Result<Record>, size_t) -> Result<bool> {
      ++calls;
      return false;
    });
    CHECK(result.ok());
    CHECK(calls == 1);
  }
  {
    std::istringstream in(text);
    size_t calls = 0;
    auto result = read_har(in, [&](Result<Record>, size_t) -> Result<bool> {
      ++calls;
      return make_error(Errc::negative, "enough");
    });
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == Errc::negative);
    CHECK(result.error().message == "enough");
    CHECK(calls == 1);
  }
  {
    std::istringstream in(text);
    Result<void> result;
    CHECK_NOTHROW(result = read_har(
                      in, [&](Result<Record>, size_t) -> Result<bool> { throw std::runtime_error("handler bug"); }));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == Errc::input);
  }
}

TEST_CASE("capture::read_har streams: 20000 entries, the first handled before the rest exist") {
  constexpr size_t k_count = 20'000;
  GeneratedHar source(k_count);
  std::istream in(&source);
  size_t count = 0;
  size_t wrong = 0;
  size_t produced_at_first = 0;
  bool finished_at_first = true;
  auto result = read_har(in, [&](Result<Record> entry, size_t index) -> Result<bool> {
    if (!entry) return make_error(Errc::internal, entry.error().message);
    ++count;
    if (index == 1) {
      produced_at_first = source.produced();
      finished_at_first = source.finished();
    }
    // In order, and each one complete.
    if (entry->query != fmt::format("i={}", index) || entry->body != "{}" || entry->seq != index) ++wrong;
    return true;
  });
  REQUIRE(result.ok());
  CHECK(count == k_count);
  CHECK(wrong == 0);
  CHECK(source.produced() == k_count);
  CHECK(source.finished());
  // Entry 1 reached the handler when at most entry 2 had been generated.
  CHECK(produced_at_first >= 1);
  CHECK(produced_at_first <= 2);
  CHECK_FALSE(finished_at_first);
}

TEST_CASE("capture::read_har field mapping: times, bodies, _encoding, params, BOM, _hookctl") {
  const std::string text =
      "\xEF\xBB\xBF" + har_of({
                           R"({"startedDateTime":"2026-11-28T13:20:37.123456789+02:00",)"
                           R"("request":{"method":"POST","url":"https://h:8443/a/b?x=1&y#f",)"
                           R"("postData":{"mimeType":"a/b","text":"AAEC/w","_encoding":"base64"}},)"
                           R"("response":{"status":404},"time":-5,"serverIPAddress":"10.0.0.1"})",
                           R"({"startedDateTime":"yesterday","request":{"method":"POST",)"
                           R"("url":"http://h","postData":{"mimeType":"x","params":[)"
                           R"({"name":"a b","value":"1&2"},{"name":"c"}]}}})",
                           R"({"request":{"method":"GET","url":"http://h/"},)"
                           R"("response":{"status":0},"_hookctl":{"response":true,)"
                           R"("id":"kept","remote":"1.2.3.4:5","duplicate":true,)"
                           R"("verification":null,"response_headers":null}})",
                       });
  const std::vector<Record> records = [&] {
    Read read = read_text(text);
    REQUIRE(read.result.ok());
    return read.records();
  }();
  REQUIRE(records.size() == 3);
  CHECK(records[0].received_at == "2026-11-28T11:20:37.123456Z");
  CHECK(records[0].path == "/a/b");
  CHECK(records[0].query == "x=1&y");
  CHECK(records[0].body == "\x00\x01\x02\xff"s);
  CHECK(records[0].remote == "10.0.0.1");
  REQUIRE(records[0].response.has_value());
  CHECK(records[0].response->status == 404);
  CHECK(records[0].response->latency_ms == 0);
  CHECK_FALSE(records[0].response->headers.has_value());
  CHECK_FALSE(records[0].response->body.has_value());

  CHECK(records[1].received_at == "yesterday");
  CHECK(records[1].path == "/");
  CHECK(records[1].body == "a%20b=1%262&c=");
  CHECK_FALSE(records[1].response.has_value());

  CHECK(records[2].id == "kept");
  CHECK(records[2].seq == 3);
  CHECK(records[2].remote == "1.2.3.4:5");
  CHECK(records[2].duplicate);
  CHECK_FALSE(records[2].verification.has_value());
  REQUIRE(records[2].response.has_value());
  CHECK(records[2].response->status == 0);
  CHECK_FALSE(records[2].response->headers.has_value());
}
