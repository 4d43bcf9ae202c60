// The cpp-httplib client adapter: one of the two files that include httplib.h (see
// ARCHITECTURE.md); everything else sees http::Request and http::Response.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <httplib.h>

#include "hookctl/http/message.hpp"
#include "hookctl/http/version.hpp"
#include "hookctl/http/wire.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::http {

std::string_view httplib_version() { return CPPHTTPLIB_VERSION; }

namespace {

using Clock = std::chrono::steady_clock;

template <typename D> std::pair<time_t, time_t> sec_usec(D d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return {static_cast<time_t>(us / 1000000), static_cast<time_t>(us % 1000000)};
}

// The outcome of an exchange that began at `start` and ended without a response.
Outcome failed(Clock::time_point start, Failure failure, std::string error) {
  Outcome out;
  out.failure = failure;
  out.error = std::move(error);
  out.latency = Clock::now() - start;
  return out;
}

// The message of a per-attempt timeout of `timeout`.
std::string timeout_message(std::chrono::milliseconds timeout) {
  return fmt::format("no complete response within {} ms", timeout.count());
}

// httplib reports a failed name lookup as a connection error; a second lookup tells them apart.
bool resolves(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (res) freeaddrinfo(res);
  return rc == 0;
}

class HttplibTransport final : public Transport {
public:
  explicit HttplibTransport(ClientOptions options) : m_options(std::move(options)) {}

  Outcome send(const Request& request) override {
    Outcome out;
    auto start = Clock::now();
    auto finish = [&](Failure failure, std::string error) { return failed(start, failure, std::move(error)); };
    auto url = parse_url(request.url);
    if (!url) return finish(Failure::other, url.error().message);
    httplib::Client& client = client_for(*url);

    httplib::Request req;
    req.method = request.method;
    req.path = url->target;
    bool has_agent = false;
    for (const auto& [name, value] : request.headers.fields()) {
      req.headers.emplace(name, value);
      has_agent = has_agent || util::iequals(name, "User-Agent");
    }
    if (!has_agent) req.headers.emplace("User-Agent", fmt::format("hookctl/{}", k_user_agent_version));
    req.body = request.body;
    // The per-attempt timeout bounds the whole exchange, not only each read: a receiver that
    // trickles bytes must not hold an attempt open forever.
    auto deadline = start + m_options.timeout;
    bool cut = false;
    req.progress = [&](uint64_t, uint64_t) {
      if (Clock::now() > deadline) {
        cut = true;
        return false;
      }
      return true;
    };
    size_t limit = m_options.max_response_body;
    bool too_big = false;
    httplib::Response res;
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      if (res.body.size() + n > limit) {
        res.body.append(data, limit - res.body.size());
        too_big = true;
        return false;
      }
      res.body.append(data, n);
      return true;
    };
    httplib::Error error = httplib::Error::Success;
    bool ok = client.send(req, res, error);
    out.latency = Clock::now() - start;
    if (ok || (too_big && res.status > 0)) {
      Response response;
      response.status = res.status;
      for (const auto& [name, value] : res.headers) response.headers.add(name, value);
      response.body = std::move(res.body);
      out.response = std::move(response);
      return out;
    }
    if (cut || error == httplib::Error::ConnectionTimeout)
      return finish(error == httplib::Error::ConnectionTimeout ? Failure::connect : Failure::timeout,
                    error == httplib::Error::ConnectionTimeout
                        ? fmt::format("connect to {}:{} timed out after {} ms", url->host, url->port,
                                      m_options.connect_timeout.count())
                        : timeout_message(m_options.timeout));
    switch (error) {
    case httplib::Error::Connection:
      if (!resolves(url->host)) return finish(Failure::dns, fmt::format("cannot resolve host '{}'", url->host));
      return finish(Failure::connect,
                    fmt::format("cannot connect to {}:{} (refused or unreachable)", url->host, url->port));
    case httplib::Error::Read:
      if (Clock::now() - start >= m_options.timeout)
        return finish(Failure::timeout, timeout_message(m_options.timeout));
      return finish(Failure::io, "the connection closed before a complete response");
    case httplib::Error::Write: return finish(Failure::io, "the connection broke while sending the request");
    case httplib::Error::SSLConnection: return finish(Failure::tls, "TLS handshake failed");
    case httplib::Error::SSLLoadingCerts:
      return finish(Failure::tls, m_options.ca_file.empty() ? "cannot load the system CA certificates"
                                                            : fmt::format("cannot load CA file {}", m_options.ca_file));
    case httplib::Error::SSLServerVerification:
      return finish(Failure::tls, "the server certificate did not verify (use --cacert FILE, or --insecure for a "
                                  "self-signed test server)");
    case httplib::Error::Canceled: return finish(Failure::timeout, "cancelled");
    default: return finish(Failure::other, httplib::to_string(error));
    }
  }

private:
  static constexpr const char* k_user_agent_version = "0.1";

