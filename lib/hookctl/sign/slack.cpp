// Slack: X-Slack-Signature "v0=" + hex HMAC-SHA256(signing secret, "v0:<ts>:<body>"); 300 s in
// both directions as python-slack-sdk checks (docs.slack.dev "Verifying requests from Slack").
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/providers.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::sign {
namespace {

constexpr std::string_view k_sig = "X-Slack-Signature";
constexpr std::string_view k_ts = "X-Slack-Request-Timestamp";

class Slack final : public Scheme {
public:
  Result<Signed> sign(const SignRequest& r) const override {
    HOOKCTL_TRY_ASSIGN(std::string secret, detail::single_secret(r.keys, "slack"));
    std::string ts = std::to_string(r.timestamp);
    Signed out{{}, r.url};
    out.headers.add(std::string(k_ts), ts);
    out.headers.add(std::string(k_sig), "v0=" + detail::hex_sha256(secret, {"v0:", ts, ":", r.body}));
    return out;
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "slack"));
    auto sig = detail::header(r.headers, k_sig);
    auto ts_text = detail::header(r.headers, k_ts);
    if (!sig) return detail::missing(k_sig);
    if (!ts_text) return detail::missing(k_ts);
    long long ts = 0;
    if (!util::parse_int64(*ts_text, ts))
      return fail(Reason::malformed_header, fmt::format("{} is not an integer unix timestamp", k_ts));
    size_t eq = sig->find('=');
    if (eq == std::string_view::npos)
      return fail(Reason::malformed_header, fmt::format("{} is not of the form v0=<hex>", k_sig));
    if (sig->substr(0, eq) != "v0")
      return fail(Reason::unknown_version,
                  fmt::format("{} has version '{}'; only v0 exists", k_sig, sig->substr(0, eq)));
    if (auto v = detail::check_window(ts, r, 300, Direction::both)) return *v;
    const auto& secrets = r.keys.secrets;
    for (size_t i = 0; i < secrets.size(); ++i)
      if (crypto::ct_equal(*sig, "v0=" + detail::hex_sha256(secrets[i], {"v0:", *ts_text, ":", r.body})))
        return detail::matched("v0", i, secrets.size());
    return fail(Reason::no_match, fmt::format("{} does not match with any of the {} secret(s)", k_sig, secrets.size()));
  }
};

} // namespace

std::unique_ptr<Scheme> make_slack(const SchemeOptions&) { return std::make_unique<Slack>(); }

} // namespace hookctl::sign
