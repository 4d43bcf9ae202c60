// Discord interactions: X-Signature-Ed25519 = hex Ed25519(timestamp ‖ body) under the
// application's key; X-Signature-Timestamp is unix seconds; the official verifyKey checks no age
// (discord-interactions-js verifyKey; discord-api-docs "Security and Authorization").
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/keys.hpp"
#include "hookctl/sign/providers.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::sign {
namespace {

constexpr std::string_view k_sig = "X-Signature-Ed25519";
constexpr std::string_view k_ts = "X-Signature-Timestamp";

class Discord final : public Scheme {
public:
  Result<Signed> sign(const SignRequest& r) const override {
    if (r.keys.private_keys.size() != 1)
      return make_error(Errc::usage, "provider discord signs with one Ed25519 key: give --private-key (hookctl keygen "
                                     "--provider discord makes one)");
    HOOKCTL_TRY_ASSIGN(Ed25519Private key, parse_private_key(r.keys.private_keys.front()));
    std::string ts = std::to_string(r.timestamp);
    auto sig = crypto::ed25519_sign(key.seed, ts + std::string(r.body));
    if (!sig) return make_error(Errc::internal, "Ed25519 signing failed");
    Signed out{{}, r.url};
    out.headers.add(std::string(k_sig), util::hex_encode(*sig));
    out.headers.add(std::string(k_ts), ts);
    return out;
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY_ASSIGN(std::vector<std::string> keys, verification_keys(r.keys.public_keys, r.keys.private_keys));
    if (keys.empty())
      return make_error(Errc::usage, "provider discord verifies with the application's public key: give --public-key");
    auto sig_hex = detail::header(r.headers, k_sig);
    auto ts = detail::header(r.headers, k_ts);
    if (!sig_hex) return detail::missing(k_sig);
    if (!ts) return detail::missing(k_ts);
    auto sig = util::hex_decode(*sig_hex);
    if (!sig || sig->size() != crypto::k_ed25519_signature_size)
      return fail(Reason::malformed_header, fmt::format("{} is not 128 hex characters", k_sig));
    // Discord has no window; one is checked only when --tolerance is given.
    if (r.tolerance) {
      long long t = 0;
      if (!util::parse_int64(*ts, t))
        return fail(Reason::malformed_header, fmt::format("{} is not an integer unix timestamp", k_ts));
      if (auto v = detail::check_window(t, r, std::nullopt, Direction::both)) return *v;
    }
    std::string message = std::string(*ts) + std::string(r.body);
    for (size_t i = 0; i < keys.size(); ++i)
      if (crypto::ed25519_verify(keys[i], message, *sig)) return detail::matched("ed25519", i, keys.size());
    return fail(Reason::no_match,
                fmt::format("{} is not a valid signature under any of the {} public key(s)", k_sig, keys.size()));
  }
};

} // namespace

std::unique_ptr<Scheme> make_discord(const SchemeOptions&) { return std::make_unique<Discord>(); }

} // namespace hookctl::sign
