#include "hookctl/crypto/crypto.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <sys/random.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace hookctl::crypto {
namespace {

// Digests are fetched from the default provider once: OpenSSL 3 otherwise fetches implicitly on
// every init, which dominates the cost of a MAC over a short body.
const EVP_MD* md_of(Digest digest) {
  static const EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static const EVP_MD* const sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  switch (digest) {
  case Digest::sha1: return sha1;
  case Digest::sha256: return sha256;
  case Digest::sha512: return sha512;
  }
  return sha256;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

// One HMAC context per thread and digest, set up once: re-keying it with EVP_MAC_init(key, no
// params) is cheap, while fetching the MAC and digest implementations dominates a short HMAC.
EVP_MAC_CTX* hmac_ctx(Digest digest) {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (!mac) throw std::runtime_error("OpenSSL has no HMAC");
  thread_local MacCtxPtr ctxs[3];
  auto& slot = ctxs[static_cast<int>(digest)];
  if (!slot) {
    MacCtxPtr ctx(EVP_MAC_CTX_new(mac));
    std::string name(digest == Digest::sha1 ? "SHA1" : digest == Digest::sha256 ? "SHA256" : "SHA512");
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name.data(), 0),
                           OSSL_PARAM_construct_end()};
    if (!ctx || EVP_MAC_CTX_set_params(ctx.get(), params) != 1) throw std::runtime_error("HMAC setup failed");
    slot = std::move(ctx);
  }
  return slot.get();
}

} // namespace

std::string_view digest_name(Digest digest) {
  switch (digest) {
  case Digest::sha1: return "sha1";
  case Digest::sha256: return "sha256";
  case Digest::sha512: return "sha512";
  }
  return "sha256";
}

std::optional<Digest> digest_from_name(std::string_view name) {
  if (name == "sha1") return Digest::sha1;
  if (name == "sha256") return Digest::sha256;
  if (name == "sha512") return Digest::sha512;
  return std::nullopt;
}

std::string hmac(Digest digest, std::string_view key, std::initializer_list<std::string_view> parts) {
  EVP_MAC_CTX* ctx = hmac_ctx(digest);
  // OpenSSL refuses a NULL key pointer even for an empty key.
  static const unsigned char k_empty = 0;
  const unsigned char* k = key.empty() ? &k_empty : bytes(key);
  if (EVP_MAC_init(ctx, k, key.size(), nullptr) != 1) throw std::runtime_error("EVP_MAC_init failed");
  for (auto p : parts)
    if (!p.empty() && EVP_MAC_update(ctx, bytes(p), p.size()) != 1) throw std::runtime_error("EVP_MAC_update failed");
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (EVP_MAC_final(ctx, out, &len, sizeof out) != 1) throw std::runtime_error("EVP_MAC_final failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string hash(Digest digest, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md_of(digest), nullptr) != 1)
    throw std::runtime_error("EVP_Digest failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

bool ct_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

// Fills `out` from getrandom(2).
void fill_random(char* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t got = getrandom(out + done, n - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");
    }
    done += static_cast<size_t>(got);
  }
}

} // namespace

std::string random_bytes(size_t n) {
  // The kernel CSPRNG directly: seeding OpenSSL's DRBG costs more than a short command's whole run.
  // Small requests (ids, nonces: one per delivery of a load run) come from a per-thread pool filled
  // 512 bytes at a time, so a run makes one system call per dozens of deliveries, not one each;
  // bytes handed out are wiped from the pool.
  constexpr size_t k_pool = 512;
  constexpr size_t k_small = 64;
  std::string out(n, '\0');
  if (n > k_small) {
    fill_random(out.data(), n);
    return out;
  }
  thread_local std::array<char, k_pool> pool{};
  thread_local size_t left = 0;
  if (left < n) {
    fill_random(pool.data(), k_pool);
    left = k_pool;
  }
  char* from = pool.data() + (k_pool - left);
  std::memcpy(out.data(), from, n);
  OPENSSL_cleanse(from, n);
  left -= n;
  return out;
}

std::optional<std::string> ed25519_public_from_seed(std::string_view seed) {
  if (seed.size() != k_ed25519_seed_size) return std::nullopt;
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(seed), seed.size()));
  if (!key) return std::nullopt;
  std::string pub(k_ed25519_public_size, '\0');
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(pub.data()), &len) != 1)
    return std::nullopt;
  return pub;
}

std::optional<std::string> ed25519_sign(std::string_view seed, std::string_view message) {
  if (seed.size() != k_ed25519_seed_size) return std::nullopt;
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(seed), seed.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!key || !ctx) return std::nullopt;
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return std::nullopt;
  std::string sig(k_ed25519_signature_size, '\0');
  size_t len = sig.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, bytes(message), message.size()) !=
      1)
    return std::nullopt;
  return sig;
}

bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (public_key.size() != k_ed25519_public_size || signature.size() != k_ed25519_signature_size) return false;
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(public_key), public_key.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!key || !ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(message), message.size()) == 1;
}

std::string_view openssl_version() { return OpenSSL_version(OPENSSL_VERSION); }

} // namespace hookctl::crypto
