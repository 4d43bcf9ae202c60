#pragma once
// TLS for `hookctl listen`: a certificate and key shared by every connection, and connections
// accepted over blocking sockets the caller owns. The only interface to OpenSSL's TLS.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "hookctl/util/result.hpp"

namespace hookctl::crypto {

// One accepted TLS connection over a blocking socket the caller owns.
class TlsConnection {
public:
  // Frees the TLS state; never closes the socket.
  virtual ~TlsConnection() = default;
  // Reads up to `size` bytes into `data` like recv(2): the count, 0 on a clean close (close_notify
  // or EOF), -1 on error or timeout (errno EAGAIN/EWOULDBLOCK when SO_RCVTIMEO expired).
  virtual long read(char* data, size_t size) = 0;
  // Writes all `size` bytes of `data`: `size` on success, -1 on error; never raises SIGPIPE.
  virtual long write(const char* data, size_t size) = 0;
  // Sends close_notify, best effort; does not wait for the peer's.
  virtual void shutdown() = 0;
};

// A certificate chain and its private key, shared by every connection; `accept` is thread-safe.
class TlsServer {
public:
  virtual ~TlsServer() = default;

  // Loads the PEM certificate chain `cert_file` (leaf first) and the PEM private key `key_file`;
  // Errc::environment naming the file and the cause, also when the key does not match.
  static Result<std::unique_ptr<TlsServer>> from_files(const std::string& cert_file, const std::string& key_file);

  // A fresh self-signed EC P-256 certificate valid from an hour ago for 7 days, with DNS SANs for
  // the host names and IP SANs for the addresses in `names` and CN = the first; Errc::usage when
  // `names` is empty or one is neither a host name nor an IP address.
  static Result<std::unique_ptr<TlsServer>> self_signed(const std::vector<std::string>& names);

  // The leaf certificate as PEM, for `curl --cacert` when it is self-signed.
  virtual std::string certificate_pem() const = 0;
  // The private key as unencrypted PKCS#8 PEM, to keep a self-signed pair; a secret, never log it.
  virtual std::string private_key_pem() const = 0;
  // The SHA-256 of the leaf certificate as colon-separated upper-case hex ("AB:01:...").
  virtual std::string fingerprint_sha256() const = 0;

  // Runs the server handshake on the connected blocking socket `fd`, bounded by the SO_RCVTIMEO and
  // SO_SNDTIMEO the caller set; Errc::input with a one-line reason when it fails.
  virtual Result<std::unique_ptr<TlsConnection>> accept(int fd) const = 0;
};

} // namespace hookctl::crypto
