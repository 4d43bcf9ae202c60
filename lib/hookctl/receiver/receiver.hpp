#pragma once
// The `listen` pipeline as a function of the request: path check -> verification (configured or
// detected provider) -> handshake -> scripted answer -> forward, producing the response and the
// capture record. No sockets and no files: the server adapter moves bytes, the store persists.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hookctl/capture/record.hpp"
#include "hookctl/capture/store.hpp"
#include "hookctl/http/message.hpp"
#include "hookctl/http/server.hpp"
#include "hookctl/sign/scheme.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::receiver {

// Scripted answers for accepted deliveries, to exercise a sender's retry logic.
struct Script {
  int status = 200;                      // --status
  std::chrono::milliseconds delay{0};    // --delay: wait this long before answering
  std::optional<http::Response> respond; // --respond @file: status, headers and body
  double fail_rate = 0;                  // --fail-rate: this share answered fail_status
  int fail_status = 503;                 // --fail-status
  uint64_t fail_first = 0;               // --fail-first N: the first N attempts fail
  std::vector<int> sequence;             // --sequence 500,500,200: attempt n gets entry n (the last repeats)
  bool per_delivery = true;              // count attempts per delivery id (else, or without an id, globally)
  double reset_rate = 0;                 // --reset-rate: close without answering
  uint64_t seed = 0;                     // --seed: makes the random decisions reproducible
};

struct Config {
  std::string provider; // empty: detect from the headers
  sign::Keys keys;
  sign::SchemeOptions scheme_options; // the generic hmac provider's settings
  std::optional<std::chrono::seconds> tolerance;
  bool handshakes = true;     // --no-handshake turns them off
  std::string verify_token;   // Meta / WhatsApp hub.verify_token
  bool reject_invalid = true; // --on-invalid reject|accept
  std::string path_prefix;    // --path: other paths get 404
  Script script;
  std::string forward_to; // --forward-to base URL (http or https)
};

// How a request came out, for the console line and for --expect.
enum class Verdict {
  valid,      // the signature verified
  invalid,    // it did not (reason in the record)
  unsigned_,  // no provider configured and none detected
  unverified, // a provider was detected but no key was given to check it
  handshake,  // a provider's endpoint check, answered
  outside,    // not under --path (404)
};

std::string_view verdict_name(Verdict verdict);

// What handle() decided.
struct Decision {
  http::Response response; // status 0: reset the connection without answering
  capture::Record record;  // complete but for seq (the store sets it)
  Verdict verdict = Verdict::unsigned_;
  std::string note;                   // a short explanation: reason, handshake, scripted failure, forward outcome
  std::chrono::milliseconds delay{0}; // wait before answering (after capturing)
};

// What the receiver needs from outside; tests pass fakes.
struct Deps {
  std::function<int64_t()> now_us;                             // unix time in microseconds
  std::function<std::string(size_t)> random;                   // CSPRNG bytes (record ids); thread-safe
  std::function<std::unique_ptr<http::Transport>()> transport; // for --forward-to; one per concurrent use
};

// The provider whose signature headers `headers` carry (first match in the provider table), or "".
std::string detect_provider(const util::Headers& headers);

class Receiver {
public:
  // Validates `config` (provider name, forward URL); Errc::usage naming what is wrong.
  static Result<std::unique_ptr<Receiver>> create(Config config, Deps deps);
  virtual ~Receiver() = default;
  // Decides the answer to `request`; thread-safe, never throws.
  virtual Decision handle(const http::ServerRequest& request) = 0;
};

// One request through the whole listen step: decide, capture the record (before any answer goes
// out), and answer 503 with Retry-After instead when the capture failed, so nothing is
// acknowledged that is not in the file. `store` may be null (--no-capture).
struct Handled {
  Decision decision;
  http::Response response;   // what to send
  std::string capture_error; // why capturing failed, when it did
};
Handled handle_and_capture(Receiver& receiver, capture::Store* store, const http::ServerRequest& request);

// The record of a request the server refused at the HTTP level (413, 408, 400 after the head, ...):
// its head when it arrived (body empty), the answer, and the reason in `refused`. Only requests
// with a head are worth capturing; the caller decides.
capture::Record refused_record(const http::ServerError& error, int64_t now_us, std::string_view random10);

} // namespace hookctl::receiver
