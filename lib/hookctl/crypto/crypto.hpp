#pragma once
// The only interface to OpenSSL: MACs, digests, Ed25519, randomness and constant-time compare.
// Every function takes and returns raw bytes in std::string / std::string_view.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace hookctl::crypto {

// Digest algorithms a scheme can use.
enum class Digest { sha1, sha256, sha512 };

// The name of `digest` as users type it ("sha256").
std::string_view digest_name(Digest digest);

// The digest named `name` ("sha1", "sha256", "sha512"), if known.
std::optional<Digest> digest_from_name(std::string_view name);

// HMAC of the concatenation of `parts` keyed with `key`; the parts are streamed, not copied.
std::string hmac(Digest digest, std::string_view key, std::initializer_list<std::string_view> parts);

// The plain message digest of `data`.
std::string hash(Digest digest, std::string_view data);

// Compares `a` and `b` in time that depends only on their lengths (CRYPTO_memcmp underneath).
bool ct_equal(std::string_view a, std::string_view b);

// Returns `n` bytes from the operating system's CSPRNG (getrandom(2)); thread-safe.
std::string random_bytes(size_t n);

// Ed25519 sizes in bytes.
inline constexpr size_t k_ed25519_seed_size = 32;
inline constexpr size_t k_ed25519_public_size = 32;
inline constexpr size_t k_ed25519_signature_size = 64;

// The public key of the 32-byte Ed25519 `seed`; nothing when `seed` has the wrong size.
std::optional<std::string> ed25519_public_from_seed(std::string_view seed);

// The 64-byte Ed25519 signature of `message` by the 32-byte `seed`; nothing on a bad seed.
std::optional<std::string> ed25519_sign(std::string_view seed, std::string_view message);

// True when `signature` is a valid Ed25519 signature of `message` under the 32-byte `public_key`.
bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature);

// The OpenSSL version string, for `hookctl --version`.
std::string_view openssl_version();

} // namespace hookctl::crypto
