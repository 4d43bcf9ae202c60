#pragma once
// HTTP/1.1 on the wire: serialising a request, parsing requests and responses incrementally, with
// no sockets inside (the client and server feed them bytes; the fuzz targets feed them anything).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hookctl/http/message.hpp"

namespace hookctl::http {

// `request` as HTTP/1.1 bytes for `url`: request line with the URL's target, Host, the request's
// headers as given, Content-Length (unless the request carries it or Transfer-Encoding) and the
// body; a User-Agent is added when the request has none.
std::string serialize_request(const Request& request, const Url& url, std::string_view user_agent);

// The body of one HTTP/1.1 message, decoded from bytes fed in any pieces: a Content-Length
// body, a chunked one (extensions and trailers skipped), or one that runs until the connection
// closes; at most `max_body` decoded bytes, of which the first `keep` are kept (the rest are
// checked and dropped). Shared by the request and response parsers.
class BodyDecoder {
public:
  enum class Mode { none, length, chunked, until_close };
  enum class State { incomplete, complete, error };

  // Starts a body of `mode` (`length` bytes for Mode::length).
  void start(Mode mode, size_t length, size_t max_body, size_t keep = SIZE_MAX);
  // Takes what belongs to the body from the front of `buf`, decoded, appending to `body` what fits
  // under the keep limit; bytes after the end of the body stay in `buf`.
  State consume(std::string& buf, std::string& body);
  // The connection ended: completes an until-close body, fails any other unfinished one.
  State finish();
  // Why decoding failed; and whether it was the size limit (a request gets 413 for that).
  const std::string& error() const { return m_error; }
  bool over_limit() const { return m_over_limit; }

private:
  enum class Phase { length, chunk_size, chunk_data, chunk_crlf, trailers, until_close, done };
  State fail(std::string why, bool limit = false);
  // Appends what of `piece` fits under the keep limit to `body`; counts all of it.
  void put(std::string& body, std::string_view piece);
  Phase m_phase = Phase::done;
  size_t m_remaining = 0;
  size_t m_max = 0;
  size_t m_keep = SIZE_MAX;
  size_t m_total = 0; // decoded body bytes so far, kept or not
  std::string m_error;
  bool m_over_limit = false;
  State m_state = State::complete;
};

// One request as a server parsed it.
struct ParsedRequest {
  std::string method;
  std::string target;    // as sent: origin-form path and query, or absolute-form
  std::string version;   // "HTTP/1.1" or "HTTP/1.0"
  util::Headers headers; // order, case and duplicates as received
  std::string body;      // decoded (chunked framing removed)
};

// Parses requests from bytes fed in any pieces, one at a time: after `complete`, reset() with the
// bytes that came after it (pipelining) starts the next.
class RequestParser {
public:
  enum class State { incomplete, complete, error };

  struct Limits {
    size_t max_head = 64 * 1024; // request line and headers
    size_t max_headers = 256;    // header lines
    size_t max_body = 10 * 1024 * 1024;
  };

  explicit RequestParser(Limits limits);

  // Consumes `data`; returns the state afterwards.
  State feed(std::string_view data);
  // The connection ended before a complete request.
  State finish();
  // Starts the next request with `leftover` bytes already received; returns the state.
  State reset(std::string leftover);

  State state() const { return m_state; }
  // The head (request line and headers) is in: request() has them, the body may still be coming.
  bool head_done() const { return m_head_done; }
  // The client sent "Expect: 100-continue" and waits for the interim response before the body.
  bool expects_continue() const { return m_expect_continue; }
  // Whether the connection may carry another request after this one.
  bool keep_alive() const { return m_keep_alive; }
  // Whether any byte of this request has arrived.
  bool started() const { return m_started; }
  const ParsedRequest& request() const { return m_request; }
  ParsedRequest& request() { return m_request; }
  // Bytes received after the complete request (the start of the next one).
  std::string take_leftover() { return std::move(m_buf); }
  // On error: the status to answer (400, 413, 431, 501 or 505) and a one-line reason.
  int error_status() const { return m_error_status; }
  const std::string& error() const { return m_error; }

private:
  State fail(int status, std::string why);
  State parse_head();
  State run();

  Limits m_limits;
  std::string m_buf;
  ParsedRequest m_request;
  BodyDecoder m_body;
  State m_state = State::incomplete;
  bool m_head_done = false;
  bool m_expect_continue = false;
  bool m_keep_alive = true;
  bool m_started = false;
  size_t m_lf_scanned = 0; // head bytes already checked for bare LFs
  int m_error_status = 0;
  std::string m_error;
};

// `headers` without those a proxy or a replay does not pass on as received (RFC 9110 7.6.1):
// hop-by-hop ones, those a Connection header names, Host and Content-Length (the sender recomputes
// them) and HTTP/2 pseudo-headers (":authority"). Order, case and duplicates of the rest are kept.
util::Headers end_to_end(const util::Headers& headers);

// Parses one response from bytes fed in any pieces.
class ResponseParser {
public:
  // What the bytes fed so far amount to.
  enum class State {
    incomplete, // more bytes needed (or the end of the connection, for a body read until close)
    complete,   // a whole response; `response()` holds it
    error,      // not HTTP, or over a limit; `error()` says what
  };

  // A parser for the response to a request with `method` (HEAD responses have no body), reading at
  // most `max_body` body bytes (more is an error) of which the first `keep_body` are kept in
  // response().body, and 64 KiB of status line and headers.
  ResponseParser(std::string_view method, size_t max_body, size_t keep_body = SIZE_MAX);

  // Consumes `data`; returns the state afterwards. Bytes after a complete response are ignored.
  State feed(std::string_view data);

  // Tells the parser the connection ended; completes a body that runs until close.
  State finish();

  // The parsed response; valid when the state is complete.
  const Response& response() const { return m_response; }
  // Why parsing failed; valid when the state is error.
  const std::string& error() const { return m_error; }
  // Whether the connection can carry another request after this response.
  bool keep_alive() const { return m_keep_alive; }
  // Whether any byte has been fed (a reused connection that closes before one may be retried).
  bool started() const { return m_started; }

private:
  State fail(std::string why);
  State parse_head();

  std::string m_method;
  size_t m_max_body;
  size_t m_keep_body;
  std::string m_buf;
  bool m_head_done = false;
  BodyDecoder m_body;
  Response m_response;
  std::string m_error;
  State m_state = State::incomplete;
  bool m_keep_alive = true;
  bool m_started = false;
};

} // namespace hookctl::http