  httplib::Client& client_for(const Url& url) {
    std::string origin = fmt::format(
        "{}://{}:{}", url.scheme, url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host, url.port);
    auto it = m_clients.find(origin);
    if (it != m_clients.end()) return *it->second;
    auto client = std::make_unique<httplib::Client>(origin);
    auto [cs, cu] = sec_usec(m_options.connect_timeout);
    client->set_connection_timeout(cs, cu);
    auto [rs, ru] = sec_usec(m_options.timeout);
    client->set_read_timeout(rs, ru);
    client->set_write_timeout(rs, ru);
    client->set_keep_alive(m_options.keep_alive);
    // Headers and body go out in separate writes; with Nagle on, the body waits for the delayed ACK
    // of the headers (~40 ms per request on a kept-alive connection).
    client->set_tcp_nodelay(true);
    client->set_follow_location(false);
    client->set_url_encode(false); // the target is sent as given
    client->set_decompress(false); // the body is reported as received
    if (url.scheme == "https") {
      client->enable_server_certificate_verification(!m_options.insecure);
      if (!m_options.ca_file.empty()) client->set_ca_cert_path(m_options.ca_file);
    }
    return *m_clients.emplace(origin, std::move(client)).first->second;
  }

  ClientOptions m_options;
  std::map<std::string, std::unique_ptr<httplib::Client>> m_clients;
};

// Plain HTTP/1.1 over a blocking socket: the whole request in one send, the response parsed as it
// arrives. For http:// URLs this does what httplib does with a third of the system calls (httplib
// polls before every read and write), which is what a load run spends its time on.
class RawTransport final : public Transport {
public:
  explicit RawTransport(ClientOptions options) : m_options(std::move(options)) {}
  RawTransport(const RawTransport&) = delete;
  RawTransport& operator=(const RawTransport&) = delete;
  ~RawTransport() override { close_connection(); }

