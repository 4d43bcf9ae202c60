// The plain-HTTP client: non-blocking sockets on one epoll instance, one connection per slot, each
// request written in one send when the socket takes it, each response parsed as it arrives.
#include "hookctl/http/multiplex.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "hookctl/http/version.hpp"
#include "hookctl/http/wire.hpp"

namespace hookctl::http {
namespace {

using Clock = std::chrono::steady_clock;

class EpollMultiplexer final : public Multiplexer {
public:
  EpollMultiplexer(ClientOptions options, size_t slots)
      : m_options(std::move(options)), m_slots(std::max<size_t>(slots, 1)), m_epoll(::epoll_create1(EPOLL_CLOEXEC)) {}
  EpollMultiplexer(const EpollMultiplexer&) = delete;
  EpollMultiplexer& operator=(const EpollMultiplexer&) = delete;
  ~EpollMultiplexer() override {
    for (auto& s : m_slots) close_slot(s);
    if (m_epoll >= 0) ::close(m_epoll);
  }

  size_t slots() const override { return m_slots.size(); }

  void start(size_t index, const Request& request) override {
    Slot& s = m_slots.at(index);
    s.busy = true;
    s.started = Clock::now();
    s.deadline = s.started + m_options.timeout;
    s.retried = false;
    s.parser.reset();
    if (m_epoll < 0)
      return fail(index, Failure::other, fmt::format("cannot create an epoll instance: {}", std::strerror(errno)));
    if (request.url != m_url_text) {
      auto url = parse_url(request.url);
      if (!url) return fail(index, Failure::other, url.error().message);
      m_url = std::move(url).value();
      m_url_text = request.url;
    }
    if (m_url.scheme != "http")
      return fail(index, Failure::other, fmt::format("{}:// is not carried by the plain-HTTP client", m_url.scheme));
    std::string origin = fmt::format("{}:{}", m_url.host, m_url.port);
    if (origin != m_resolved_origin) {
      if (!resolve(origin)) return fail(index, Failure::dns, fmt::format("cannot resolve host '{}'", m_url.host));
    }
    s.method = request.method;
    s.out = serialize_request(request, m_url, k_user_agent);
    s.written = 0;
    s.parser.emplace(s.method, m_options.max_response_body, m_options.keep_response_body);
    if (s.fd >= 0 && s.origin != origin) close_slot(s);
    s.origin = origin;
    s.reused = s.fd >= 0;
    if (!s.reused) return connect_slot(index);
    write_slot(index);
  }

  size_t wait(std::chrono::nanoseconds max_wait, const std::function<void(size_t, Outcome&)>& done) override {
    if (m_ready.empty()) poll(max_wait);
    expire();
    size_t n = 0;
    // Hand out a copy of the list: `done` may not start exchanges, but it runs user code.
    std::vector<std::pair<size_t, Outcome>> ready;
    ready.swap(m_ready);
    for (auto& [slot, outcome] : ready) {
      m_slots.at(slot).busy = false;
      done(slot, outcome);
      ++n;
    }
    return n;
  }

private:
  enum class Phase { idle, connecting, writing, reading };

  struct Slot {
    int fd = -1;
    Phase phase = Phase::idle;
    bool busy = false;    // started and not yet handed out
    bool reused = false;  // the exchange runs on a connection kept alive from an earlier one
    bool retried = false; // already reconnected once for a stale kept-alive connection
    uint32_t events = 0;  // the epoll interest now registered
    std::string origin;   // host:port of the connection
    std::string method;
    std::string out; // the request on the wire
    size_t written = 0;
    std::optional<ResponseParser> parser;
    Clock::time_point started;
    Clock::time_point deadline;
  };

  // Started and neither answered nor failed yet (an ended exchange waits in m_ready, idle or closed).
  static bool in_flight(const Slot& s) { return s.busy && s.fd >= 0 && s.phase != Phase::idle; }

  bool resolve(const std::string& origin) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(m_url.host.c_str(), std::to_string(m_url.port).c_str(), &hints, &res) != 0 || !res) return false;
    m_addr.assign(reinterpret_cast<const char*>(res->ai_addr), res->ai_addrlen);
    m_family = res->ai_family;
    freeaddrinfo(res);
    m_resolved_origin = origin;
    return true;
  }

  void close_slot(Slot& s) {
    if (s.fd >= 0) ::close(s.fd); // closing removes it from the epoll set
    s.fd = -1;
    s.events = 0;
    s.phase = Phase::idle;
  }

