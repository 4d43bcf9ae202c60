// A deliberately buggy webhook receiver for the `hookctl fuzz` tests: it verifies deliveries with
// hookctl's own schemes and answers 401 (bad signature), 400 (body not JSON, or any exception) or
// 200 "ok", but with one bug planted as --bug names it, so a test can check the fuzzer finds it:
//
//   none                  a correct receiver (the provider's default timestamp window)
//   never-verify          never checks the signature: 200 to anything that is JSON
//   ignore-timestamps     verifies with tolerance 0 (no timestamp check): stale and future pass
//   crash-on-deep-json    after a valid signature, a body nested deeper than 1000 ([ and { outside
//                         strings) kills the process at once, unanswered: std::_Exit(134)
//   hang-on-slow-body     one connection at a time on a blocking accept loop, reads without a
//                         timeout: a client that sends its body slowly holds every other one off
//   500-on-unknown-event  after a valid signature, an event type (the body's top-level "type"
//                         string, else X-GitHub-Event, else X-Event-Type) outside --known-types is
//                         answered 500; without --known-types the first type seen is the only known
//
// It listens on 127.0.0.1 and stops on SIGTERM/SIGINT or after --lifetime seconds, whichever is
// first, so a failed scenario never leaves it running. The secret is never printed.
//
//   hookctl_test_broken_receiver --port-file F --provider P --secret S --bug NAME
//                                [--known-types a,b,c] [--lifetime S]
#include <arpa/inet.h>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "hookctl/http/server.hpp"
#include "hookctl/sign/scheme.hpp"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

enum class Bug { none, never_verify, ignore_timestamps, crash_on_deep_json, hang_on_slow_body, unknown_event_500 };

constexpr size_t k_max_depth = 1000;
constexpr size_t k_max_head = 64 * 1024; // the serial server's limits, as http::Server's defaults
constexpr size_t k_max_body = 10 * 1024 * 1024;

struct Options {
  std::string port_file;
  std::string provider;
  std::string secret;
  std::optional<Bug> bug;
  std::optional<std::set<std::string>> known_types; // unset: remember the first type seen
  int lifetime_s = 60;
};

// The bug --bug `name` plants, or nullopt for an unknown name.
std::optional<Bug> bug_named(std::string_view name) {
  if (name == "none") return Bug::none;
  if (name == "never-verify") return Bug::never_verify;
  if (name == "ignore-timestamps") return Bug::ignore_timestamps;
  if (name == "crash-on-deep-json") return Bug::crash_on_deep_json;
  if (name == "hang-on-slow-body") return Bug::hang_on_slow_body;
  if (name == "500-on-unknown-event") return Bug::unknown_event_500;
  return std::nullopt;
}

// The non-empty items of the comma list `text`.
std::set<std::string> split_commas(std::string_view text) {
  std::set<std::string> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (!item.empty()) out.emplace(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// Reads the `--name value` pairs into `o`; false on an unknown flag or value, or a missing one.
bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    std::string value = argv[i + 1];
    if (name == "--port-file")
      o.port_file = value;
    else if (name == "--provider")
      o.provider = value;
    else if (name == "--secret")
      o.secret = value;
    else if (name == "--bug") {
      o.bug = bug_named(value);
      if (!o.bug) return false;
    } else if (name == "--known-types") {
      o.known_types = split_commas(value);
      if (o.known_types->empty()) return false;
    } else if (name == "--lifetime")
      o.lifetime_s = std::atoi(value.c_str());
    else
      return false;
  }
  return argc % 2 == 1 && !o.port_file.empty() && !o.provider.empty() && !o.secret.empty() && o.bug;
}

