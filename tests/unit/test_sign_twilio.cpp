#include "sign_helpers.hpp"

using namespace hookctl::sign;
using testing::scheme;

namespace {
// twilio-python tests/unit/test_request_validator.py
constexpr const char* k_token = "12345";
constexpr const char* k_uri = "https://mycompany.com/myapp.php?foo=1&bar=2";
constexpr const char* k_params =
    "CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675309&To=%2B18005551212&Caller=%2B14158675309";
constexpr const char* k_expected = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

VerifyRequest req(std::string url, std::string sig, std::string body = k_params) {
  VerifyRequest r;
  r.body = "";
  r.url = std::move(url);
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", std::move(sig)}};
  r.keys.secrets = {k_token};
  static thread_local std::string storage;
  storage = std::move(body);
  r.body = storage;
  return r;
}
} // namespace

TEST_CASE("sign::sign twilio: form parameters sorted by name, values sorted for repeated names") {
  SignRequest s;
  s.body = k_params;
  s.url = k_uri;
  s.keys.secrets = {k_token};
  CHECK(testing::sign(*scheme("twilio"), s).headers.get("X-Twilio-Signature") == k_expected);
  s.body = "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234";
  CHECK(testing::sign(*scheme("twilio"), s).headers.get("X-Twilio-Signature") == "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

TEST_CASE("sign::verify twilio: library vectors including the port variants") {
  auto tw = scheme("twilio");
  CHECK(testing::verify(*tw, req(k_uri, k_expected)).valid);
  // removes the port on https and on http
  CHECK(testing::verify(*tw, req("https://mycompany.com:1234/myapp.php?foo=1&bar=2", k_expected)).valid);
  CHECK(testing::verify(*tw, req("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="))
            .valid);
  // adds the default port on https and on http
  CHECK(testing::verify(*tw, req(k_uri, "kvajT1Ptam85bY51eRf/AJRuM3w=")).valid);
  CHECK(testing::verify(*tw, req("http://mycompany.com/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")).valid);
  CHECK(testing::verify(*tw, req(k_uri, "RSOYDt4T1cUTdK1PDd93/VVr8B9=")).reason == Reason::no_match);
  CHECK(testing::verify(*tw, req(k_uri, k_expected, "CallSid=CA1234567890ABCDE&Digits=1235")).reason ==
        Reason::no_match);
  CHECK(testing::verify(*tw, req("https://mycompany.com/myapp.php", k_expected)).reason == Reason::no_match);
}

TEST_CASE("sign::twilio JSON bodies: bodySHA256 in the URL, hash checked") {
  auto tw = scheme("twilio");
  std::string body = "{\"property\": \"value\", \"boolean\": true}";
  std::string url_with_hash =
      std::string(k_uri) + "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
  auto r = req(url_with_hash, "a9nBmqA0ju/hNViExpshrM61xv4=", body);
  r.headers.set("Content-Type", "application/json");
  CHECK(testing::verify(*tw, r).valid);
  r = req(url_with_hash, "a9nBmqA0ju/hNViExpshrM61xv4=", body + " ");
  r.headers.set("Content-Type", "application/json");
  CHECK(testing::verify(*tw, r).reason == Reason::body_hash_mismatch);
  // Without bodySHA256 in the URL a JSON body cannot match, and the verdict says why.
  r = req(k_uri, "a9nBmqA0ju/hNViExpshrM61xv4=", body);
  r.headers.set("Content-Type", "application/json");
  auto lacking = testing::verify(*tw, r);
  CHECK(lacking.reason == Reason::no_match);
  CHECK(lacking.detail.find("bodySHA256") != std::string::npos);
  CHECK(testing::verify(*tw, req(k_uri, "RSOYDt4T1cUTdK1PDd93/VVr8B9=")).detail.find("bodySHA256") ==
        std::string::npos);

  SignRequest s;
  s.body = body;
  s.url = k_uri;
  s.keys.secrets = {k_token};
  s.headers = {{"Content-Type", "application/json"}};
  auto signed_ = testing::sign(*tw, s);
  CHECK(signed_.url == url_with_hash);
  CHECK(signed_.headers.get("X-Twilio-Signature") == "a9nBmqA0ju/hNViExpshrM61xv4=");
}

TEST_CASE("sign::twilio needs the URL and a token") {
  SignRequest s;
  s.body = k_params;
  s.keys.secrets = {k_token};
  CHECK_FALSE(scheme("twilio")->sign(s).ok());
  auto r = req("", k_expected);
  CHECK_FALSE(scheme("twilio")->verify(r).ok());
  r = req(k_uri, k_expected);
  r.headers.remove("X-Twilio-Signature");
  CHECK(testing::verify(*scheme("twilio"), r).reason == Reason::missing_header);
}

TEST_CASE("sign::sign twilio: a value repeated under one name is signed once, as the official libraries do") {
  SignRequest s;
  s.body = "Digits=5&Digits=5&CallSid=CA1";
  s.url = k_uri;
  s.keys.secrets = {k_token};
  SignRequest once = s;
  once.body = "Digits=5&CallSid=CA1";
  CHECK(testing::sign(*scheme("twilio"), s).headers.get("X-Twilio-Signature") ==
        testing::sign(*scheme("twilio"), once).headers.get("X-Twilio-Signature"));
}
