#pragma once
// A small HTTP/1.1 server over cpp-httplib: one handler for every method and path. Used by the
// test sink now, and the base that `listen` builds on.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "hookctl/http/message.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::http {

// A request as the server received it.
struct ServerRequest {
  std::string method;
  std::string target; // path and query as received
  util::Headers headers;
  std::string body;
  std::string remote; // "address:port" of the peer
};

// Produces the response to one request; called on the server's worker threads.
using Handler = std::function<Response(const ServerRequest&)>;

// Where and how the server listens.
struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0; // 0 picks a free port
  size_t max_body = 10 * 1024 * 1024;
  std::chrono::milliseconds read_timeout{5000};
  std::string tls_cert_file; // PEM certificate chain; with `tls_key_file`, serve HTTPS
  std::string tls_key_file;  // PEM private key
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
  // Stops accepting, finishes what is in flight and joins the thread; safe to call twice.
  virtual void stop() = 0;
};

} // namespace hookctl::http
