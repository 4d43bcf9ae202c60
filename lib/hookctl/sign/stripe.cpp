// Stripe: Stripe-Signature "t=<unix>,v1=<hex>" where v1 = HMAC-SHA256(whole whsec_ string,
// "<t>.<body>"); any v1 may match; 300 s window, past only (stripe-node src/Webhooks.ts).
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/parse.hpp"
#include "hookctl/sign/providers.hpp"

namespace hookctl::sign {
namespace {

constexpr std::string_view k_header = "Stripe-Signature";

class Stripe final : public Scheme {
public:
  Result<Signed> sign(const SignRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "stripe"));
    std::string ts = std::to_string(r.timestamp);
    std::string value = "t=" + ts;
    // While a secret is rolled Stripe sends one v1 per active secret.
    for (const auto& s : r.keys.secrets) value += ",v1=" + detail::hex_sha256(s, {ts, ".", r.body});
    return Signed{{{std::string(k_header), value}}, r.url};
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "stripe"));
    auto raw = detail::header(r.headers, k_header);
    if (!raw) return detail::missing(k_header);
    auto parsed = parse_stripe_header(*raw);
    if (!parsed) return fail(Reason::malformed_header, parsed.error().message);
    if (parsed->v1.empty())
      return fail(Reason::unknown_version, parsed->other.empty()
                                               ? "Stripe-Signature has no v1 signature"
                                               : fmt::format("Stripe-Signature has no v1 signature (found: {})",
                                                             fmt::join(parsed->other, ", ")));
    std::string ts = std::to_string(parsed->timestamp);
    const auto& secrets = r.keys.secrets;
    std::optional<size_t> hit;
    for (size_t i = 0; i < secrets.size() && !hit; ++i) {
      std::string expected = detail::hex_sha256(secrets[i], {ts, ".", r.body});
      for (auto v1 : parsed->v1)
        if (crypto::ct_equal(v1, expected)) hit = i;
    }
    if (!hit)
      return fail(Reason::no_match, fmt::format("none of the {} v1 signature(s) matches any of the {} secret(s)",
                                                parsed->v1.size(), secrets.size()));
    // stripe-node checks the signature first, then the age; the order only changes the message.
    if (auto late = detail::check_window(parsed->timestamp, r, 300, Direction::past)) return *late;
    return detail::matched("v1", *hit, secrets.size());
  }
};

} // namespace

std::unique_ptr<Scheme> make_stripe(const SchemeOptions&) { return std::make_unique<Stripe>(); }

} // namespace hookctl::sign
