// delivery::deliver over a scripted Transport with a fake clock: attempts, waits and endings.
#include <atomic>
#include <stdexcept>
#include <vector>

#include <doctest/doctest.h>

#include "hookctl/delivery/deliver.hpp"

using namespace hookctl;
using namespace hookctl::delivery;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

http::Outcome status(int code, util::Headers headers = {}) {
  http::Outcome o;
  o.response = http::Response{code, std::move(headers), ""};
  o.latency = 3ms;
  return o;
}

http::Outcome failure(http::Failure f) {
  http::Outcome o;
  o.failure = f;
  o.error = "no response within 15 s";
  return o;
}

// Answers with the scripted outcomes in turn (the last one repeats) and keeps the requests it saw.
class ScriptedTransport : public http::Transport {
public:
  explicit ScriptedTransport(std::vector<http::Outcome> script) : m_script(std::move(script)) {}
  http::Outcome send(const http::Request& request) override {
    m_seen.push_back(request);
    const size_t i = std::min(m_seen.size() - 1, m_script.size() - 1);
    return m_script[i];
  }
  const std::vector<http::Request>& seen() const { return m_seen; }

private:
  std::vector<http::Outcome> m_script;
  std::vector<http::Request> m_seen;
};

// A clock that records sleeps instead of sleeping, with a fixed jitter draw.
struct FakeClock {
  std::vector<milliseconds> sleeps;
  int64_t now = 1795864837;
  double u = 1.0;
  Clock clock() {
    return Clock{[this] { return now; },
                 [this](milliseconds d) {
                   sleeps.push_back(d);
                   now += std::chrono::duration_cast<std::chrono::seconds>(d).count();
                 },
                 [this] { return u; }};
  }
};

http::Request request_for(int attempt) {
  http::Request r;
  r.url = "http://127.0.0.1:9/hook";
  r.headers.add("webhook-timestamp", std::to_string(1000 + attempt));
  r.body = "{}";
  return r;
}

RetryPolicy exponential(int retries) {
  RetryPolicy p;
  p.retries = retries;
  p.base = 1000ms;
  p.max = 30000ms;
  return p;
}

} // namespace

TEST_CASE("delivery::deliver: 500, 500, 200 is three attempts and a success after the backoff waits") {
  ScriptedTransport t({status(500), status(500), status(200)});
  FakeClock fc;
  std::vector<int> numbers;
  std::vector<int> seen_live;
  auto d = deliver(
      t,
      [&](int attempt) {
        numbers.push_back(attempt);
        return request_for(attempt);
      },
      exponential(5), fc.clock(), [&](const Attempt& a) { seen_live.push_back(a.number); });
  CHECK(d.success);
  CHECK(d.ending == Ending::success);
  REQUIRE(d.attempts.size() == 3);
  CHECK(numbers == std::vector<int>{1, 2, 3});
  CHECK(seen_live == std::vector<int>{1, 2, 3});
  // uniform01 = 1: each wait is the cap, base * 2^(attempt-1).
  CHECK(fc.sleeps == std::vector<milliseconds>{1000ms, 2000ms});
  CHECK(d.attempts[0].delay_before == 0ms);
  CHECK(d.attempts[0].delay_after == 1000ms);
  CHECK(d.attempts[1].delay_before == 1000ms);
  CHECK(d.attempts[1].delay_after == 2000ms);
  CHECK(d.attempts[2].delay_before == 2000ms);
  CHECK_FALSE(d.attempts[2].delay_after);
  CHECK(d.attempts[2].outcome.response->status == 200);
  // Each attempt's request was built afresh (re-signed).
  REQUIRE(t.seen().size() == 3);
  CHECK(t.seen()[0].headers.get("webhook-timestamp") == "1001");
  CHECK(t.seen()[2].headers.get("webhook-timestamp") == "1003");
}

TEST_CASE("delivery::deliver: a 400 is final after one attempt; 410 too") {
  for (int code : {400, 404, 410, 301}) {
    CAPTURE(code);
    ScriptedTransport t({status(code), status(200)});
    FakeClock fc;
    auto d = deliver(t, request_for, exponential(5), fc.clock());
    CHECK_FALSE(d.success);
    CHECK(d.ending == Ending::stopped);
    CHECK(d.attempts.size() == 1);
    CHECK(fc.sleeps.empty());
  }
}

