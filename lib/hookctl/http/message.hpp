#pragma once
// HTTP messages as values, and the Transport that carries them: everything outside http/ sees
// these, never cpp-httplib.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hookctl/util/headers.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::http {

// A request as hookctl sends it: `url` is absolute (http or https), `body` is sent byte-exact.
struct Request {
  std::string method = "POST";
  std::string url;
  util::Headers headers;
  std::string body;
  bool add_user_agent = true; // add hookctl's User-Agent when `headers` has none (replay sends as captured)
};

// A response as received; `headers` keep order and case.
struct Response {
  int status = 0;
  util::Headers headers;
  std::string body;
};

// Why an exchange produced no response.
enum class Failure {
  none,    // a response arrived
  dns,     // the host name did not resolve
  connect, // refused, unreachable, or the connect timeout passed
  tls,     // handshake or certificate verification failed
  timeout, // no complete response within the per-attempt timeout
  io,      // the connection broke while writing or reading
  other,
};

// The short name of `failure` for reports and JSON (`"connect"`, `"timeout"`, ...).
std::string_view failure_name(Failure failure);

// The error of an exchange that outlived the per-attempt `timeout` ("no complete response within N ms").
std::string timeout_message(std::chrono::milliseconds timeout);

// The result of one exchange: a response, or a failure with a one-line cause.
struct Outcome {
  std::optional<Response> response;
  Failure failure = Failure::none;
  std::string error;                  // empty when a response arrived
  std::chrono::nanoseconds latency{}; // from the start of the call to the last byte (or failure)
};

// Client settings shared by every request of one Transport.
struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{15000}; // read and write, per attempt
  bool insecure = false;                    // skip certificate verification
  std::string ca_file;                      // PEM bundle instead of the system store
  bool keep_alive = true;
  size_t max_response_body = 16 * 1024 * 1024; // larger bodies are cut here
  size_t keep_response_body = SIZE_MAX;        // body bytes kept; the rest is read and dropped
};

// Carries requests to one origin or many; one instance is used by one thread at a time.
class Transport {
public:
  virtual ~Transport() = default;
  // Sends `request` and waits for the response or a failure; never throws.
  virtual Outcome send(const Request& request) = 0;
};

// A Transport over cpp-httplib with `options`; connections are kept alive per origin.
std::unique_ptr<Transport> make_client(const ClientOptions& options);

// An absolute URL split into the parts a client needs.
struct Url {
  std::string scheme; // "http" or "https"
  std::string host;   // without brackets for IPv6 literals
  uint16_t port = 0;  // the default port of the scheme when none is given
  std::string target; // path and query, at least "/"
};

// `text` with any user info of a URL ("https://user:pass@host/...") shown as "***@"; other text as
// is. For messages and displays, which must not show a credential.
std::string redact_userinfo(std::string_view text);

// Parses `text` as an absolute http or https URL; Errc::usage naming what is wrong.
Result<Url> parse_url(std::string_view text);

} // namespace hookctl::http
