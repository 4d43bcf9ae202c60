#include "hookctl/crypto/crypto.hpp"
#include "hookctl/sign/keys.hpp"
#include "hookctl/sign/providers.hpp"
#include "hookctl/util/encoding.hpp"
#include "sign_helpers.hpp"

using namespace hookctl::sign;
using hookctl::util::hex_decode;
using hookctl::util::hex_encode;
using testing::scheme;

namespace {
// RFC 8032 §7.1 TEST 2
constexpr const char* k_rfc_seed = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
constexpr const char* k_rfc_pub = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
constexpr const char* k_rfc_sig = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f"
                                  "3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";
} // namespace

TEST_CASE("crypto::ed25519 reproduces RFC 8032 test 2") {
  auto seed = *hex_decode(k_rfc_seed);
  CHECK(hex_encode(*hookctl::crypto::ed25519_public_from_seed(seed)) == k_rfc_pub);
  CHECK(hex_encode(*hookctl::crypto::ed25519_sign(seed, "\x72")) == k_rfc_sig);
  CHECK(hookctl::crypto::ed25519_verify(*hex_decode(k_rfc_pub), "\x72", *hex_decode(k_rfc_sig)));
  CHECK_FALSE(hookctl::crypto::ed25519_verify(*hex_decode(k_rfc_pub), "\x73", *hex_decode(k_rfc_sig)));
}

TEST_CASE("sign::discord: Ed25519 over timestamp ‖ body, hex signature") {
  SignRequest s;
  s.body = "{\"type\":1}";
  s.timestamp = 1700000000;
  s.keys.private_keys = {k_rfc_seed};
  auto signed_ = testing::sign(*scheme("discord"), s);
  auto sig = signed_.headers.get("X-Signature-Ed25519");
  REQUIRE(sig);
  CHECK(*sig == hex_encode(*hookctl::crypto::ed25519_sign(*hex_decode(k_rfc_seed), "1700000000{\"type\":1}")));
  CHECK(signed_.headers.get("X-Signature-Timestamp") == "1700000000");

  VerifyRequest r;
  r.body = s.body;
  r.headers = signed_.headers;
  r.keys.public_keys = {k_rfc_pub};
  r.now = 1800000000; // Discord has no window by default
  CHECK(testing::verify(*scheme("discord"), r).valid);
  r.tolerance = std::chrono::seconds(300);
  CHECK(testing::verify(*scheme("discord"), r).reason == Reason::timestamp_too_old);
  r.tolerance.reset();
  r.body = "{\"type\":2}";
  CHECK(testing::verify(*scheme("discord"), r).reason == Reason::no_match);
  r.body = s.body;
  r.headers.set("X-Signature-Timestamp", "1700000001");
  CHECK(testing::verify(*scheme("discord"), r).reason == Reason::no_match);
  r.headers.set("X-Signature-Ed25519", "abcd");
  CHECK(testing::verify(*scheme("discord"), r).reason == Reason::malformed_header);
  r.keys.public_keys = {"nothex"};
  CHECK_FALSE(scheme("discord")->verify(r).ok());
}

TEST_CASE("sign::gitlab: the token verbatim, exact and case-sensitive") {
  SignRequest s;
  s.keys.secrets = {"s3cret Token"};
  CHECK(testing::sign(*scheme("gitlab"), s).headers.get("X-Gitlab-Token") == "s3cret Token");
  VerifyRequest r;
  r.keys.secrets = {"s3cret Token"};
  r.headers = {{"X-Gitlab-Token", "s3cret Token"}};
  CHECK(testing::verify(*scheme("gitlab"), r).valid);
  r.headers = {{"X-Gitlab-Token", "s3cret token"}};
  CHECK(testing::verify(*scheme("gitlab"), r).reason == Reason::no_match);
  r.headers = {{"X-Gitlab-Token", "s3cret Token "}};
  CHECK(testing::verify(*scheme("gitlab"), r).reason == Reason::no_match);
  r.headers = {};
  CHECK(testing::verify(*scheme("gitlab"), r).reason == Reason::missing_header);
}

TEST_CASE("sign::twitch: id ‖ RFC 3339 timestamp ‖ body, 10 minute window") {
  SignRequest s;
  s.body = "{\"subscription\":{}}";
  s.id = "e76c6bd4-55c9-4987-8304-da1588d8988b";
  s.timestamp = 1700000000;
  s.keys.secrets = {"0123456789abcdef"};
  auto signed_ = testing::sign(*scheme("twitch"), s);
  CHECK(signed_.headers.get("Twitch-Eventsub-Message-Timestamp") == "2023-11-14T22:13:20.000000000Z");
  std::string expected =
      "sha256=" +
      hex_encode(hookctl::crypto::hmac(hookctl::crypto::Digest::sha256, "0123456789abcdef",
                                       {std::string(s.id) + "2023-11-14T22:13:20.000000000Z" + std::string(s.body)}));
  CHECK(signed_.headers.get("Twitch-Eventsub-Message-Signature") == expected);
  auto r = testing::from_signed(signed_, s.body, 1700000600, {"0123456789abcdef"});
  CHECK(testing::verify(*scheme("twitch"), r).valid);
  r.now = 1700000601;
  CHECK(testing::verify(*scheme("twitch"), r).reason == Reason::timestamp_too_old);
  r.now = 1700000000;
  r.headers.set("Twitch-Eventsub-Message-Timestamp", "yesterday");
  CHECK(testing::verify(*scheme("twitch"), r).reason == Reason::malformed_header);
}

