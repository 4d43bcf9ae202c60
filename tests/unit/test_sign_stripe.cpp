#include <openssl/hmac.h>

#include "hookctl/sign/parse.hpp"
#include "hookctl/util/encoding.hpp"
#include "sign_helpers.hpp"

using namespace hookctl::sign;
using testing::scheme;

namespace {
constexpr const char* k_secret = "whsec_test_secret"; // stripe-node test/Webhook.spec.ts
constexpr const char* k_body = "{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}";

// HMAC-SHA256 straight from OpenSSL, independent of hookctl's crypto layer.
std::string openssl_hex(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return hookctl::util::hex_encode(std::string_view(reinterpret_cast<char*>(out), len));
}

VerifyRequest req(std::string header, int64_t now) {
  VerifyRequest r;
  r.body = k_body;
  r.headers.add("Stripe-Signature", std::move(header));
  r.now = now;
  r.keys.secrets = {k_secret};
  return r;
}
} // namespace

TEST_CASE("sign::sign stripe: t=<ts>,v1=HMAC(whole whsec_ string, ts.body), one v1 per secret") {
  SignRequest r;
  r.body = k_body;
  r.timestamp = 1700000000;
  r.keys.secrets = {k_secret, "whsec_other"};
  auto s = testing::sign(*scheme("stripe"), r);
  std::string expected = "t=1700000000,v1=" + openssl_hex(k_secret, std::string("1700000000.") + k_body) +
                         ",v1=" + openssl_hex("whsec_other", std::string("1700000000.") + k_body);
  CHECK(s.headers.get("Stripe-Signature") == expected);
}

TEST_CASE("sign::verify stripe: any v1 matches; v0 and unknown schemes are ignored") {
  auto st = scheme("stripe");
  std::string good = openssl_hex(k_secret, std::string("1700000000.") + k_body);
  std::string bad = openssl_hex("nope", std::string("1700000000.") + k_body);
  CHECK(testing::verify(*st, req("t=1700000000,v1=" + good, 1700000000)).valid);
  CHECK(testing::verify(*st, req("t=1700000000,v1=" + bad + ",v1=" + good + ",v0=" + bad, 1700000000)).valid);
  CHECK(testing::verify(*st, req("t=1700000000,v1=" + bad, 1700000000)).reason == Reason::no_match);
  auto v0only = testing::verify(*st, req("t=1700000000,v0=" + good, 1700000000));
  CHECK(v0only.reason == Reason::unknown_version);
  CHECK(v0only.detail.find("v0") != std::string::npos);
  CHECK(testing::verify(*st, req("v1=" + good, 1700000000)).reason == Reason::malformed_header);
  CHECK(testing::verify(*st, req("t=abc,v1=" + good, 1700000000)).reason == Reason::malformed_header);
  VerifyRequest none;
  none.keys.secrets = {k_secret};
  CHECK(testing::verify(*st, none).reason == Reason::missing_header);
}

TEST_CASE("sign::verify stripe: 300 s window in the past only, exactly 300 accepted, 0 turns it off") {
  auto st = scheme("stripe");
  std::string header = "t=1700000000,v1=" + openssl_hex(k_secret, std::string("1700000000.") + k_body);
  CHECK(testing::verify(*st, req(header, 1700000300)).valid);
  auto late = testing::verify(*st, req(header, 1700000301));
  CHECK(late.reason == Reason::timestamp_too_old);
  CHECK(late.detail.find("301 s old") != std::string::npos);
  CHECK(late.detail.find("1 s outside") != std::string::npos);
  // stripe-node does not reject timestamps in the future.
  CHECK(testing::verify(*st, req(header, 1690000000)).valid);
  auto r = req(header, 1800000000);
  r.tolerance = std::chrono::seconds(0);
  CHECK(testing::verify(*st, r).valid);
  r.tolerance = std::chrono::seconds(10);
  r.now = 1700000011;
  CHECK(testing::verify(*st, r).reason == Reason::timestamp_too_old);
}

TEST_CASE("sign::parse_stripe_header: items are split as stripe-node does, without trimming") {
  auto h = parse_stripe_header("t=1,v1=a, v1=b,v0=c,v1=d=e");
  REQUIRE(h.ok());
  CHECK(h->timestamp == 1);
  REQUIRE(h->v1.size() == 2);
  CHECK(h->v1[0] == "a");
  CHECK(h->v1[1] == "d=e");
  CHECK(h->other.size() == 2); // " v1" and "v0"
}
