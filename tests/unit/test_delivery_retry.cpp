// delivery::classify, next_delay, parse_retry_after, the providers' schedules and HTTP-date.
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "hookctl/delivery/http_date.hpp"
#include "hookctl/delivery/retry.hpp"

using namespace hookctl;
using namespace hookctl::delivery;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

// 2026-11-28T11:20:37Z, a fixed "now".
constexpr int64_t k_now = 1795864837;

http::Outcome status(int code, util::Headers headers = {}) {
  http::Outcome o;
  o.response = http::Response{code, std::move(headers), ""};
  return o;
}

http::Outcome failure(http::Failure f) {
  http::Outcome o;
  o.failure = f;
  o.error = "boom";
  return o;
}

std::function<double()> fixed(double u) {
  return [u] { return u; };
}

RetryPolicy exponential(int retries, milliseconds base = 1000ms, milliseconds max = 30000ms) {
  RetryPolicy p;
  p.retries = retries;
  p.base = base;
  p.max = max;
  return p;
}

} // namespace

TEST_CASE("delivery::classify: 2xx success; 408, 429, 5xx and failures retry; other statuses stop") {
  struct Row {
    int status;
    Verdict verdict;
  };
  const std::vector<Row> table = {
      {200, Verdict::success}, {201, Verdict::success}, {204, Verdict::success}, {299, Verdict::success},
      {100, Verdict::stop},    {301, Verdict::stop},    {304, Verdict::stop},    {400, Verdict::stop},
      {401, Verdict::stop},    {403, Verdict::stop},    {404, Verdict::stop},    {410, Verdict::stop},
      {413, Verdict::stop},    {422, Verdict::stop},    {408, Verdict::retry},   {429, Verdict::retry},
      {500, Verdict::retry},   {502, Verdict::retry},   {503, Verdict::retry},   {504, Verdict::retry},
      {599, Verdict::retry},   {600, Verdict::stop},
  };
  for (const auto& row : table) {
    CAPTURE(row.status);
    CHECK(classify(status(row.status)) == row.verdict);
  }
  for (auto f : {http::Failure::dns, http::Failure::connect, http::Failure::tls, http::Failure::timeout,
                 http::Failure::io, http::Failure::other}) {
    CAPTURE(http::failure_name(f));
    CHECK(classify(failure(f)) == Verdict::retry);
  }
  // An outcome without a response is a failure even when none is named.
  CHECK(classify(http::Outcome{}) == Verdict::retry);
}

TEST_CASE("delivery::classify: `webhook-delivery: abort-message` stops a retryable answer (Svix)") {
  CHECK(classify(status(503, {{"Webhook-Delivery", " abort-message "}})) == Verdict::stop);
  CHECK(classify(status(200, {{"webhook-delivery", "abort-message"}})) == Verdict::success);
  CHECK(classify(status(503, {{"webhook-delivery", "continue"}})) == Verdict::retry);
}

TEST_CASE("delivery::next_delay: full jitter spans [0, min(max, base * 2^(attempt-1))]") {
  const auto p = exponential(10, 1000ms, 30000ms);
  const auto e500 = status(500);
  // uniform01 = 0 gives no wait, 1 the cap.
  CHECK(next_delay(p, 1, e500, k_now, fixed(0.0)) == 0ms);
  CHECK(next_delay(p, 1, e500, k_now, fixed(1.0)) == 1000ms);
  CHECK(next_delay(p, 2, e500, k_now, fixed(1.0)) == 2000ms);
  CHECK(next_delay(p, 3, e500, k_now, fixed(1.0)) == 4000ms);
  CHECK(next_delay(p, 5, e500, k_now, fixed(1.0)) == 16000ms);
  CHECK(next_delay(p, 3, e500, k_now, fixed(0.5)) == 2000ms);
  CHECK(next_delay(p, 3, e500, k_now, fixed(0.25)) == 1000ms);
  // Capped at max from attempt 6 (32 s > 30 s) on, with no overflow however far it goes.
  CHECK(next_delay(p, 6, e500, k_now, fixed(1.0)) == 30000ms);
  CHECK(next_delay(p, 10, e500, k_now, fixed(1.0)) == 30000ms);
  CHECK(next_delay(exponential(5000), 4000, e500, k_now, fixed(1.0)) == 30000ms);
  CHECK(next_delay(p, 6, e500, k_now, fixed(0.5)) == 15000ms);
  // A misbehaving source is clamped into [0, 1].
  CHECK(next_delay(p, 3, e500, k_now, fixed(7.0)) == 4000ms);
  CHECK(next_delay(p, 3, e500, k_now, fixed(-1.0)) == 0ms);
}

