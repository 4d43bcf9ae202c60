#include "hookctl/http/wire.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "hookctl/util/strings.hpp"

namespace hookctl::http {
namespace {

constexpr size_t k_max_head = 64 * 1024;
constexpr size_t k_max_chunk_line = 1024;

// Whether `text` is an RFC 9110 token (method and header-name characters).
bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

// The decode error of a response body in the words the client reports.
std::string response_body_error(const BodyDecoder& body) {
  const std::string& e = body.error();
  if (e.starts_with("the body")) return "the response " + e.substr(4);
  return e;
}

bool has_token(std::string_view list, std::string_view token) {
  for (auto part : util::split(list, ','))
    if (util::iequals(util::trim(part), token)) return true;
  return false;
}

// Whether any field named `name` lists `token` (a list may be split over several field lines).
bool any_has_token(const util::Headers& headers, std::string_view name, std::string_view token) {
  for (const auto& [n, value] : headers.fields())
    if (util::iequals(n, name) && has_token(value, token)) return true;
  return false;
}

// Whether `value` has no control character but HTAB: RFC 9110, 5.5 makes CR, LF and NUL a MUST
// reject (a bare LF ends the field for some recipients: smuggling); Go and llhttp refuse all CTLs.
bool is_clean_field_value(std::string_view value) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

} // namespace

util::Headers end_to_end(const util::Headers& headers) {
  std::vector<std::string_view> listed; // the names Connection headers list, for this message only
  for (const auto& [name, value] : headers.fields()) {
    if (!util::iequals(name, "Connection")) continue;
    for (auto token : util::split(value, ',')) listed.push_back(util::trim(token));
  }
  util::Headers out;
  out.reserve(headers.size());
  for (const auto& [name, value] : headers.fields()) {
    bool drop = name.starts_with(':');
    for (std::string_view h :
         {"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
          "Transfer-Encoding", "Upgrade", "Content-Length", "Host"})
      drop = drop || util::iequals(name, h);
    for (auto l : listed) drop = drop || util::iequals(name, l);
    if (!drop) out.add(name, value);
  }
  return out;
}

std::string serialize_request(const Request& request, const Url& url, std::string_view user_agent) {
  std::string out;
  out.reserve(256 + request.body.size());
  out += request.method;
  out += ' ';
  out += url.target;
  out += " HTTP/1.1\r\n";
  bool host = false, length = false, agent = false;
  for (const auto& [name, value] : request.headers.fields()) {
    host = host || util::iequals(name, "Host");
    length = length || util::iequals(name, "Content-Length") || util::iequals(name, "Transfer-Encoding");
    agent = agent || util::iequals(name, "User-Agent");
  }
  if (!host) {
    bool v6 = url.host.find(':') != std::string::npos;
    bool default_port = url.port == (url.scheme == "https" ? 443 : 80);
    out += fmt::format("Host: {}{}{}{}\r\n", v6 ? "[" : "", url.host, v6 ? "]" : "",
                       default_port ? "" : fmt::format(":{}", url.port));
  }
  if (!agent && request.add_user_agent) out += fmt::format("User-Agent: {}\r\n", user_agent);
  for (const auto& [name, value] : request.headers.fields()) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  // Every method says its length, so that a body-less POST is not left waiting for one.
  if (!length && (!request.body.empty() || (request.method != "GET" && request.method != "HEAD")))
    out += fmt::format("Content-Length: {}\r\n", request.body.size());
  out += "\r\n";
  out += request.body;
  return out;
}

// ---- BodyDecoder ----------------------------------------------------------------------------

void BodyDecoder::start(Mode mode, size_t length, size_t max_body, size_t keep) {
  m_max = max_body;
  m_keep = keep;
  m_total = 0;
  m_error.clear();
  m_over_limit = false;
  m_state = State::incomplete;
  m_remaining = length;
  switch (mode) {
  case Mode::none: m_phase = Phase::done; break;
  case Mode::length: m_phase = length == 0 ? Phase::done : Phase::length; break;
  case Mode::chunked: m_phase = Phase::chunk_size; break;
  case Mode::until_close: m_phase = Phase::until_close; break;
  }
  if (mode == Mode::length && length > max_body)
    fail(fmt::format("the body ({} bytes) is over the {} byte limit", length, max_body), true);
  else if (m_phase == Phase::done)
    m_state = State::complete;
}

BodyDecoder::State BodyDecoder::fail(std::string why, bool limit) {
  m_error = std::move(why);
  m_over_limit = limit;
  m_state = State::error;
  return m_state;
}

BodyDecoder::State BodyDecoder::finish() {
  if (m_state != State::incomplete) return m_state;
  if (m_phase == Phase::until_close) {
    m_phase = Phase::done;
    m_state = State::complete;
    return m_state;
  }
  return fail("the connection closed before the end of the body");
}

void BodyDecoder::put(std::string& body, std::string_view piece) {
  m_total += piece.size();
  if (body.size() < m_keep) body.append(piece.substr(0, m_keep - body.size()));
}

BodyDecoder::State BodyDecoder::consume(std::string& buf, std::string& body) {
  // Decodes from an offset and erases what was used once at the end: erasing after each chunk
  // moved the rest of the buffer every time, quadratic in a read full of tiny chunks.
  std::string_view in(buf);
  size_t pos = 0;
  auto run = [&]() -> State {
    while (m_state == State::incomplete) {
      const std::string_view rest = in.substr(pos);
      switch (m_phase) {
      case Phase::length: {
        size_t take = std::min(m_remaining, rest.size());
        put(body, rest.substr(0, take));
        pos += take;
        m_remaining -= take;
        if (m_remaining != 0) return m_state;
        m_phase = Phase::done;
        break;
      }
      case Phase::until_close:
        if (m_total + rest.size() > m_max) return fail(fmt::format("the body is over the {} byte limit", m_max), true);
        put(body, rest);
        pos = in.size();
        return m_state;
      case Phase::chunk_size: {
        // The line is refused over 1 KiB whether its CRLF is in yet or not (a last '\r' may start
        // it), so that the answer does not depend on how the bytes were split.
        size_t eol = rest.find("\r\n");
        if (eol == std::string_view::npos) {
          if (rest.size() > k_max_chunk_line + 1) return fail("malformed chunk size");
          return m_state;
        }
        if (eol > k_max_chunk_line) return fail("malformed chunk size");
        std::string_view line = rest.substr(0, eol);
        line = util::trim(line.substr(0, line.find(';'))); // chunk extensions
        unsigned long long n = 0;
        auto [p, e] = std::from_chars(line.data(), line.data() + line.size(), n, 16);
        if (line.empty() || e != std::errc() || p != line.data() + line.size()) return fail("malformed chunk size");
        if (n > m_max || m_total + n > m_max)
          return fail(fmt::format("the body is over the {} byte limit", m_max), true);
        pos += eol + 2;
        m_remaining = static_cast<size_t>(n);
        m_phase = n == 0 ? Phase::trailers : Phase::chunk_data;
        break;
      }
      case Phase::chunk_data: {
        size_t take = std::min(m_remaining, rest.size());
        put(body, rest.substr(0, take));
        pos += take;
        m_remaining -= take;
        if (m_remaining != 0) return m_state;
        m_phase = Phase::chunk_crlf;
        break;
      }
      case Phase::chunk_crlf:
        if (rest.size() < 2) return m_state;
        if (!rest.starts_with("\r\n")) return fail("malformed chunk: no CRLF after the data");
        pos += 2;
        m_phase = Phase::chunk_size;
        break;
      case Phase::trailers: {
        // m_remaining counts the trailer bytes consumed (it is 0 after the last chunk). A partial
        // line of 2+ bytes is not the empty last one, so it will count at least its size + 1.
        size_t eol = rest.find("\r\n");
        if (eol == std::string_view::npos) {
          if (rest.size() >= 2 && m_remaining + rest.size() + 1 > k_max_head)
            return fail("the trailers are larger than 64 KiB");
          return m_state;
        }
        pos += eol + 2;
        if (eol == 0) {
          m_phase = Phase::done; // the empty line ends the trailers
          break;
        }
        m_remaining += eol + 2;
        if (m_remaining > k_max_head) return fail("the trailers are larger than 64 KiB");
        break;
      }
      case Phase::done: break;
      }
      if (m_phase == Phase::done) m_state = State::complete;
    }
    return m_state;
  };
  const State s = run();
  buf.erase(0, pos);
  return s;
}

namespace {

// Splits header lines (without the final empty line) into `headers`; false on a malformed line.
bool parse_header_lines(std::string_view rest, util::Headers& headers, size_t max_lines, bool strict_names) {
  size_t lines = 0;
  while (!rest.empty()) {
    size_t eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
    if (++lines > max_lines) return false;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string_view name = line.substr(0, colon);
    if (strict_names && !is_token(name)) return false; // also refuses obsolete line folding
    headers.add(std::string(name), std::string(util::trim(line.substr(colon + 1))));
  }
  return true;
}

// How a message with these headers frames its body: the mode and, for Mode::length, the length;
// an error text for conflicting or malformed framing.
struct Framing {
  BodyDecoder::Mode mode = BodyDecoder::Mode::none;
  size_t length = 0;
  std::string error;
  bool unsupported = false; // a transfer coding other than chunked
};

Framing framing_of(const util::Headers& headers, bool until_close_default) {
  Framing f;
  size_t te_count = headers.count("Transfer-Encoding");
  size_t cl_count = headers.count("Content-Length");
  if (te_count > 0) {
    if (cl_count > 0) {
      f.error = "both Transfer-Encoding and Content-Length";
      return f;
    }
    // The last coding must be chunked, and chunked is the only one supported.
    for (const auto& [name, value] : headers.fields()) {
      if (!util::iequals(name, "Transfer-Encoding")) continue;
      for (auto part : util::split(value, ',')) {
        if (!util::iequals(util::trim(part), "chunked")) {
          f.error = fmt::format("unsupported Transfer-Encoding '{}'", util::trim(part));
          f.unsupported = true;
          return f;
        }
      }
    }
    f.mode = BodyDecoder::Mode::chunked;
    return f;
  }
  if (cl_count > 0) {
    std::optional<unsigned long long> length;
    for (const auto& [name, value] : headers.fields()) {
      if (!util::iequals(name, "Content-Length")) continue;
      for (auto part : util::split(value, ',')) {
        part = util::trim(part);
        unsigned long long n = 0;
        auto [p, e] = std::from_chars(part.data(), part.data() + part.size(), n);
        if (part.empty() || e != std::errc() || p != part.data() + part.size()) {
          f.error = "malformed Content-Length";
          return f;
        }
        if (length && *length != n) {
          f.error = "conflicting Content-Length values";
          return f;
        }
        length = n;
      }
    }
    f.mode = BodyDecoder::Mode::length;
    f.length = static_cast<size_t>(std::min<unsigned long long>(*length, SIZE_MAX));
    return f;
  }
  f.mode = until_close_default ? BodyDecoder::Mode::until_close : BodyDecoder::Mode::none;
  return f;
}

} // namespace

// ---- RequestParser ---------------------------------------------------------------------------

RequestParser::RequestParser(Limits limits) : m_limits(limits) {}

RequestParser::State RequestParser::fail(int status, std::string why) {
  m_error_status = status;
  m_error = std::move(why);
  m_keep_alive = false;
  m_state = State::error;
  return m_state;
}

RequestParser::State RequestParser::reset(std::string leftover) {
  m_buf.clear();
  m_request = ParsedRequest{};
  m_state = State::incomplete;
  m_head_done = false;
  m_expect_continue = false;
  m_keep_alive = true;
  m_started = false;
  m_lf_scanned = 0;
  m_error_status = 0;
  m_error.clear();
  return feed(leftover);
}

RequestParser::State RequestParser::feed(std::string_view data) {
  if (m_state != State::incomplete) return m_state;
  if (!data.empty()) m_started = true;
  m_buf.append(data);
  return run();
}

RequestParser::State RequestParser::run() {
  if (!m_head_done) {
    State s = parse_head();
    if (s != State::incomplete || !m_head_done) return s;
  }
  switch (m_body.consume(m_buf, m_request.body)) {
  case BodyDecoder::State::incomplete: return m_state;
  case BodyDecoder::State::complete: m_state = State::complete; return m_state;
  case BodyDecoder::State::error: return fail(m_body.over_limit() ? 413 : 400, m_body.error());
  }
  return m_state;
}

RequestParser::State RequestParser::finish() {
  if (m_state != State::incomplete) return m_state;
  return fail(400, m_started ? "the connection closed in the middle of a request" : "the connection closed");
}

RequestParser::State RequestParser::parse_head() {
  // Empty lines before a request line are ignored (RFC 9112, 2.2).
  size_t skip = 0;
  while (skip + 1 < m_buf.size() && m_buf.compare(skip, 2, "\r\n") == 0) skip += 2;
  if (skip > 0) m_buf.erase(0, skip);
  size_t end = m_buf.find("\r\n\r\n");
  // A line ended by a bare LF would otherwise wait for a CRLFCRLF that never comes (RFC 9112, 2.2
  // lets a server refuse it): refuse it at once.
  // Only the bytes a head within the limit could hold: beyond them the answer is 431 whatever
  // follows, and it must not depend on how the bytes were split into reads.
  const size_t scanned = std::min(end == std::string::npos ? m_buf.size() : end, m_limits.max_head + 3);
  if (skip > 0) m_lf_scanned = 0;
  for (size_t i = m_buf.find('\n', m_lf_scanned); i < scanned; i = m_buf.find('\n', i + 1)) {
    if (i == 0 || m_buf[i - 1] != '\r') return fail(400, "a line of the request head ends in a bare LF, not CRLF");
  }
  m_lf_scanned = scanned; // bytes already checked are not scanned again on the next feed
  if (end == std::string::npos) {
    // The CRLFCRLF may start in the last 3 bytes: a head within the limit can have up to
    // max_head + 3 bytes before its end is found (the same answer for any split of the bytes).
    if (m_buf.size() > m_limits.max_head + 3)
      return fail(431, fmt::format("the request head is larger than {} bytes", m_limits.max_head));
    return State::incomplete;
  }
  if (end > m_limits.max_head)
    return fail(431, fmt::format("the request head is larger than {} bytes", m_limits.max_head));
  std::string_view head(m_buf.data(), end);
  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  // METHOD SP request-target SP HTTP-version
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return fail(400, "malformed request line");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return fail(400, "malformed request method");
  if (target.empty()) return fail(400, "empty request target");
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return fail(400, "control character in the request target");
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112, 2.3); anything else is not a version.
    if (version.size() == 8 && version.starts_with("HTTP/") && std::isdigit(static_cast<unsigned char>(version[5])) &&
        version[6] == '.' && std::isdigit(static_cast<unsigned char>(version[7])))
      return fail(505, "unsupported HTTP version");
    return fail(400, "malformed HTTP version");
  }
  m_request.method = std::string(method);
  m_request.target = std::string(target);
  m_request.version = std::string(version);
  std::string_view rest = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
  if (!parse_header_lines(rest, m_request.headers, m_limits.max_headers, true)) {
    if (m_request.headers.size() >= m_limits.max_headers) return fail(431, "too many header lines");
    return fail(400, "malformed header line");
  }
  for (const auto& [name, value] : m_request.headers.fields())
    if (!is_clean_field_value(value)) return fail(400, fmt::format("control character in the {} header", name));
  m_buf.erase(0, end + 4);
  m_head_done = true;
  // `version` viewed m_buf, whose bytes the erase just moved: read the copy from here on.
  const std::string& http_version = m_request.version;
  const auto& h = m_request.headers;
  // RFC 9112, 3.2: 400 for an HTTP/1.1 request without Host, and for any with more than one.
  if (h.count("Host") > 1) return fail(400, "more than one Host header");
  if (http_version == "HTTP/1.1" && h.count("Host") != 1)
    return fail(400, "an HTTP/1.1 request needs exactly one Host header");
  m_keep_alive = http_version == "HTTP/1.0" ? any_has_token(h, "Connection", "keep-alive")
                                            : !any_has_token(h, "Connection", "close");
  Framing f = framing_of(h, false);
  if (!f.error.empty()) return fail(f.unsupported ? 501 : 400, f.error);
  // RFC 9112, 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing; close after it.
  if (f.mode == BodyDecoder::Mode::chunked && http_version == "HTTP/1.0") m_keep_alive = false;
  auto expect = h.get("Expect");
  m_expect_continue = http_version == "HTTP/1.1" && expect && util::iequals(util::trim(*expect), "100-continue");
  m_body.start(f.mode, f.length, m_limits.max_body);
  if (m_body.over_limit()) return fail(413, m_body.error());
  return State::incomplete;
}

