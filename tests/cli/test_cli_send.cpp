// `hookctl send` in process, over a scripted fake transport and a sleep that only records.
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

namespace {

// Answers with `statuses` in turn (0 = a connection failure), the last one repeated; records requests.
struct Script {
  std::vector<int> statuses{200};
  std::mutex mu;
  std::vector<hookctl::http::Request> requests;
  std::vector<std::chrono::milliseconds> sleeps;
};

class FakeTransport : public hookctl::http::Transport {
public:
  explicit FakeTransport(Script& s) : m_s(s) {}
  hookctl::http::Outcome send(const hookctl::http::Request& r) override {
    std::lock_guard lock(m_s.mu);
    size_t i = m_s.requests.size();
    m_s.requests.push_back(r);
    int status = m_s.statuses[std::min(i, m_s.statuses.size() - 1)];
    hookctl::http::Outcome out;
    out.latency = std::chrono::microseconds(500);
    if (status == 0) {
      out.failure = hookctl::http::Failure::connect;
      out.error = "cannot connect to 127.0.0.1:9 (refused or unreachable)";
      return out;
    }
    out.response = hookctl::http::Response{status, {{"Content-Type", "application/json"}}, "{\"ok\":true}"};
    return out;
  }

private:
  Script& m_s;
};

testing::Run send(Script& script, std::vector<std::string> args) {
  std::ostringstream out, err;
  std::istringstream in;
  auto ctx = testing::test_context(out, err, in);
  ctx.sleep = [&script](std::chrono::milliseconds d) { script.sleeps.push_back(d); };
  ctx.transport = [&script](const hookctl::http::ClientOptions&) { return std::make_unique<FakeTransport>(script); };
  args.insert(args.begin(), "send");
  return testing::run_with(ctx, out, err, args);
}

const std::string k_url = "http://127.0.0.1:3000/webhooks";

} // namespace

TEST_CASE("cli send: one signed delivery, the body as given, signature headers added") {
  Script s;
  auto r = send(s, {k_url, "-p", "github", "--secret", "It's a Secret to Everybody", "--data", "Hello, World!"});
  CHECK(r.code == 0);
  REQUIRE(s.requests.size() == 1);
  CHECK(s.requests[0].body == "Hello, World!");
  CHECK(s.requests[0].url == k_url);
  CHECK(s.requests[0].headers.get("X-Hub-Signature-256") ==
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  CHECK(s.requests[0].headers.get("Content-Type") == "application/json");
  CHECK(r.out.find("attempt 1: 200") != std::string::npos);
}

TEST_CASE("cli send: 5xx twice then 200 takes three attempts with jittered, capped waits") {
  Script s;
  s.statuses = {503, 0, 200};
  auto r = send(s, {k_url, "-p", "stripe", "--secret", "whsec_x", "--data", "{}", "--retries", "5", "--backoff", "1s",
                    "--backoff-max", "3s", "--json"});
  CHECK(r.code == 0);
  CHECK(s.requests.size() == 3);
  REQUIRE(s.sleeps.size() == 2);
  CHECK(s.sleeps[0] <= std::chrono::seconds(1));
  CHECK(s.sleeps[1] <= std::chrono::seconds(2));
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["success"] == true);
  REQUIRE(j["attempts"].size() == 3);
  CHECK(j["attempts"][0]["status"] == 503);
  CHECK(j["attempts"][1]["status"].is_null());
  CHECK(j["attempts"][1]["failure"] == "connect");
  CHECK(j["attempts"][2]["status"] == 200);
  CHECK(j["response"]["status"] == 200);
  // Every attempt is signed anew, and the delivery id stays the same.
  CHECK(s.requests[0].headers.get("Stripe-Signature").has_value());
}

TEST_CASE("cli send: a 400 is final, 410 stops, exhausted retries exit 1") {
  Script bad;
  bad.statuses = {400};
  CHECK(send(bad, {k_url, "-p", "github", "--secret", "s", "--data", "{}", "--retries", "3"}).code == 1);
  CHECK(bad.requests.size() == 1);
  Script gone;
  gone.statuses = {410};
  CHECK(send(gone, {k_url, "-p", "github", "--secret", "s", "--data", "{}", "--retries", "3"}).code == 1);
  CHECK(gone.requests.size() == 1);
  Script down;
  down.statuses = {500};
  auto r = send(down, {k_url, "-p", "github", "--secret", "s", "--data", "{}", "--retries", "2", "--backoff", "10ms"});
  CHECK(r.code == 1);
  CHECK(down.requests.size() == 3);
  CHECK(r.err.find("delivery failed after 3 attempts") != std::string::npos);
}

