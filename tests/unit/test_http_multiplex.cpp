// The epoll client (http::make_multiplexer) on 127.0.0.1: many exchanges at once on kept-alive
// connections, a load run over it, and the failures a raw socket server can provoke (refused,
// silent, closing a kept-alive connection, answering in pieces).
#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <mutex>
#include <netinet/in.h>
#include <set>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

#include "hookctl/delivery/load.hpp"
#include "hookctl/http/multiplex.hpp"
#include "hookctl/http/server.hpp"

using namespace hookctl;
using namespace hookctl::http;
using namespace std::chrono_literals;

namespace {

// Collects every outcome of `mux` until `count` have ended (or 10 s pass).
std::vector<std::pair<size_t, Outcome>> collect(Multiplexer& mux, size_t count) {
  std::vector<std::pair<size_t, Outcome>> out;
  auto give_up = std::chrono::steady_clock::now() + 10s;
  while (out.size() < count && std::chrono::steady_clock::now() < give_up) {
    mux.wait(100ms, [&](size_t slot, Outcome& o) { out.emplace_back(slot, std::move(o)); });
  }
  return out;
}

// A one-connection-at-a-time server on a raw socket: for each connection, reads one request
// (head and Content-Length body), then runs `answer` with the socket. Stops when destroyed.
class RawServer {
public:
  explicit RawServer(std::function<void(int fd)> answer) : m_answer(std::move(answer)) {
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(m_fd, 16) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    timeval tv{0, 50000};
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv); // accept wakes up to see m_stop
    m_thread = std::thread([this] { serve(); });
  }
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;
  ~RawServer() {
    m_stop = true;
    m_thread.join();
    ::close(m_fd);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/hook"; }
  int connections() const { return m_connections.load(); }

  // Reads one request from `fd`: true once the head and its Content-Length body are in.
  static bool read_request(int fd) {
    std::string buf;
    char chunk[4096];
    for (;;) {
      auto end = buf.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length = 0;
        auto cl = buf.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) length = std::stoul(buf.substr(cl + 16));
        if (buf.size() >= end + 4 + length) return true;
      }
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buf.append(chunk, static_cast<size_t>(n));
    }
  }
  static void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

private:
  void serve() {
    while (!m_stop) {
      int c = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++m_connections;
      timeval tv{2, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      m_answer(c);
      ::close(c);
    }
  }

  std::function<void(int)> m_answer;
  int m_fd = -1;
  uint16_t m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_connections{0};
  std::thread m_thread;
};

