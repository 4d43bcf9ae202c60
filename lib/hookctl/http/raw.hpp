#pragma once
// A raw HTTP/1.1 exchange over a plain socket: bytes written exactly as given (for requests a
// client library would refuse or normalise: lying lengths, bad chunking, slow writers, resets),
// and the answer parsed. Used by `hookctl fuzz`.

#include <chrono>
#include <string>
#include <vector>

#include "hookctl/http/message.hpp"

namespace hookctl::http {

struct RawRequest {
  std::vector<std::string> chunks;  // written in order
  std::chrono::milliseconds gap{0}; // between chunks
  bool half_close = false;          // shut the write side after the last chunk
  bool reset = false;               // reset the connection after the last chunk, awaiting no answer
  std::string method = "POST";      // how to read the answer (HEAD has no body)
};

// What came back: a response, the connection closed (or reset) without one, or a failure
// (connect, timeout). A reset request ends with `closed` set and no response.
struct RawOutcome {
  std::optional<Response> response;
  bool closed = false; // the peer closed or reset the connection before a whole answer
  Failure failure = Failure::none;
  std::string error;
  std::chrono::nanoseconds latency{};
};

// Connects to `url` (http only), writes `request`, and reads one answer within `timeout` (from
// the connection to the last byte read).
RawOutcome raw_exchange(const Url& url, const RawRequest& request, std::chrono::milliseconds timeout);

} // namespace hookctl::http