TEST_CASE("cli send: a provider's schedule, compressed by --time-scale") {
  Script s;
  s.statuses = {500, 500, 200};
  auto r = send(s, {k_url, "-p", "svix", "--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--data", "{}",
                    "--retry-schedule", "svix", "--time-scale", "0.001"});
  CHECK(r.code == 0);
  REQUIRE(s.sleeps.size() >= 1);
  // Svix's second retry waits 5 s, played at 1/1000: 5 ms (the first waits 0 or 5 s by source).
  CHECK(s.sleeps.back() <= std::chrono::milliseconds(300));
  CHECK(s.requests[0].headers.get("svix-signature").has_value());
}

TEST_CASE("cli send: catalog events carry their provider and headers; --set edits before signing") {
  Script s;
  auto r = send(s, {k_url, "--event", "github.push", "--secret", "s", "--set", "ref=refs/heads/dev"});
  CHECK(r.code == 0);
  REQUIRE(s.requests.size() == 1);
  CHECK(s.requests[0].headers.get("X-GitHub-Event") == "push");
  auto body = nlohmann::json::parse(s.requests[0].body);
  CHECK(body["ref"] == "refs/heads/dev");
  CHECK(s.requests[0].headers.get("X-Hub-Signature-256").has_value());
}

TEST_CASE("cli send: bad input is a usage error before anything is sent") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"127.0.0.1:3000/h", "--data", "{}"},                                        // no scheme
           {k_url, "--event", "github.nope", "--secret", "s"},                          // unknown event
           {k_url, "-p", "github", "--data", "{}"},                                     // no secret
           {k_url, "--data", "{}", "--event", "github.push", "--secret", "s"},          // both bodies
           {k_url},                                                                     // no body
           {k_url, "-p", "github", "--secret", "s", "--data", "{}", "--set", "a..b=1"}, // bad path
           {k_url, "-p", "github", "--secret", "s", "--data", "@/nonexistent/x"},       // unreadable
           {k_url, "-p", "github", "--secret", "s", "--data", "{}", "--timeout", "soon"},
           {k_url, "-p", "github", "--secret", "s", "--data", "{}", "--time-scale", "0"},
           {k_url, "-p", "nope", "--secret", "s", "--data", "{}"},
           {k_url, "-p", "github", "--secret", "s", "--data", "{}", "-H", "Content-Length: 5"},
           {k_url, "-p", "github", "--secret", "s", "--data", "{}", "-X", "BAD METHOD"},
           {k_url, "-p", "github", "--secret", "s", "--data", "{}", "-n", "5", "--rate", "0"},
           {k_url, "--event", "discord.ping"}, // Ed25519: needs --private-key
       }) {
    auto joined = testing::command_line(args);
    CAPTURE(joined);
    Script s;
    auto r = send(s, args);
    CHECK(r.code == 2);
    CHECK(s.requests.empty());
    CHECK(r.err.starts_with("hookctl: error: "));
  }
}

TEST_CASE("cli send: -v shows the request but masks a token that is the secret itself") {
  Script s;
  auto r = send(s, {k_url, "-v", "-p", "gitlab", "--secret", "glpat-very-secret", "--data", "{}"});
  CHECK(r.code == 0);
  CHECK(r.err.find("> POST " + k_url) != std::string::npos);
  CHECK(r.err.find("X-Gitlab-Token: ***") != std::string::npos);
  CHECK(r.out.find("glpat-very-secret") == std::string::npos);
  CHECK(r.err.find("glpat-very-secret") == std::string::npos);
}

TEST_CASE("cli send: load mode sends exactly N, freshly signed, and summarises as JSON") {
  Script s;
  s.statuses = {200, 200, 500, 200};
  auto r = send(s, {k_url, "-p", "github", "--secret", "s", "--data", "{}", "-n", "40", "-c", "4", "--json"});
  CHECK(r.code == 1); // one 500
  CHECK(s.requests.size() == 40);
  std::set<std::string> ids;
  for (const auto& q : s.requests) ids.insert(std::string(*q.headers.get("X-GitHub-Delivery")));
  CHECK(ids.size() == 40);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["sent"] == 40);
  CHECK(j["ok"] == 39);
  CHECK(j["statuses"]["500"] == 1);
  CHECK(j["statuses"]["200"] == 39);
  CHECK(j["latency_ms"]["p99"].get<double>() >= j["latency_ms"]["p50"].get<double>());
  CHECK(j["throughput_rps"].get<double>() > 0);
  Script all_ok;
  CHECK(send(all_ok, {k_url, "-p", "github", "--secret", "s", "--data", "{}", "-n", "10"}).code == 0);
  CHECK(all_ok.requests.size() == 10);
}
