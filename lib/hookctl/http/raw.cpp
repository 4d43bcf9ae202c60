#include "hookctl/http/raw.hpp"

#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "hookctl/http/wire.hpp"

namespace hookctl::http {

namespace {

using Clock = std::chrono::steady_clock;

int connect_to(const Url& url, Clock::time_point deadline, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(url.port);
  if (int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    error = fmt::format("cannot resolve host '{}'", url.host);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      ::close(fd);
      fd = -1;
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    int err = 0;
    socklen_t len = sizeof err;
    if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(left, 0))) != 1 ||
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) error = fmt::format("cannot connect to {}:{}", url.host, url.port);
  return fd;
}

// Writes all of `data` before `deadline`; false when the peer closed or time ran out.
bool write_all(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLOUT, 0};
    ::poll(&p, 1, static_cast<int>(left));
  }
  return true;
}

} // namespace

RawOutcome raw_exchange(const Url& url, const RawRequest& request, std::chrono::milliseconds timeout) {
  RawOutcome out;
  const auto start = Clock::now();
  const auto deadline = start + timeout;
  auto finish = [&](RawOutcome& o) -> RawOutcome {
    o.latency = Clock::now() - start;
    return std::move(o);
  };
  if (url.scheme != "http") {
    out.failure = Failure::other;
    out.error = "raw requests need an http:// URL";
    return finish(out);
  }
  std::string error;
  const int fd = connect_to(url, deadline, error);
  if (fd < 0) {
    out.failure = Failure::connect;
    out.error = error;
    return finish(out);
  }
  bool written = true;
  for (size_t i = 0; i < request.chunks.size() && written; ++i) {
    if (i > 0 && request.gap.count() > 0) {
      if (Clock::now() + request.gap > deadline) break;
      std::this_thread::sleep_for(request.gap);
    }
    written = write_all(fd, request.chunks[i], deadline);
  }
  if (request.reset) {
    linger l{1, 0}; // close with a reset
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd);
    out.closed = true;
    return finish(out);
  }
  if (request.half_close) ::shutdown(fd, SHUT_WR);
  ResponseParser parser(request.method, 64u << 20);
  char buf[64 * 1024];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      out.failure = Failure::timeout;
      out.error = timeout_message(timeout);
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) { // closed (or reset): a body read until close may now be complete
      if (parser.started() && parser.finish() == ResponseParser::State::complete) {
        out.response = parser.response();
      } else {
        out.closed = true;
        out.error = n == 0 ? "the connection was closed without a whole answer"
                           : fmt::format("the connection broke: {}", std::strerror(errno));
      }
      break;
    }
    const auto state = parser.feed(std::string_view(buf, static_cast<size_t>(n)));
    if (state == ResponseParser::State::complete) {
      out.response = parser.response();
      break;
    }
    if (state == ResponseParser::State::error) {
      out.failure = Failure::other;
      out.error = fmt::format("not an HTTP answer: {}", parser.error());
      break;
    }
  }
  (void)written;
  ::close(fd);
  return finish(out);
}

} // namespace hookctl::http
