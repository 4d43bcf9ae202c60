// sign::parse_template on arbitrary text: the parts put back together are the template, and a
// generic-HMAC scheme using the template verifies what it signed.
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/sign/providers.hpp"
#include "hookctl/sign/scheme.hpp"

namespace sign = hookctl::sign;

namespace {

std::string unparse(const std::vector<sign::TemplatePart>& parts) {
  std::string out;
  for (const auto& p : parts) {
    switch (p.kind) {
    case sign::TemplatePart::literal: out += p.text; break;
    case sign::TemplatePart::id: out += "{id}"; break;
    case sign::TemplatePart::timestamp: out += "{timestamp}"; break;
    case sign::TemplatePart::body: out += "{body}"; break;
    case sign::TemplatePart::url: out += "{url}"; break;
    case sign::TemplatePart::method: out += "{method}"; break;
    }
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view templ = fuzz::as_view(data, size);
  auto parts = sign::parse_template(templ);
  if (!parts) {
    FUZZ_CHECK(parts.error().code == hookctl::Errc::usage);
    return 0;
  }
  for (const auto& p : *parts) {
    if (p.kind == sign::TemplatePart::literal) {
      FUZZ_CHECK(!p.text.empty());
      FUZZ_CHECK(p.text.find('{') == std::string::npos);
    } else {
      FUZZ_CHECK(p.text.empty());
    }
  }
  FUZZ_CHECK(unparse(*parts) == templ);

  // Sign with the template, then verify what was signed.
  if (size > 4096) return 0;
  sign::SchemeOptions options;
  options.hmac.templ = std::string(templ);
  auto scheme = sign::make_scheme("hmac", options);
  FUZZ_CHECK(scheme.ok());
  sign::SignRequest sr;
  sr.body = R"({"event":"ping"})";
  sr.url = "https://example.com/hook?x=1";
  sr.id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  sr.timestamp = 1700000000;
  sr.keys.secrets = {"s3cr3t"};
  auto signed_ = (*scheme)->sign(sr);
  FUZZ_CHECK(signed_.ok());
  sign::VerifyRequest vr;
  vr.body = sr.body;
  vr.headers = signed_->headers;
  vr.url = signed_->url;
  vr.now = sr.timestamp;
  vr.keys.secrets = sr.keys.secrets;
  auto verdict = (*scheme)->verify(vr);
  FUZZ_CHECK(verdict.ok() && verdict->valid && verdict->reason == sign::Reason::match);
  return 0;
}
