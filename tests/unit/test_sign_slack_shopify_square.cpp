#include "sign_helpers.hpp"

using namespace hookctl::sign;
using testing::scheme;

namespace {
// python-slack-sdk tests/slack_sdk/signature/test_signature_verifier.py (the docs example)
constexpr const char* k_slack_secret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr const char* k_slack_body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name="
    "foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks."
    "slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015."
    "47445629121.803a0bc887a14d10d2c447fce8b6703c";
constexpr const char* k_slack_sig = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
constexpr int64_t k_slack_ts = 1531420618;

VerifyRequest slack_req(std::string sig, int64_t now = k_slack_ts) {
  VerifyRequest r;
  r.body = k_slack_body;
  r.headers = {{"X-Slack-Request-Timestamp", std::to_string(k_slack_ts)}, {"X-Slack-Signature", std::move(sig)}};
  r.now = now;
  r.keys.secrets = {k_slack_secret};
  return r;
}
} // namespace

TEST_CASE("sign::slack: the docs example signs and verifies") {
  SignRequest s;
  s.body = k_slack_body;
  s.timestamp = k_slack_ts;
  s.keys.secrets = {k_slack_secret};
  auto signed_ = testing::sign(*scheme("slack"), s);
  CHECK(signed_.headers.get("X-Slack-Signature") == k_slack_sig);
  CHECK(signed_.headers.get("X-Slack-Request-Timestamp") == "1531420618");
  CHECK(testing::verify(*scheme("slack"), slack_req(k_slack_sig)).valid);
}

TEST_CASE("sign::verify slack: failures name their reason; window applies both ways") {
  auto sl = scheme("slack");
  auto tampered = slack_req(k_slack_sig);
  tampered.body = "token=xyzz0WbapA4vBCDEFasx0q6G";
  CHECK(testing::verify(*sl, tampered).reason == Reason::no_match);
  std::string v1 = k_slack_sig;
  v1[1] = '1';
  CHECK(testing::verify(*sl, slack_req(v1)).reason == Reason::unknown_version);
  CHECK(testing::verify(*sl, slack_req("nothing")).reason == Reason::malformed_header);
  CHECK(testing::verify(*sl, slack_req(k_slack_sig, k_slack_ts + 301)).reason == Reason::timestamp_too_old);
  CHECK(testing::verify(*sl, slack_req(k_slack_sig, k_slack_ts - 301)).reason == Reason::timestamp_in_future);
  CHECK(testing::verify(*sl, slack_req(k_slack_sig, k_slack_ts + 300)).valid);
  auto r = slack_req(k_slack_sig);
  r.headers.remove("X-Slack-Request-Timestamp");
  CHECK(testing::verify(*sl, r).reason == Reason::missing_header);
}

TEST_CASE("sign::shopify: shopify-api test value, events-style lowercase header") {
  // shopify-app-js lib/webhooks/__tests__/validate.test.ts with test-config.ts's secret
  SignRequest s;
  s.body = "{\"foo\": \"bar\"}";
  s.keys.secrets = {"test_secret_key"};
  auto signed_ = testing::sign(*scheme("shopify"), s);
  CHECK(signed_.headers.get("X-Shopify-Hmac-Sha256") == "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=");
  VerifyRequest r;
  r.body = s.body;
  r.keys.secrets = {"test_secret_key"};
  r.headers = {{"shopify-hmac-sha256", "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g="}};
  CHECK(testing::verify(*scheme("shopify"), r).valid);
  r.body = "{\"foo\": \"baz\"}";
  CHECK(testing::verify(*scheme("shopify"), r).reason == Reason::no_match);
  r.headers = {};
  CHECK(testing::verify(*scheme("shopify"), r).reason == Reason::missing_header);
}

TEST_CASE("sign::square: the docs sample; the URL is part of the signature") {
  SignRequest s;
  s.body = "{\"hello\":\"world\"}";
  s.url = "https://example.com/webhook";
  s.keys.secrets = {"asdf1234"};
  auto signed_ = testing::sign(*scheme("square"), s);
  CHECK(signed_.headers.get("x-square-hmacsha256-signature") == "2kRE5qRU2tR+tBGlDwMEw2avJ7QM4ikPYD/PJ3bd9Og=");
  auto r = testing::from_signed(signed_, s.body, 0, {"asdf1234"});
  CHECK(testing::verify(*scheme("square"), r).valid);
  r.url = "https://example.com/webhook/";
  CHECK(testing::verify(*scheme("square"), r).reason == Reason::no_match);
  r.url = "";
  CHECK_FALSE(scheme("square")->verify(r).ok()); // the URL is required: usage error
  s.url = "";
  CHECK_FALSE(scheme("square")->sign(s).ok());
}

TEST_CASE("sign::verify: extreme timestamps saturate instead of overflowing the window arithmetic") {
  // Found by fuzz_verify: now - ts overflowed int64 for ts near INT64_MIN (tests/fuzz/corpus/fuzz_verify/regress_*).
  auto sl = scheme("slack");
  auto oldest = slack_req(k_slack_sig, INT64_MAX);
  oldest.headers.set("X-Slack-Request-Timestamp", "-9223372036854775808");
  auto v = testing::verify(*sl, oldest);
  CHECK(v.reason == Reason::timestamp_too_old);
  CHECK(v.detail.find("-9223372036854775808") != std::string::npos);
  auto newest = slack_req(k_slack_sig, INT64_MIN);
  newest.headers.set("X-Slack-Request-Timestamp", "9223372036854775807");
  CHECK(testing::verify(*sl, newest).reason == Reason::timestamp_in_future);
}
