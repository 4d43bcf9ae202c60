#pragma once
// Helpers shared by the provider implementations; not part of the public interface.

#include <optional>
#include <string>
#include <string_view>

#include "hookctl/sign/scheme.hpp"

namespace hookctl::sign::detail {

// The HMAC secrets of `keys`, or Errc::usage naming `provider` when there are none.
Result<void> require_secrets(const Keys& keys, std::string_view provider);

// The single HMAC secret of `keys` for a provider that sends one signature; Errc::usage otherwise.
Result<std::string> single_secret(const Keys& keys, std::string_view provider);

// The value of header `name` in `headers` when present and not empty.
std::optional<std::string_view> header(const util::Headers& headers, std::string_view name);

// The failing verdict for a missing header `name`.
Verdict missing(std::string_view name);

// Checks timestamp `ts` against `request.now` with the window `default_s` (overridden by
// `request.tolerance`; a window of 0 or none turns the check off) in `direction`; a failing
// verdict when outside.
std::optional<Verdict> check_window(int64_t ts, const VerifyRequest& request, std::optional<int64_t> default_s,
                                    Direction direction);

// The passing verdict naming which key matched (`key_index` from 0) out of `key_count`.
Verdict matched(std::string_view what, size_t key_index, size_t key_count);

// Lowercase hex HMAC-SHA256 of `parts` keyed with `key`.
std::string hex_sha256(std::string_view key, std::initializer_list<std::string_view> parts);

// Base64 HMAC-SHA256 of `parts` keyed with `key`.
std::string b64_sha256(std::string_view key, std::initializer_list<std::string_view> parts);

} // namespace hookctl::sign::detail
