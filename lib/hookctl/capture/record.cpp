#include "hookctl/capture/record.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hookctl/util/encoding.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::capture {
namespace {

using Json = nlohmann::json;
// Written with insertion order kept, so the keys come out in CLI.md order.
using OrderedJson = nlohmann::ordered_json;

// Well-formed UTF-8 exactly as Unicode 15 table 3-7 defines it (no overlongs, no surrogates, nothing
// past U+10FFFF), which is also what nlohmann's strict dump accepts. NUL and control characters are
// fine: JSON escapes them. util::is_printable_utf8 refuses NUL, so it cannot be used for bodies.
constexpr uint64_t k_ones = 0x0101010101010101ULL;
constexpr uint64_t k_highs = 0x8080808080808080ULL;

// The 8 bytes at `p` as one word (any alignment).
uint64_t word_at(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool is_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto cont = [&](size_t k, unsigned char lo = 0x80, unsigned char hi = 0xbf) {
    return k < n && at(k) >= lo && at(k) <= hi;
  };
  while (i < n) {
    if (i + 8 <= n && (word_at(s.data() + i) & k_highs) == 0) { // eight ASCII bytes
      i += 8;
      continue;
    }
    const unsigned char c = at(i);
    if (c < 0x80) {
      ++i;
    } else if (c >= 0xc2 && c <= 0xdf) {
      if (!cont(i + 1)) return false;
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      const unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
      const unsigned char hi = c == 0xed ? 0x9f : 0xbf;
      if (!cont(i + 1, lo, hi) || !cont(i + 2)) return false;
      i += 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
      const unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;
      if (!cont(i + 1, lo, hi) || !cont(i + 2) || !cont(i + 3)) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

// An Errc::input error with the one-line `message`.
Error bad(std::string message) { return make_error(Errc::input, std::move(message)); }

// Typed access to the members of one JSON object; `m_prefix` names nested objects in messages.
class Fields {
public:
  Fields(const Json& object, std::string prefix) : m_object(object), m_prefix(std::move(prefix)) {}

  // The member `key`, or nullptr when it is absent.
  const Json* find(const char* key) const {
    auto it = m_object.find(key);
    return it == m_object.end() ? nullptr : &*it;
  }

  // The member `key`, which must be present.
  Result<const Json*> need(const char* key) const {
    const Json* j = find(key);
    if (j == nullptr) return bad(fmt::format("missing field \"{}{}\"", m_prefix, key));
    return j;
  }

  // The error for a member `key` that is not `what`.
  Error mistyped(const char* key, const char* what) const {
    return bad(fmt::format("field \"{}{}\" must be {}", m_prefix, key, what));
  }

  // The string member `key`, which must be present.
  Result<std::string> string(const char* key) const {
    HOOKCTL_TRY_ASSIGN(const Json* j, need(key));
    return as_string(key, *j);
  }

  // An optional string member: "" when absent.
  Result<std::string> optional_string(const char* key) const {
    const Json* j = find(key);
    if (j == nullptr) return std::string();
    return as_string(key, *j);
  }

  // The boolean member `key`, which must be present.
  Result<bool> boolean(const char* key) const {
    HOOKCTL_TRY_ASSIGN(const Json* j, need(key));
    if (!j->is_boolean()) return mistyped(key, "true or false");
    return j->get<bool>();
  }

private:
  // `j`, the member `key`, as a string.
  Result<std::string> as_string(const char* key, const Json& j) const {
    if (!j.is_string()) return mistyped(key, "a string");
    return j.get<std::string>();
  }

  const Json& m_object;
  std::string m_prefix;
};

// The "verification" member: null or {provider, valid, reason, code}.
Result<std::optional<Verification>> parse_verification(const Json& j) {
  if (j.is_null()) return std::optional<Verification>();
  if (!j.is_object()) return bad("field \"verification\" must be null or an object");
  Fields f(j, "verification.");
  Verification v;
  HOOKCTL_TRY_ASSIGN(v.provider, f.string("provider"));
  HOOKCTL_TRY_ASSIGN(v.valid, f.boolean("valid"));
  HOOKCTL_TRY_ASSIGN(v.reason, f.string("reason"));
  HOOKCTL_TRY_ASSIGN(v.reason_code, f.optional_string("code"));
  return std::optional<Verification>(std::move(v));
}

// The "response" member: null or {status, latency_ms}.
// The "headers" member, [[name, value], ...], each string base64 when `base64`.
Result<util::Headers> parse_headers(const Json& j, bool base64) {
  const char* shape = "field \"headers\" must be an array of [name, value] string pairs";
  if (!j.is_array()) return bad(shape);
  util::Headers headers;
  for (const Json& field : j) {
    if (!field.is_array() || field.size() != 2 || !field[0].is_string() || !field[1].is_string()) return bad(shape);
    std::string name = field[0].get<std::string>();
    std::string value = field[1].get<std::string>();
    if (base64) {
      auto n = util::base64_decode(name);
      auto v = util::base64_decode(value);
      if (!n || !v) return bad("field \"headers\" holds invalid base64 (\"headers_encoding\":\"base64\")");
      name = std::move(*n);
      value = std::move(*v);
    }
    headers.add(std::move(name), std::move(value));
  }
  return headers;
}

// Reads an "*_encoding" member: false for "utf8" (or absent when `required` is false), true for
// "base64".
Result<bool> parse_encoding(const Fields& f, const char* key, bool required) {
  const Json* j = f.find(key);
  if (j == nullptr) {
    if (required) return bad(fmt::format("missing field \"{}\"", key));
    return false;
  }
  if (j->is_string() && j->get_ref<const std::string&>() == "utf8") return false;
  if (j->is_string() && j->get_ref<const std::string&>() == "base64") return true;
  return f.mistyped(key, "\"utf8\" or \"base64\"");
}

Result<std::optional<RecordedResponse>> parse_response(const Json& j) {
  if (j.is_null()) return std::optional<RecordedResponse>();
  if (!j.is_object()) return bad("field \"response\" must be null or an object");
  Fields f(j, "response.");
  RecordedResponse r;
  HOOKCTL_TRY_ASSIGN(const Json* status, f.need("status"));
  if (!status->is_number_integer()) return f.mistyped("status", "an integer");
  if (status->is_number_unsigned() ? status->get<uint64_t>() > uint64_t{std::numeric_limits<int>::max()}
                                   : status->get<int64_t>() < std::numeric_limits<int>::min())
    return bad("field \"response.status\" is out of range");
  r.status = status->get<int>();
  HOOKCTL_TRY_ASSIGN(const Json* latency, f.need("latency_ms"));
  // nlohmann refuses 1e400 while parsing; this also keeps out anything it would write as null.
  if (!latency->is_number() || !std::isfinite(latency->get<double>()))
    return f.mistyped("latency_ms", "a finite number");
  r.latency_ms = latency->get<double>();
  if (const Json* headers = f.find("headers")) {
    HOOKCTL_TRY_ASSIGN(bool headers_base64, parse_encoding(f, "headers_encoding", false));
    HOOKCTL_TRY_ASSIGN(r.headers, parse_headers(*headers, headers_base64));
  }
  if (f.find("body") != nullptr) {
    HOOKCTL_TRY_ASSIGN(std::string body, f.string("body"));
    HOOKCTL_TRY_ASSIGN(bool body_base64, parse_encoding(f, "body_encoding", true));
    if (body_base64) {
      auto decoded = util::base64_decode(body);
      if (!decoded) return bad("field \"response.body\" is not valid base64");
      r.body = std::move(*decoded);
    } else {
      r.body = std::move(body);
    }
  }
  return std::optional<RecordedResponse>(r);
}

// A record from the parsed line `root`.
Result<Record> parse_object(const Json& root) {
  if (!root.is_object()) return bad("not a JSON object");
  Fields f(root, "");
  // The version decides how the rest reads, so it is checked before anything else.
  HOOKCTL_TRY_ASSIGN(const Json* v, f.need("v"));
  if (!v->is_number_integer()) return f.mistyped("v", "an integer");
  if (v->is_number_unsigned() ? v->get<uint64_t>() != uint64_t{k_version} : v->get<int64_t>() != k_version) {
    std::string n = v->is_number_unsigned() ? std::to_string(v->get<uint64_t>()) : std::to_string(v->get<int64_t>());
    return bad(fmt::format("unsupported capture version {} (this hookctl reads version {})", n, k_version));
  }
  Record r;
  HOOKCTL_TRY_ASSIGN(const Json* seq, f.need("seq"));
  if (!seq->is_number_unsigned()) return f.mistyped("seq", "a non-negative integer");
  r.seq = seq->get<uint64_t>();
  HOOKCTL_TRY_ASSIGN(r.id, f.string("id"));
  HOOKCTL_TRY_ASSIGN(r.received_at, f.string("received_at"));
  HOOKCTL_TRY_ASSIGN(r.remote, f.string("remote"));
  HOOKCTL_TRY_ASSIGN(r.method, f.string("method"));
  HOOKCTL_TRY_ASSIGN(r.path, f.string("path"));
  HOOKCTL_TRY_ASSIGN(r.query, f.string("query"));
  HOOKCTL_TRY_ASSIGN(const Json* headers, f.need("headers"));
  HOOKCTL_TRY_ASSIGN(bool headers_base64, parse_encoding(f, "headers_encoding", false));
  HOOKCTL_TRY_ASSIGN(r.headers, parse_headers(*headers, headers_base64));
  HOOKCTL_TRY_ASSIGN(std::string body, f.string("body"));
  HOOKCTL_TRY_ASSIGN(bool body_base64, parse_encoding(f, "body_encoding", true));
  if (body_base64) {
    auto decoded = util::base64_decode(body);
    if (!decoded) return bad("field \"body\" is not valid base64 (\"body_encoding\":\"base64\")");
    r.body = std::move(*decoded);
  } else {
    r.body = std::move(body);
  }
  HOOKCTL_TRY_ASSIGN(const Json* verification, f.need("verification"));
  HOOKCTL_TRY_ASSIGN(r.verification, parse_verification(*verification));
  HOOKCTL_TRY_ASSIGN(const Json* response, f.need("response"));
  HOOKCTL_TRY_ASSIGN(r.response, parse_response(*response));
  HOOKCTL_TRY_ASSIGN(r.event_type, f.optional_string("event_type"));
  HOOKCTL_TRY_ASSIGN(r.handshake, f.optional_string("handshake"));
  if (f.find("duplicate") != nullptr) {
    HOOKCTL_TRY_ASSIGN(r.duplicate, f.boolean("duplicate"));
  }
  HOOKCTL_TRY_ASSIGN(r.delivery_id, f.optional_string("delivery_id"));
  HOOKCTL_TRY_ASSIGN(r.refused, f.optional_string("refused"));
  return r;
}

// Writes `headers` as "headers" ([[name, value], ...]), every string base64 with
// "headers_encoding":"base64" when any is not UTF-8.
void put_headers(OrderedJson& j, const util::Headers& headers) {
  bool base64 = false;
  for (const auto& [name, value] : headers.fields())
    if (!is_utf8(name) || !is_utf8(value)) base64 = true;
  OrderedJson out = OrderedJson::array();
  for (const auto& [name, value] : headers.fields()) {
    if (base64)
      out.push_back(OrderedJson::array({util::base64_encode(name), util::base64_encode(value)}));
    else
      out.push_back(OrderedJson::array({name, value}));
  }
  j["headers"] = std::move(out);
  if (base64) j["headers_encoding"] = "base64";
}

// Writes `body` as "body" and "body_encoding" (utf8, or base64 when it is not UTF-8).
void put_body(OrderedJson& j, const std::string& body) {
  if (is_utf8(body)) {
    j["body"] = body;
    j["body_encoding"] = "utf8";
  } else {
    j["body"] = util::base64_encode(body);
    j["body_encoding"] = "base64";
  }
}

// --- the fast path: lines exactly as to_line writes them --------------------------------------------

// A cursor over one line in to_line's shape; every method returns false at the first byte that is
// not what to_line would have written, and the caller falls back to the full parser.
class OwnLine {
public:
  explicit OwnLine(std::string_view text) : m_s(text) {}

  bool done() const { return m_i == m_s.size(); }
  bool peek(std::string_view lit) const { return m_s.substr(m_i).starts_with(lit); }
  bool lit(std::string_view l) {
    if (!peek(l)) return false;
    m_i += l.size();
    return true;
  }

  // A JSON string: escapes decoded; raw bytes must be valid UTF-8 and no control character.
  bool str(std::string& out) {
    if (!lit("\"")) return false;
    out.clear();
    // The runs between escapes are found with memchr (the next quote ends the string: inside one
    // a quote is always escaped), each checked in one pass and appended whole.
    size_t quote = find(m_i, '"'), slash = find(m_i, '\\');
    for (;;) {
      const size_t end = std::min(quote, slash);
      if (end >= m_s.size()) return false;
      const std::string_view raw = m_s.substr(m_i, end - m_i);
      if (!printable_ascii(raw) && (has_control(raw) || !is_utf8(raw))) return false;
      out.append(raw);
      m_i = end;
      if (end == quote) {
        ++m_i;
        return true;
      }
      if (m_i + 1 >= m_s.size()) return false;
      const char e = m_s[m_i + 1];
      m_i += 2;
      switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        if (m_i + 4 > m_s.size()) return false;
        unsigned v = 0;
        for (size_t k = 0; k < 4; ++k) {
          const char h = m_s[m_i + k];
          v <<= 4;
          if (h >= '0' && h <= '9')
            v |= static_cast<unsigned>(h - '0');
          else if (h >= 'a' && h <= 'f')
            v |= static_cast<unsigned>(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F')
            v |= static_cast<unsigned>(h - 'A' + 10);
          else
            return false;
        }
        m_i += 4;
        if (v >= 0xd800 && v <= 0xdfff) return false; // surrogate pairs: the full parser
        if (v < 0x80) {
          out += static_cast<char>(v);
        } else if (v < 0x800) {
          out += static_cast<char>(0xc0 | (v >> 6));
          out += static_cast<char>(0x80 | (v & 0x3f));
        } else {
          out += static_cast<char>(0xe0 | (v >> 12));
          out += static_cast<char>(0x80 | ((v >> 6) & 0x3f));
          out += static_cast<char>(0x80 | (v & 0x3f));
        }
        break;
      }
      default: return false;
      }
      slash = find(m_i, '\\');
      if (quote < m_i) quote = find(m_i, '"'); // it was the escaped one
    }
  }

  // An unsigned integer without leading zeros.
  bool uint(uint64_t& out) {
    const size_t start = m_i;
    while (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9') ++m_i;
    if (m_i == start || (m_s[start] == '0' && m_i - start > 1)) return false;
    auto [end, ec] = std::from_chars(m_s.data() + start, m_s.data() + m_i, out);
    return ec == std::errc() && end == m_s.data() + m_i;
  }

  // A non-negative JSON number (integer, fraction, exponent) as a finite double.
  bool number(double& out) {
    const size_t start = m_i;
    if (m_i >= m_s.size() || m_s[m_i] < '0' || m_s[m_i] > '9') return false;
    if (m_s[m_i] == '0' && m_i + 1 < m_s.size() && m_s[m_i + 1] >= '0' && m_s[m_i + 1] <= '9') return false;
    while (m_i < m_s.size() && std::string_view("0123456789.eE+-").find(m_s[m_i]) != std::string_view::npos) ++m_i;
    auto [end, ec] = std::from_chars(m_s.data() + start, m_s.data() + m_i, out);
    if (ec != std::errc() || end != m_s.data() + m_i || !std::isfinite(out)) return false;
    // JSON wants a digit on each side of the point and after the exponent mark.
    for (size_t k = start; k < m_i; ++k) {
      const char c = m_s[k];
      if ((c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') &&
          (k + 1 >= m_i || (c == '.' && (m_s[k + 1] < '0' || m_s[k + 1] > '9'))))
        return false;
    }
    return true;
  }

  // [["name","value"],...], rewriting the fields `out` already has before adding more.
  bool headers(util::Headers& out) {
    if (!lit("[")) return false;
    auto& fields = out.mutable_fields();
    size_t n = 0;
    if (!lit("]")) {
      do {
        if (n == fields.size()) {
          if (fields.capacity() == 0) fields.reserve(16); // webhook deliveries carry about 8 to 16
          fields.emplace_back();
        }
        auto& [name, value] = fields[n++];
        if (!lit("[") || !str(name) || !lit(",") || !str(value) || !lit("]")) return false;
      } while (lit(","));
      if (!lit("]")) return false;
    }
    fields.resize(n);
    return true;
  }

  // "body":"...","body_encoding":"utf8"|"base64", base64 decoded.
  bool body(std::string& out) {
    if (!lit("\"body\":") || !str(out) || !lit(",\"body_encoding\":")) return false;
    if (lit("\"utf8\"")) return true;
    if (!lit("\"base64\"")) return false;
    auto decoded = util::base64_decode(out);
    if (!decoded) return false;
    out = std::move(*decoded);
    return true;
  }

private:
  // The offset of the first `c` at or after `from`, or the line's size.
  size_t find(size_t from, char c) const {
    const void* at = from < m_s.size() ? std::memchr(m_s.data() + from, c, m_s.size() - from) : nullptr;
    return at != nullptr ? static_cast<size_t>(static_cast<const char*>(at) - m_s.data()) : m_s.size();
  }
  // Whether every byte is 0x20-0x7f: eight at a time (a byte below 0x20 borrows into its high bit,
  // one at or above 0x80 has it set; a borrow can only mark bytes above a real hit).
  static bool printable_ascii(std::string_view s) {
    size_t i = 0;
    uint64_t bad = 0;
    for (; i + 8 <= s.size(); i += 8) {
      const uint64_t v = word_at(s.data() + i);
      bad |= (v - k_ones * 0x20) | v;
    }
    if ((bad & k_highs) != 0) return false;
    for (; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x20 || c >= 0x80) return false;
    }
    return true;
  }
  static bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  }

  std::string_view m_s;
  size_t m_i = 0;
};

} // namespace

bool parse_own_line_into(std::string_view line, Record& r) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  OwnLine p(line);
  if (!p.lit("{\"v\":1,\"seq\":") || !p.uint(r.seq)) return false;
  if (!p.lit(",\"id\":") || !p.str(r.id) || !p.lit(",\"received_at\":") || !p.str(r.received_at) ||
      !p.lit(",\"remote\":") || !p.str(r.remote) || !p.lit(",\"method\":") || !p.str(r.method) ||
      !p.lit(",\"path\":") || !p.str(r.path) || !p.lit(",\"query\":") || !p.str(r.query) || !p.lit(",\"headers\":") ||
      !p.headers(r.headers))
    return false;
  if (!p.lit(",") || !p.body(r.body)) return false; // headers_encoding (base64 headers): the full parser
  if (p.lit(",\"verification\":null")) {
    r.verification.reset();
  } else if (p.lit(",\"verification\":{\"provider\":")) {
    Verification& v = r.verification ? *r.verification : r.verification.emplace();
    if (!p.str(v.provider) || !p.lit(",\"valid\":")) return false;
    if (p.lit("true"))
      v.valid = true;
    else if (p.lit("false"))
      v.valid = false;
    else
      return false;
    if (!p.lit(",\"reason\":") || !p.str(v.reason) || !p.lit(",\"code\":") || !p.str(v.reason_code) || !p.lit("}"))
      return false;
  } else {
    return false;
  }
  if (p.lit(",\"response\":null")) {
    r.response.reset();
  } else if (p.lit(",\"response\":{\"status\":")) {
    RecordedResponse& rr = r.response ? *r.response : r.response.emplace();
    uint64_t status = 0;
    if (!p.uint(status) || status > static_cast<uint64_t>(std::numeric_limits<int>::max())) return false;
    rr.status = static_cast<int>(status);
    if (!p.lit(",\"latency_ms\":") || !p.number(rr.latency_ms)) return false;
    if (p.lit(",\"headers\":")) {
      if (!p.headers(rr.headers ? *rr.headers : rr.headers.emplace())) return false;
    } else {
      rr.headers.reset();
    }
    if (p.peek(",\"body\":")) {
      if (!p.lit(",") || !p.body(rr.body ? *rr.body : rr.body.emplace())) return false;
    } else {
      rr.body.reset();
    }
    if (!p.lit("}")) return false;
  } else {
    return false;
  }
  // The optional keys: absent means empty.
  r.event_type.clear();
  r.handshake.clear();
  r.duplicate = false;
  r.delivery_id.clear();
  r.refused.clear();
  if (p.lit(",\"event_type\":") && !p.str(r.event_type)) return false;
  if (p.lit(",\"handshake\":") && !p.str(r.handshake)) return false;
  if (p.lit(",\"duplicate\":true")) r.duplicate = true;
  if (p.lit(",\"delivery_id\":") && !p.str(r.delivery_id)) return false;
  if (p.lit(",\"refused\":") && !p.str(r.refused)) return false;
  return p.lit("}") && p.done();
}

std::optional<Record> parse_own_line(std::string_view line) {
  Record r;
  if (!parse_own_line_into(line, r)) return std::nullopt;
  return r;
}

Result<void> parse_line_into(std::string_view line, Record& record) {
  if (parse_own_line_into(line, record)) return {};
  HOOKCTL_TRY_ASSIGN(record, parse_line_json(line));
  return {};
}

namespace {

// Crockford's base32 digits (no I, L, O, U), as ULIDs use them.
constexpr std::string_view k_crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

} // namespace

bool operator==(const RecordedResponse& a, const RecordedResponse& b) {
  const bool same_headers =
      a.headers.has_value() == b.headers.has_value() && (!a.headers || a.headers->fields() == b.headers->fields());
  return a.status == b.status && a.latency_ms == b.latency_ms && same_headers && a.body == b.body;
}

bool operator==(const Record& a, const Record& b) {
  return a.seq == b.seq && a.id == b.id && a.received_at == b.received_at && a.remote == b.remote &&
         a.method == b.method && a.path == b.path && a.query == b.query && a.headers.fields() == b.headers.fields() &&
         a.body == b.body && a.verification == b.verification && a.response == b.response &&
         a.event_type == b.event_type && a.handshake == b.handshake && a.duplicate == b.duplicate &&
         a.delivery_id == b.delivery_id && a.refused == b.refused;
}

std::string to_line(const Record& record) {
  OrderedJson j;
  j["v"] = k_version;
  j["seq"] = record.seq;
  j["id"] = record.id;
  j["received_at"] = record.received_at;
  j["remote"] = record.remote;
  j["method"] = record.method;
  j["path"] = record.path;
  j["query"] = record.query;
  put_headers(j, record.headers);
  put_body(j, record.body);
  if (const auto& v = record.verification) {
    j["verification"] = {
        {"provider", v->provider}, {"valid", v->valid}, {"reason", v->reason}, {"code", v->reason_code}};
  } else {
    j["verification"] = nullptr;
  }
  if (const auto& r = record.response) {
    // nlohmann writes NaN and infinities as null, which parse_line refuses.
    OrderedJson response = {{"status", r->status}, {"latency_ms", std::isfinite(r->latency_ms) ? r->latency_ms : 0.0}};
    if (r->headers) put_headers(response, *r->headers);
    if (r->body) put_body(response, *r->body);
    j["response"] = std::move(response);
  } else {
    j["response"] = nullptr;
  }
  if (!record.event_type.empty()) j["event_type"] = record.event_type;
  if (!record.handshake.empty()) j["handshake"] = record.handshake;
  if (record.duplicate) j["duplicate"] = true;
  if (!record.delivery_id.empty()) j["delivery_id"] = record.delivery_id;
  if (!record.refused.empty()) j["refused"] = record.refused;
  // Body and headers are valid UTF-8 by now; `replace` only touches the other text fields, which the
  // strict default would turn into an exception.
  std::string line = j.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
  line.push_back('\n');
  return line;
}

Result<Record> parse_line(std::string_view line) {
  // Lines hookctl wrote itself take a direct scan (several times faster than a JSON document);
  // anything else, including every malformed line, goes through the full parser and its messages.
  if (auto own = parse_own_line(line)) return std::move(*own);
  return parse_line_json(line);
}

Result<Record> parse_line_json(std::string_view line) {
  try {
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    Json root;
    try {
      root = Json::parse(line.begin(), line.end());
    } catch (const Json::parse_error& e) {
      // e.what() quotes the input, which may hold header values: only the position is reported.
      return bad(fmt::format("not valid JSON (at byte {})", e.byte));
    } catch (const Json::out_of_range&) {
      return bad("not valid JSON (a number is out of range)");
    }
    return parse_object(root);
  } catch (const std::exception&) {
    return bad("malformed capture line");
  } catch (...) {
    return bad("malformed capture line");
  }
}

std::string make_record_id(int64_t unix_ms, std::string_view random10) {
  std::string id(26, '0');
  uint64_t t = unix_ms < 0 ? 0 : static_cast<uint64_t>(unix_ms) & ((uint64_t{1} << 48) - 1);
  for (size_t i = 10; i-- > 0; t >>= 5) id[i] = k_crockford[t & 31];
  std::array<unsigned char, 10> r{};
  for (size_t i = 0; i < r.size() && i < random10.size(); ++i) r[i] = static_cast<unsigned char>(random10[i]);
  // The 80 random bits, most significant first, five at a time.
  for (size_t k = 0; k < 16; ++k) {
    unsigned v = 0;
    for (size_t b = k * 5; b < k * 5 + 5; ++b) v = (v << 1) | ((r[b / 8] >> (7 - b % 8)) & 1u);
    id[10 + k] = k_crockford[v];
  }
  return id;
}

std::string format_received_at(int64_t unix_us) {
  constexpr int64_t k_us_per_day = int64_t{86'400} * 1'000'000;
  int64_t days = unix_us / k_us_per_day;
  int64_t rest = unix_us % k_us_per_day;
  if (rest < 0) {
    rest += k_us_per_day;
    --days;
  }
  const util::Civil date = util::civil_from_days(days);
  const int64_t secs = rest / 1'000'000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", date.year, date.month, date.day, secs / 3600,
                     secs / 60 % 60, secs % 60, rest % 1'000'000);
}

} // namespace hookctl::capture
