#include "hookctl/delivery/retry.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "hookctl/delivery/http_date.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::delivery {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Standard Webhooks 1.0.0, "Deliverability and reliability", example retry schedule: immediately,
// then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (75 h 35 min 5 s in all)
// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md).
constexpr std::array<milliseconds, 9> k_standard = {seconds(5), minutes(5), minutes(30), hours(2), hours(5),
                                                    hours(10),  hours(14),  hours(20),   hours(24)};

// Svix, "Retry Schedule": immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, each counted
// from the failure of the attempt before (https://docs.svix.com/retries).
constexpr std::array<milliseconds, 7> k_svix = {seconds(5), minutes(5), minutes(30), hours(2),
                                                hours(5),   hours(10),  hours(10)};

// Stripe documents only that live mode "attempts to deliver a given event to your webhook endpoint
// for up to 3 days with an exponential back off" (and sandboxes "three times over a few hours"), with
// no list of intervals (https://docs.stripe.com/webhooks#automatic-retries). This is hookctl's
// rendering of that: waits doubling from 5 min, each at most 24 h, while the total stays within 3 days
// (5, 10, 20, 40, 80, 160, 320, 640, 1280 and 1440 min: 66 h 35 min in all).
constexpr std::array<milliseconds, 10> k_stripe = {minutes(5),    minutes(10),  minutes(20),  minutes(40),
                                                   minutes(80),   minutes(160), minutes(320), minutes(640),
                                                   minutes(1280), minutes(1440)};

// Beyond this a wait is a mistake rather than a plan (about 31 years); it keeps the arithmetic finite.
constexpr double k_max_delay_ms = 1e12;

// Delta-seconds beyond this are clamped before multiplying out to milliseconds.
constexpr int64_t k_max_delta_seconds = 1'000'000'000;

milliseconds to_ms(double ms) {
  if (!(ms > 0)) return milliseconds(0); // also NaN
  return milliseconds(std::llround(std::min(ms, k_max_delay_ms)));
}

} // namespace

Result<Schedule> parse_schedule(std::string_view text) {
  for (Schedule s : {Schedule::exponential, Schedule::standard, Schedule::svix, Schedule::stripe}) {
    if (text == schedule_name(s)) return s;
  }
  return make_error(Errc::usage,
                    fmt::format("invalid retry schedule '{}': expected exponential, standard, svix or stripe", text));
}

std::string_view schedule_name(Schedule schedule) {
  switch (schedule) {
  case Schedule::exponential: return "exponential";
  case Schedule::standard: return "standard";
  case Schedule::svix: return "svix";
  case Schedule::stripe: return "stripe";
  }
  return "exponential";
}

std::span<const milliseconds> schedule_delays(Schedule schedule) {
  switch (schedule) {
  case Schedule::exponential: return {};
  case Schedule::standard: return k_standard;
  case Schedule::svix: return k_svix;
  case Schedule::stripe: return k_stripe;
  }
  return {};
}

Result<void> check_policy(const RetryPolicy& policy) {
  if (policy.retries && *policy.retries < 0)
    return make_error(Errc::usage, fmt::format("invalid --retries {}: must be 0 or more", *policy.retries));
  if (policy.base.count() < 0) return make_error(Errc::usage, "invalid --backoff: must not be negative");
  if (policy.max.count() < 0) return make_error(Errc::usage, "invalid --backoff-max: must not be negative");
  if (policy.base > policy.max)
    return make_error(Errc::usage, fmt::format("--backoff {} ms is larger than --backoff-max {} ms",
                                               policy.base.count(), policy.max.count()));
  if (!std::isfinite(policy.time_scale) || policy.time_scale < 0)
    return make_error(Errc::usage, fmt::format("invalid --time-scale {}: must be a number >= 0", policy.time_scale));
  return {};
}

int retry_limit(const RetryPolicy& policy) {
  const auto schedule = schedule_delays(policy.schedule);
  if (policy.schedule == Schedule::exponential) return std::max(0, policy.retries.value_or(0));
  const int length = static_cast<int>(schedule.size());
  return std::clamp(policy.retries.value_or(length), 0, length);
}

