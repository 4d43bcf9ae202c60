#include "hookctl/sign/keys.hpp"
#include "sign_helpers.hpp"

using namespace hookctl::sign;
using testing::scheme;

namespace {
// standard-webhooks libraries/javascript/src/webhook.test.ts and libraries/go/webhook_test.go
constexpr const char* k_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* k_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t k_ts = 1614265330;
constexpr const char* k_body = "{\"test\": 2432232314}";
constexpr const char* k_v1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
// svix-webhooks server/svix-server/src/worker.rs test_asymmetric_key_signing
constexpr const char* k_whsk =
    "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
constexpr const char* k_whpk = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
constexpr const char* k_v1a =
    "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";

VerifyRequest req(std::string sig, int64_t now = k_ts, std::string prefix = "webhook") {
  VerifyRequest r;
  r.body = k_body;
  r.headers.add(prefix + "-id", k_id);
  r.headers.add(prefix + "-timestamp", std::to_string(k_ts));
  r.headers.add(prefix + "-signature", std::move(sig));
  r.now = now;
  r.keys.secrets = {k_secret};
  return r;
}

SignRequest sreq() {
  SignRequest r;
  r.body = k_body;
  r.id = k_id;
  r.timestamp = k_ts;
  return r;
}
} // namespace

TEST_CASE("sign::sign standard: reproduces the library test vector (v1) and svix's v1a vector") {
  auto r = sreq();
  r.keys.secrets = {k_secret};
  auto s = testing::sign(*scheme("standard"), r);
  CHECK(s.headers.get("webhook-id") == k_id);
  CHECK(s.headers.get("webhook-timestamp") == "1614265330");
  CHECK(s.headers.get("webhook-signature") == k_v1);

  r.keys.secrets = {};
  r.keys.private_keys = {k_whsk};
  CHECK(testing::sign(*scheme("standard"), r).headers.get("webhook-signature") == k_v1a);

  // Rotation and mixed schemes: one space-separated entry per key.
  r.keys.secrets = {k_secret};
  CHECK(testing::sign(*scheme("standard"), r).headers.get("webhook-signature") == std::string(k_v1) + " " + k_v1a);
}

TEST_CASE("sign::sign standard: the whsec_ prefix is optional and unpadded base64 is accepted") {
  auto r = sreq();
  r.keys.secrets = {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
  CHECK(testing::sign(*scheme("standard"), r).headers.get("webhook-signature") == k_v1);
  r.keys.secrets = {"whsec_not base64!"};
  auto bad = scheme("standard")->sign(r);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == hookctl::Errc::usage);
  CHECK(bad.error().message.find("not base64!") == std::string::npos); // never echo the secret
}

TEST_CASE("sign::verify standard: vector, decoys, unknown versions and missing headers") {
  auto sw = scheme("standard");
  CHECK(testing::verify(*sw, req(k_v1)).valid);
  std::string decoy = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
  CHECK(testing::verify(*sw, req(decoy + " v2,abc " + k_v1 + " " + decoy)).valid);
  CHECK(testing::verify(*sw, req(decoy)).reason == Reason::no_match);
  auto v2 = testing::verify(*sw, req("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
  CHECK(v2.reason == Reason::unknown_version);
  CHECK(testing::verify(*sw, req("v1,")).reason == Reason::no_match);
  CHECK(testing::verify(*sw, req("nocomma")).reason == Reason::malformed_header);

  auto r = req(k_v1);
  r.headers.remove("webhook-id");
  CHECK(testing::verify(*sw, r).reason == Reason::missing_header);
  r = req(k_v1);
  r.headers.set("webhook-timestamp", "16142653e0");
  CHECK(testing::verify(*sw, r).reason == Reason::malformed_header);
  r = req(k_v1);
  r.body = "{\"test\": 2432232315}";
  CHECK(testing::verify(*sw, r).reason == Reason::no_match);
}

TEST_CASE("sign::verify standard: ±300 s, exactly 300 accepted in both directions") {
  auto sw = scheme("standard");
  CHECK(testing::verify(*sw, req(k_v1, k_ts + 300)).valid);
  CHECK(testing::verify(*sw, req(k_v1, k_ts - 300)).valid);
  auto old = testing::verify(*sw, req(k_v1, k_ts + 301));
  CHECK(old.reason == Reason::timestamp_too_old);
  auto future = testing::verify(*sw, req(k_v1, k_ts - 301));
  CHECK(future.reason == Reason::timestamp_in_future);
  CHECK(future.detail.find("301 s in the future") != std::string::npos);
  auto r = req(k_v1, k_ts + 10);
  r.tolerance = std::chrono::seconds(5);
  CHECK(testing::verify(*sw, r).reason == Reason::timestamp_too_old);
}

TEST_CASE("sign::verify standard: v1a with whpk_ public keys; mixed headers; wrong key") {
  auto sw = scheme("standard");
  auto r = req(k_v1a);
  r.keys.secrets = {};
  r.keys.public_keys = {k_whpk};
  CHECK(testing::verify(*sw, r).valid);
  r.headers.set("webhook-signature", std::string(k_v1) + " " + k_v1a); // v1 entry cannot be checked without a secret
  CHECK(testing::verify(*sw, r).valid);
  r.headers.set("webhook-signature", k_v1);
  CHECK(testing::verify(*sw, r).reason == Reason::unknown_version);
  auto other = parse_private_key(std::string(64, '1'));
  REQUIRE(other.ok());
  r.keys.public_keys = {format_whpk(other->public_key)};
  r.headers.set("webhook-signature", k_v1a);
  CHECK(testing::verify(*sw, r).reason == Reason::no_match);
}

TEST_CASE("sign::svix: signs with svix-* headers, verifies svix-* or webhook-*") {
  auto sv = scheme("svix");
  auto s = sreq();
  s.keys.secrets = {k_secret};
  auto signed_ = testing::sign(*sv, s);
  CHECK(signed_.headers.get("svix-signature") == k_v1);
  CHECK(signed_.headers.get("svix-id") == k_id);
  CHECK_FALSE(signed_.headers.get("webhook-signature"));
  CHECK(testing::verify(*sv, req(k_v1, k_ts, "svix")).valid);
  CHECK(testing::verify(*sv, req(k_v1, k_ts, "webhook")).valid);
  CHECK(testing::verify(*sv, req(k_v1, k_ts, "other")).reason == Reason::missing_header);
  // The plain standard scheme does not read svix-* headers.
  CHECK(testing::verify(*scheme("standard"), req(k_v1, k_ts, "svix")).reason == Reason::missing_header);
}

TEST_CASE("sign::keys: Ed25519 key formats and errors") {
  auto k = parse_private_key(k_whsk);
  REQUIRE(k.ok());
  CHECK(format_whsk(*k) == k_whsk);
  CHECK(format_whpk(k->public_key) == k_whpk);
  auto pub = parse_public_key(k_whpk);
  REQUIRE(pub.ok());
  CHECK(*pub == k->public_key);
  // A whsk_ whose public half does not belong to its seed is refused.
  std::string broken = k_whsk;
  broken[60] = broken[60] == 'A' ? 'B' : 'A';
  CHECK_FALSE(parse_private_key(broken).ok());
  CHECK_FALSE(parse_private_key("whsk_abc").ok());
  CHECK_FALSE(parse_public_key("abcd").ok());
  CHECK_FALSE(parse_public_key(std::string(64, 'g')).ok());
  CHECK_FALSE(decode_whsec("whsec_").ok());
}
