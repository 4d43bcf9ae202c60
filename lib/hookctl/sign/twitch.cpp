// Twitch EventSub: Twitch-Eventsub-Message-Signature "sha256=" + hex HMAC-SHA256(secret,
// id ‖ timestamp ‖ body), the timestamp being the exact RFC 3339 header string; messages older
// than 10 minutes are rejected (dev.twitch.tv eventsub "Verifying the event message").
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/providers.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::sign {
namespace {

constexpr std::string_view k_id = "Twitch-Eventsub-Message-Id";
constexpr std::string_view k_ts = "Twitch-Eventsub-Message-Timestamp";
constexpr std::string_view k_sig = "Twitch-Eventsub-Message-Signature";

class Twitch final : public Scheme {
public:
  Result<Signed> sign(const SignRequest& r) const override {
    HOOKCTL_TRY_ASSIGN(std::string secret, detail::single_secret(r.keys, "twitch"));
    std::string ts = util::format_rfc3339(r.timestamp, 9);
    Signed out{{}, r.url};
    out.headers.add(std::string(k_id), r.id);
    out.headers.add(std::string(k_ts), ts);
    out.headers.add(std::string(k_sig), "sha256=" + detail::hex_sha256(secret, {r.id, ts, r.body}));
    return out;
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "twitch"));
    auto id = detail::header(r.headers, k_id);
    auto ts = detail::header(r.headers, k_ts);
    auto sig = detail::header(r.headers, k_sig);
    if (!id) return detail::missing(k_id);
    if (!ts) return detail::missing(k_ts);
    if (!sig) return detail::missing(k_sig);
    if (!sig->starts_with("sha256="))
      return fail(Reason::unknown_version, fmt::format("{} does not start with sha256=", k_sig));
    auto t = util::parse_rfc3339(*ts);
    if (!t) return fail(Reason::malformed_header, fmt::format("{} is not an RFC 3339 timestamp", k_ts));
    if (auto v = detail::check_window(*t, r, 600, Direction::past)) return *v;
    const auto& secrets = r.keys.secrets;
    for (size_t i = 0; i < secrets.size(); ++i)
      if (crypto::ct_equal(*sig, "sha256=" + detail::hex_sha256(secrets[i], {*id, *ts, r.body})))
        return detail::matched("sha256", i, secrets.size());
    return fail(Reason::no_match, fmt::format("{} does not match with any of the {} secret(s)", k_sig, secrets.size()));
  }
};

} // namespace

std::unique_ptr<Scheme> make_twitch(const SchemeOptions&) { return std::make_unique<Twitch>(); }

} // namespace hookctl::sign
