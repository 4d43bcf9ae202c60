#pragma once
// A small HTTP/1.1 server on raw sockets, one thread per connection: one handler for every method
// and path, requests exactly as received (header order, case and duplicates), limits and read
// timeouts so that a slow or malformed client cannot hold it. The base of `listen` and the test sink.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hookctl/http/message.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::crypto {
class TlsServer;
} // namespace hookctl::crypto

namespace hookctl::http {

// A request as the server received it.
struct ServerRequest {
  std::string method;
  std::string target;    // path and query as received
  std::string version;   // "HTTP/1.1" or "HTTP/1.0"
  util::Headers headers; // order, case and duplicates as received
  std::string body;      // decoded (chunked framing removed)
  std::string remote;    // "address:port" of the peer ("[::1]:port" for IPv6)
  bool tls = false;
};

// Produces the response to one request; called on the connection's thread, so it may block (a
// scripted delay). A response with status 0 closes the connection without answering (a reset).
// Content-Length is computed; Content-Type defaults to text/plain for a non-empty body.
using Handler = std::function<Response(const ServerRequest&)>;

// A request the server answered by itself, without the handler: malformed (400), too large (413,
// 431), unsupported (501, 505), too slow (408), or over the connection limit (503).
struct ServerError {
  std::string remote;
  int status = 0; // 0: the connection was dropped without an answer
  std::string reason;
  // The request's method, target and headers when its head had arrived (body empty), else null.
  std::shared_ptr<const ServerRequest> request;
};

// Where and how the server listens.
struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0; // 0 picks a free port
  size_t max_body = 10 * 1024 * 1024;
  size_t max_head = 64 * 1024;                      // request line and headers (431 beyond)
  std::chrono::milliseconds read_timeout{10000};    // from a request's first byte to its last (408 beyond)
  std::chrono::milliseconds idle_timeout{60000};    // a kept-alive connection waiting for its next request
  size_t max_connections = 1024;                    // open at once; more are answered 503 and closed
  std::string tls_cert_file;                        // PEM certificate chain; with `tls_key_file`, serve HTTPS
  std::string tls_key_file;                         // PEM private key
  std::shared_ptr<const crypto::TlsServer> tls;     // or a ready TLS context (self-signed); wins over the files
  std::function<void(const ServerError&)> on_error; // called on the connection's thread
};

// A running server; stops and joins its thread when destroyed.
class Server {
public:
  // Binds to `options` and serves `handler` on a background thread; Errc::environment when the
  // address cannot be bound.
  static Result<std::unique_ptr<Server>> start(const ServerOptions& options, Handler handler);

  virtual ~Server() = default;
  // The bound port (the chosen one when `ServerOptions::port` was 0).
  virtual uint16_t port() const = 0;
  // Stops accepting and closes the listening socket at once (new connections are refused), lets
  // requests being handled finish and be answered, closes every connection and joins every
  // thread; safe to call twice.
  virtual void stop() = 0;
};

} // namespace hookctl::http
