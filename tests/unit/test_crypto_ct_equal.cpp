// Signatures are compared in constant time: crypto::ct_equal is OpenSSL's CRYPTO_memcmp behind a
// length check, and every provider that compares a signature or token does it with ct_equal.
// (Ed25519, Discord's and Standard Webhooks v1a's scheme, is checked by OpenSSL's EVP verify.)
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <doctest/doctest.h>

#include "hookctl/crypto/crypto.hpp"

#ifndef HOOKCTL_SOURCE_DIR
#error "HOOKCTL_SOURCE_DIR must name the source tree"
#endif

namespace {

std::string source(const std::filesystem::path& relative) {
  std::ifstream in(std::filesystem::path(HOOKCTL_SOURCE_DIR) / relative, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

TEST_CASE("crypto::ct_equal: equal exactly when the bytes are") {
  using hookctl::crypto::ct_equal;
  CHECK(ct_equal("", ""));
  CHECK(ct_equal("sha256=abc", "sha256=abc"));
  CHECK_FALSE(ct_equal("sha256=abc", "sha256=abd"));
  CHECK_FALSE(ct_equal("abc", "abcd"));
  CHECK_FALSE(ct_equal("", "a"));
  CHECK(ct_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  CHECK_FALSE(ct_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string a(rng() % 40, '\0');
    for (auto& c : a) c = static_cast<char>(rng() % 4); // small alphabet: many equal pairs
    std::string b = rng() % 2 ? a : std::string(rng() % 40, '\1');
    if (!b.empty() && rng() % 3 == 0) b[rng() % b.size()] ^= 1;
    CHECK(ct_equal(a, b) == (a == b));
  }
}

TEST_CASE("crypto::ct_equal is CRYPTO_memcmp, and every provider compares signatures with it") {
  const std::string crypto_cpp = source("lib/hookctl/crypto/crypto.cpp");
  const size_t at = crypto_cpp.find("bool ct_equal(");
  REQUIRE(at != std::string::npos);
  const std::string body = crypto_cpp.substr(at, crypto_cpp.find("\n}\n", at) - at);
  CHECK(body.find("CRYPTO_memcmp(") != std::string::npos);
  CHECK(body.find("for (") == std::string::npos); // no hand-written loop that could exit early
  // The providers that compare a computed signature or a token with the one received.
  for (const char* file :
       {"github", "gitlab", "hmac", "paddle", "shopify", "slack", "square", "standard", "stripe", "twilio", "twitch"}) {
    CAPTURE(file);
    const std::string text = source(std::string("lib/hookctl/sign/") + file + ".cpp");
    REQUIRE_FALSE(text.empty());
    CHECK(text.find("crypto::ct_equal(") != std::string::npos);
    for (const char* variable_time : {"memcmp(", "strcmp(", "std::equal(", ".compare("})
      CHECK(text.find(variable_time) == std::string::npos);
  }
  // No other file of sign/ compares with a variable-time function either.
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(HOOKCTL_SOURCE_DIR) / "lib/hookctl/sign")) {
    CAPTURE(entry.path().filename().string());
    const std::string text = source(std::filesystem::relative(entry.path(), HOOKCTL_SOURCE_DIR));
    for (const char* variable_time : {"memcmp(", "strcmp(", "std::equal("})
      CHECK(text.find(variable_time) == std::string::npos);
  }
}
