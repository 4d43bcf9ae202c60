// GitLab: X-Gitlab-Token carries the configured secret token verbatim; compare exactly, case
// sensitive, no trimming (docs.gitlab.com webhooks, "Validate payloads by using a secret token").
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/providers.hpp"

namespace hookctl::sign {
namespace {

constexpr std::string_view k_token = "X-Gitlab-Token";

class GitLab final : public Scheme {
public:
  Result<Signed> sign(const SignRequest& r) const override {
    HOOKCTL_TRY_ASSIGN(std::string token, detail::single_secret(r.keys, "gitlab"));
    return Signed{{{std::string(k_token), token}}, r.url};
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "gitlab"));
    auto token = r.headers.get(k_token);
    if (!token) return detail::missing(k_token);
    const auto& secrets = r.keys.secrets;
    for (size_t i = 0; i < secrets.size(); ++i)
      if (crypto::ct_equal(*token, secrets[i])) return detail::matched("token", i, secrets.size());
    return fail(Reason::no_match, fmt::format("{} equals none of the {} token(s)", k_token, secrets.size()));
  }
};

} // namespace

std::unique_ptr<Scheme> make_gitlab(const SchemeOptions&) { return std::make_unique<GitLab>(); }

} // namespace hookctl::sign
