#include "hookctl/crypto/tls.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <netinet/in.h>
#include <optional>
#include <string_view>
#include <sys/socket.h>
#include <sys/types.h>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "hookctl/crypto/crypto.hpp"

namespace hookctl::crypto {
namespace {

struct CtxFree {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
struct SslFree {
  void operator()(SSL* p) const { SSL_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, ExtFree>;

// The reason of the oldest OpenSSL error of this thread ("no start line"), emptying the queue.
// Reason strings are fixed texts, so they never carry key material.
std::string openssl_reason() {
  const unsigned long code = ERR_peek_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

// The text of errno value `error` (std::strerror is not thread-safe).
std::string errno_text(int error) { return std::generic_category().message(error); }

// Everything a memory BIO holds, as a string.
std::string drain(BIO* bio) {
  std::string text(BIO_ctrl_pending(bio), '\0');
  if (!text.empty() && BIO_read(bio, text.data(), static_cast<int>(text.size())) != static_cast<int>(text.size())) {
    text.clear();
  }
  return text;
}

// The socket under one connection. OpenSSL's socket BIO writes with write(2), which raises SIGPIPE
// when the peer has gone; this BIO uses send(MSG_NOSIGNAL) and recv, and remembers their errno since
// OpenSSL may overwrite errno before the caller looks.
struct SocketIo {
  int fd = -1;
  int last_errno = 0;
};

int socket_write(BIO* bio, const char* data, int size) {
  auto* io = static_cast<SocketIo*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  ssize_t n = 0;
  do n = ::send(io->fd, data, static_cast<size_t>(size), MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n >= 0) return static_cast<int>(n);
  io->last_errno = errno;
  if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(bio);
  return -1;
}

// EAGAIN (SO_RCVTIMEO) and EINTR surface as "retry", so SSL_read fails with WANT_READ and the caller
// sees them as recv(2) would report them.
int socket_read(BIO* bio, char* data, int size) {
  auto* io = static_cast<SocketIo*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::recv(io->fd, data, static_cast<size_t>(size), 0);
  if (n > 0) return static_cast<int>(n);
  if (n == 0) {
    BIO_set_flags(bio, BIO_FLAGS_IN_EOF);
    return 0;
  }
  io->last_errno = errno;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_read(bio);
  return -1;
}

// OpenSSL asks BIO_eof() after a read of 0 to tell a closed peer from an error, and flushes after
// each handshake flight (a flush that fails aborts the handshake).
long socket_ctrl(BIO* bio, int cmd, long /*num*/, void* /*ptr*/) {
  switch (cmd) {
  case BIO_CTRL_FLUSH: return 1;
  case BIO_CTRL_EOF: return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0 ? 1 : 0;
  default: return 0;
  }
}

// The BIO method above, made once and kept for the life of the process.
const BIO_METHOD* socket_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "hookctl socket");
    if (m != nullptr && (BIO_meth_set_write(m, socket_write) != 1 || BIO_meth_set_read(m, socket_read) != 1 ||
                         BIO_meth_set_ctrl(m, socket_ctrl) != 1)) {
      BIO_meth_free(m);
      m = nullptr;
    }
    return m;
  }();
  return method;
}

class Connection final : public TlsConnection {
public:
  explicit Connection(int fd) { m_io.fd = fd; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs the server handshake with the certificate of `ctx`.
  Result<void> handshake(SSL_CTX* ctx) {
    m_ssl.reset(SSL_new(ctx));
    BIO* bio = m_ssl && socket_method() != nullptr ? BIO_new(socket_method()) : nullptr;
    if (bio == nullptr) {
      ERR_clear_error();
      return make_error(Errc::environment, "cannot start a TLS connection: out of memory");
    }
    BIO_set_data(bio, &m_io);
    BIO_set_init(bio, 1);
    SSL_set_bio(m_ssl.get(), bio, bio);
    begin();
    const int rc = SSL_accept(m_ssl.get());
    if (rc == 1) return {};
    std::string why = handshake_failure(SSL_get_error(m_ssl.get(), rc));
    ERR_clear_error();
    return make_error(Errc::input, "TLS handshake failed: " + why);
  }

  long read(char* data, size_t size) override {
    if (size == 0) return 0;
    begin();
    size_t n = 0;
    const int rc = SSL_read_ex(m_ssl.get(), data, size, &n);
    if (rc == 1) return static_cast<long>(n);
    const int error = SSL_get_error(m_ssl.get(), rc);
    if (error == SSL_ERROR_ZERO_RETURN) return 0;
    set_errno(error);
    return -1;
  }

  // Without SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_write_ex on a blocking socket returns only when
  // everything was written or the connection failed.
  long write(const char* data, size_t size) override {
    if (size == 0) return 0;
    begin();
    size_t n = 0;
    const int rc = SSL_write_ex(m_ssl.get(), data, size, &n);
    if (rc == 1) return static_cast<long>(n);
    set_errno(SSL_get_error(m_ssl.get(), rc));
    m_broken = true; // a record may be half sent
    return -1;
  }

  // SSL_shutdown must not follow a fatal error (SSL_shutdown(3)).
  void shutdown() override {
    if (m_broken) return;
    begin();
    if (SSL_shutdown(m_ssl.get()) < 0) ERR_clear_error();
  }

private:
  // Clears what an earlier call left so that SSL_get_error and errno describe the next call.
  void begin() {
    ERR_clear_error();
    m_io.last_errno = 0;
  }

  // Sets errno after a failed read or write whose SSL_get_error() is `error`.
  void set_errno(int error) {
    ERR_clear_error();
    switch (error) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE: errno = m_io.last_errno != 0 ? m_io.last_errno : EAGAIN; break;
    case SSL_ERROR_ZERO_RETURN: errno = EPIPE; break;
    case SSL_ERROR_SYSCALL:
      m_broken = true;
      errno = m_io.last_errno != 0 ? m_io.last_errno : ECONNRESET;
      break;
    default: m_broken = true; errno = EPROTO;
    }
  }