Verdict classify(const http::Outcome& outcome) {
  // Connection errors and timeouts are transient as far as a sender can tell.
  if (outcome.failure != http::Failure::none || !outcome.response) return Verdict::retry;
  const http::Response& r = *outcome.response;
  if (r.status >= 200 && r.status <= 299) return Verdict::success;
  // Svix stops retrying when the response carries `webhook-delivery: abort-message`
  // (https://docs.svix.com/retries); a receiver that says so means it for any sender.
  if (auto control = r.headers.get("webhook-delivery"); control && util::iequals(util::trim(*control), "abort-message"))
    return Verdict::stop;
  // 408 and 429 ask the client to come back later (RFC 9110 section 15.5.9, RFC 6585 section 4); 5xx
  // are the server's fault. Every other status, 410 Gone above all (Standard Webhooks: "no longer
  // interested"), is final: repeating the same request gets the same answer.
  if (r.status == 408 || r.status == 429 || (r.status >= 500 && r.status <= 599)) return Verdict::retry;
  return Verdict::stop;
}

std::optional<milliseconds> parse_retry_after(std::string_view value, int64_t now_unix) {
  // Retry-After = HTTP-date / delay-seconds, delay-seconds = 1*DIGIT (RFC 9110 section 10.2.3).
  std::string_view t = util::trim(value);
  if (t.empty()) return std::nullopt;
  if (std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t s = 0;
    for (char c : t) {
      s = s * 10 + (c - '0');
      if (s > k_max_delta_seconds) { // a huge delay is still a valid one: clamp, the caller caps it anyway
        s = k_max_delta_seconds;
        break;
      }
    }
    return std::chrono::duration_cast<milliseconds>(seconds(s));
  }
  auto date = parse_http_date(t, now_unix);
  if (!date) return std::nullopt;
  // A date in the past means "now"; the difference stays far from overflow since dates are years 0..9999.
  const int64_t delta = std::clamp(*date - now_unix, int64_t{0}, k_max_delta_seconds);
  return std::chrono::duration_cast<milliseconds>(seconds(delta));
}

std::optional<milliseconds> next_delay(const RetryPolicy& policy, int attempt, const http::Outcome& last,
                                       int64_t now_unix, const std::function<double()>& uniform01) {
  if (attempt < 1 || classify(last) != Verdict::retry) return std::nullopt;
  if (attempt > retry_limit(policy)) return std::nullopt; // attempt - 1 retries done, at most retry_limit allowed

  double ms = 0;
  if (policy.schedule == Schedule::exponential) {
    // Full jitter: uniform in [0, min(max, base * 2^(attempt-1))] (AWS Architecture Blog, "Exponential
    // Backoff And Jitter", 2015).
    const double cap = std::min(static_cast<double>(policy.max.count()),
                                std::ldexp(static_cast<double>(policy.base.count()), std::min(attempt - 1, 1000)));
    double u = uniform01 ? uniform01() : 1.0;
    if (!(u >= 0)) u = 0; // NaN too
    ms = std::max(0.0, cap) * std::min(u, 1.0);
  } else {
    const auto delays = schedule_delays(policy.schedule);
    ms = static_cast<double>(delays[static_cast<size_t>(attempt - 1)].count());
  }

  // Retry-After is honoured (never retry sooner than asked) up to backoff-max (RFC 9110 section 10.2.3).
  if (last.response) {
    if (auto field = last.response->headers.get("Retry-After")) {
      if (auto asked = parse_retry_after(*field, now_unix)) {
        ms = std::max(ms, static_cast<double>(std::min(*asked, policy.max).count()));
      }
    }
  }

  double scale = policy.time_scale;
  if (!std::isfinite(scale) || scale < 0) scale = 1.0;
  return to_ms(ms * scale);
}

} // namespace hookctl::delivery
