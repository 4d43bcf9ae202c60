// The cpp-httplib client and server adapters against each other on 127.0.0.1.
#include <atomic>
#include <thread>

#include <doctest/doctest.h>

#include "hookctl/http/server.hpp"

using namespace hookctl::http;

namespace {
std::string url_of(const Server& s, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(s.port()) + std::string(path);
}
} // namespace

TEST_CASE("http::make_client: body and headers arrive byte-exact; the response comes back") {
  ServerRequest seen;
  auto server = Server::start({}, [&](const ServerRequest& r) {
    seen = r;
    Response res;
    res.status = 202;
    res.headers.add("Content-Type", "application/json");
    res.headers.add("X-Answer", "42");
    res.body = "{\"ok\":true}";
    return res;
  });
  REQUIRE(server.ok());
  auto client = make_client({});
  Request req;
  req.url = url_of(**server, "/hooks/a?b=c");
  req.headers = {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", "sha256=abc"}};
  req.body = std::string("{\"a\":1}\n\0\xff", 10);
  auto out = client->send(req);
  REQUIRE(out.response.has_value());
  CHECK(out.failure == Failure::none);
  CHECK(out.response->status == 202);
  CHECK(out.response->headers.get("X-Answer") == "42");
  CHECK(out.response->body == "{\"ok\":true}");
  CHECK(out.latency.count() > 0);
  CHECK(seen.method == "POST");
  CHECK(seen.target == "/hooks/a?b=c");
  CHECK(seen.body == req.body);
  CHECK(seen.headers.get("X-Hub-Signature-256") == "sha256=abc");
  CHECK(seen.headers.get("User-Agent")->starts_with("hookctl/"));
  // Keep-alive: a second request on the same client works.
  auto again = client->send(req);
  REQUIRE(again.response.has_value());
  CHECK(again.response->status == 202);
  client.reset(); // closes the kept-alive connection, so stop() need not wait out its idle timeout
  (*server)->stop();
}

TEST_CASE("http::make_client: a refused connection and a silent server are named failures") {
  uint16_t closed_port = 0;
  {
    auto s = Server::start({}, [](const ServerRequest&) { return Response{200, {}, ""}; });
    REQUIRE(s.ok());
    closed_port = (*s)->port();
    (*s)->stop();
  }
  auto client = make_client({});
  Request req;
  req.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/";
  auto refused = client->send(req);
  CHECK_FALSE(refused.response.has_value());
  CHECK(refused.failure == Failure::connect);
  CHECK(refused.error.find("cannot connect") != std::string::npos);

  std::atomic<bool> release{false};
  auto slow = Server::start({}, [&](const ServerRequest&) {
    for (int i = 0; i < 500 && !release; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return Response{200, {}, ""};
  });
  REQUIRE(slow.ok());
  ClientOptions quick;
  quick.timeout = std::chrono::milliseconds(300);
  auto impatient = make_client(quick);
  req.url = url_of(**slow, "/");
  auto timed_out = impatient->send(req);
  release = true;
  CHECK_FALSE(timed_out.response.has_value());
  CHECK(timed_out.failure == Failure::timeout);
  CHECK(timed_out.latency < std::chrono::seconds(4));
  (*slow)->stop();
}

TEST_CASE("http::Server::start: a port in use is an environment error") {
  auto first = Server::start({}, [](const ServerRequest&) { return Response{200, {}, ""}; });
  REQUIRE(first.ok());
  ServerOptions same;
  same.port = (*first)->port();
  auto second = Server::start(same, [](const ServerRequest&) { return Response{200, {}, ""}; });
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == hookctl::Errc::environment);
}
