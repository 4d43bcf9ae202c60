// The HTTP/1.1 server: an accept thread and one thread per connection, each reading requests with
// RequestParser through a plain or TLS stream, in read slices short enough to notice stop().
#include "hookctl/http/server.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>

#include "hookctl/crypto/tls.hpp"
#include "hookctl/http/wire.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::http {
namespace {

using Clock = std::chrono::steady_clock;

// How often a blocked read wakes up to check deadlines and stop().
constexpr std::chrono::milliseconds k_slice{100};

std::string_view reason_phrase(int status) {
  switch (status) {
  case 100: return "Continue";
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 204: return "No Content";
  case 301: return "Moved Permanently";
  case 302: return "Found";
  case 304: return "Not Modified";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 409: return "Conflict";
  case 410: return "Gone";
  case 413: return "Content Too Large";
  case 422: return "Unprocessable Content";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  case 505: return "HTTP Version Not Supported";
  default: return "Status";
  }
}

// `response` on the wire; `head_only` leaves the body out (HEAD), `close` announces the end.
std::string serialize_response(const Response& response, bool head_only, bool close) {
  std::string out;
  out.reserve(128 + response.body.size());
  out += fmt::format("HTTP/1.1 {} {}\r\n", response.status, reason_phrase(response.status));
  bool type = false;
  for (const auto& [name, value] : response.headers.fields()) {
    // Framing is the server's: a handler's own Content-Length or Transfer-Encoding is dropped.
    if (util::iequals(name, "Content-Length") || util::iequals(name, "Transfer-Encoding") ||
        util::iequals(name, "Connection"))
      continue;
    type = type || util::iequals(name, "Content-Type");
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!type && !response.body.empty()) out += "Content-Type: text/plain\r\n";
  if (response.status >= 200 && response.status != 204 && response.status != 304)
    out += fmt::format("Content-Length: {}\r\n", response.body.size());
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head_only) out += response.body;
  return out;
}

// "address:port" of a socket address.
std::string peer_name(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    return fmt::format("[{}]:{}", host, ntohs(a->sin6_port));
  }
  const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
  inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
  return fmt::format("{}:{}", host, ntohs(a->sin_port));
}

// One accepted connection: a socket, and TLS over it when the server has TLS.
struct Connection {
  int fd = -1;
  std::unique_ptr<crypto::TlsConnection> tls;

  // Like recv(2); -1 with EAGAIN when the read slice passed.
  long read(char* data, size_t size) {
    if (tls) return tls->read(data, size);
    for (;;) {
      ssize_t n = ::recv(fd, data, size, 0);
      if (n < 0 && errno == EINTR) continue;
      return static_cast<long>(n);
    }
  }

  bool write_all(std::string_view data) {
    if (tls) return tls->write(data.data(), data.size()) == static_cast<long>(data.size());
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
};

void set_timeouts(int fd, std::chrono::milliseconds read, std::chrono::milliseconds write) {
  auto tv = [](std::chrono::milliseconds d) {
    return timeval{static_cast<time_t>(d.count() / 1000), static_cast<suseconds_t>((d.count() % 1000) * 1000)};
  };
  timeval r = tv(read);
  timeval w = tv(write);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &r, sizeof r);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &w, sizeof w);
}

class RawServer final : public Server {
public:
  RawServer(ServerOptions options, Handler handler) : m_options(std::move(options)), m_handler(std::move(handler)) {}
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;
  ~RawServer() override { stop(); }

  Result<void> bind() {
    if (!m_options.tls && (!m_options.tls_cert_file.empty() || !m_options.tls_key_file.empty())) {
      if (m_options.tls_cert_file.empty() || m_options.tls_key_file.empty())
        return make_error(Errc::usage, "TLS needs both a certificate file and a key file");
      HOOKCTL_TRY_ASSIGN(auto tls, crypto::TlsServer::from_files(m_options.tls_cert_file, m_options.tls_key_file));
      m_options.tls = std::move(tls);
    }
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    const std::string port = std::to_string(m_options.port);
    if (getaddrinfo(m_options.host.c_str(), port.c_str(), &hints, &res) != 0 || !res)
      return make_error(Errc::environment,
                        fmt::format("cannot bind {}: not an address of this machine", m_options.host));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, freeaddrinfo);
    m_fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) return make_error(Errc::environment, fmt::format("cannot open a socket: {}", std::strerror(errno)));
    // SO_REUSEADDR (restart while old connections linger in TIME_WAIT), never SO_REUSEPORT: a
    // second server on a taken port must fail, not silently share it.
    int yes = 1;
    ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(m_fd, res->ai_addr, res->ai_addrlen) != 0 || ::listen(m_fd, 1024) != 0) {
      int err = errno;
      ::close(m_fd);
      m_fd = -1;
      return make_error(Errc::environment, fmt::format("cannot bind {}:{}: {}", m_options.host, m_options.port,
                                                       err == EADDRINUSE ? "the port is in use" : std::strerror(err)));
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&bound), &len);
    m_port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                         : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    m_accept = std::thread([this] { accept_loop(); });
    return {};
  }

  uint16_t port() const override { return m_port; }

  void stop() override {
    m_stop = true;
    if (m_accept.joinable()) m_accept.join();
    // Nothing new is accepted while the requests in progress drain: a client sees a refusal.
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [&] { return m_connections == 0; });
  }