TEST_CASE("delivery::next_delay: the number of retries and the verdict end a delivery") {
  const auto e503 = status(503);
  // Default: no retries at all.
  CHECK_FALSE(next_delay(RetryPolicy{}, 1, e503, k_now, fixed(1.0)));
  const auto p = exponential(2);
  CHECK(next_delay(p, 1, e503, k_now, fixed(1.0)));
  CHECK(next_delay(p, 2, e503, k_now, fixed(1.0)));
  CHECK_FALSE(next_delay(p, 3, e503, k_now, fixed(1.0)));
  CHECK_FALSE(next_delay(p, 0, e503, k_now, fixed(1.0)));
  // Success and final answers are never retried.
  CHECK_FALSE(next_delay(p, 1, status(200), k_now, fixed(1.0)));
  CHECK_FALSE(next_delay(p, 1, status(400), k_now, fixed(1.0)));
  CHECK_FALSE(next_delay(p, 1, status(410), k_now, fixed(1.0)));
  CHECK_FALSE(next_delay(p, 1, status(302), k_now, fixed(1.0)));
  CHECK(next_delay(p, 1, failure(http::Failure::timeout), k_now, fixed(1.0)) == 1000ms);
  CHECK(next_delay(p, 1, failure(http::Failure::connect), k_now, fixed(1.0)) == 1000ms);
}

TEST_CASE("delivery::next_delay: Retry-After in seconds or as an HTTP-date, capped by backoff-max") {
  const auto p = exponential(3, 1000ms, 300000ms);
  CHECK(next_delay(p, 1, status(429, {{"Retry-After", "120"}}), k_now, fixed(0.0)) == 120000ms);
  CHECK(next_delay(p, 1, status(503, {{"retry-after", "7"}}), k_now, fixed(0.0)) == 7000ms);
  // Never sooner than asked, but a longer backoff stands.
  CHECK(next_delay(p, 3, status(503, {{"Retry-After", "1"}}), k_now, fixed(1.0)) == 4000ms);
  // Capped by backoff-max (the default 30 s here).
  CHECK(next_delay(exponential(3), 1, status(429, {{"Retry-After", "3600"}}), k_now, fixed(0.0)) == 30000ms);
  // An HTTP-date 90 s from now.
  const auto date = format_http_date(k_now + 90);
  CHECK(next_delay(p, 1, status(503, {{"Retry-After", date}}), k_now, fixed(0.0)) == 90000ms);
  // A date in the past is "now".
  CHECK(next_delay(p, 1, status(503, {{"Retry-After", format_http_date(k_now - 90)}}), k_now, fixed(0.0)) == 0ms);
  // Garbage is ignored: the backoff applies.
  CHECK(next_delay(p, 1, status(503, {{"Retry-After", "soon"}}), k_now, fixed(1.0)) == 1000ms);
  CHECK(next_delay(p, 1, status(503, {{"Retry-After", "-5"}}), k_now, fixed(1.0)) == 1000ms);
  // Retry-After does not make a final answer retryable.
  CHECK_FALSE(next_delay(p, 1, status(400, {{"Retry-After", "5"}}), k_now, fixed(1.0)));
}

TEST_CASE("delivery::next_delay: time_scale multiplies every wait, Retry-After included") {
  auto p = exponential(3, 1000ms, 30000ms);
  p.time_scale = 0.001;
  CHECK(next_delay(p, 3, status(500), k_now, fixed(1.0)) == 4ms);
  CHECK(next_delay(p, 1, status(429, {{"Retry-After", "20"}}), k_now, fixed(0.0)) == 20ms);
  p.time_scale = 0.5;
  CHECK(next_delay(p, 2, status(500), k_now, fixed(1.0)) == 1000ms);
  p.time_scale = 0;
  CHECK(next_delay(p, 2, status(500), k_now, fixed(1.0)) == 0ms);

  RetryPolicy svix;
  svix.schedule = Schedule::svix;
  svix.time_scale = 0.001;
  CHECK(next_delay(svix, 1, status(500), k_now, fixed(1.0)) == 5ms);
  CHECK(next_delay(svix, 7, status(500), k_now, fixed(1.0)) == 36000ms);
}

