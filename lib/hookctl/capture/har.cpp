#include "hookctl/capture/har.hpp"

#include <array>
#include <cmath>
#include <exception>
#include <istream>
#include <limits>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"

// The "_hookctl" object of an entry (HAR 1.2 allows custom fields whose names start with '_'):
//   seq, id, remote            always written
//   response                   always written: whether the record has a response (a status of 0 or
//                              none then means nothing; without "_hookctl", status 0 means none)
//   verification               {provider, valid, reason, code} when the record has one
//   event_type, handshake, delivery_id, refused, duplicate   when not empty / true
//   received_at                the record's text when startedDateTime cannot carry it (not RFC 3339
//                              UTC with 6 fractional digits)
//   path, query                the record's, when scheme://host + path?query does not split back
//                              into them
//   latency_ms                 a negative latency (entry.time stays >= 0)
//   headers, response_headers  [[base64 name, base64 value], ...] when a name or value is not
//                              UTF-8 (the HAR headers then hold U+FFFD for the bad bytes);
//                              "response_headers": null for a response whose headers were not
//                              recorded (HAR needs an array there)
// Other text fields that are not UTF-8 are written with U+FFFD, as capture::to_line does.

namespace hookctl::capture {
namespace {

using Json = nlohmann::json;
// Entries are written with insertion order kept, so they read in HAR 1.2's order.
using OrderedJson = nlohmann::ordered_json;

constexpr std::string_view k_redacted = "REDACTED";
// startedDateTime for a record whose received_at is not a timestamp (the text is in _hookctl).
constexpr std::string_view k_epoch = "1970-01-01T00:00:00.000000Z";

// An Errc::input error with the one-line `message`.
Error bad(std::string message) { return make_error(Errc::input, std::move(message)); }

// Whether `s` is well-formed UTF-8 (Unicode table 3-7), the only text nlohmann's strict dump accepts.
bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c < 0x80)
      len = 1;
    else if (c >= 0xc2 && c <= 0xdf)
      len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xbf;
      if (b < min || b > max) return false;
    }
    i += len;
  }
  return true;
}

// The path and query of an absolute URL.
struct Target {
  std::string path; // at least "/"
  std::string query;
};

// Whether `scheme` is an RFC 3986 scheme: a letter, then letters, digits, '+', '-', '.'.
bool is_scheme(std::string_view scheme) {
  if (scheme.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(scheme[0])) return false;
  for (char c : scheme)
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  return true;
}

// Splits the absolute `url` (scheme://authority/path?query#fragment); nothing without a scheme.
std::optional<Target> split_url(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos || !is_scheme(url.substr(0, sep))) return std::nullopt;
  std::string_view rest = url.substr(sep + 3);
  const size_t at = rest.find_first_of("/?#");
  std::string_view target = at == std::string_view::npos ? std::string_view{} : rest.substr(at);
  if (size_t hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  Target t;
  const size_t q = target.find('?');
  t.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) t.query = std::string(target.substr(q + 1));
  if (t.path.empty()) t.path = "/";
  return t;
}

// `text` (RFC 3339, any offset, any number of fractional digits) as RFC 3339 UTC with microseconds.
std::optional<std::string> normalize_time(std::string_view text) {
  auto secs = util::parse_rfc3339(text);
  if (!secs) return std::nullopt;
  int64_t us = 0;
  // parse_rfc3339 checked the layout: a '.' at 19 starts the fraction; digits past 6 are dropped.
  if (text.size() > 19 && text[19] == '.') {
    size_t i = 20;
    for (int n = 0; n < 6; ++n) {
      us *= 10;
      if (i < text.size() && text[i] >= '0' && text[i] <= '9') us += text[i++] - '0';
    }
  }
  return format_received_at(*secs * 1'000'000 + us);
}

// ---- reading -------------------------------------------------------------------------------------

