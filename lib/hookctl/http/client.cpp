// The cpp-httplib client adapter: one of the two files that include httplib.h (see
// ARCHITECTURE.md); everything else sees http::Request and http::Response.
#include <map>
#include <netdb.h>

#include <fmt/format.h>
#include <httplib.h>

#include "hookctl/http/message.hpp"
#include "hookctl/http/multiplex.hpp"
#include "hookctl/http/version.hpp"
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
    if (!has_agent && request.add_user_agent) req.headers.emplace("User-Agent", std::string(k_user_agent));
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
    const size_t limit = m_options.max_response_body;
    const size_t keep = std::min(limit, m_options.keep_response_body);
    size_t received = 0;
    bool too_big = false;
    httplib::Response res;
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      const std::string_view piece(data, n);
      if (res.body.size() < keep) res.body.append(piece.substr(0, keep - res.body.size()));
      received += n;
      too_big = received > limit;
      return !too_big;
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

// http:// over the plain client (multiplex.cpp), https:// over cpp-httplib (TLS), each made on first use.
class DispatchTransport final : public Transport {
public:
  explicit DispatchTransport(ClientOptions options) : m_options(std::move(options)) {}

  Outcome send(const Request& request) override {
    if (util::to_lower(std::string_view(request.url).substr(0, 8)) == "https://") {
      if (!m_tls) m_tls = std::make_unique<HttplibTransport>(m_options);
      return m_tls->send(request);
    }
    if (!m_plain) m_plain = make_plain_client(m_options);
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