  // Why SSL_accept failed with SSL_get_error() = `error`, in a few words.
  std::string handshake_failure(int error) {
    switch (error) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE: return m_io.last_errno == EINTR ? "interrupted" : "timed out";
    case SSL_ERROR_ZERO_RETURN: return "the client closed the connection";
    case SSL_ERROR_SYSCALL:
      return m_io.last_errno != 0 ? errno_text(m_io.last_errno) : "the client closed the connection";
    default: break;
    }
    // OpenSSL recognises an HTTP request line in place of a client hello (SSL_R_HTTP_REQUEST).
    const unsigned long code = ERR_peek_error();
    if (ERR_GET_LIB(code) == ERR_LIB_SSL &&
        (ERR_GET_REASON(code) == SSL_R_HTTP_REQUEST || ERR_GET_REASON(code) == SSL_R_HTTPS_PROXY_REQUEST)) {
      return "plain HTTP sent to a TLS port (use https://)";
    }
    return openssl_reason();
  }

  SocketIo m_io;
  SslPtr m_ssl; // after m_io: freed first, while the BIO can still reach m_io
  bool m_broken = false;
};

class Server final : public TlsServer {
public:
  Server(CtxPtr ctx, X509Ptr cert, PkeyPtr key)
      : m_ctx(std::move(ctx)), m_cert(std::move(cert)), m_key(std::move(key)) {}

  std::string certificate_pem() const override {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), m_cert.get()) != 1) {
      ERR_clear_error();
      return {};
    }
    return drain(bio.get());
  }

  std::string private_key_pem() const override {
    // A secure-heap memory BIO is wiped when freed.
    BioPtr bio(BIO_new(BIO_s_secmem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      ERR_clear_error();
      return {};
    }
    return drain(bio.get());
  }

  std::string fingerprint_sha256() const override {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (X509_digest(m_cert.get(), EVP_sha256(), md, &size) != 1) {
      ERR_clear_error();
      return {};
    }
    static constexpr std::string_view k_digits = "0123456789ABCDEF";
    std::string text;
    for (unsigned int i = 0; i < size; ++i) {
      if (i > 0) text += ':';
      text += k_digits[md[i] >> 4];
      text += k_digits[md[i] & 0xf];
    }
    return text;
  }

  Result<std::unique_ptr<TlsConnection>> accept(int fd) const override {
    auto connection = std::make_unique<Connection>(fd);
    HOOKCTL_TRY(connection->handshake(m_ctx.get()));
    return std::unique_ptr<TlsConnection>(std::move(connection));
  }

private:
  CtxPtr m_ctx;
  X509Ptr m_cert;
  PkeyPtr m_key;
};

// A server for `leaf`, the intermediate certificates `chain` and `key`; failures are reported as
// `what` followed by OpenSSL's reason ("ee key too small").
Result<std::unique_ptr<TlsServer>> make_server(X509Ptr leaf, const std::vector<X509Ptr>& chain, PkeyPtr key,
                                               std::string_view what) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  bool ok = ctx && SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) == 1 &&
            SSL_CTX_use_certificate(ctx.get(), leaf.get()) == 1 && SSL_CTX_use_PrivateKey(ctx.get(), key.get()) == 1;
  for (const auto& cert : chain) ok = ok && SSL_CTX_add1_chain_cert(ctx.get(), cert.get()) == 1;
  if (!ok) return make_error(Errc::environment, fmt::format("{}: {}", what, openssl_reason()));
  // Clients that close without close_notify are the norm for HTTP/1.1 with explicit lengths, and
  // TlsConnection::read reports a plain EOF as a close, as recv(2) does.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  return std::unique_ptr<TlsServer>(std::make_unique<Server>(std::move(ctx), std::move(leaf), std::move(key)));
}

// Fails PEM decryption instead of letting OpenSSL prompt on the terminal, and notes that it was asked.
int refuse_passphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* asked) {
  *static_cast<bool*>(asked) = true;
  return -1;
}