// ---- ResponseParser --------------------------------------------------------------------------

ResponseParser::ResponseParser(std::string_view method, size_t max_body, size_t keep_body)
    : m_method(method), m_max_body(max_body), m_keep_body(keep_body) {}

ResponseParser::State ResponseParser::fail(std::string why) {
  m_error = std::move(why);
  m_keep_alive = false;
  m_state = State::error;
  return m_state;
}

ResponseParser::State ResponseParser::feed(std::string_view data) {
  if (m_state != State::incomplete) return m_state;
  if (!data.empty()) m_started = true;
  m_buf.append(data);
  while (!m_head_done) {
    size_t before = m_buf.size();
    State s = parse_head();
    if (s != State::incomplete) return s;
    if (!m_head_done && m_buf.size() == before) return m_state; // needs more bytes
  }
  switch (m_body.consume(m_buf, m_response.body)) {
  case BodyDecoder::State::incomplete: return m_state;
  case BodyDecoder::State::complete: m_state = State::complete; return m_state;
  case BodyDecoder::State::error: return fail(response_body_error(m_body));
  }
  return m_state;
}

ResponseParser::State ResponseParser::finish() {
  if (m_state != State::incomplete) return m_state;
  if (m_head_done && m_body.finish() == BodyDecoder::State::complete) {
    m_keep_alive = false;
    m_state = State::complete;
    return m_state;
  }
  return fail(m_started ? "the connection closed before a complete response"
                        : "the connection closed with no response");
}

