#pragma once
// Everything a command touches outside its own memory, so tests can replace it with fakes.

#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hookctl/http/message.hpp"
#include "hookctl/http/multiplex.hpp"

namespace hookctl::app {

struct Context {
  std::ostream* out = &std::cout; // results
  std::ostream* err = &std::cerr; // diagnostics
  std::istream* in = &std::cin;   // `--data @-`
  // Current unix time in seconds (thread-safe: load runs call it from several threads).
  std::function<int64_t()> now;
  // `n` bytes from a CSPRNG (thread-safe, as `now`).
  std::function<std::string(size_t)> random;
  // The environment variable `name`, if set.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // The names of the environment variables that are set (values are read with getenv only); when
  // unset, none are listed.
  std::function<std::vector<std::string>()> env_names;
  // Waits `d` (retry backoff, load pacing); tests pass a fake that only records.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Makes the HTTP client `send` uses; tests pass a fake transport.
  std::function<std::unique_ptr<http::Transport>(const http::ClientOptions&)> transport;
  // Makes the event-driven client of http:// load runs (`slots` connections); when unset (tests),
  // load runs use `transport`, one thread per connection.
  std::function<std::unique_ptr<http::Multiplexer>(const http::ClientOptions&, size_t slots)> multiplexer;
  bool stdout_tty = false;
  // stdout is a terminal or a pipe: someone reads the results as they come, so a command that
  // prints one line per event flushes each (to a file, results are written in blocks).
  bool stdout_live = true;
  bool stderr_tty = false;
};

// The context of the real process: std streams, system clock, OpenSSL randomness, real environment.
Context system_context();

} // namespace hookctl::app
