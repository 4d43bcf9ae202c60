// crypto::TlsServer and TlsConnection: a test thread on 127.0.0.1 accepts, runs the handshake,
// reads one request and answers it, and hookctl's own HTTPS client talks to it; socket pairs with
// an OpenSSL client cover the recv/send-like edges of a connection.
#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "hookctl/crypto/crypto.hpp"
#include "hookctl/crypto/tls.hpp"
#include "hookctl/http/message.hpp"
#include "hookctl/util/encoding.hpp"

using hookctl::Errc;
using hookctl::crypto::TlsConnection;
using hookctl::crypto::TlsServer;
using namespace std::chrono_literals;

namespace {

// A temporary directory for PEM files, removed with everything in it at the end of the test.
class TempDir {
public:
  TempDir() {
    static std::atomic<int> counter{0};
    m_path = std::filesystem::temp_directory_path() /
             ("hookctl-crypto-tls-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `text` to the file `name` in the directory and returns its path.
  std::string write(const std::string& name, std::string_view text) const {
    const auto path = (m_path / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // The path of `name` in the directory, which need not exist.
  std::string path(const std::string& name) const { return (m_path / name).string(); }

private:
  std::filesystem::path m_path;
};

// Closes a file descriptor on scope exit.
class Fd {
public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  // Closes the descriptor held, then holds `fd`.
  void reset(int fd = -1) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

private:
  int m_fd;
};

// Sets SO_RCVTIMEO and SO_SNDTIMEO of `fd` to `timeout`.
void set_timeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// What the test server made of one connection.
struct Handled {
  bool ok = false;
  Errc code = Errc::internal;
  std::string error;   // accept's message, or what went wrong after it
  std::string request; // the raw request read through the TlsConnection
};

// The Content-Length of the header block `head`, 0 when absent.
size_t content_length(std::string head) {
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto at = head.find("\r\ncontent-length:");
  return at == std::string::npos ? 0 : std::stoul(head.substr(at + 17));
}

// Reads one HTTP/1.1 request through `conn` and answers 200 with "tls:" + its body.
Handled serve(TlsConnection& conn) {
  Handled handled;
  char buffer[4096];
  for (;;) {
    const auto end = handled.request.find("\r\n\r\n");
    if (end != std::string::npos) {
      const size_t length = content_length(handled.request.substr(0, end));
      if (handled.request.size() >= end + 4 + length) {
        const std::string body = "tls:" + handled.request.substr(end + 4, length);
        const std::string response =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\nConnection: close\r\n\r\n" + body;
        handled.ok = conn.write(response.data(), response.size()) == static_cast<long>(response.size());
        if (!handled.ok) handled.error = "write failed";
        conn.shutdown();
        return handled;
      }
    }
    const long n = conn.read(buffer, sizeof buffer);
    if (n <= 0) {
      handled.error = "read returned " + std::to_string(n);
      return handled;
    }
    handled.request.append(buffer, static_cast<size_t>(n));
  }
}

// A TLS HTTP/1.1 server on 127.0.0.1 at a port the kernel chose. Its thread serves one connection
// at a time (handshake, one request, a fixed response, close) until the server is destroyed.
class TestServer {
public:
  explicit TestServer(const TlsServer& tls, std::chrono::milliseconds io_timeout = 5s)
      : m_tls(tls), m_io_timeout(io_timeout), m_listener(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(m_listener.get() >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(::bind(m_listener.get(), reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(::listen(m_listener.get(), 16) == 0);
    REQUIRE(::getsockname(m_listener.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] { run(); });
  }
  ~TestServer() {
    m_stop = true;
    m_thread.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return m_port; }
  // The https URL of `path` on this server.
  std::string url(std::string_view path) const {
    return "https://127.0.0.1:" + std::to_string(m_port) + std::string(path);
  }
  // What became of the first `n` connections, waiting up to 10 s for them.
  std::vector<Handled> wait_for(size_t n) {
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, 10s, [&] { return m_handled.size() >= n; });
    return m_handled;
  }

private:
  void run() {
    while (!m_stop) {
      pollfd ready{m_listener.get(), POLLIN, 0};
      if (::poll(&ready, 1, 50) != 1) continue; // wakes up to see m_stop
      const Fd fd(::accept(m_listener.get(), nullptr, nullptr));
      if (fd.get() < 0) continue;
      set_timeouts(fd.get(), m_io_timeout);
      Handled handled;
      auto conn = m_tls.accept(fd.get());
      if (conn) {
        handled = serve(**conn);
      } else {
        handled.code = conn.error().code;
        handled.error = conn.error().message;
      }
      const std::lock_guard lock(m_mutex);
      m_handled.push_back(std::move(handled));
      m_changed.notify_all();
    }
  }

  const TlsServer& m_tls;
  std::chrono::milliseconds m_io_timeout;
  Fd m_listener;
  uint16_t m_port = 0;
  std::atomic<bool> m_stop{false};
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<Handled> m_handled;
  std::thread m_thread;
};

// POSTs `body` to `url` with hookctl's client and `options`, bounded by 5 s timeouts.
hookctl::http::Outcome post(const std::string& url, hookctl::http::ClientOptions options, std::string body = "hi") {
  options.connect_timeout = 5s;
  options.timeout = 5s;
  options.keep_alive = false;
  hookctl::http::Request request;
  request.url = url;
  request.body = std::move(body);
  return hookctl::http::make_client(options)->send(request);
}

// A TCP connection to 127.0.0.1:`port` with 5 s timeouts.
int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  set_timeouts(fd, 5s);
  return fd;
}

// The certificate in the PEM `pem`, parsed independently of the code under test.
std::unique_ptr<X509, decltype(&X509_free)> parse_pem(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return {PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free};
}

// The SHA-256 of the DER inside the PEM certificate `pem`, in the banner's "AB:01:..." form.
std::string expected_fingerprint(const std::string& pem) {
  std::string base64;
  std::istringstream lines(pem);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("-----")) base64 += line;
  }
  const auto der = hookctl::util::base64_decode(base64);
  REQUIRE(der.has_value());
  const auto hex = hookctl::util::hex_encode(hookctl::crypto::hash(hookctl::crypto::Digest::sha256, *der));
  std::string text;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) text += ':';
    text += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i])));
    text += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i + 1])));
  }
  return text;
}