  Outcome send(const Request& request) override {
    Outcome out;
    auto start = Clock::now();
    auto finish = [&](Failure failure, std::string error) {
      close_connection();
      return failed(start, failure, std::move(error));
    };
    auto url = parse_url(request.url);
    if (!url) return finish(Failure::other, url.error().message);
    std::string wire = serialize_request(request, *url, "hookctl/0.1");
    auto deadline = start + m_options.timeout;
    std::string origin = fmt::format("{}:{}", url->host, url->port);
    if (m_fd >= 0 && origin != m_origin) close_connection();
    // A kept-alive connection the server closed meanwhile fails on first use: reconnect once,
    // but only when nothing of a response arrived (the request cannot have been processed twice
    // by a correct server that closed an idle connection).
    for (int round = 0; round < 2; ++round) {
      bool reused = m_fd >= 0;
      if (!reused) {
        if (auto failure = connect_to(*url, origin, start, out.error); failure != Failure::none)
          return finish(failure, out.error);
      }
      if (!send_all(wire, deadline)) {
        if (reused) {
          close_connection();
          continue;
        }
        return finish(errno == EAGAIN || errno == EWOULDBLOCK ? Failure::timeout : Failure::io,
                      errno == EAGAIN || errno == EWOULDBLOCK ? timeout_message(m_options.timeout)
                                                              : "the connection broke while sending the request");
      }
      ResponseParser parser(request.method, m_options.max_response_body);
      char buf[16384];
      ResponseParser::State state = ResponseParser::State::incomplete;
      while (state == ResponseParser::State::incomplete) {
        auto left = deadline - Clock::now();
        if (left <= Clock::duration::zero()) return finish(Failure::timeout, timeout_message(m_options.timeout));
        set_timeout(SO_RCVTIMEO, left);
        ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
        if (n > 0) {
          state = parser.feed(std::string_view(buf, static_cast<size_t>(n)));
        } else if (n == 0) {
          state = parser.finish();
        } else if (errno == EINTR) {
          continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
          return finish(Failure::timeout, timeout_message(m_options.timeout));
        } else {
          state = ResponseParser::State::error;
          break;
        }
      }
      if (state == ResponseParser::State::error) {
        if (reused && !parser.started()) {
          close_connection();
          continue;
        }
        return finish(Failure::io,
                      parser.error().empty() ? "the connection broke while reading the response" : parser.error());
      }
      out.response = parser.response();
      out.latency = Clock::now() - start;
      if (!parser.keep_alive() || !m_options.keep_alive) close_connection();
      return out;
    }
    return finish(Failure::io, "the connection closed with no response");
  }

private:
  void close_connection() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    m_timeout_set = std::chrono::microseconds::zero();
    m_send_timeout_set = std::chrono::microseconds::zero();
  }

  void set_timeout(int option, Clock::duration d) {
    // One setsockopt per new value: within 50 ms of the last one set counts as the same, so a
    // request answered in one read costs none.
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(d);
    if (us < std::chrono::milliseconds(1)) us = std::chrono::milliseconds(1);
    auto& last = option == SO_RCVTIMEO ? m_timeout_set : m_send_timeout_set;
    if (last != std::chrono::microseconds::zero() && us >= last - std::chrono::milliseconds(50) && us <= last) return;
    timeval tv{static_cast<time_t>(us.count() / 1000000), static_cast<suseconds_t>(us.count() % 1000000)};
    setsockopt(m_fd, SOL_SOCKET, option, &tv, sizeof tv);
    last = us;
  }

  bool send_all(std::string_view data, Clock::time_point deadline) {
    set_timeout(SO_SNDTIMEO, deadline - Clock::now());
    while (!data.empty()) {
      ssize_t n = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  Failure connect_to(const Url& url, const std::string& origin, Clock::time_point start, std::string& error) {
    if (origin != m_resolved_origin) {
      addrinfo hints{};
      hints.ai_socktype = SOCK_STREAM;
      addrinfo* res = nullptr;
      std::string host = url.host;
      if (getaddrinfo(host.c_str(), std::to_string(url.port).c_str(), &hints, &res) != 0 || !res) {
        error = fmt::format("cannot resolve host '{}'", url.host);
        return Failure::dns;
      }
      m_addr.assign(reinterpret_cast<const char*>(res->ai_addr), res->ai_addrlen);
      m_family = res->ai_family;
      freeaddrinfo(res);
      m_resolved_origin = origin;
    }
    m_fd = ::socket(m_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (m_fd < 0) {
      error = fmt::format("cannot open a socket: {}", std::strerror(errno));
      return Failure::other;
    }
    m_origin = origin;
    int rc = ::connect(m_fd, reinterpret_cast<const sockaddr*>(m_addr.data()), static_cast<socklen_t>(m_addr.size()));
    if (rc != 0 && errno != EINPROGRESS) {
      error = fmt::format("cannot connect to {}:{} ({})", url.host, url.port, std::strerror(errno));
      return Failure::connect;
    }
    if (rc != 0) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(start + m_options.connect_timeout - Clock::now());
      pollfd p{m_fd, POLLOUT, 0};
      int ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 1)));
      if (ready == 0) {
        error = fmt::format("connect to {}:{} timed out after {} ms", url.host, url.port,
                            m_options.connect_timeout.count());
        return Failure::connect;
      }
      int so_error = 0;
      socklen_t len = sizeof so_error;
      getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      if (ready < 0 || so_error != 0) {
        error = fmt::format("cannot connect to {}:{} ({})", url.host, url.port,
                            so_error == ECONNREFUSED ? "refused" : std::strerror(so_error != 0 ? so_error : errno));
        return Failure::connect;
      }
    }
    int flags = fcntl(m_fd, F_GETFL);
    fcntl(m_fd, F_SETFL, flags & ~O_NONBLOCK);
    int one = 1;
    setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return Failure::none;
  }

  ClientOptions m_options;
  int m_fd = -1;
  std::string m_origin;
  std::string m_resolved_origin;
  std::string m_addr;
  int m_family = AF_INET;
  std::chrono::microseconds m_timeout_set{0};      // SO_RCVTIMEO now on m_fd
  std::chrono::microseconds m_send_timeout_set{0}; // SO_SNDTIMEO now on m_fd
};

// http:// over RawTransport, https:// over cpp-httplib (TLS), each made on first use.
class DispatchTransport final : public Transport {
public:
  explicit DispatchTransport(ClientOptions options) : m_options(std::move(options)) {}

  Outcome send(const Request& request) override {
    if (util::to_lower(std::string_view(request.url).substr(0, 8)) == "https://") {
      if (!m_tls) m_tls = std::make_unique<HttplibTransport>(m_options);
      return m_tls->send(request);
    }
    if (!m_plain) m_plain = std::make_unique<RawTransport>(m_options);
    return m_plain->send(request);
  }

private:
  ClientOptions m_options;
  std::unique_ptr<Transport> m_plain;
  std::unique_ptr<Transport> m_tls;
};

} // namespace

std::unique_ptr<Transport> make_client(const ClientOptions& options) {
  return std::make_unique<DispatchTransport>(options);
}

} // namespace hookctl::http
