#include "hookctl/http/wire.hpp"

#include <charconv>

#include <fmt/format.h>

#include "hookctl/util/strings.hpp"

namespace hookctl::http {
namespace {

constexpr size_t k_max_head = 64 * 1024;

bool has_token(std::string_view list, std::string_view token) {
  for (auto part : util::split(list, ','))
    if (util::iequals(util::trim(part), token)) return true;
  return false;
}

} // namespace

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
  if (!agent) out += fmt::format("User-Agent: {}\r\n", user_agent);
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

ResponseParser::ResponseParser(std::string_view method, size_t max_body) : m_method(method), m_max_body(max_body) {}

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
  while (m_state == State::incomplete) {
    size_t before = m_buf.size();
    Phase phase = m_phase;
    State s = m_phase == Phase::head ? parse_head() : parse_body();
    if (s != State::incomplete) return s;
    if (m_buf.size() == before && m_phase == phase) break; // needs more bytes
  }
  return m_state;
}

ResponseParser::State ResponseParser::finish() {
  if (m_state != State::incomplete) return m_state;
  if (m_phase == Phase::body_close) {
    m_keep_alive = false;
    m_phase = Phase::done;
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
  while (!rest.empty()) {
    size_t eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return fail("malformed header line");
    res.headers.add(std::string(line.substr(0, colon)), std::string(util::trim(line.substr(colon + 1))));
  }
  m_buf.erase(0, end + 4);
  if (status < 200) { // 100 Continue and other interim responses: the real one follows
    return State::incomplete;
  }
  auto connection = res.headers.get("Connection");
  m_keep_alive =
      http10 ? (connection && has_token(*connection, "keep-alive")) : !(connection && has_token(*connection, "close"));
  m_response = std::move(res);
  bool no_body = m_method == "HEAD" || status == 204 || status == 304;
  auto te = m_response.headers.get("Transfer-Encoding");
  auto cl = m_response.headers.get("Content-Length");
  if (no_body) {
    m_phase = Phase::done;
  } else if (te && has_token(*te, "chunked")) {
    m_phase = Phase::body_chunk_size;
  } else if (cl) {
    unsigned long long n = 0;
    auto [p, e] = std::from_chars(cl->data(), cl->data() + cl->size(), n);
    if (e != std::errc() || p != cl->data() + cl->size()) return fail("malformed Content-Length");
    if (n > m_max_body)
      return fail(fmt::format("the response body ({} bytes) is over the {} byte limit", n, m_max_body));
    m_remaining = static_cast<size_t>(n);
    m_phase = Phase::body_length;
  } else {
    m_keep_alive = false;
    m_phase = Phase::body_close;
  }
  if (m_phase == Phase::done) m_state = State::complete;
  return m_state;
}

ResponseParser::State ResponseParser::parse_body() {
  auto& body = m_response.body;
  switch (m_phase) {
  case Phase::body_length: {
    size_t take = std::min(m_remaining, m_buf.size());
    body.append(m_buf, 0, take);
    m_buf.erase(0, take);
    m_remaining -= take;
    if (m_remaining == 0) m_phase = Phase::done;
    break;
  }
  case Phase::body_close:
    if (body.size() + m_buf.size() > m_max_body)
      return fail(fmt::format("the response body is over the {} byte limit", m_max_body));
    body += m_buf;
    m_buf.clear();
    return State::incomplete;
  case Phase::body_chunk_size: {
    size_t eol = m_buf.find("\r\n");
    if (eol == std::string::npos) {
      if (m_buf.size() > 1024) return fail("malformed chunk size");
      return State::incomplete;
    }
    std::string_view line(m_buf.data(), eol);
    line = line.substr(0, line.find(';')); // chunk extensions
    line = util::trim(line);
    unsigned long long n = 0;
    auto [p, e] = std::from_chars(line.data(), line.data() + line.size(), n, 16);
    if (line.empty() || e != std::errc() || p != line.data() + line.size()) return fail("malformed chunk size");
    if (n > m_max_body || body.size() + n > m_max_body)
      return fail(fmt::format("the response body is over the {} byte limit", m_max_body));
    m_buf.erase(0, eol + 2);
    m_remaining = static_cast<size_t>(n);
    m_phase = n == 0 ? Phase::trailers : Phase::body_chunk_data;
    break;
  }
  case Phase::body_chunk_data: {
    size_t take = std::min(m_remaining, m_buf.size());
    body.append(m_buf, 0, take);
    m_buf.erase(0, take);
    m_remaining -= take;
    if (m_remaining == 0) m_phase = Phase::body_chunk_crlf;
    break;
  }
  case Phase::body_chunk_crlf:
    if (m_buf.size() < 2) return State::incomplete;
    if (m_buf.compare(0, 2, "\r\n") != 0) return fail("malformed chunk: no CRLF after the data");
    m_buf.erase(0, 2);
    m_phase = Phase::body_chunk_size;
    break;
  case Phase::trailers: {
    size_t eol = m_buf.find("\r\n");
    if (eol == std::string::npos) {
      if (m_buf.size() > k_max_head) return fail("the response trailers are larger than 64 KiB");
      return State::incomplete;
    }
    m_buf.erase(0, eol + 2);
    if (eol == 0) m_phase = Phase::done; // the empty line ends the trailers
    break;
  }
  case Phase::head:
  case Phase::done: break;
  }
  if (m_phase == Phase::done) m_state = State::complete;
  return m_state;
}

} // namespace hookctl::http