TEST_CASE("delivery::deliver: timeouts and refused connections are retried until the retries run out") {
  {
    ScriptedTransport t({failure(http::Failure::timeout), failure(http::Failure::connect), status(204)});
    FakeClock fc;
    auto d = deliver(t, request_for, exponential(2), fc.clock());
    CHECK(d.success);
    CHECK(d.attempts.size() == 3);
    CHECK(d.attempts[0].outcome.failure == http::Failure::timeout);
  }
  {
    ScriptedTransport t({failure(http::Failure::timeout)});
    FakeClock fc;
    fc.u = 0.5;
    auto d = deliver(t, request_for, exponential(3), fc.clock());
    CHECK_FALSE(d.success);
    CHECK(d.ending == Ending::exhausted);
    CHECK(d.attempts.size() == 4);
    CHECK(fc.sleeps == std::vector<milliseconds>{500ms, 1000ms, 2000ms});
  }
  {
    // The default policy sends once.
    ScriptedTransport t({status(503)});
    FakeClock fc;
    auto d = deliver(t, request_for, RetryPolicy{}, fc.clock());
    CHECK(d.ending == Ending::exhausted);
    CHECK(d.attempts.size() == 1);
  }
}

TEST_CASE("delivery::deliver: the Svix schedule at --time-scale 0.001, and a zero wait is not slept") {
  ScriptedTransport t({status(500)});
  FakeClock fc;
  RetryPolicy p;
  p.schedule = Schedule::svix;
  p.time_scale = 0.001;
  auto d = deliver(t, request_for, p, fc.clock());
  CHECK(d.ending == Ending::exhausted);
  CHECK(d.attempts.size() == 8);
  CHECK(fc.sleeps == std::vector<milliseconds>{5ms, 300ms, 1800ms, 7200ms, 18000ms, 36000ms, 36000ms});

  ScriptedTransport t2({status(500), status(200)});
  FakeClock zero;
  zero.u = 0.0;
  auto d2 = deliver(t2, request_for, exponential(1), zero.clock());
  CHECK(d2.success);
  CHECK(d2.attempts[1].delay_before == 0ms);
  CHECK(zero.sleeps.empty());
}

TEST_CASE("delivery::deliver: Retry-After on a 429 sets the wait") {
  ScriptedTransport t({status(429, {{"Retry-After", "12"}}), status(200)});
  FakeClock fc;
  fc.u = 0.0;
  auto d = deliver(t, request_for, exponential(1), fc.clock());
  CHECK(d.success);
  CHECK(fc.sleeps == std::vector<milliseconds>{12000ms});
}

TEST_CASE("delivery::deliver: a cancel flag ends the delivery; throwing callbacks do not escape") {
  {
    ScriptedTransport t({status(500)});
    FakeClock fc;
    std::atomic<bool> cancel{false};
    auto d = deliver(
        t, request_for, exponential(5), fc.clock(), [&](const Attempt&) { cancel = true; }, &cancel);
    CHECK(d.ending == Ending::cancelled);
    CHECK(d.attempts.size() == 1);
    CHECK(fc.sleeps.empty());
  }
  {
    // A long wait is slept in slices while a cancel flag is watched, and a set flag ends it.
    ScriptedTransport t({status(500)});
    FakeClock fc;
    std::atomic<bool> cancel{false};
    Clock c = fc.clock();
    auto inner = c.sleep_for;
    c.sleep_for = [&](milliseconds d) {
      inner(d);
      if (fc.sleeps.size() == 3) cancel = true;
    };
    auto d = deliver(t, request_for, exponential(5), c, {}, &cancel);
    CHECK(d.ending == Ending::cancelled);
    CHECK(d.attempts.size() == 1);
    CHECK(fc.sleeps == std::vector<milliseconds>{200ms, 200ms, 200ms});
  }
  {
    ScriptedTransport t({status(500)});
    FakeClock fc;
    auto d = deliver(
        t, [](int) -> http::Request { throw std::runtime_error("signing failed"); }, exponential(5), fc.clock());
    CHECK(d.ending == Ending::error);
    CHECK_FALSE(d.success);
    CHECK(d.error.find("signing failed") != std::string::npos);
    CHECK(d.attempts.empty());
  }
  CHECK(ending_name(Ending::exhausted) == "exhausted");
}

TEST_CASE("delivery::real_clock: jitter in [0, 1) and the wall clock in unix seconds") {
  Clock c = real_clock();
  for (int i = 0; i < 1000; ++i) {
    const double u = c.uniform01();
    CHECK((u >= 0.0 && u < 1.0));
  }
  CHECK(c.now_unix() > 1700000000);
}
