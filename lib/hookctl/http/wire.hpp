#pragma once
// HTTP/1.1 on the wire: serialising a request and parsing a response incrementally, with no
// sockets inside (the raw client feeds it bytes; the fuzz target feeds it anything).

#include <cstddef>
#include <string>
#include <string_view>

#include "hookctl/http/message.hpp"

namespace hookctl::http {

// `request` as HTTP/1.1 bytes for `url`: request line with the URL's target, Host, the request's
// headers as given, Content-Length (unless the request carries it or Transfer-Encoding) and the
// body; a User-Agent is added when the request has none.
std::string serialize_request(const Request& request, const Url& url, std::string_view user_agent);

// Parses one response from bytes fed in any pieces.
class ResponseParser {
public:
  // What the bytes fed so far amount to.
  enum class State {
    incomplete, // more bytes needed (or the end of the connection, for a body read until close)
    complete,   // a whole response; `response()` holds it
    error,      // not HTTP, or over a limit; `error()` says what
  };

  // A parser for the response to a request with `method` (HEAD responses have no body), keeping at
  // most `max_body` body bytes (more is an error) and 64 KiB of status line and headers.
  ResponseParser(std::string_view method, size_t max_body);

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
  enum class Phase { head, body_length, body_chunk_size, body_chunk_data, body_chunk_crlf, trailers, body_close, done };
  State fail(std::string why);
  State parse_head();
  State parse_body();

  std::string m_method;
  size_t m_max_body;
  std::string m_buf;
  Phase m_phase = Phase::head;
  size_t m_remaining = 0;
  Response m_response;
  std::string m_error;
  State m_state = State::incomplete;
  bool m_keep_alive = true;
  bool m_started = false;
};

} // namespace hookctl::http
