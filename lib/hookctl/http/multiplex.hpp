#pragma once
// Many exchanges in flight at once from one thread: numbered slots, each a connection of its own,
// started one by one and collected as they end. The load runner drives one per thread; over plain
// HTTP it is an epoll loop with non-blocking sockets, so 64 connections cost one thread, not 64
// threads switching in and out of blocking calls.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "hookctl/http/message.hpp"

namespace hookctl::http {

class Multiplexer {
public:
  virtual ~Multiplexer() = default;

  // How many exchanges can be in flight at once (slots 0 to slots() - 1).
  virtual size_t slots() const = 0;

  // Starts `request` on `slot`, which must be idle (no exchange started and not yet collected).
  // Its outcome is handed out by a later wait(), never here; never throws.
  virtual void start(size_t slot, const Request& request) = 0;

  // Waits at most `max_wait` for exchanges to end (not at all when one already has) and calls
  // `done(slot, outcome)` for each that did, after which its slot is idle again; returns how many.
  // An exchange past its timeout ends here as a failure. `done` may not call start().
  virtual size_t wait(std::chrono::nanoseconds max_wait, const std::function<void(size_t, Outcome&)>& done) = 0;
};

// Plain HTTP/1.1 (http:// URLs only; others end as Failure::other) on `slots` connections with
// `options` (timeouts, keep-alive, response limit), kept alive per slot while the origin stays the
// same. Requests are serialised as by serialize_request with User-Agent `hookctl/VERSION`.
std::unique_ptr<Multiplexer> make_multiplexer(const ClientOptions& options, size_t slots);

// One slot over a blocking Transport: start() sends and waits, wait() hands the outcome out. What
// the load runner uses for https:// and for transports injected by tests.
std::unique_ptr<Multiplexer> serial_multiplexer(std::unique_ptr<Transport> transport);

// A Transport over one slot of make_multiplexer(): the plain-HTTP client of make_client().
std::unique_ptr<Transport> make_plain_client(const ClientOptions& options);

} // namespace hookctl::http
