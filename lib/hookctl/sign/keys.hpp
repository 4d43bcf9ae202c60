#pragma once
// Key formats: `whsec_` secrets, Ed25519 keys as hex or `whsk_`/`whpk_` base64.

#include <string>
#include <string_view>
#include <vector>

#include "hookctl/util/result.hpp"

namespace hookctl::sign {

// An Ed25519 signing key: the 32-byte seed and its 32-byte public key.
struct Ed25519Private {
  std::string seed;
  std::string public_key;
};

// Decodes a Standard Webhooks secret: an optional `whsec_` prefix, then base64 (padding optional,
// as the Python library accepts); Errc::usage when malformed. The message never shows `text`.
Result<std::string> decode_whsec(std::string_view text);

// Decodes an Ed25519 private key given as 64 hex (seed), 128 hex (seed and public key), or
// `whsk_` + base64 of 32 or 64 bytes; checks that a given public half matches the seed.
Result<Ed25519Private> parse_private_key(std::string_view text);

// Decodes an Ed25519 public key given as 64 hex characters or `whpk_` + base64 of 32 bytes.
Result<std::string> parse_public_key(std::string_view text);

// The Ed25519 public keys to verify with: each `public_keys` entry decoded, plus the public half of
// each `private_keys` entry; Errc::usage on a malformed key.
Result<std::vector<std::string>> verification_keys(const std::vector<std::string>& public_keys,
                                                   const std::vector<std::string>& private_keys);

// Formats a private key as `whsk_` + base64(seed ‖ public key).
std::string format_whsk(const Ed25519Private& key);

// Formats a public key as `whpk_` + base64(public key).
std::string format_whpk(std::string_view public_key);

} // namespace hookctl::sign