ResponseParser::State ResponseParser::parse_head() {
  size_t end = m_buf.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (m_buf.size() > k_max_head) return fail("the response head is larger than 64 KiB");
    return State::incomplete;
  }
  std::string_view head(m_buf.data(), end);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  // HTTP/1.x NNN reason
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.") || status_line[8] != ' ')
    return fail("not an HTTP/1.x response");
  bool http10 = status_line[7] == '0';
  int status = 0;
  auto [ptr, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
  if (ec != std::errc() || ptr != status_line.data() + 12 || status < 100 || status > 999)
    return fail("malformed status line");
  Response res;
  res.status = status;
  std::string_view rest = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
  if (!parse_header_lines(rest, res.headers, SIZE_MAX, false)) return fail("malformed header line");
  m_buf.erase(0, end + 4);
  if (status < 200) return State::incomplete; // 100 Continue and other interim responses: the real one follows
  auto connection = res.headers.get("Connection");
  m_keep_alive =
      http10 ? (connection && has_token(*connection, "keep-alive")) : !(connection && has_token(*connection, "close"));
  bool no_body = m_method == "HEAD" || status == 204 || status == 304;
  Framing f = no_body ? Framing{} : framing_of(res.headers, true);
  if (!f.error.empty() && !f.unsupported) return fail(f.error);
  if (f.unsupported) f.mode = BodyDecoder::Mode::until_close; // read it raw until the end
  if (f.mode == BodyDecoder::Mode::until_close) m_keep_alive = false;
  m_response = std::move(res);
  m_head_done = true;
  m_body.start(f.mode, f.length, m_max_body, m_keep_body);
  if (m_body.over_limit())
    return fail(fmt::format("the response body ({} bytes) is over the {} byte limit", f.length, m_max_body));
  return State::incomplete;
}

} // namespace hookctl::http
