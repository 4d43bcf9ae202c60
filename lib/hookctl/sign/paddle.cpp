// Paddle Billing: Paddle-Signature "ts=<unix>;h1=<hex>" where h1 = HMAC-SHA256(secret key,
// "<ts>:<body>"); the Node SDK rejects signatures more than 5 s old, past only
// (@paddle/paddle-node-sdk notifications/helpers/webhooks-validator.js).
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/parse.hpp"
#include "hookctl/sign/providers.hpp"

namespace hookctl::sign {
namespace {

constexpr std::string_view k_sig = "Paddle-Signature";

class Paddle final : public Scheme {
public:
  Result<Signed> sign(const SignRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "paddle"));
    std::string ts = std::to_string(r.timestamp);
    std::string value = "ts=" + ts;
    for (const auto& s : r.keys.secrets) value += ";h1=" + detail::hex_sha256(s, {ts, ":", r.body});
    return Signed{{{std::string(k_sig), value}}, r.url};
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "paddle"));
    auto raw = detail::header(r.headers, k_sig);
    if (!raw) return detail::missing(k_sig);
    auto parsed = parse_paddle_header(*raw);
    if (!parsed) return fail(Reason::malformed_header, parsed.error().message);
    if (parsed->h1.empty()) return fail(Reason::unknown_version, "Paddle-Signature has no h1 signature");
    if (auto v = detail::check_window(parsed->timestamp, r, 5, Direction::past)) return *v;
    std::string_view ts = parsed->timestamp_text;
    const auto& secrets = r.keys.secrets;
    for (size_t i = 0; i < secrets.size(); ++i) {
      std::string expected = detail::hex_sha256(secrets[i], {ts, ":", r.body});
      for (auto h1 : parsed->h1)
        if (crypto::ct_equal(h1, expected)) return detail::matched("h1", i, secrets.size());
    }
    return fail(Reason::no_match, fmt::format("none of the {} h1 signature(s) matches any of the {} secret(s)",
                                              parsed->h1.size(), secrets.size()));
  }
};

} // namespace

std::unique_ptr<Scheme> make_paddle(const SchemeOptions&) { return std::make_unique<Paddle>(); }

} // namespace hookctl::sign
