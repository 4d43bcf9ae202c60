#include "hookctl/sign/keys.hpp"

#include "hookctl/crypto/crypto.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::sign {
namespace {
constexpr std::string_view k_whsec = "whsec_";
constexpr std::string_view k_whsk = "whsk_";
constexpr std::string_view k_whpk = "whpk_";
} // namespace

Result<std::string> decode_whsec(std::string_view text) {
  text = util::trim(text);
  if (text.starts_with(k_whsec)) text.remove_prefix(k_whsec.size());
  auto key = util::base64_decode(text, util::Padding::optional);
  if (!key || key->empty())
    return make_error(Errc::usage, "malformed secret: expected whsec_ followed by base64 (the secret is not shown)");
  return *key;
}

Result<Ed25519Private> parse_private_key(std::string_view text) {
  text = util::trim(text);
  std::optional<std::string> raw;
  if (text.starts_with(k_whsk)) {
    raw = util::base64_decode(text.substr(k_whsk.size()), util::Padding::optional);
  } else if (text.size() == 64 || text.size() == 128) {
    raw = util::hex_decode(text);
  }
  if (!raw || (raw->size() != 32 && raw->size() != 64))
    return make_error(Errc::usage, "malformed Ed25519 private key: expected 64 or 128 hex characters, or whsk_ "
                                   "followed by base64 of 32 or 64 bytes (the key is not shown)");
  Ed25519Private key;
  key.seed = raw->substr(0, 32);
  auto pub = crypto::ed25519_public_from_seed(key.seed);
  if (!pub) return make_error(Errc::usage, "unusable Ed25519 private key (the key is not shown)");
  key.public_key = *pub;
  if (raw->size() == 64 && !crypto::ct_equal(raw->substr(32), key.public_key))
    return make_error(Errc::usage, "malformed Ed25519 private key: its public half does not belong to its seed");
  return key;
}

Result<std::string> parse_public_key(std::string_view text) {
  text = util::trim(text);
  std::optional<std::string> raw;
  if (text.starts_with(k_whpk))
    raw = util::base64_decode(text.substr(k_whpk.size()), util::Padding::optional);
  else if (text.size() == 64)
    raw = util::hex_decode(text);
  if (!raw || raw->size() != 32)
    return make_error(Errc::usage, "malformed Ed25519 public key: expected 64 hex characters or whpk_ followed by "
                                   "base64 of 32 bytes");
  return *raw;
}

Result<std::vector<std::string>> verification_keys(const std::vector<std::string>& public_keys,
                                                   const std::vector<std::string>& private_keys) {
  std::vector<std::string> out;
  for (const auto& k : public_keys) {
    HOOKCTL_TRY_ASSIGN(std::string key, parse_public_key(k));
    out.push_back(std::move(key));
  }
  for (const auto& k : private_keys) {
    HOOKCTL_TRY_ASSIGN(Ed25519Private key, parse_private_key(k));
    out.push_back(std::move(key.public_key));
  }
  return out;
}

std::string format_whsk(const Ed25519Private& key) {
  return std::string(k_whsk) + util::base64_encode(key.seed + key.public_key);
}

std::string format_whpk(std::string_view public_key) { return std::string(k_whpk) + util::base64_encode(public_key); }

} // namespace hookctl::sign
