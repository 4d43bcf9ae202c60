#pragma once
// Helpers for the sign:: unit tests.

#include <doctest/doctest.h>

#include "hookctl/sign/scheme.hpp"

namespace testing {

inline std::unique_ptr<hookctl::sign::Scheme> scheme(std::string_view name,
                                                     const hookctl::sign::SchemeOptions& o = {}) {
  auto s = hookctl::sign::make_scheme(name, o);
  REQUIRE(s.ok());
  return std::move(s).value();
}

// Verifies and requires that verification did not error (bad keys); returns the verdict.
inline hookctl::sign::Verdict verify(const hookctl::sign::Scheme& s, const hookctl::sign::VerifyRequest& r) {
  auto v = s.verify(r);
  REQUIRE_MESSAGE(v.ok(), (v.ok() ? "" : v.error().message));
  return v.value();
}

inline hookctl::sign::Signed sign(const hookctl::sign::Scheme& s, const hookctl::sign::SignRequest& r) {
  auto v = s.sign(r);
  REQUIRE_MESSAGE(v.ok(), (v.ok() ? "" : v.error().message));
  return v.value();
}

// A VerifyRequest carrying what `signed_` produced for `body`.
inline hookctl::sign::VerifyRequest from_signed(const hookctl::sign::Signed& signed_, std::string_view body,
                                                int64_t now, std::vector<std::string> secrets) {
  hookctl::sign::VerifyRequest r;
  r.body = body;
  r.headers = signed_.headers;
  r.url = signed_.url;
  r.now = now;
  r.keys.secrets = std::move(secrets);
  return r;
}

} // namespace testing