TEST_CASE("sign::paddle: ts=..;h1=.. over ts:body, 5 s window in the past only") {
  SignRequest s;
  s.body = "{\"event_id\":\"evt_01\"}";
  s.timestamp = 1671552777;
  s.keys.secrets = {"pdl_ntfset_01gkpjp8bkh3ackx1w40vdqkdm_secret"};
  auto signed_ = testing::sign(*scheme("paddle"), s);
  std::string h1 = hex_encode(
      hookctl::crypto::hmac(hookctl::crypto::Digest::sha256, s.keys.secrets[0], {"1671552777:" + std::string(s.body)}));
  CHECK(signed_.headers.get("Paddle-Signature") == "ts=1671552777;h1=" + h1);
  auto r = testing::from_signed(signed_, s.body, 1671552782, s.keys.secrets);
  CHECK(testing::verify(*scheme("paddle"), r).valid);
  r.now = 1671552783;
  CHECK(testing::verify(*scheme("paddle"), r).reason == Reason::timestamp_too_old);
  r.now = 1671550000;
  CHECK(testing::verify(*scheme("paddle"), r).valid);
  r.headers.set("Paddle-Signature", "h1=" + h1);
  CHECK(testing::verify(*scheme("paddle"), r).reason == Reason::malformed_header);
  r.headers.set("Paddle-Signature", "ts=1671552777;h2=" + h1);
  CHECK(testing::verify(*scheme("paddle"), r).reason == Reason::unknown_version);
}

TEST_CASE("sign::hmac generic: template, digest, encoding and prefix are honoured") {
  SchemeOptions o;
  o.hmac.header = "X-Sig";
  o.hmac.digest = hookctl::crypto::Digest::sha512;
  o.hmac.encoding = Encoding::base64;
  o.hmac.prefix = "v1=";
  o.hmac.templ = "{timestamp}.{method}.{url}.{body}";
  SignRequest s;
  s.body = "payload";
  s.url = "https://x.test/h";
  s.timestamp = 42;
  s.keys.secrets = {"k"};
  auto signed_ = testing::sign(*scheme("hmac", o), s);
  std::string expected = "v1=" + hookctl::util::base64_encode(hookctl::crypto::hmac(
                                     hookctl::crypto::Digest::sha512, "k", {"42.POST.https://x.test/h.payload"}));
  CHECK(signed_.headers.get("X-Sig") == expected);
  CHECK(signed_.headers.get("X-Webhook-Timestamp") == "42");
  auto r = testing::from_signed(signed_, s.body, 42, {"k"});
  CHECK(testing::verify(*scheme("hmac", o), r).valid);
  r.method = "PUT";
  CHECK(testing::verify(*scheme("hmac", o), r).reason == Reason::no_match);
  r.method = "POST";
  r.headers.set("X-Sig", "v2=abc");
  CHECK(testing::verify(*scheme("hmac", o), r).reason == Reason::malformed_header);

  o.hmac.templ = "{nope}";
  CHECK_FALSE(scheme("hmac", o)->sign(s).ok());
  CHECK_FALSE(parse_template("{body").ok());
}

TEST_CASE("sign::registry: every provider signs and verifies its own output, and rejects a changed body") {
  auto keys = [](std::string_view name) {
    Keys k;
    auto info = find_provider(name);
    REQUIRE(info);
    if (info->key_kind == KeyKind::ed25519)
      k.private_keys = {k_rfc_seed};
    else if (name == "standard" || name == "svix")
      k.secrets = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
    else
      k.secrets = {"a-test-secret"};
    return k;
  };
  CHECK(providers().size() == 13);
  for (const auto& p : providers()) {
    CAPTURE(p.name);
    auto s = scheme(p.name);
    SignRequest sr;
    sr.body = "{\"n\":1}";
    sr.url = "https://example.test/hook";
    sr.id = "msg_1";
    sr.timestamp = 1700000000;
    sr.keys = keys(p.name);
    auto signed_ = testing::sign(*s, sr);
    VerifyRequest vr;
    vr.body = sr.body;
    vr.headers = signed_.headers;
    vr.url = signed_.url;
    vr.now = 1700000000;
    vr.keys = sr.keys;
    CHECK(testing::verify(*s, vr).valid);
    vr.body = "{\"n\":2}";
    if (p.name != "gitlab") {
      auto v = testing::verify(*s, vr);
      CHECK_FALSE(v.valid);
      CHECK((v.reason == Reason::no_match || v.reason == Reason::body_hash_mismatch));
    }
  }
  CHECK_FALSE(make_scheme("nope").ok());
  CHECK(make_scheme("nope").error().message.find("github") != std::string::npos);
}