// The current time in unix seconds.
int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The deepest nesting of [ and { in `body`, outside JSON strings; a byte scan, no parser.
size_t nesting_depth(std::string_view body) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : body) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// A text/plain response.
hookctl::http::Response text(int status, std::string body) {
  hookctl::http::Response res;
  res.status = status;
  res.headers.add("Content-Type", "text/plain");
  res.body = std::move(body);
  return res;
}

// The event type of a delivery: the JSON body's top-level "type" string, else X-GitHub-Event,
// else X-Event-Type; nullopt when none is there.
std::optional<std::string> event_type(const nlohmann::json& doc, const hookctl::util::Headers& headers) {
  if (doc.is_object()) {
    auto it = doc.find("type");
    if (it != doc.end() && it->is_string()) return it->get<std::string>();
  }
  if (auto v = headers.get("X-GitHub-Event")) return std::string(*v);
  if (auto v = headers.get("X-Event-Type")) return std::string(*v);
  return std::nullopt;
}

// The receiver's decisions, shared by the http::Server modes and the single-threaded loop.
class Receiver {
public:
  Receiver(const Options& options, std::unique_ptr<hookctl::sign::Scheme> scheme)
      : m_options(options), m_scheme(std::move(scheme)) {}

  // The port requests arrive on: verification URLs are http://127.0.0.1:PORT + target.
  void set_port(uint16_t port) { m_port = port; }

  // The answer to `req`; never throws (an exception answers 400).
  hookctl::http::Response handle(const hookctl::http::ServerRequest& req) {
    try {
      return decide(req);
    } catch (const std::exception&) {
      return text(400, "bad request");
    }
  }

private:
  // verify (unless never-verify) -> 401; deep JSON crash; not JSON -> 400; unknown type -> 500; 200.
  hookctl::http::Response decide(const hookctl::http::ServerRequest& req) {
    const Bug bug = *m_options.bug;
    if (bug != Bug::never_verify) {
      hookctl::sign::VerifyRequest vr;
      vr.body = req.body;
      vr.headers = req.headers;
      vr.url = "http://127.0.0.1:" + std::to_string(m_port.load()) + req.target;
      vr.method = req.method;
      vr.now = unix_now();
      if (bug == Bug::ignore_timestamps) vr.tolerance = std::chrono::seconds(0); // the bug: no timestamp check
      vr.keys.secrets = {m_options.secret};
      auto verdict = m_scheme->verify(vr);
      if (!verdict) return text(401, "invalid signature: error");
      if (!verdict->valid)
        return text(401, "invalid signature: " + std::string(hookctl::sign::reason_code(verdict->reason)));
    }
    if (bug == Bug::crash_on_deep_json && nesting_depth(req.body) > k_max_depth)
      std::_Exit(134); // the bug: dies at once, as abort() would (128 + SIGABRT), without answering
    const nlohmann::json doc = nlohmann::json::parse(req.body, nullptr, false);
    if (doc.is_discarded()) return text(400, "body is not JSON");
    if (bug == Bug::unknown_event_500) {
      auto type = event_type(doc, req.headers);
      if (type && !known(*type)) return text(500, "unknown event type"); // the bug
    }
    return text(200, "ok");
  }

  // Whether `type` is a known event type; without --known-types the first one seen becomes it.
  bool known(const std::string& type) {
    if (m_options.known_types) return m_options.known_types->count(type) > 0;
    std::lock_guard lock(m_mu);
    if (!m_first_type) m_first_type = type;
    return *m_first_type == type;
  }

  const Options& m_options;
  std::unique_ptr<hookctl::sign::Scheme> m_scheme;
  std::atomic<uint16_t> m_port{0};
  std::mutex m_mu;
  std::optional<std::string> m_first_type;
};

// Writes `port` to `port_file` through a temporary file and a rename.
void write_port_file(const std::string& port_file, uint16_t port) {
  std::string tmp = port_file + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::rename(tmp.c_str(), port_file.c_str()); // appears whole, never half-written
}

// Returns on SIGTERM/SIGINT or after `lifetime_s` seconds.
void wait_for_stop(int lifetime_s) {
  for (int i = 0; i < lifetime_s * 100 && !g_stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

// The reason phrase of the statuses the serial server answers.
std::string_view reason_phrase(int status) {
  switch (status) {
  case 100: return "Continue";
  case 200: return "OK";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 413: return "Content Too Large";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 505: return "HTTP Version Not Supported";
  default: return "Status";
  }
}

// Writes all of `data` to socket `fd`; false when the connection broke.
bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Writes `res` to socket `fd` as a complete HTTP/1.1 response with Connection: close.
void answer(int fd, const hookctl::http::Response& res) {
  std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + std::string(reason_phrase(res.status)) + "\r\n";
  for (const auto& [name, value] : res.headers.fields()) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(res.body.size()) + "\r\nConnection: close\r\n\r\n" + res.body;
  send_all(fd, out);
}

// The hang-on-slow-body server: one thread, one connection at a time, blocking reads without a
// timeout. Stopping shuts the sockets down from another thread, which wakes the blocked call.
class SerialServer {
public:
  ~SerialServer() {
    if (m_listen >= 0) ::close(m_listen);
  }

  // Binds 127.0.0.1 on a free port; the port, or 0 on failure.
  uint16_t bind() {
    m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listen < 0) return 0;
    const int one = 1;
    ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(m_listen, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(m_listen, 64) != 0 ||
        ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return 0;
    return ntohs(addr.sin_port);
  }

  // Accepts and serves connections one after the other until stop().
  void run(Receiver& receiver) {
    while (!g_stop) {
      const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        break; // shut down by stop()
      }
      {
        std::lock_guard lock(m_mu);
        m_client = fd;
      }
      if (!g_stop) serve(fd, receiver);
      {
        std::lock_guard lock(m_mu);
        m_client = -1;
      }
      ::close(fd);
    }
  }

  // Wakes run() wherever it blocks; it returns soon after.
  void stop() {
    std::lock_guard lock(m_mu);
    ::shutdown(m_listen, SHUT_RDWR);
    if (m_client >= 0) ::shutdown(m_client, SHUT_RDWR);
  }

private:
  // Reads one request (head, then the Content-Length body) with blocking reads, answers, done.
  static void serve(int fd, Receiver& receiver) {
    std::string buf;
    size_t head_end = std::string::npos;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > k_max_head) return answer(fd, text(431, "request head too large"));
      if (!read_some(fd, buf)) return; // the client went away (or stop())
    }
    hookctl::http::ServerRequest req;
    if (!parse_head(std::string_view(buf).substr(0, head_end), req))
      return answer(fd, text(400, "malformed request head"));
    if (req.headers.get("Transfer-Encoding")) return answer(fd, text(501, "only Content-Length bodies"));
    size_t length = 0;
    if (!content_length(req.headers, length)) return answer(fd, text(400, "malformed Content-Length"));
    if (length > k_max_body) return answer(fd, text(413, "body too large"));
    auto expect = req.headers.get("Expect");
    if (expect && lower(*expect) == "100-continue") send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    buf.erase(0, head_end + 4);
    while (buf.size() < length)
      if (!read_some(fd, buf)) return;
    buf.resize(length);
    req.body = std::move(buf);
    answer(fd, receiver.handle(req));
  }

  // Appends what one blocking read brings (no timeout: the bug); false when the connection ended.
  static bool read_some(int fd, std::string& buf) {
    char chunk[16384];
    for (;;) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf.append(chunk, static_cast<size_t>(n));
      return true;
    }
  }

  // `s` in ASCII lower case.
  static std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }

  // `s` without surrounding spaces and tabs.
  static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  }

  // Parses the request line and header fields of `head` (no final blank line) into `req`; false
  // when malformed.
  static bool parse_head(std::string_view head, hookctl::http::ServerRequest& req) {
    size_t eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    const size_t sp1 = line.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp1 == 0 || sp2 == sp1 + 1) return false;
    req.method = std::string(line.substr(0, sp1));
    req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    req.version = std::string(line.substr(sp2 + 1));
    if (!req.version.starts_with("HTTP/1.")) return false;
    head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
    while (!head.empty()) {
      eol = head.find("\r\n");
      const std::string_view field = head.substr(0, eol);
      head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
      const size_t colon = field.find(':');
      if (colon == std::string_view::npos || colon == 0) return false;
      req.headers.add(std::string(field.substr(0, colon)), std::string(trim(field.substr(colon + 1))));
    }
    return true;
  }

  // The Content-Length of `headers` into `length` (0 when absent); false when malformed or repeated.
  static bool content_length(const hookctl::util::Headers& headers, size_t& length) {
    length = 0;
    if (headers.count("Content-Length") > 1) return false;
    auto v = headers.get("Content-Length");
    if (!v) return true;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), length);
    return ec == std::errc() && end == v->data() + v->size() && !v->empty();
  }

  int m_listen = -1;
  std::mutex m_mu;
  int m_client = -1;
};

