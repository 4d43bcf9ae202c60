// Shopify: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256(client secret, body); no timestamp
// (shopify-api lib/utils/hmac-validator.ts). Newer events webhooks use shopify-hmac-sha256.
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/providers.hpp"

namespace hookctl::sign {
namespace {

constexpr std::string_view k_sig = "X-Shopify-Hmac-Sha256";
constexpr std::string_view k_sig_events = "shopify-hmac-sha256";

class Shopify final : public Scheme {
public:
  Result<Signed> sign(const SignRequest& r) const override {
    HOOKCTL_TRY_ASSIGN(std::string secret, detail::single_secret(r.keys, "shopify"));
    Signed out{{}, r.url};
    out.headers.add(std::string(k_sig), detail::b64_sha256(secret, {r.body}));
    if (!r.id.empty()) out.headers.add("X-Shopify-Webhook-Id", r.id);
    return out;
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "shopify"));
    auto sig = detail::header(r.headers, k_sig);
    if (!sig) sig = detail::header(r.headers, k_sig_events);
    if (!sig) return detail::missing(k_sig);
    const auto& secrets = r.keys.secrets;
    for (size_t i = 0; i < secrets.size(); ++i)
      if (crypto::ct_equal(*sig, detail::b64_sha256(secrets[i], {r.body})))
        return detail::matched("hmac-sha256", i, secrets.size());
    return fail(Reason::no_match,
                fmt::format("{} does not match the body with any of the {} secret(s)", k_sig, secrets.size()));
  }
};

} // namespace

std::unique_ptr<Scheme> make_shopify(const SchemeOptions&) { return std::make_unique<Shopify>(); }

} // namespace hookctl::sign