// An OpenSSL client at one end of a socket pair whose other end is a TlsConnection.
struct Pair {
  Fd server_fd{-1};
  Fd client_fd{-1};
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_client_method()), SSL_CTX_free};
  std::unique_ptr<SSL, decltype(&SSL_free)> client{nullptr, SSL_free};
  std::unique_ptr<TlsConnection> server;

  // Connects both ends through `tls`, the client in a thread of its own.
  explicit Pair(const TlsServer& tls) {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    server_fd.reset(fds[0]);
    client_fd.reset(fds[1]);
    set_timeouts(fds[0], 5s);
    set_timeouts(fds[1], 5s);
    REQUIRE(ctx);
    client.reset(SSL_new(ctx.get()));
    REQUIRE(SSL_set_fd(client.get(), fds[1]) == 1);
    int connected = 0;
    std::thread handshake([&] { connected = SSL_connect(client.get()); });
    auto accepted = tls.accept(fds[0]);
    handshake.join();
    REQUIRE(connected == 1);
    REQUIRE(accepted.ok());
    server = std::move(accepted).value();
  }
};

} // namespace

TEST_CASE("crypto::TlsServer::self_signed: a client verifies it for 127.0.0.1 with its PEM as the CA file") {
  auto tls = TlsServer::self_signed({"localhost", "127.0.0.1"});
  REQUIRE(tls.ok());
  const std::string pem = (*tls)->certificate_pem();
  CHECK(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
  const std::string fingerprint = (*tls)->fingerprint_sha256();
  CHECK(fingerprint.size() == 32 * 3 - 1);
  CHECK(fingerprint == expected_fingerprint(pem));

  TempDir dir;
  TestServer server(**tls);
  hookctl::http::ClientOptions pinned;
  pinned.ca_file = dir.write("cert.pem", pem);
  const auto outcome = post(server.url("/hooks/a"), pinned, "hello");
  INFO(outcome.error);
  REQUIRE(outcome.response.has_value());
  CHECK(outcome.response->status == 200);
  CHECK(outcome.response->body == "tls:hello");
  const auto handled = server.wait_for(1);
  REQUIRE(handled.size() == 1);
  CHECK(handled[0].ok);
  CHECK(handled[0].request.starts_with("POST /hooks/a HTTP/1.1\r\n"));
}

TEST_CASE("crypto::TlsServer::self_signed: SANs by kind, CN, a week of validity from an hour ago, fresh each time") {
  auto tls = TlsServer::self_signed({"localhost", "127.0.0.1", "::1"});
  REQUIRE(tls.ok());
  const auto cert = parse_pem((*tls)->certificate_pem());
  REQUIRE(cert);
  CHECK(X509_check_host(cert.get(), "localhost", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(cert.get(), "127.0.0.1", 0) == 1);
  CHECK(X509_check_ip_asc(cert.get(), "::1", 0) == 1);
  CHECK(X509_check_host(cert.get(), "example.com", 0, 0, nullptr) == 0);
  CHECK(X509_check_ip_asc(cert.get(), "127.0.0.2", 0) == 0);
  char cn[64] = {};
  CHECK(X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn) > 0);
  CHECK(std::string(cn) == "localhost");
  CHECK(X509_check_ca(cert.get()) == 0);
  int days = 0;
  int seconds = 0;
  REQUIRE(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()), X509_get0_notAfter(cert.get())) == 1);
  CHECK(days == 7);
  CHECK(seconds == 3600);
  time_t two_hours_ago = std::time(nullptr) - 7200;
  CHECK(X509_cmp_current_time(X509_get0_notBefore(cert.get())) < 0);
  CHECK(X509_cmp_time(X509_get0_notBefore(cert.get()), &two_hours_ago) > 0);

  auto again = TlsServer::self_signed({"localhost"});
  REQUIRE(again.ok());
  CHECK((*again)->fingerprint_sha256() != (*tls)->fingerprint_sha256());
  CHECK((*again)->private_key_pem() != (*tls)->private_key_pem());

  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{}, {"localhost", ""}, {"a,IP:10.0.0.1"}, {"two words"}, {"host:8443"}}) {
    auto made = TlsServer::self_signed(bad);
    CHECK_FALSE(made.ok());
    if (!made.ok()) CHECK(made.error().code == Errc::usage);
  }
}