private:
  void accept_loop() {
    while (!m_stop) {
      pollfd p{m_fd, POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(k_slice.count()));
      if (ready <= 0) continue;
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      int fd = ::accept4(m_fd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
      if (fd < 0) {
        // Out of descriptors or memory: back off instead of spinning.
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
          std::this_thread::sleep_for(k_slice);
        continue;
      }
      std::string remote = peer_name(addr);
      {
        std::lock_guard lock(m_mutex);
        if (m_connections >= m_options.max_connections) {
          set_timeouts(fd, k_slice, k_slice);
          Connection c{fd, nullptr};
          if (!m_options.tls)
            c.write_all(serialize_response({503, {{"Retry-After", "1"}}, "too many connections\n"}, false, true));
          ::close(fd);
          report(remote, 503, "too many connections");
          continue;
        }
        ++m_connections;
      }
      try {
        std::thread([this, fd, remote = std::move(remote)] { serve(fd, remote); }).detach();
      } catch (const std::exception&) {
        ::close(fd);
        done();
      }
    }
  }

  void done() {
    std::lock_guard lock(m_mutex);
    --m_connections;
    m_idle.notify_all();
  }

  void report(const std::string& remote, int status, std::string reason, const RequestParser* parser = nullptr) const {
    if (!m_options.on_error) return;
    try {
      ServerError e{remote, status, std::move(reason), nullptr};
      if (parser && parser->head_done()) {
        auto head = std::make_shared<ServerRequest>();
        const ParsedRequest& p = parser->request();
        head->method = p.method;
        head->target = p.target;
        head->version = p.version;
        head->headers = p.headers;
        head->remote = remote;
        head->tls = m_options.tls != nullptr;
        e.request = std::move(head);
      }
      m_options.on_error(e);
    } catch (...) { // a logging failure must not take the connection thread down
    }
  }

  void serve(int fd, const std::string& remote) {
    try {
      serve_connection(fd, remote);
    } catch (...) { // never let an exception escape a detached thread
    }
    ::close(fd);
    done();
  }

  void serve_connection(int fd, const std::string& remote) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Connection conn{fd, nullptr};
    if (m_options.tls) {
      set_timeouts(fd, m_options.read_timeout, m_options.read_timeout);
      // A TLS handshake starts with byte 0x16; a letter is a plain HTTP request on the HTTPS port.
      char first = 0;
      if (::recv(fd, &first, 1, MSG_PEEK) == 1 && std::isalpha(static_cast<unsigned char>(first))) {
        conn.write_all(serialize_response({400, {}, "this port speaks HTTPS: use an https:// URL\n"}, false, true));
        report(remote, 400, "a plain HTTP request on the HTTPS port");
        return;
      }
      auto tls = m_options.tls->accept(fd);
      if (!tls) {
        report(remote, 0, tls.error().message);
        return;
      }
      conn.tls = std::move(tls).value();
    }
    set_timeouts(fd, k_slice, m_options.read_timeout);
    RequestParser::Limits limits;
    limits.max_body = m_options.max_body;
    limits.max_head = m_options.max_head;
    RequestParser parser(limits);
    std::vector<char> buf(64 * 1024);
    RequestParser::State state = RequestParser::State::incomplete;
    for (;;) {
      // Wait for a request: the idle timeout until its first byte, the read timeout from then on.
      auto idle_until = Clock::now() + m_options.idle_timeout;
      std::optional<Clock::time_point> read_until;
      bool continued = false;
      while (state == RequestParser::State::incomplete) {
        if (parser.started() && !read_until) read_until = Clock::now() + m_options.read_timeout;
        if (parser.head_done() && parser.expects_continue() && !continued) {
          continued = true;
          if (!conn.write_all("HTTP/1.1 100 Continue\r\n\r\n")) return;
        }
        auto now = Clock::now();
        if (!parser.started() && (m_stop || now >= idle_until)) return; // idle: just close
        if (read_until && now >= *read_until) {
          conn.write_all(serialize_response({408, {}, "request timeout\n"}, false, true));
          report(remote, 408, "the request did not arrive within the read timeout", &parser);
          return;
        }
        long n = conn.read(buf.data(), buf.size());
        if (n > 0) {
          state = parser.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          continue; // the slice passed: check the clocks and stop()
        } else {
          if (parser.started()) report(remote, 0, "the connection closed in the middle of a request", &parser);
          return;
        }
      }
      if (state == RequestParser::State::error) {
        const int status = parser.error_status();
        conn.write_all(serialize_response({status, {}, parser.error() + "\n"}, false, true));
        report(remote, status, parser.error(), &parser);
        return;
      }
      ParsedRequest& parsed = parser.request();
      ServerRequest request;
      request.method = std::move(parsed.method);
      request.target = std::move(parsed.target);
      request.version = std::move(parsed.version);
      request.headers = std::move(parsed.headers);
      request.body = std::move(parsed.body);
      request.remote = remote;
      request.tls = conn.tls != nullptr;
      const bool keep_alive = parser.keep_alive();
      Response response;
      try {
        response = m_handler(request);
      } catch (const std::exception& e) {
        response = Response{500, {}, "internal error\n"};
        report(remote, 500, fmt::format("the handler failed: {}", e.what()));
      }
      if (response.status == 0) {
        // A reset: the connection ends without an answer (RST, not a clean FIN).
        linger l{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        return;
      }
      const bool close = !keep_alive || m_stop;
      if (!conn.write_all(serialize_response(response, request.method == "HEAD", close)) || close) {
        if (conn.tls) conn.tls->shutdown();
        return;
      }
      state = parser.reset(parser.take_leftover());
    }
  }

  ServerOptions m_options;
  Handler m_handler;
  int m_fd = -1;
  uint16_t m_port = 0;
  std::atomic<bool> m_stop{false};
  std::thread m_accept;
  std::mutex m_mutex;
  std::condition_variable m_idle;
  size_t m_connections = 0;
};

} // namespace

Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<RawServer>(options, std::move(handler));
  HOOKCTL_TRY(server->bind());
  return std::unique_ptr<Server>(std::move(server));
}

} // namespace hookctl::http
