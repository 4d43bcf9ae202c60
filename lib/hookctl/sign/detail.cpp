#include "hookctl/sign/detail.hpp"

#include <fmt/format.h>

#include "hookctl/util/encoding.hpp"

namespace hookctl::sign {

Verdict fail(Reason reason, std::string detail) { return Verdict{false, reason, std::move(detail)}; }
Verdict pass(std::string detail) { return Verdict{true, Reason::match, std::move(detail)}; }

std::string_view reason_code(Reason reason) {
  switch (reason) {
  case Reason::match: return "match";
  case Reason::missing_header: return "missing_header";
  case Reason::malformed_header: return "malformed_header";
  case Reason::timestamp_too_old: return "timestamp_too_old";
  case Reason::timestamp_in_future: return "timestamp_in_future";
  case Reason::unknown_version: return "unknown_version";
  case Reason::no_match: return "no_match";
  case Reason::body_hash_mismatch: return "body_hash_mismatch";
  case Reason::legacy_sha1_only: return "legacy_sha1_only";
  }
  return "no_match";
}

namespace detail {

Result<void> require_secrets(const Keys& keys, std::string_view provider) {
  if (keys.secrets.empty())
    return make_error(Errc::usage, fmt::format("provider {} needs a secret: give --secret, --secret-file or "
                                               "HOOKCTL_SECRET",
                                               provider));
  return {};
}

Result<std::string> single_secret(const Keys& keys, std::string_view provider) {
  HOOKCTL_TRY(require_secrets(keys, provider));
  if (keys.secrets.size() > 1)
    return make_error(Errc::usage,
                      fmt::format("provider {} sends one signature: give a single secret to sign with", provider));
  return keys.secrets.front();
}

std::optional<std::string_view> header(const util::Headers& headers, std::string_view name) {
  auto v = headers.get(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

Verdict missing(std::string_view name) { return fail(Reason::missing_header, fmt::format("missing header {}", name)); }

std::optional<Verdict> check_window(int64_t ts, const VerifyRequest& request, std::optional<int64_t> default_s,
                                    Direction direction) {
  std::optional<int64_t> window = default_s;
  if (request.tolerance) window = request.tolerance->count();
  if (!window || *window <= 0) return std::nullopt;
  // Timestamps come from the request, so any int64 is possible: saturate instead of overflowing, and keep
  // age > INT64_MIN so that -age below stays defined.
  int64_t age = 0;
  if (__builtin_sub_overflow(request.now, ts, &age)) age = ts < 0 ? INT64_MAX : INT64_MIN;
  if (age == INT64_MIN) age = INT64_MIN + 1;
  if (age > *window)
    return fail(Reason::timestamp_too_old,
                fmt::format("timestamp {} is {} s old, {} s outside the {} s window", ts, age, age - *window, *window));
  if (direction == Direction::both && -age > *window)
    return fail(Reason::timestamp_in_future, fmt::format("timestamp {} is {} s in the future, {} s outside the {} s "
                                                         "window",
                                                         ts, -age, -age - *window, *window));
  return std::nullopt;
}

Verdict matched(std::string_view what, size_t key_index, size_t key_count) {
  if (key_count <= 1) return pass(fmt::format("signature matches ({})", what));
  return pass(fmt::format("signature matches ({}, key {} of {})", what, key_index + 1, key_count));
}

std::string hex_sha256(std::string_view key, std::initializer_list<std::string_view> parts) {
  return util::hex_encode(crypto::hmac(crypto::Digest::sha256, key, parts));
}

std::string b64_sha256(std::string_view key, std::initializer_list<std::string_view> parts) {
  return util::base64_encode(crypto::hmac(crypto::Digest::sha256, key, parts));
}

} // namespace detail
} // namespace hookctl::sign
