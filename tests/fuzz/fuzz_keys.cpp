// Key decoders: sign::decode_whsec, parse_private_key and parse_public_key on arbitrary text,
// with round trips through the formatters where a key decodes.
#include "fuzz_check.hpp"
#include "hookctl/crypto/crypto.hpp"
#include "hookctl/sign/keys.hpp"
#include "hookctl/util/encoding.hpp"

namespace sign = hookctl::sign;
namespace util = hookctl::util;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::as_view(data, size);

  if (auto secret = sign::decode_whsec(text)) {
    FUZZ_CHECK(!secret->empty());
    auto again = sign::decode_whsec("whsec_" + util::base64_encode(*secret));
    FUZZ_CHECK(again && *again == *secret);
  } else {
    FUZZ_CHECK(secret.error().code == hookctl::Errc::usage);
  }
  // Any non-empty byte string is a secret once base64-encoded, with or without padding.
  if (!text.empty()) {
    std::string b64 = util::base64_encode(text);
    auto padded = sign::decode_whsec("whsec_" + b64);
    FUZZ_CHECK(padded && *padded == text);
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    auto bare = sign::decode_whsec(b64);
    FUZZ_CHECK(bare && *bare == text);
  }

  if (auto key = sign::parse_private_key(text)) {
    FUZZ_CHECK(key->seed.size() == hookctl::crypto::k_ed25519_seed_size);
    FUZZ_CHECK(key->public_key.size() == hookctl::crypto::k_ed25519_public_size);
    auto pub = hookctl::crypto::ed25519_public_from_seed(key->seed);
    FUZZ_CHECK(pub && *pub == key->public_key);
    auto again = sign::parse_private_key(sign::format_whsk(*key));
    FUZZ_CHECK(again && again->seed == key->seed && again->public_key == key->public_key);
    auto from_hex = sign::parse_private_key(util::hex_encode(key->seed));
    FUZZ_CHECK(from_hex && from_hex->public_key == key->public_key);
  }

  if (auto pub = sign::parse_public_key(text)) {
    FUZZ_CHECK(pub->size() == hookctl::crypto::k_ed25519_public_size);
    auto again = sign::parse_public_key(sign::format_whpk(*pub));
    FUZZ_CHECK(again && *again == *pub);
    auto from_hex = sign::parse_public_key(util::hex_encode(*pub));
    FUZZ_CHECK(from_hex && *from_hex == *pub);
  }
  // A 32-byte input is a seed: its hex form must decode as a private key.
  if (size == 32) {
    auto key = sign::parse_private_key(util::hex_encode(text));
    FUZZ_CHECK(key && key->seed == text);
  }
  return 0;
}