TEST_CASE("crypto::TlsServer::accept: a client without --insecure or a CA file rejects a self-signed certificate") {
  auto tls = TlsServer::self_signed({"127.0.0.1"});
  REQUIRE(tls.ok());
  TestServer server(**tls);

  const auto strict = post(server.url("/"), {});
  CHECK_FALSE(strict.response.has_value());
  CHECK(strict.failure == hookctl::http::Failure::tls);
  // cpp-httplib checks the certificate after the handshake, then hangs up without a request.
  auto handled = server.wait_for(1);
  REQUIRE(handled.size() == 1);
  CHECK_FALSE(handled[0].ok);
  CHECK(handled[0].request.empty());

  hookctl::http::ClientOptions insecure;
  insecure.insecure = true;
  const auto loose = post(server.url("/"), insecure, "x");
  REQUIRE(loose.response.has_value());
  CHECK(loose.response->body == "tls:x");

  // Its own PEM does not help when the certificate names another host.
  auto other = TlsServer::self_signed({"localhost"});
  REQUIRE(other.ok());
  TempDir dir;
  TestServer elsewhere(**other);
  hookctl::http::ClientOptions pinned;
  pinned.ca_file = dir.write("other.pem", (*other)->certificate_pem());
  const auto mismatch = post(elsewhere.url("/"), pinned);
  CHECK_FALSE(mismatch.response.has_value());
  CHECK(mismatch.failure == hookctl::http::Failure::tls);
}

TEST_CASE("crypto::TlsServer::from_files: the PEM pair of a self-signed server loads and serves, also from one file") {
  auto original = TlsServer::self_signed({"127.0.0.1"});
  REQUIRE(original.ok());
  const std::string cert_pem = (*original)->certificate_pem();
  const std::string key_pem = (*original)->private_key_pem();
  CHECK(key_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));

  TempDir dir;
  const auto cert_file = dir.write("server.crt", cert_pem);
  const auto key_file = dir.write("server.key", key_pem);
  auto loaded = TlsServer::from_files(cert_file, key_file);
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  CHECK((*loaded)->certificate_pem() == cert_pem);
  CHECK((*loaded)->fingerprint_sha256() == (*original)->fingerprint_sha256());

  TestServer server(**loaded);
  hookctl::http::ClientOptions pinned;
  pinned.ca_file = cert_file;
  const auto outcome = post(server.url("/h"), pinned, "from files");
  INFO(outcome.error);
  REQUIRE(outcome.response.has_value());
  CHECK(outcome.response->body == "tls:from files");

  const auto both = dir.write("both.pem", key_pem + cert_pem);
  auto combined = TlsServer::from_files(both, both);
  INFO((combined.ok() ? "" : combined.error().message));
  REQUIRE(combined.ok());
  CHECK((*combined)->fingerprint_sha256() == (*original)->fingerprint_sha256());
}