// "IP" for an IPv4 or IPv6 address, "DNS" for a host name, nothing for anything else (which also
// keeps commas and colons out of the extension text built from the names).
std::optional<std::string_view> san_kind(const std::string& name) {
  in6_addr address{};
  if (inet_pton(AF_INET, name.c_str(), &address) == 1 || inet_pton(AF_INET6, name.c_str(), &address) == 1) return "IP";
  const bool host = !name.empty() && name.size() <= 253 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
  });
  if (host) return "DNS";
  return std::nullopt;
}

// Fills `cert` as a self-signed server certificate for `key`, named `common_name`, with the
// subjectAltName text `sans` ("DNS:localhost,IP:127.0.0.1").
bool fill_self_signed(X509* cert, EVP_PKEY* key, const std::string& common_name, const std::string& sans) {
  // A random positive serial: browsers reject two certificates with one issuer and serial.
  const std::string random = random_bytes(sizeof(uint64_t));
  uint64_t serial = 0;
  std::memcpy(&serial, random.data(), sizeof serial);
  serial = (serial >> 1) | 1;
  constexpr long k_hour = 3600;
  constexpr long k_validity = 7 * 24 * k_hour;
  X509_NAME* subject = X509_get_subject_name(cert);
  if (X509_set_version(cert, X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert), -k_hour) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert), k_validity) == nullptr ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert, subject) != 1 || X509_set_pubkey(cert, key) != 1) {
    return false;
  }
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  const std::pair<int, std::string> extensions[] = {
      {NID_subject_alt_name, sans},
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_ext_key_usage, "serverAuth"},
      {NID_subject_key_identifier, "hash"},
  };
  for (const auto& [nid, value] : extensions) {
    const ExtPtr extension(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) return false;
  }
  return X509_sign(cert, key, EVP_sha256()) > 0;
}

} // namespace

Result<std::unique_ptr<TlsServer>> TlsServer::from_files(const std::string& cert_file, const std::string& key_file) {
  const auto cert_error = [&](std::string_view why) {
    return make_error(Errc::environment, fmt::format("cannot load TLS certificate {}: {}", cert_file, why));
  };
  const auto key_error = [&](std::string_view why) {
    return make_error(Errc::environment, fmt::format("cannot load TLS key {}: {}", key_file, why));
  };

  const BioPtr cert_bio(BIO_new_file(cert_file.c_str(), "r"));
  if (!cert_bio) {
    const int error = errno;
    ERR_clear_error();
    return cert_error(errno_text(error));
  }
  std::vector<X509Ptr> certs;
  while (X509* cert = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(cert);
  // Reading stops with "no start line" once no PEM block is left; anything else is a broken block.
  const unsigned long stop = ERR_peek_last_error();
  if (ERR_GET_LIB(stop) != ERR_LIB_PEM || ERR_GET_REASON(stop) != PEM_R_NO_START_LINE) {
    return cert_error("malformed PEM certificate: " + openssl_reason());
  }
  ERR_clear_error();
  if (certs.empty()) return cert_error("no PEM certificate found");

  const BioPtr key_bio(BIO_new_file(key_file.c_str(), "r"));
  if (!key_bio) {
    const int error = errno;
    ERR_clear_error();
    return key_error(errno_text(error));
  }
  bool asked_passphrase = false;
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, refuse_passphrase, &asked_passphrase));
  ERR_clear_error();
  if (!key) {
    return key_error(asked_passphrase ? "the key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN)"
                                      : "no PEM private key found");
  }
  if (X509_check_private_key(certs.front().get(), key.get()) != 1) {
    ERR_clear_error();
    return key_error(fmt::format("the key does not match the certificate {}", cert_file));
  }

  X509Ptr leaf = std::move(certs.front());
  certs.erase(certs.begin());
  return make_server(std::move(leaf), certs, std::move(key), fmt::format("cannot use TLS certificate {}", cert_file));
}

Result<std::unique_ptr<TlsServer>> TlsServer::self_signed(const std::vector<std::string>& names) {
  if (names.empty()) return make_error(Errc::usage, "a self-signed TLS certificate needs at least one host name");
  std::string sans;
  for (const auto& name : names) {
    const auto kind = san_kind(name);
    if (!kind) {
      return make_error(Errc::usage,
                        fmt::format("cannot make a TLS certificate for \"{}\": not a host name or IP address", name));
    }
    sans += fmt::format("{}{}:{}", sans.empty() ? "" : ",", *kind, name);
  }
  constexpr std::string_view what = "cannot make a self-signed TLS certificate";
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  X509Ptr cert(X509_new());
  if (!key || !cert || !fill_self_signed(cert.get(), key.get(), names.front(), sans)) {
    return make_error(Errc::environment, fmt::format("{}: {}", what, openssl_reason()));
  }
  return make_server(std::move(cert), {}, std::move(key), what);
}

} // namespace hookctl::crypto