Request post(const std::string& url, std::string body) {
  Request r;
  r.url = url;
  r.headers.add("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

} // namespace

TEST_CASE("http::make_multiplexer: 8 slots carry 400 exchanges byte-exact on at most 8 kept-alive connections") {
  std::mutex m;
  std::vector<std::string> bodies;
  std::set<std::string> peers;
  auto server = Server::start({}, [&](const ServerRequest& r) {
    std::lock_guard lock(m);
    bodies.push_back(r.body);
    peers.insert(r.remote);
    return Response{201, {{"X-Echo", std::string(r.headers.get("X-Index").value_or(""))}}, "seen " + r.body};
  });
  REQUIRE(server.ok());
  const std::string url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/hook?x=1";
  auto mux = make_multiplexer({}, 8);
  REQUIRE(mux->slots() == 8);
  size_t next = 0;
  size_t ended = 0;
  std::vector<std::string> answers(400);
  auto start = [&](size_t slot) {
    Request r = post(url, std::string("{\"i\":") + std::to_string(next) + std::string(",\"bin\":\"\0\xff\"}", 13));
    r.headers.add("X-Index", std::to_string(next));
    ++next;
    mux->start(slot, r);
  };
  for (size_t slot = 0; slot < 8; ++slot) start(slot);
  auto give_up = std::chrono::steady_clock::now() + 20s;
  while (ended < 400 && std::chrono::steady_clock::now() < give_up) {
    std::vector<size_t> idle;
    mux->wait(100ms, [&](size_t slot, Outcome& o) {
      ++ended;
      REQUIRE(o.response.has_value());
      CHECK(o.failure == Failure::none);
      CHECK(o.response->status == 201);
      const size_t i = std::stoul(std::string(o.response->headers.get("X-Echo").value_or("999")));
      REQUIRE(i < answers.size());
      answers[i] = o.response->body;
      idle.push_back(slot);
    });
    for (size_t slot : idle) {
      if (next < 400) start(slot);
    }
  }
  REQUIRE(ended == 400);
  for (size_t i = 0; i < answers.size(); ++i) {
    CAPTURE(i);
    CHECK(answers[i] == "seen " + std::string("{\"i\":") + std::to_string(i) + std::string(",\"bin\":\"\0\xff\"}", 13));
  }
  mux.reset(); // closes the kept-alive connections
  (*server)->stop();
  CHECK(bodies.size() == 400);
  CHECK(peers.size() <= 8);
}

TEST_CASE("http::make_multiplexer: a load run over event loops sends exactly N requests") {
  std::atomic<int> hits{0};
  auto server = Server::start({}, [&](const ServerRequest&) {
    ++hits;
    return Response{200, {}, "ok"};
  });
  REQUIRE(server.ok());
  const std::string url = "http://127.0.0.1:" + std::to_string((*server)->port()) + "/";
  delivery::LoadOptions o;
  o.count = 1000;
  o.concurrency = 6;
  o.threads = 2;
  auto r = delivery::run_load(o, delivery::MultiplexerFactory([](size_t slots) { return make_multiplexer({}, slots); }),
                              [&](uint64_t i) { return post(url, "{\"n\":" + std::to_string(i) + "}"); });
  REQUIRE(r.ok());
  CHECK(r->sent == 1000);
  CHECK(r->ok == 1000);
  CHECK(r->latency.count() == 1000);
  (*server)->stop();
  CHECK(hits.load() == 1000);
}

TEST_CASE("http::make_multiplexer: refused, silent, non-HTTP and wrong-scheme exchanges are named failures") {
  uint16_t closed_port = 0;
  {
    auto s = Server::start({}, [](const ServerRequest&) { return Response{200, {}, ""}; });
    REQUIRE(s.ok());
    closed_port = (*s)->port();
    (*s)->stop();
  }
  ClientOptions quick;
  quick.timeout = 300ms;
  auto mux = make_multiplexer(quick, 4);
  mux->start(0, post("http://127.0.0.1:" + std::to_string(closed_port) + "/", "{}"));
  mux->start(1, post("https://127.0.0.1:1/", "{}"));
  mux->start(2, post("not a url", "{}"));
  RawServer silent([](int fd) {
    RawServer::read_request(fd);
    std::this_thread::sleep_for(1s); // never answers within the client's 300 ms
  });
  RawServer garbage([](int fd) {
    RawServer::read_request(fd);
    RawServer::write_all(fd, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
  });
  mux->start(3, post(silent.url(), "{}"));
  auto ended = collect(*mux, 4);
  REQUIRE(ended.size() == 4);
  std::sort(ended.begin(), ended.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  CHECK(ended[0].second.failure == Failure::connect);
  CHECK(ended[0].second.error.find("refused") != std::string::npos);
  CHECK(ended[1].second.failure == Failure::other);
  CHECK(ended[1].second.error.find("https") != std::string::npos);
  CHECK(ended[2].second.failure == Failure::other);
  CHECK(ended[3].second.failure == Failure::timeout);
  CHECK(ended[3].second.error == "no complete response within 300 ms");
  CHECK(ended[3].second.latency >= 300ms);
  CHECK(ended[3].second.latency < 5s);

  mux->start(0, post(garbage.url(), "{}"));
  auto bad = collect(*mux, 1);
  REQUIRE(bad.size() == 1);
  CHECK_FALSE(bad[0].second.response.has_value());
  CHECK(bad[0].second.failure == Failure::io);
}

TEST_CASE("http::make_multiplexer: a kept-alive connection the server closed is reopened once; pieces are joined") {
  // Each connection answers one request, in two pieces 20 ms apart, without "Connection: close",
  // then closes: the next exchange on the slot finds a dead connection and must reconnect.
  RawServer once([](int fd) {
    if (!RawServer::read_request(fd)) return;
    RawServer::write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n");
    std::this_thread::sleep_for(20ms);
    RawServer::write_all(fd, "\r\nhello");
  });
  auto mux = make_multiplexer({}, 1);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    mux->start(0, post(once.url(), "{}"));
    auto ended = collect(*mux, 1);
    REQUIRE(ended.size() == 1);
    REQUIRE(ended[0].second.response.has_value());
    CHECK(ended[0].second.response->status == 200);
    CHECK(ended[0].second.response->body == "hello");
    CHECK(ended[0].second.response->headers.get("X-A") == "1");
    std::this_thread::sleep_for(30ms); // the server has closed by now
  }
  CHECK(once.connections() == 3);

  // The plain client (make_client for http://) is the same engine on one slot.
  auto client = make_plain_client({});
  auto out = client->send(post(once.url(), "{}"));
  REQUIRE(out.response.has_value());
  CHECK(out.response->body == "hello");
}