  // Ends the exchange on `index` without a response; its connection is closed.
  void fail(size_t index, Failure failure, std::string error) {
    Slot& s = m_slots.at(index);
    close_slot(s);
    Outcome out;
    out.failure = failure;
    out.error = std::move(error);
    out.latency = Clock::now() - s.started;
    m_ready.emplace_back(index, std::move(out));
  }

  void succeed(size_t index) {
    Slot& s = m_slots.at(index);
    Outcome out;
    out.response = s.parser->response();
    out.latency = Clock::now() - s.started;
    bool keep = s.parser->keep_alive() && m_options.keep_alive;
    s.parser.reset();
    s.out.clear();
    if (keep) {
      s.phase = Phase::idle;
    } else {
      close_slot(s);
    }
    m_ready.emplace_back(index, std::move(out));
  }

  // Sets the epoll interest of `index` to `events`, adding the descriptor when it has none.
  bool watch(size_t index, uint32_t events) {
    Slot& s = m_slots.at(index);
    if (s.events == events) return true;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = index;
    int op = s.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (::epoll_ctl(m_epoll, op, s.fd, &ev) != 0) {
      fail(index, Failure::other, fmt::format("cannot watch a socket: {}", std::strerror(errno)));
      return false;
    }
    s.events = events;
    return true;
  }

  std::string connect_error(int err) const {
    return fmt::format("cannot connect to {} ({})", endpoint(), err == ECONNREFUSED ? "refused" : std::strerror(err));
  }
  std::string endpoint() const { return m_resolved_origin; }

  void connect_slot(size_t index) {
    Slot& s = m_slots.at(index);
    s.fd = ::socket(m_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s.fd < 0) return fail(index, Failure::other, fmt::format("cannot open a socket: {}", std::strerror(errno)));
    int one = 1;
    ::setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    s.deadline = std::min(s.started + m_options.timeout, s.started + m_options.connect_timeout);
    int rc = ::connect(s.fd, reinterpret_cast<const sockaddr*>(m_addr.data()), static_cast<socklen_t>(m_addr.size()));
    if (rc != 0 && errno != EINPROGRESS) return fail(index, Failure::connect, connect_error(errno));
    if (rc != 0) {
      s.phase = Phase::connecting;
      watch(index, EPOLLOUT);
      return;
    }
    s.deadline = s.started + m_options.timeout;
    write_slot(index);
  }

  // A kept-alive connection that the server closed meanwhile fails on first use: reconnect once,
  // but only while nothing of a response has arrived (a correct server that closed an idle
  // connection cannot have processed the request).
  bool reconnect_stale(size_t index) {
    Slot& s = m_slots.at(index);
    if (!s.reused || s.retried || (s.parser && s.parser->started())) return false;
    s.retried = true;
    s.reused = false;
    close_slot(s);
    s.written = 0;
    s.parser.emplace(s.method, m_options.max_response_body, m_options.keep_response_body);
    connect_slot(index);
    return true;
  }

  void write_slot(size_t index) {
    Slot& s = m_slots.at(index);
    s.phase = Phase::writing;
    while (s.written < s.out.size()) {
      ssize_t n = ::send(s.fd, s.out.data() + s.written, s.out.size() - s.written, MSG_NOSIGNAL);
      if (n > 0) {
        s.written += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        watch(index, EPOLLIN | EPOLLOUT);
        return;
      }
      if (reconnect_stale(index)) return;
      return fail(index, Failure::io, "the connection broke while sending the request");
    }
    s.phase = Phase::reading;
    watch(index, EPOLLIN);
  }

  void read_slot(size_t index) {
    Slot& s = m_slots.at(index);
    std::array<char, 65536>& buf = m_buffer;
    for (;;) {
      ssize_t n = ::recv(s.fd, buf.data(), buf.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (s.phase == Phase::idle) {
        // An idle kept-alive connection only reads its end (or bytes nobody asked for): drop it.
        close_slot(s);
        return;
      }
      ResponseParser::State state;
      if (n > 0) {
        state = s.parser->feed(std::string_view(buf.data(), static_cast<size_t>(n)));
      } else {
        state = n == 0 ? s.parser->finish() : ResponseParser::State::error;
        if (state == ResponseParser::State::incomplete) state = ResponseParser::State::error;
      }
      if (state == ResponseParser::State::complete) return succeed(index);
      if (state == ResponseParser::State::error) {
        if (reconnect_stale(index)) return;
        const std::string& why = s.parser->error();
        if (!why.empty()) return fail(index, Failure::io, why);
        return fail(index, Failure::io,
                    s.parser->started() ? "the connection closed before a complete response"
                                        : "the connection closed with no response");
      }
      if (static_cast<size_t>(n) < buf.size()) return; // drained for now (level-triggered: woken again)
    }
  }

  void on_event(size_t index, uint32_t events) {
    if (index >= m_slots.size()) return;
    Slot& s = m_slots[index];
    if (s.fd < 0) return;
    if (s.phase == Phase::connecting) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return fail(index, Failure::connect, connect_error(err));
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
      s.deadline = s.started + m_options.timeout;
      return write_slot(index);
    }
    if ((events & EPOLLOUT) && s.phase == Phase::writing) {
      write_slot(index);
      if (s.fd < 0 || !s.busy) return;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) read_slot(index);
  }