int run_serial(const Options& options, Receiver& receiver) {
  SerialServer server;
  const uint16_t port = server.bind();
  if (port == 0) {
    std::cerr << "hookctl_test_broken_receiver: cannot listen on 127.0.0.1\n";
    return 3;
  }
  receiver.set_port(port);
  std::thread loop([&] { server.run(receiver); });
  write_port_file(options.port_file, port);
  wait_for_stop(options.lifetime_s);
  g_stop = true;
  server.stop();
  loop.join();
  return 0;
}

int run_threaded(const Options& options, Receiver& receiver) {
  auto server =
      hookctl::http::Server::start({}, [&](const hookctl::http::ServerRequest& req) { return receiver.handle(req); });
  if (!server) {
    std::cerr << "hookctl_test_broken_receiver: " << server.error().message << "\n";
    return 3;
  }
  receiver.set_port((*server)->port());
  write_port_file(options.port_file, (*server)->port());
  wait_for_stop(options.lifetime_s);
  (*server)->stop();
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    std::cerr << "usage: hookctl_test_broken_receiver --port-file F --provider P --secret S --bug "
                 "none|never-verify|ignore-timestamps|crash-on-deep-json|hang-on-slow-body|500-on-unknown-event "
                 "[--known-types a,b,c] [--lifetime S]\n";
    return 2;
  }
  auto scheme = hookctl::sign::make_scheme(options.provider);
  if (!scheme) {
    std::cerr << "hookctl_test_broken_receiver: " << scheme.error().message << "\n";
    return 2;
  }
  { // a secret the provider cannot use would answer 401 to everything: refuse it up front
    hookctl::sign::SignRequest probe;
    probe.body = "{}";
    probe.url = "http://127.0.0.1/";
    probe.id = "msg_probe";
    probe.timestamp = unix_now();
    probe.keys.secrets = {options.secret};
    if (auto signed_probe = (*scheme)->sign(probe); !signed_probe) {
      std::cerr << "hookctl_test_broken_receiver: --secret: " << signed_probe.error().message << "\n";
      return 2;
    }
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  Receiver receiver(options, std::move(*scheme));
  return *options.bug == Bug::hang_on_slow_body ? run_serial(options, receiver) : run_threaded(options, receiver);
}