// The member `key` of `object` (which must be an object), or null.
const Json* member(const Json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// HAR headers ([{name, value}, ...]) at `where` (its name in messages).
Result<util::Headers> read_har_headers(const Json& j, std::string_view where) {
  auto shape = [&] { return bad(fmt::format("{} must be an array of {{\"name\", \"value\"}} strings", where)); };
  if (!j.is_array()) return shape();
  util::Headers headers;
  for (const Json& field : j) {
    if (!field.is_object()) return shape();
    const Json* name = member(field, "name");
    const Json* value = member(field, "value");
    if (name == nullptr || value == nullptr || !name->is_string() || !value->is_string()) return shape();
    headers.add(name->get<std::string>(), value->get<std::string>());
  }
  return headers;
}

// Headers written by HarWriter into "_hookctl" ([[base64 name, base64 value], ...]).
Result<util::Headers> read_base64_headers(const Json& j, std::string_view where) {
  auto shape = [&] { return bad(fmt::format("{} must be an array of [name, value] base64 string pairs", where)); };
  if (!j.is_array()) return shape();
  util::Headers headers;
  for (const Json& field : j) {
    if (!field.is_array() || field.size() != 2 || !field[0].is_string() || !field[1].is_string()) return shape();
    auto name = util::base64_decode(field[0].get_ref<const std::string&>());
    auto value = util::base64_decode(field[1].get_ref<const std::string&>());
    if (!name || !value) return shape();
    headers.add(std::move(*name), std::move(*value));
  }
  return headers;
}

// Whether the member `key` of `object` is the string "base64".
bool says_base64(const Json& object, const char* key) {
  const Json* j = member(object, key);
  return j != nullptr && j->is_string() && j->get_ref<const std::string&>() == "base64";
}

// The request body from postData: text (base64-decoded when "encoding" or "_encoding" says so), or
// the url-encoded params when there is no text.
Result<std::string> read_post_data(const Json& post) {
  if (post.is_null()) return std::string();
  if (!post.is_object()) return bad("request.postData must be an object");
  if (const Json* text = member(post, "text")) {
    if (!text->is_string()) return bad("request.postData.text must be a string");
    if (!says_base64(post, "encoding") && !says_base64(post, "_encoding")) return text->get<std::string>();
    auto decoded = util::base64_decode(text->get_ref<const std::string&>(), util::Padding::optional);
    if (!decoded) return bad("request.postData.text is not valid base64");
    return std::move(*decoded);
  }
  std::string body;
  if (const Json* params = member(post, "params")) {
    auto shape = [] { return bad("request.postData.params must be an array of {\"name\", \"value\"} strings"); };
    if (!params->is_array()) return shape();
    for (const Json& p : *params) {
      if (!p.is_object()) return shape();
      const Json* name = member(p, "name");
      const Json* value = member(p, "value");
      if (name == nullptr || !name->is_string() || (value != nullptr && !value->is_string())) return shape();
      if (!body.empty()) body += '&';
      body += util::url_encode(name->get_ref<const std::string&>());
      body += '=';
      if (value != nullptr) body += util::url_encode(value->get_ref<const std::string&>());
    }
  }
  return body;
}

// Typed access to the optional members of the "_hookctl" object.
class Extra {
public:
  explicit Extra(const Json* object) : m_object(object) {}

  // The member `key`, or null when absent (or when there is no "_hookctl").
  const Json* find(const char* key) const { return m_object == nullptr ? nullptr : member(*m_object, key); }

  // Sets `out` to the string member `key` when it is present.
  Result<void> string(const char* key, std::string& out) const {
    const Json* j = find(key);
    if (j == nullptr) return {};
    if (!j->is_string()) return mistyped(key, "a string");
    out = j->get<std::string>();
    return {};
  }

  // The error for a member `key` that is not `what`.
  static Error mistyped(const char* key, const char* what) {
    return bad(fmt::format("field \"_hookctl.{}\" must be {}", key, what));
  }

private:
  const Json* m_object;
};

// The "_hookctl.verification" member: null or {provider, valid, reason, code}.
Result<std::optional<Verification>> read_verification(const Json& j) {
  if (j.is_null()) return std::optional<Verification>();
  auto shape = [] { return Extra::mistyped("verification", "null or {provider, valid, reason, code}"); };
  if (!j.is_object()) return shape();
  const Json* provider = member(j, "provider");
  const Json* valid = member(j, "valid");
  const Json* reason = member(j, "reason");
  const Json* code = member(j, "code");
  if (provider == nullptr || !provider->is_string() || valid == nullptr || !valid->is_boolean() || reason == nullptr ||
      !reason->is_string() || (code != nullptr && !code->is_string()))
    return shape();
  Verification v;
  v.provider = provider->get<std::string>();
  v.valid = valid->get<bool>();
  v.reason = reason->get<std::string>();
  if (code != nullptr) v.reason_code = code->get<std::string>();
  return std::optional<Verification>(std::move(v));
}

// The response of `entry` (absent for status 0 or none, unless "_hookctl.response" says otherwise).
Result<std::optional<RecordedResponse>> read_response(const Json& entry, const Extra& extra) {
  const Json* response = member(entry, "response");
  if (response != nullptr && !response->is_null() && !response->is_object()) return bad("response must be an object");
  if (response != nullptr && response->is_null()) response = nullptr;
  int status = 0;
  if (const Json* s = response == nullptr ? nullptr : member(*response, "status")) {
    if (!s->is_number_integer()) return bad("response.status must be an integer");
    if (s->is_number_unsigned() ? s->get<uint64_t>() > uint64_t{std::numeric_limits<int>::max()}
                                : s->get<int64_t>() < std::numeric_limits<int>::min())
      return bad("response.status is out of range");
    status = s->get<int>();
  }
  bool present = status != 0;
  if (const Json* flag = extra.find("response")) {
    if (!flag->is_boolean()) return Extra::mistyped("response", "true or false");
    present = flag->get<bool>();
  }
  if (!present) return std::optional<RecordedResponse>();

  RecordedResponse r;
  r.status = status;
  if (const Json* time = member(entry, "time"); time != nullptr && time->is_number()) {
    const double t = time->get<double>();
    if (std::isfinite(t) && t > 0) r.latency_ms = t;
  }
  if (const Json* latency = extra.find("latency_ms")) {
    if (!latency->is_number() || !std::isfinite(latency->get<double>()))
      return Extra::mistyped("latency_ms", "a finite number");
    r.latency_ms = latency->get<double>();
  }
  if (const Json* headers = extra.find("response_headers")) {
    if (!headers->is_null()) {
      HOOKCTL_TRY_ASSIGN(r.headers, read_base64_headers(*headers, "_hookctl.response_headers"));
    }
  } else if (const Json* har_headers = response == nullptr ? nullptr : member(*response, "headers")) {
    HOOKCTL_TRY_ASSIGN(r.headers, read_har_headers(*har_headers, "response.headers"));
  }
  if (const Json* content = response == nullptr ? nullptr : member(*response, "content")) {
    if (!content->is_object()) return bad("response.content must be an object");
    if (const Json* text = member(*content, "text"); text != nullptr && !text->is_null()) {
      if (!text->is_string()) return bad("response.content.text must be a string");
      if (says_base64(*content, "encoding")) {
        auto decoded = util::base64_decode(text->get_ref<const std::string&>(), util::Padding::optional);
        if (!decoded) return bad("response.content.text is not valid base64");
        r.body = std::move(*decoded);
      } else {
        r.body = text->get<std::string>();
      }
    }
  }
  return std::optional<RecordedResponse>(std::move(r));
}

// The record of the HAR entry `entry`, the `index`-th of log.entries.
Result<Record> to_record(const Json& entry, size_t index) {
  if (!entry.is_object()) return bad("the entry is not an object");
  const Json* extra_json = member(entry, "_hookctl");
  if (extra_json != nullptr && !extra_json->is_object()) return bad("field \"_hookctl\" must be an object");
  const Extra extra(extra_json);

  const Json* request = member(entry, "request");
  if (request == nullptr || !request->is_object()) return bad("missing request object");
  Record r;
  const Json* method = member(*request, "method");
  if (method == nullptr) return bad("missing request.method");
  if (!method->is_string()) return bad("request.method must be a string");
  r.method = method->get<std::string>();

  const Json* url = member(*request, "url");
  if (url == nullptr) return bad("missing request.url");
  if (!url->is_string()) return bad("request.url must be a string");
  auto target = split_url(url->get_ref<const std::string&>());
  if (!target) return bad("request.url is not an absolute URL (scheme://host/path)");
  r.path = std::move(target->path);
  r.query = std::move(target->query);
  HOOKCTL_TRY(extra.string("path", r.path));
  HOOKCTL_TRY(extra.string("query", r.query));

  if (const Json* headers = extra.find("headers")) {
    HOOKCTL_TRY_ASSIGN(r.headers, read_base64_headers(*headers, "_hookctl.headers"));
  } else if (const Json* har_headers = member(*request, "headers")) {
    HOOKCTL_TRY_ASSIGN(r.headers, read_har_headers(*har_headers, "request.headers"));
  }
  if (const Json* post = member(*request, "postData")) {
    HOOKCTL_TRY_ASSIGN(r.body, read_post_data(*post));
  }

  if (const Json* started = member(entry, "startedDateTime"); started != nullptr && started->is_string()) {
    const auto& text = started->get_ref<const std::string&>();
    r.received_at = normalize_time(text).value_or(text);
  }
  HOOKCTL_TRY(extra.string("received_at", r.received_at));

  r.seq = index;
  if (const Json* seq = extra.find("seq")) {
    if (!seq->is_number_unsigned()) return Extra::mistyped("seq", "a non-negative integer");
    r.seq = seq->get<uint64_t>();
  }
  r.id = fmt::format("har-{}", index);
  HOOKCTL_TRY(extra.string("id", r.id));
  if (const Json* ip = member(entry, "serverIPAddress"); ip != nullptr && ip->is_string())
    r.remote = ip->get<std::string>();
  HOOKCTL_TRY(extra.string("remote", r.remote));

  if (const Json* verification = extra.find("verification")) {
    HOOKCTL_TRY_ASSIGN(r.verification, read_verification(*verification));
  }
  HOOKCTL_TRY_ASSIGN(r.response, read_response(entry, extra));
  HOOKCTL_TRY(extra.string("event_type", r.event_type));
  HOOKCTL_TRY(extra.string("handshake", r.handshake));
  HOOKCTL_TRY(extra.string("delivery_id", r.delivery_id));
  HOOKCTL_TRY(extra.string("refused", r.refused));
  if (const Json* duplicate = extra.find("duplicate")) {
    if (!duplicate->is_boolean()) return Extra::mistyped("duplicate", "true or false");
    r.duplicate = duplicate->get<bool>();
  }
  return r;
}

// A SAX consumer for nlohmann::json::sax_parse that follows the document down to log.entries,
// builds a DOM for one element of that array at a time, and hands each to the entry handler as soon
// as it is complete (then frees it). Everything else (pages, creator, unknown members) is skipped
// with a depth counter and never stored, so memory stays at one entry whatever the file's length.
class EntrySax {
public:
  explicit EntrySax(const HarEntryHandler& on_entry) : m_on_entry(on_entry) {}

  bool null() { return scalar(Json(nullptr)); }
  bool boolean(bool value) { return scalar(Json(value)); }
  bool number_integer(Json::number_integer_t value) { return scalar(Json(value)); }
  bool number_unsigned(Json::number_unsigned_t value) { return scalar(Json(value)); }
  bool number_float(Json::number_float_t value, const Json::string_t& /*text*/) { return scalar(Json(value)); }
  bool string(Json::string_t& value) {
    if (!m_stack.empty()) {
      add(Json(std::move(value)));
      return true;
    }
    // Outside an entry only the position of a value matters, so the text is not copied.
    return scalar(Json());
  }
  bool binary(Json::binary_t& /*value*/) { return true; } // JSON text has no binary values

  bool start_object(std::size_t /*size*/) { return open(Json::value_t::object); }
  bool start_array(std::size_t /*size*/) { return open(Json::value_t::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(Json::string_t& key) {
    if (!m_stack.empty())
      m_key = std::move(key);
    else if (m_skip == 0)
      m_outer_key = std::move(key);
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/, const Json::exception& /*error*/) {
    // The token and the exception's text quote the input, which may hold secrets: only the position.
    m_failure = bad(fmt::format("not valid JSON at byte {}", position));
    return false;
  }

  // The error that ended the parse (bad JSON, a wrong log.entries, or the handler's), if any.
  const std::optional<Error>& failure() const { return m_failure; }
  // Whether the handler asked to stop.
  bool stopped() const { return m_stopped; }
  // Whether a log.entries array was found.
  bool saw_entries() const { return m_saw_entries; }

private:
  // The containers on the way down to the entries.
  enum class Where { root_object, log_object, entries };

  // Whether the next value is the member "entries" of the log object.
  bool expects_entries() const {
    return m_skip == 0 && !m_outer.empty() && m_outer.back() == Where::log_object && m_outer_key == "entries";
  }

  // Adds `value` to the entry being built; returns where it landed.
  Json* add(Json value) {
    Json& parent = *m_stack.back();
    if (parent.is_object()) {
      Json& slot = parent[m_key]; // a repeated key keeps its last value, as nlohmann's own parser does
      slot = std::move(value);
      return &slot;
    }
    // A parent array gets nothing else while this child is open, so the pointer stays valid.
    parent.push_back(std::move(value));
    return &parent.back();
  }

  bool scalar(Json value) {
    if (!m_stack.empty()) {
      add(std::move(value));
      return true;
    }
    if (m_skip > 0 || m_outer.empty()) return true;
    if (expects_entries()) return not_an_array();
    if (m_outer.back() == Where::entries) return deliver(std::move(value));
    return true;
  }

  bool open(Json::value_t kind) {
    if (!m_stack.empty()) {
      m_stack.push_back(add(Json(kind)));
      return true;
    }
    if (m_skip > 0) {
      ++m_skip;
      return true;
    }
    const bool object = kind == Json::value_t::object;
    if (m_outer.empty()) {
      if (object)
        m_outer.push_back(Where::root_object);
      else
        ++m_skip;
    } else if (m_outer.back() == Where::root_object) {
      if (object && m_outer_key == "log")
        m_outer.push_back(Where::log_object);
      else
        ++m_skip;
    } else if (m_outer.back() == Where::log_object) {
      if (m_outer_key != "entries")
        ++m_skip;
      else if (object)
        return not_an_array();
      else {
        m_outer.push_back(Where::entries);
        m_saw_entries = true;
      }
    } else {
      m_entry = Json(kind);
      m_stack.push_back(&m_entry);
    }
    return true;
  }

  bool close() {
    if (!m_stack.empty()) {
      m_stack.pop_back();
      if (m_stack.empty()) return deliver(std::move(m_entry));
      return true;
    }
    if (m_skip > 0)
      --m_skip;
    else if (!m_outer.empty())
      m_outer.pop_back();
    return true;
  }

  bool not_an_array() {
    m_failure = bad("log.entries is not an array");
    return false;
  }

  // Converts one complete entry and passes it on.
  bool deliver(Json entry) {
    m_entry = Json();
    ++m_index;
    Result<Record> record = to_record(entry, m_index);
    entry = Json(); // freed before the handler runs
    Result<bool> go = m_on_entry(std::move(record), m_index);
    if (!go) {
      m_failure = go.error();
      return false;
    }
    if (!*go) {
      m_stopped = true;
      return false;
    }
    return true;
  }

  const HarEntryHandler& m_on_entry;
  std::vector<Where> m_outer; // at most three deep
  std::string m_outer_key;    // the last key seen in the root or log object
  size_t m_skip = 0;          // depth inside a skipped value
  Json m_entry;               // the entry being built
  std::vector<Json*> m_stack; // its open containers; empty outside an entry
  std::string m_key;          // the last key seen inside the entry
  size_t m_index = 0;         // entries delivered so far
  bool m_saw_entries = false;
  bool m_stopped = false;
  std::optional<Error> m_failure;
};

// ---- writing -------------------------------------------------------------------------------------

// The reason phrase of `status` for response.statusText ("" for codes not listed).
std::string_view reason_phrase(int status) {
  static constexpr std::array<std::pair<int, std::string_view>, 27> k_reasons{{
      {100, "Continue"},
      {200, "OK"},
      {201, "Created"},
      {202, "Accepted"},
      {204, "No Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {303, "See Other"},
      {304, "Not Modified"},
      {307, "Temporary Redirect"},
      {308, "Permanent Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {409, "Conflict"},
      {410, "Gone"},
      {413, "Content Too Large"},
      {415, "Unsupported Media Type"},
      {422, "Unprocessable Content"},
      {429, "Too Many Requests"},
      {500, "Internal Server Error"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
  }};
  for (const auto& [code, text] : k_reasons)
    if (code == status) return text;
  return "";
}

// Whether `host` can stand between "://" and the path of a URL as is.
bool is_plain_host(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\') return false;
  }
  return true;
}

// The host for request.url: the Host header, else HTTP/2's ":authority", else "localhost".
std::string url_host(const util::Headers& headers) {
  for (const char* name : {"Host", ":authority"})
    if (auto value = headers.get(name); value && is_plain_host(*value)) return std::string(*value);
  return "localhost";
}

// `headers` as HAR [{name, value}, ...]; when one is not UTF-8, also as base64 pairs in
// `extra[extra_key]`.
OrderedJson har_headers(const util::Headers& headers, OrderedJson& extra, const char* extra_key) {
  OrderedJson out = OrderedJson::array();
  bool utf8 = true;
  for (const auto& [name, value] : headers.fields()) {
    out.push_back({{"name", name}, {"value", value}});
    utf8 = utf8 && is_utf8(name) && is_utf8(value);
  }
  if (!utf8) {
    OrderedJson pairs = OrderedJson::array();
    for (const auto& [name, value] : headers.fields())
      pairs.push_back(OrderedJson::array({util::base64_encode(name), util::base64_encode(value)}));
    extra[extra_key] = std::move(pairs);
  }
  return out;
}

// HAR queryString: the `query`'s name=value pairs, percent-decoded where they decode.
OrderedJson query_string(std::string_view query) {
  OrderedJson out = OrderedJson::array();
  if (query.empty()) return out;
  for (std::string_view pair : util::split(query, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    out.push_back({{"name", util::form_decode(name).value_or(std::string(name))},
                   {"value", util::form_decode(value).value_or(std::string(value))}});
  }
  return out;
}

// The text and encoding members of a body: UTF-8 as is, anything else base64.
void put_text(OrderedJson& j, const std::string& body) {
  if (is_utf8(body)) {
    j["text"] = body;
  } else {
    j["text"] = util::base64_encode(body);
    j["encoding"] = "base64";
  }
}

// The HAR entry for `record`.
OrderedJson to_entry(const Record& record, const HarWriteOptions& options) {
  OrderedJson extra;
  extra["seq"] = record.seq;
  extra["id"] = record.id;
  extra["remote"] = record.remote;
  extra["response"] = record.response.has_value();

  auto redact = [&](util::Headers headers) {
    if (!options.include_sensitive) headers.mask(is_sensitive_header, k_redacted);
    return headers;
  };
  const util::Headers headers = redact(record.headers);

  std::string started = record.received_at;
  if (auto normal = normalize_time(record.received_at); !normal || *normal != record.received_at) {
    extra["received_at"] = record.received_at;
    started = normal.value_or(std::string(k_epoch));
  }
  // HAR's time is the total elapsed time, never negative; a NaN or infinity is written as 0 as
  // capture::to_line does.
  double latency = 0;
  if (record.response && std::isfinite(record.response->latency_ms)) {
    if (record.response->latency_ms >= 0)
      latency = record.response->latency_ms;
    else
      extra["latency_ms"] = record.response->latency_ms;
  }

  const std::string scheme = is_scheme(options.scheme) ? options.scheme : "http";
  std::string url = scheme + "://" + url_host(record.headers);
  if (!record.path.starts_with('/')) url += '/';
  url += record.path;
  if (!record.query.empty()) url += '?' + record.query;
  if (auto back = split_url(url); !back || back->path != record.path || back->query != record.query) {
    extra["path"] = record.path;
    extra["query"] = record.query;
  }

  OrderedJson request;
  request["method"] = record.method;
  request["url"] = url;
  request["httpVersion"] = "HTTP/1.1";
  request["cookies"] = OrderedJson::array();
  request["headers"] = har_headers(headers, extra, "headers");
  request["queryString"] = query_string(record.query);
  if (!record.body.empty()) {
    OrderedJson post;
    post["mimeType"] = std::string(headers.get("Content-Type").value_or(""));
    put_text(post, record.body);
    request["postData"] = std::move(post);
  }
  request["headersSize"] = -1;
  request["bodySize"] = record.body.size();

  OrderedJson response;
  if (const auto& r = record.response) {
    const util::Headers response_headers = r->headers ? redact(*r->headers) : util::Headers();
    response["status"] = r->status;
    response["statusText"] = std::string(reason_phrase(r->status));
    response["httpVersion"] = "HTTP/1.1";
    response["cookies"] = OrderedJson::array();
    response["headers"] = har_headers(response_headers, extra, "response_headers");
    if (!r->headers) extra["response_headers"] = nullptr;
    OrderedJson content;
    content["size"] = r->body ? r->body->size() : 0;
    content["mimeType"] = std::string(response_headers.get("Content-Type").value_or(""));
    if (r->body) put_text(content, *r->body);
    response["content"] = std::move(content);
    response["redirectURL"] = std::string(response_headers.get("Location").value_or(""));
    response["headersSize"] = -1;
    if (r->body)
      response["bodySize"] = r->body->size();
    else
      response["bodySize"] = -1;
  } else {
    // No answer: status 0, as browsers export a request that got none.
    response = {{"status", 0},
                {"statusText", ""},
                {"httpVersion", ""},
                {"cookies", OrderedJson::array()},
                {"headers", OrderedJson::array()},
                {"content", {{"size", 0}, {"mimeType", ""}}},
                {"redirectURL", ""},
                {"headersSize", -1},
                {"bodySize", -1}};
  }

  if (const auto& v = record.verification)
    extra["verification"] = {
        {"provider", v->provider}, {"valid", v->valid}, {"reason", v->reason}, {"code", v->reason_code}};
  if (!record.event_type.empty()) extra["event_type"] = record.event_type;
  if (!record.handshake.empty()) extra["handshake"] = record.handshake;
  if (record.duplicate) extra["duplicate"] = true;
  if (!record.delivery_id.empty()) extra["delivery_id"] = record.delivery_id;
  if (!record.refused.empty()) extra["refused"] = record.refused;

  OrderedJson entry;
  entry["startedDateTime"] = started;
  entry["time"] = latency;
  entry["request"] = std::move(request);
  entry["response"] = std::move(response);
  entry["cache"] = OrderedJson::object();
  entry["timings"] = {{"send", 0}, {"wait", latency}, {"receive", 0}};
  entry["_hookctl"] = std::move(extra);
  return entry;
}

// `j` as compact JSON; bytes that are not UTF-8 (only in fields documented as lossy) become U+FFFD.
std::string dump(const OrderedJson& j) { return j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace); }

} // namespace

Result<void> read_har(std::istream& in, const HarEntryHandler& on_entry) {
  try {
    EntrySax sax(on_entry);
    const bool complete = Json::sax_parse(in, &sax);
    if (sax.failure()) return *sax.failure();
    if (sax.stopped()) return {};
    if (!complete) return bad("not valid JSON");
    if (!sax.saw_entries()) return bad("not a HAR document: no log.entries array");
    return {};
  } catch (const std::exception&) {
    return bad("unreadable HAR document");
  } catch (...) {
    return bad("unreadable HAR document");
  }
}

HarWriter::HarWriter(std::ostream& out, HarWriteOptions options) : m_out(out), m_options(std::move(options)) {
  const OrderedJson creator = {{"name", "hookctl"}, {"version", m_options.creator_version}};
  m_out << R"({"log":{"version":"1.2","creator":)" << dump(creator) << R"(,"entries":[)";
}

void HarWriter::add(const Record& record) {
  if (m_finished) return;
  m_out << (m_count == 0 ? "\n" : ",\n") << dump(to_entry(record, m_options));
  ++m_count;
}

Result<void> HarWriter::finish() {
  if (!m_finished) {
    m_out << (m_count == 0 ? "" : "\n") << "]}}\n";
    m_out.flush();
    m_finished = true;
  }
  if (!m_out) return make_error(Errc::environment, "cannot write the HAR document");
  return {};
}

bool is_sensitive_header(std::string_view name) {
  // Credentials sent as is (not signatures, which replay needs): HTTP authentication and cookies
  // (RFC 9110, RFC 6265), GitLab's webhook token (the secret itself), Asana's X-Hook-Secret
  // handshake, and the usual API-key and session-token headers.
  static constexpr std::array<std::string_view, 10> k_names{
      "Authorization", "Proxy-Authorization", "Cookie",       "Set-Cookie",           "X-Gitlab-Token",
      "X-Hook-Secret", "X-Api-Key",           "X-Auth-Token", "X-Amz-Security-Token", "Api-Key"};
  for (std::string_view sensitive : k_names)
    if (util::iequals(name, sensitive)) return true;
  return false;
}

} // namespace hookctl::capture
