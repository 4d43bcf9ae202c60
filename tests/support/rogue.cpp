// A misbehaving HTTP server for the fault scenarios of send and replay: on 127.0.0.1, for every
// connection it reads the request head, then misbehaves as --mode says:
//   reset     closes with a TCP reset (SO_LINGER 0) before answering
//   stall     never answers (holds the connection until the client gives up)
//   garbage   answers bytes that are not HTTP, then closes
//   endless   answers 200 with a Content-Length of 1 TB and sends body bytes until the client leaves
//   chunked   answers 200 chunked and sends chunks forever
//   trickle   sends a status line and then one header byte a second, forever
// It writes its port to --port-file, and stops on SIGTERM/SIGINT or after --lifetime seconds.
//
//   hookctl_test_rogue --mode MODE --port-file F [--lifetime S]
#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

// Writes all of `data` unless the peer has gone or the server is stopping; false then.
bool send_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size() && !g_stop) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return done == data.size();
}

// Reads until the end of a request head (or 2 s, or 64 KiB).
void read_head(int fd) {
  std::string head;
  char buf[4096];
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536 &&
         std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    head.append(buf, static_cast<size_t>(n));
  }
}

// Sleeps `ms` milliseconds in small steps, returning early when stopping.
void nap(int ms) {
  for (int i = 0; i < ms / 10 && !g_stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void serve(int fd, const std::string& mode) {
  read_head(fd);
  if (mode == "reset") {
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  } else if (mode == "stall") {
    while (!g_stop) {
      pollfd p{fd, POLLIN, 0};
      char c;
      if (::poll(&p, 1, 100) > 0 && ::recv(fd, &c, 1, MSG_PEEK) <= 0) break; // the client left
    }
  } else if (mode == "garbage") {
    send_all(fd, "\x01\x02 this is not HTTP at all \xff\xfe\r\n\r\n");
  } else if (mode == "endless") {
    if (send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000000000\r\n\r\n")) {
      const std::string block(64 * 1024, 'x');
      while (send_all(fd, block)) {
      }
    }
  } else if (mode == "chunked") {
    if (send_all(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")) {
      const std::string chunk = "10000\r\n" + std::string(0x10000, 'y') + "\r\n";
      while (send_all(fd, chunk)) {
      }
    }
  } else if (mode == "trickle") {
    if (send_all(fd, "HTTP/1.1 200 OK\r\n"))
      while (!g_stop && send_all(fd, "X")) nap(1000);
  }
  ::close(fd);
}

} // namespace

int main(int argc, char** argv) {
  std::string mode, port_file;
  int lifetime = 60;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--mode")
      mode = argv[i + 1];
    else if (name == "--port-file")
      port_file = argv[i + 1];
    else if (name == "--lifetime")
      lifetime = std::atoi(argv[i + 1]);
  }
  const std::vector<std::string> modes = {"reset", "stall", "garbage", "endless", "chunked", "trickle"};
  if (port_file.empty() || std::find(modes.begin(), modes.end(), mode) == modes.end()) {
    std::fprintf(stderr, "usage: hookctl_test_rogue --mode reset|stall|garbage|endless|chunked|trickle "
                         "--port-file F [--lifetime S]\n");
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  const int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(lfd, 64) != 0) {
    std::perror("bind");
    return 3;
  }
  socklen_t len = sizeof addr;
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::ofstream(port_file) << ntohs(addr.sin_port) << "\n";
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(lifetime);
  std::vector<std::thread> threads;
  while (!g_stop && std::chrono::steady_clock::now() < until) {
    pollfd p{lfd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept(lfd, nullptr, nullptr);
    if (fd < 0) continue;
    threads.emplace_back(serve, fd, mode);
  }
  g_stop = true;
  for (auto& t : threads) t.join();
  ::close(lfd);
  return 0;
}
