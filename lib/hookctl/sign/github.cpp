// GitHub: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(secret, body), plus the legacy
// X-Hub-Signature sha1 header (github/docs "Validating webhook deliveries", "Delivery headers").
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/providers.hpp"
#include "hookctl/util/encoding.hpp"

namespace hookctl::sign {
namespace {

constexpr std::string_view k_sig256 = "X-Hub-Signature-256";
constexpr std::string_view k_sig1 = "X-Hub-Signature";

class GitHub final : public Scheme {
public:
  Result<Signed> sign(const SignRequest& r) const override {
    HOOKCTL_TRY_ASSIGN(std::string secret, detail::single_secret(r.keys, "github"));
    Signed out{{}, r.url};
    out.headers.add(std::string(k_sig256), "sha256=" + detail::hex_sha256(secret, {r.body}));
    out.headers.add(std::string(k_sig1),
                    "sha1=" + util::hex_encode(crypto::hmac(crypto::Digest::sha1, secret, {r.body})));
    if (!r.id.empty()) out.headers.add("X-GitHub-Delivery", r.id);
    return out;
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "github"));
    const auto& secrets = r.keys.secrets;
    if (auto sig = detail::header(r.headers, k_sig256)) {
      if (!sig->starts_with("sha256="))
        return fail(Reason::malformed_header, fmt::format("{} does not start with sha256=", k_sig256));
      // Compare the whole header string, prefix included, as GitHub's docs do.
      for (size_t i = 0; i < secrets.size(); ++i)
        if (crypto::ct_equal(*sig, "sha256=" + detail::hex_sha256(secrets[i], {r.body})))
          return detail::matched("sha256", i, secrets.size());
      return fail(Reason::no_match,
                  fmt::format("{} does not match the body with any of the {} secret(s)", k_sig256, secrets.size()));
    }
    auto sig1 = detail::header(r.headers, k_sig1);
    if (!sig1) return detail::missing(k_sig256);
    if (r.allow_sha1 == AllowSha1::no)
      return fail(Reason::legacy_sha1_only,
                  fmt::format("only the legacy {} (sha1) header is present; pass --allow-sha1 to accept it", k_sig1));
    if (!sig1->starts_with("sha1="))
      return fail(Reason::malformed_header, fmt::format("{} does not start with sha1=", k_sig1));
    for (size_t i = 0; i < secrets.size(); ++i)
      if (crypto::ct_equal(*sig1, "sha1=" + util::hex_encode(crypto::hmac(crypto::Digest::sha1, secrets[i], {r.body}))))
        return detail::matched("legacy sha1", i, secrets.size());
    return fail(Reason::no_match,
                fmt::format("{} does not match the body with any of the {} secret(s)", k_sig1, secrets.size()));
  }
};

} // namespace

std::unique_ptr<Scheme> make_github(const SchemeOptions&) { return std::make_unique<GitHub>(); }

} // namespace hookctl::sign
