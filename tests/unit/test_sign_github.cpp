#include "sign_helpers.hpp"

using namespace hookctl::sign;
using testing::scheme;

namespace {
// github/docs validating-webhook-deliveries.md
constexpr const char* k_secret = "It's a Secret to Everybody";
constexpr const char* k_body = "Hello, World!";
constexpr const char* k_sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

VerifyRequest req(hookctl::util::Headers h, std::vector<std::string> secrets = {k_secret}) {
  VerifyRequest r;
  r.body = k_body;
  r.headers = std::move(h);
  r.keys.secrets = std::move(secrets);
  return r;
}
} // namespace

TEST_CASE("sign::sign github: reproduces GitHub's docs example and adds the legacy sha1 header") {
  SignRequest r;
  r.body = k_body;
  r.keys.secrets = {k_secret};
  r.id = "d1";
  auto s = testing::sign(*scheme("github"), r);
  CHECK(s.headers.get("X-Hub-Signature-256") == k_sig);
  REQUIRE(s.headers.get("X-Hub-Signature"));
  CHECK(s.headers.get("X-Hub-Signature")->starts_with("sha1="));
  CHECK(s.headers.get("X-Hub-Signature")->size() == 5 + 40);
  CHECK(s.headers.get("X-GitHub-Delivery") == "d1");
}

TEST_CASE("sign::verify github: docs example, rotation, and every failure reason") {
  auto gh = scheme("github");
  auto v = testing::verify(*gh, req({{"X-Hub-Signature-256", k_sig}}));
  CHECK(v.valid);
  CHECK(v.reason == Reason::match);

  v = testing::verify(*gh, req({{"x-hub-signature-256", k_sig}}, {"old", k_secret}));
  CHECK(v.valid);
  CHECK(v.detail.find("key 2 of 2") != std::string::npos);

  v = testing::verify(*gh, req({{"X-Hub-Signature-256", k_sig}}, {"It's a Secret to Everybody!"}));
  CHECK_FALSE(v.valid);
  CHECK(v.reason == Reason::no_match);

  auto tampered = req({{"X-Hub-Signature-256", k_sig}});
  tampered.body = "Hello, World?";
  CHECK(testing::verify(*gh, tampered).reason == Reason::no_match);

  CHECK(testing::verify(*gh, req({})).reason == Reason::missing_header);
  CHECK(testing::verify(*gh, req({{"X-Hub-Signature-256", "sha1=abc"}})).reason == Reason::malformed_header);
  // Uppercase hex differs from what GitHub sends: the whole header string is compared.
  std::string upper = k_sig;
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  CHECK(testing::verify(*gh, req({{"X-Hub-Signature-256", upper}})).reason == Reason::no_match);
}

TEST_CASE("sign::verify github: a sha1-only delivery needs --allow-sha1") {
  auto gh = scheme("github");
  SignRequest s;
  s.body = k_body;
  s.keys.secrets = {k_secret};
  auto sha1 = std::string(*testing::sign(*gh, s).headers.get("X-Hub-Signature"));
  auto r = req({{"X-Hub-Signature", sha1}});
  CHECK(testing::verify(*gh, r).reason == Reason::legacy_sha1_only);
  r.allow_sha1 = AllowSha1::yes;
  CHECK(testing::verify(*gh, r).valid);
  r.body = "other";
  CHECK(testing::verify(*gh, r).reason == Reason::no_match);
}

TEST_CASE("sign::verify github: no secret is a usage error, not a verdict") {
  auto r = req({{"X-Hub-Signature-256", k_sig}}, {});
  auto v = scheme("github")->verify(r);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().code == hookctl::Errc::usage);
}