TEST_CASE(
    "crypto::TlsServer::from_files: missing, garbage, encrypted and mismatched files name the file, not the key") {
  auto tls = TlsServer::self_signed({"localhost"});
  auto stranger = TlsServer::self_signed({"localhost"});
  REQUIRE(tls.ok());
  REQUIRE(stranger.ok());
  TempDir dir;
  const auto cert = dir.write("server.crt", (*tls)->certificate_pem());
  const auto key = dir.write("server.key", (*tls)->private_key_pem());
  const auto garbage = dir.write("garbage.pem", "not a PEM file\n\x01\x02\xff");
  const auto other_key = dir.write("other.key", (*stranger)->private_key_pem());
  const auto missing = dir.path("missing.pem");

  // An encrypted key made here with a passphrase: refused without a prompt.
  std::string encrypted_pem;
  {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    const std::string plain = (*tls)->private_key_pem();
    std::unique_ptr<BIO, decltype(&BIO_free)> in(BIO_new_mem_buf(plain.data(), static_cast<int>(plain.size())),
                                                 BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
        PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    REQUIRE(pkey);
    char passphrase[] = "secret-passphrase";
    REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey.get(), EVP_aes_256_cbc(), passphrase,
                                          static_cast<int>(sizeof passphrase - 1), nullptr, nullptr) == 1);
    encrypted_pem.resize(BIO_ctrl_pending(bio.get()));
    REQUIRE(BIO_read(bio.get(), encrypted_pem.data(), static_cast<int>(encrypted_pem.size())) > 0);
  }
  const auto encrypted = dir.write("encrypted.key", encrypted_pem);

  struct Case {
    std::string cert, key, names, says;
  };
  const Case cases[] = {
      {missing, key, missing, "No such file or directory"},
      {garbage, key, garbage, "no PEM certificate found"},
      {key, key, key, "no PEM certificate found"},
      {cert, missing, missing, "No such file or directory"},
      {cert, garbage, garbage, "no PEM private key found"},
      {cert, cert, cert, "no PEM private key found"},
      {cert, encrypted, encrypted, "encrypted"},
      {cert, other_key, other_key, "does not match the certificate " + cert},
  };
  for (const auto& c : cases) {
    CAPTURE(c.cert);
    CAPTURE(c.key);
    auto loaded = TlsServer::from_files(c.cert, c.key);
    REQUIRE_FALSE(loaded.ok());
    const auto& error = loaded.error();
    CHECK(error.code == Errc::environment);
    CHECK(error.message.find(c.names) != std::string::npos);
    CHECK(error.message.find(c.says) != std::string::npos);
    CHECK(error.message.find('\n') == std::string::npos);
    CHECK(error.message.find("-----BEGIN") == std::string::npos);
    CHECK(error.message.find("secret-passphrase") == std::string::npos);
  }
  CHECK(TlsServer::from_files(cert, key).ok()); // the good pair itself loads
}

