// The cpp-httplib server adapter: the second of the two files that include httplib.h.
#include "hookctl/http/server.hpp"

#include <sys/socket.h>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "hookctl/util/strings.hpp"

namespace hookctl::http {
namespace {

class HttplibServer final : public Server {
public:
  HttplibServer() = default;
  HttplibServer(const HttplibServer&) = delete;
  HttplibServer& operator=(const HttplibServer&) = delete;
  ~HttplibServer() override { stop(); }

  Result<void> bind(const ServerOptions& options, Handler handler) {
    if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
      auto tls = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(), options.tls_key_file.c_str());
      if (!tls->is_valid())
        return make_error(Errc::environment, "cannot load the TLS certificate and key (PEM files expected)");
      m_owned = std::move(tls);
    } else {
      m_owned = std::make_unique<httplib::Server>();
    }
    httplib::Server& server = *m_owned;
    server.set_payload_max_length(options.max_body);
    server.set_tcp_nodelay(true); // status line, headers and body are separate writes
    // A kept-alive connection serves many requests (cpp-httplib closes after 5 by default), as a
    // webhook sender or a load run expects of a receiver.
    server.set_keep_alive_max_count(100000);
    auto timeout = std::chrono::duration_cast<std::chrono::microseconds>(options.read_timeout).count();
    server.set_read_timeout(static_cast<time_t>(timeout / 1000000), static_cast<time_t>(timeout % 1000000));
    // Regular handlers, not the pre-routing hook: httplib reads the body only for those.
    auto serve = [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
      ServerRequest in;
      in.method = req.method;
      in.target = req.target;
      for (const auto& [name, value] : req.headers) in.headers.add(name, value);
      in.body = req.body;
      in.remote = fmt::format("{}:{}", req.remote_addr, req.remote_port);
      Response out = handler(in);
      res.status = out.status;
      std::string content_type;
      for (const auto& [name, value] : out.headers.fields()) {
        if (util::iequals(name, "Content-Type"))
          content_type = value;
        else
          res.headers.emplace(name, value);
      }
      res.set_content(out.body, content_type.empty() ? "text/plain" : content_type);
    };
    const char* any = ".*";
    server.Get(any, serve).Post(any, serve).Put(any, serve).Patch(any, serve).Delete(any, serve).Options(any, serve);
    // Without SO_REUSEPORT (httplib's default sets it), so a second server on a taken port fails
    // instead of silently sharing it.
    server.set_socket_options([](int sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    if (options.port == 0) {
      int port = server.bind_to_any_port(options.host);
      if (port <= 0) return make_error(Errc::environment, fmt::format("cannot bind {}: no free port", options.host));
      m_port = static_cast<uint16_t>(port);
    } else {
      if (!server.bind_to_port(options.host, options.port))
        return make_error(
            Errc::environment,
            fmt::format("cannot bind {}:{} (in use, or not an address of this machine)", options.host, options.port));
      m_port = options.port;
    }
    m_thread = std::thread([this] { m_owned->listen_after_bind(); });
    // httplib's stop() does nothing before the loop runs, and the loop would then never end: wait
    // for it (bounded) so that stop() right after start() cannot hang.
    for (int i = 0; i < 2000 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return {};
  }

  uint16_t port() const override { return m_port; }

  void stop() override {
    if (!m_owned) return;
    m_owned->stop();
    if (m_thread.joinable()) m_thread.join();
  }

private:
  std::unique_ptr<httplib::Server> m_owned;
  std::thread m_thread;
  uint16_t m_port = 0;
};

} // namespace

Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options, Handler handler) {
  auto server = std::make_unique<HttplibServer>();
  HOOKCTL_TRY(server->bind(options, std::move(handler)));
  return std::unique_ptr<Server>(std::move(server));
}

} // namespace hookctl::http