TEST_CASE("delivery::next_delay: schedules play the published delays, and --retries caps them") {
  auto play = [](const RetryPolicy& p) {
    std::vector<milliseconds> out;
    for (int attempt = 1;; ++attempt) {
      // The jitter source must not matter for a schedule.
      auto d = next_delay(p, attempt, status(503), k_now, fixed(0.0));
      if (!d) break;
      out.push_back(*d);
    }
    return out;
  };
  RetryPolicy p;
  p.schedule = Schedule::svix;
  // docs.svix.com/retries: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
  CHECK(play(p) == std::vector<milliseconds>{5s, 5min, 30min, 2h, 5h, 10h, 10h});
  CHECK(retry_limit(p) == 7);
  p.schedule = Schedule::standard;
  // Standard Webhooks 1.0.0 example schedule.
  CHECK(play(p) == std::vector<milliseconds>{5s, 5min, 30min, 2h, 5h, 10h, 14h, 20h, 24h});
  p.schedule = Schedule::stripe;
  const auto stripe = play(p);
  REQUIRE(stripe.size() == 10);
  milliseconds total{0};
  for (size_t i = 0; i < stripe.size(); ++i) {
    total += stripe[i];
    if (i > 0) CHECK(stripe[i] >= stripe[i - 1]); // exponential back off
  }
  CHECK(total <= std::chrono::hours(72)); // "for up to 3 days"
  CHECK(stripe.front() == 5min);

  p.schedule = Schedule::svix;
  p.retries = 2;
  CHECK(play(p) == std::vector<milliseconds>{5s, 5min});
  p.retries = 50; // more than the schedule has
  CHECK(play(p).size() == 7);
  p.retries = 0;
  CHECK(play(p).empty());
  // Retry-After still counts when it asks for more than the schedule (up to backoff-max).
  RetryPolicy q;
  q.schedule = Schedule::svix;
  CHECK(next_delay(q, 1, status(429, {{"Retry-After", "20"}}), k_now, fixed(0.0)) == 20s);
  CHECK(next_delay(q, 2, status(429, {{"Retry-After", "20"}}), k_now, fixed(0.0)) == 5min);
}

TEST_CASE("delivery::parse_schedule and check_policy") {
  CHECK(*parse_schedule("standard") == Schedule::standard);
  CHECK(*parse_schedule("svix") == Schedule::svix);
  CHECK(*parse_schedule("stripe") == Schedule::stripe);
  CHECK(*parse_schedule("exponential") == Schedule::exponential);
  auto bad = parse_schedule("github");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::usage);
  CHECK(bad.error().message.find("svix") != std::string::npos);
  CHECK(schedule_name(Schedule::stripe) == "stripe");
  CHECK(schedule_delays(Schedule::exponential).empty());

  CHECK(check_policy(RetryPolicy{}).ok());
  RetryPolicy p;
  p.retries = -1;
  CHECK_FALSE(check_policy(p).ok());
  p = RetryPolicy{};
  p.base = 60s;
  p.max = 30s;
  CHECK_FALSE(check_policy(p).ok());
  p = RetryPolicy{};
  p.time_scale = -1;
  CHECK_FALSE(check_policy(p).ok());
  p.time_scale = std::numeric_limits<double>::infinity();
  CHECK_FALSE(check_policy(p).ok());
}

TEST_CASE("delivery::parse_retry_after: delta-seconds and the three HTTP-date forms; nullopt otherwise") {
  CHECK(parse_retry_after("0", k_now) == 0ms);
  CHECK(parse_retry_after(" 120 ", k_now) == 120s);
  CHECK(parse_retry_after("99999999999999999999999", k_now) == std::chrono::seconds(1'000'000'000));
  // RFC 9110 section 5.6.7's example instant, in each form.
  constexpr int64_t example = 784111777; // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", example - 10) == 10s);
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", example - 10) == 10s);
  CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", example - 10) == 10s);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", example + 10) == 0ms);
  for (std::string_view garbage :
       {"", " ", "-1", "+5", "1.5", "5s", "0x10", "soon", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT x"}) {
    CAPTURE(garbage);
    CHECK_FALSE(parse_retry_after(garbage, k_now));
  }
}

TEST_CASE("delivery::http_date: IMF-fixdate round trip, RFC 850 years, leap days") {
  CHECK(format_http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(format_http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(format_http_date(-1) == "Wed, 31 Dec 1969 23:59:59 GMT");
  for (int64_t t : {int64_t{0}, int64_t{784111777}, k_now, int64_t{951782400}, int64_t{4102444800}, int64_t{-86400}}) {
    CAPTURE(t);
    CHECK(parse_http_date(format_http_date(t), k_now) == t);
  }
  CHECK(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT", k_now) == 951782400);
  CHECK_FALSE(parse_http_date("Thu, 29 Feb 2001 00:00:00 GMT", k_now));
  CHECK_FALSE(parse_http_date("Thu, 29 Feb 1900 00:00:00 GMT", k_now));
  // Leap second 60 is allowed by the grammar and folds into the next minute.
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:60 GMT", k_now) == 784111800);
  // RFC 850: a year more than 50 years ahead is the past century's.
  CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", k_now) == 784111777);
  const int64_t y2070 = 3155760000; // 2070-01-01
  CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", y2070) ==
        parse_http_date("Sat, 06 Nov 2094 08:49:37 GMT", 0));
  CHECK(parse_http_date("Monday, 06-Nov-01 08:49:37 GMT", k_now) ==
        parse_http_date("Tue, 06 Nov 2001 08:49:37 GMT", 0));
  // Case is accepted leniently, surrounding spaces too.
  CHECK(parse_http_date("  sun, 06 NOV 1994 08:49:37 gmt ", k_now) == 784111777);
}