TEST_CASE("crypto::TlsServer::accept: plain HTTP, silence and junk are input errors; the next client is served") {
  auto tls = TlsServer::self_signed({"127.0.0.1"});
  REQUIRE(tls.ok());
  TestServer server(**tls, 1s);

  const auto plain = post("http://127.0.0.1:" + std::to_string(server.port()) + "/", {});
  CHECK_FALSE(plain.response.has_value());
  {
    const Fd silent(connect_to(server.port()));
    server.wait_for(2); // the server gives up on the silent client after its 1 s timeout
  }
  {
    const Fd junk(connect_to(server.port()));
    const std::string bytes = "SSH-2.0-OpenSSH_9.2\r\n";
    CHECK(::send(junk.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
    server.wait_for(3);
  }
  { const Fd closed(connect_to(server.port())); }
  server.wait_for(4);
  hookctl::http::ClientOptions insecure;
  insecure.insecure = true;
  const auto next = post(server.url("/"), insecure, "next");
  REQUIRE(next.response.has_value());
  CHECK(next.response->body == "tls:next");

  const auto handled = server.wait_for(5);
  REQUIRE(handled.size() == 5);
  for (size_t i = 0; i < 4; ++i) {
    CAPTURE(handled[i].error);
    CHECK_FALSE(handled[i].ok);
    CHECK(handled[i].code == Errc::input);
    CHECK(handled[i].error.starts_with("TLS handshake failed: "));
    CHECK(handled[i].error.find('\n') == std::string::npos);
  }
  CHECK(handled[0].error.find("plain HTTP") != std::string::npos);
  CHECK(handled[1].error.find("timed out") != std::string::npos);
  CHECK(handled[2].error.find("timed out") == std::string::npos);
  CHECK(handled[3].error.find("closed the connection") != std::string::npos);
  CHECK(handled[4].ok);
}

TEST_CASE("crypto::TlsConnection: data both ways, a timeout as -1/EAGAIN, close_notify and EOF as 0, no SIGPIPE") {
  auto tls = TlsServer::self_signed({"localhost"});
  REQUIRE(tls.ok());
  char buffer[64];
  {
    Pair pair(**tls);
    REQUIRE(SSL_write(pair.client.get(), "ping", 4) == 4);
    CHECK(pair.server->read(buffer, sizeof buffer) == 4);
    CHECK(std::string(buffer, 4) == "ping");

    set_timeouts(pair.server_fd.get(), 100ms);
    errno = 0;
    CHECK(pair.server->read(buffer, sizeof buffer) == -1);
    CHECK((errno == EAGAIN || errno == EWOULDBLOCK));

    const std::string big(100000, 'b');
    CHECK(pair.server->write(big.data(), big.size()) == static_cast<long>(big.size()));
    std::string received;
    while (received.size() < big.size()) {
      const int n = SSL_read(pair.client.get(), buffer, sizeof buffer);
      if (n <= 0) break;
      received.append(buffer, static_cast<size_t>(n));
    }
    CHECK(received == big);

    CHECK(SSL_shutdown(pair.client.get()) >= 0);
    CHECK(pair.server->read(buffer, sizeof buffer) == 0);
    pair.server->shutdown();
    CHECK(SSL_read(pair.client.get(), buffer, sizeof buffer) == 0); // the server's close_notify arrived
  }
  {
    Pair pair(**tls);
    // The client reads the session tickets before it leaves: closing a socket with unread data
    // would make the server's recv fail with ECONNRESET instead of seeing EOF.
    CHECK(pair.server->write("pong", 4) == 4);
    CHECK(SSL_read(pair.client.get(), buffer, sizeof buffer) == 4);
    pair.client_fd.reset(); // gone without close_notify
    CHECK(pair.server->read(buffer, sizeof buffer) == 0);
    // The test binary would die of SIGPIPE here if the write went through write(2).
    CHECK(pair.server->write("late", 4) == -1);
    pair.server->shutdown();
  }
}

TEST_CASE("crypto::TlsServer::accept: one server runs 8 handshakes at once") {
  auto tls = TlsServer::self_signed({"localhost"});
  REQUIRE(tls.ok());
  std::atomic<int> served{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      int fds[2];
      if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return;
      const Fd server_fd(fds[0]);
      const Fd client_fd(fds[1]);
      set_timeouts(fds[0], 5s);
      set_timeouts(fds[1], 5s);
      const std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
      const std::unique_ptr<SSL, decltype(&SSL_free)> client(SSL_new(ctx.get()), SSL_free);
      if (!client || SSL_set_fd(client.get(), fds[1]) != 1) return;
      std::thread client_side([&] {
        if (SSL_connect(client.get()) == 1) SSL_write(client.get(), "hello", 5);
      });
      auto conn = (*tls)->accept(fds[0]);
      char buffer[8];
      if (conn && (*conn)->read(buffer, sizeof buffer) == 5 && std::string_view(buffer, 5) == "hello") ++served;
      client_side.join();
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(served == 8);
}
