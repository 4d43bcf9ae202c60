// Every provider's Scheme::verify on a request built from the input, with fixed test keys.
//
// Input layout: up to four '\n'-terminated lines, then the body (the rest, newlines included):
//   line 1..3  values of the provider's signature headers, in the order `providers()` lists them
//   line 4     the request URL
// so a Stripe seed is "t=...,v1=...\n\n\nhttps://example.com/hook\n{...}". Verification results
// are ignored apart from sanity checks; a sign-then-verify round trip of the body must match.
#include <array>
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/sign/scheme.hpp"

namespace sign = hookctl::sign;

namespace {

constexpr int64_t k_now = 1700000000;

// The test keys: the Standard Webhooks sample secret and an Ed25519 pair (seed ‖ public, public).
// Verifying uses the public key only: deriving it from the seed on every call would halve the speed.
sign::Keys signing_keys() {
  sign::Keys keys;
  keys.secrets = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
  keys.private_keys = {"whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg=="};
  return keys;
}

sign::Keys verifying_keys() {
  sign::Keys keys;
  keys.secrets = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
  keys.public_keys = {"whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4="};
  return keys;
}

struct Input {
  std::array<std::string_view, 3> headers;
  std::string_view url;
  std::string_view body;
};

Input split_input(std::string_view in) {
  Input out;
  auto next_line = [&in]() {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
    return line;
  };
  for (auto& h : out.headers) h = next_line();
  out.url = next_line();
  out.body = in;
  return out;
}

void check_verdict(const hookctl::Result<sign::Verdict>& v) {
  if (!v.ok()) {
    FUZZ_CHECK(!v.error().message.empty());
    return;
  }
  FUZZ_CHECK(v->valid == (v->reason == sign::Reason::match));
  FUZZ_CHECK(!v->detail.empty());
  FUZZ_CHECK(!sign::reason_code(v->reason).empty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const sign::Keys sign_keys = signing_keys();
  static const sign::Keys keys = verifying_keys();
  Input in = split_input(fuzz::as_view(data, size));

  for (const auto& info : sign::providers()) {
    auto scheme = sign::make_scheme(info.name);
    FUZZ_CHECK(scheme.ok());

    sign::VerifyRequest r;
    r.body = in.body;
    r.url = std::string(in.url);
    r.now = k_now;
    r.keys = keys;
    for (size_t i = 0; i < info.headers.size() && i < in.headers.size(); ++i)
      r.headers.add(std::string(info.headers[i]), std::string(in.headers[i]));
    // Default windows, then no window and sha1 allowed, then a one-second window.
    check_verdict((*scheme)->verify(r));
    r.tolerance = std::chrono::seconds(0);
    r.allow_sha1 = sign::AllowSha1::yes;
    check_verdict((*scheme)->verify(r));
    r.tolerance = std::chrono::seconds(1);
    check_verdict((*scheme)->verify(r));

    // Whatever the body, what a provider signs it verifies.
    sign::SignRequest sr;
    sr.body = in.body;
    sr.url = "https://example.com/hook?x=1";
    sr.id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    sr.timestamp = k_now;
    sr.keys = sign_keys;
    auto signed_ = (*scheme)->sign(sr);
    if (!signed_) continue;
    sign::VerifyRequest vr;
    vr.body = in.body;
    vr.headers = signed_->headers;
    vr.url = signed_->url;
    vr.now = k_now;
    vr.keys = keys;
    auto verdict = (*scheme)->verify(vr);
    check_verdict(verdict);
    FUZZ_CHECK(verdict.ok() && verdict->valid);
  }
  return 0;
}