  void poll(std::chrono::nanoseconds max_wait) {
    // Never sleep past the earliest deadline of an exchange in flight.
    auto now = Clock::now();
    auto until = now + std::max(max_wait, std::chrono::nanoseconds(0));
    for (const auto& s : m_slots) {
      if (in_flight(s)) until = std::min(until, s.deadline);
    }
    auto left = std::max(until - now, Clock::duration::zero());
    std::array<epoll_event, 64> events{};
    int n = 0;
    timespec ts{static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(left).count()),
                static_cast<long>((left % std::chrono::seconds(1)).count())};
    if (m_pwait2) {
      n = ::epoll_pwait2(m_epoll, events.data(), static_cast<int>(events.size()), &ts, nullptr);
      if (n < 0 && errno == ENOSYS) m_pwait2 = false;
    }
    if (!m_pwait2) {
      // Milliseconds, rounded up: an early wake-up would spin.
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
      n = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()),
                       static_cast<int>(std::min<int64_t>(ms, 1 << 30)));
    }
    for (int i = 0; i < n; ++i)
      on_event(static_cast<size_t>(events[static_cast<size_t>(i)].data.u64), events[static_cast<size_t>(i)].events);
  }

  // Ends every exchange past its deadline.
  void expire() {
    auto now = Clock::now();
    for (size_t i = 0; i < m_slots.size(); ++i) {
      Slot& s = m_slots[i];
      if (!in_flight(s) || now < s.deadline) continue;
      if (s.phase == Phase::connecting) {
        fail(i, Failure::connect,
             fmt::format("connect to {} timed out after {} ms", endpoint(),
                         std::min(m_options.connect_timeout, m_options.timeout).count()));
      } else {
        fail(i, Failure::timeout, timeout_message(m_options.timeout));
      }
    }
  }

  ClientOptions m_options;
  std::vector<Slot> m_slots;
  int m_epoll = -1;
  bool m_pwait2 = true;
  std::string m_url_text; // the URL last parsed, and its parts
  Url m_url;
  std::string m_resolved_origin; // host:port last resolved, and its address
  std::string m_addr;
  int m_family = AF_INET;
  std::vector<std::pair<size_t, Outcome>> m_ready; // ended, not yet handed out
  std::array<char, 65536> m_buffer{};
};

class SerialMultiplexer final : public Multiplexer {
public:
  explicit SerialMultiplexer(std::unique_ptr<Transport> transport) : m_transport(std::move(transport)) {}
  size_t slots() const override { return 1; }
  void start(size_t, const Request& request) override { m_outcome = m_transport->send(request); }
  size_t wait(std::chrono::nanoseconds, const std::function<void(size_t, Outcome&)>& done) override {
    if (!m_outcome) return 0;
    Outcome out = std::move(*m_outcome);
    m_outcome.reset();
    done(0, out);
    return 1;
  }

private:
  std::unique_ptr<Transport> m_transport;
  std::optional<Outcome> m_outcome;
};

class PlainClient final : public Transport {
public:
  explicit PlainClient(const ClientOptions& options) : m_mux(options, 1) {}
  Outcome send(const Request& request) override {
    Outcome result;
    bool ended = false;
    m_mux.start(0, request);
    while (!ended) {
      m_mux.wait(std::chrono::hours(1), [&](size_t, Outcome& out) {
        result = std::move(out);
        ended = true;
      });
    }
    return result;
  }

private:
  EpollMultiplexer m_mux;
};

} // namespace

std::unique_ptr<Multiplexer> make_multiplexer(const ClientOptions& options, size_t slots) {
  return std::make_unique<EpollMultiplexer>(options, slots);
}

std::unique_ptr<Multiplexer> serial_multiplexer(std::unique_ptr<Transport> transport) {
  return std::make_unique<SerialMultiplexer>(std::move(transport));
}

std::unique_ptr<Transport> make_plain_client(const ClientOptions& options) {
  return std::make_unique<PlainClient>(options);
}

} // namespace hookctl::http
