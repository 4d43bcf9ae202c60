// Square: x-square-hmacsha256-signature = base64 HMAC-SHA256(signature key, notification URL ‖
// body); the URL must be exactly the registered one (npm square WebhooksHelper.verifySignature).
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/providers.hpp"

namespace hookctl::sign {
namespace {

constexpr std::string_view k_sig = "x-square-hmacsha256-signature";

class Square final : public Scheme {
public:
  Result<Signed> sign(const SignRequest& r) const override {
    HOOKCTL_TRY_ASSIGN(std::string key, detail::single_secret(r.keys, "square"));
    if (r.url.empty()) return make_error(Errc::usage, "provider square signs the notification URL: give --url");
    return Signed{{{std::string(k_sig), detail::b64_sha256(key, {r.url, r.body})}}, r.url};
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "square"));
    if (r.url.empty())
      return make_error(Errc::usage, "provider square signs the notification URL: give --url exactly as registered");
    auto sig = detail::header(r.headers, k_sig);
    if (!sig) return detail::missing(k_sig);
    const auto& secrets = r.keys.secrets;
    for (size_t i = 0; i < secrets.size(); ++i)
      if (crypto::ct_equal(*sig, detail::b64_sha256(secrets[i], {r.url, r.body})))
        return detail::matched("hmac-sha256", i, secrets.size());
    return fail(Reason::no_match,
                fmt::format("{} does not match the URL and body with any of the {} key(s)", k_sig, secrets.size()));
  }
};

} // namespace

std::unique_ptr<Scheme> make_square(const SchemeOptions&) { return std::make_unique<Square>(); }

} // namespace hookctl::sign
