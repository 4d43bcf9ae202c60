#pragma once
// Byte encodings used by signature headers and key formats.

#include <optional>
#include <string>
#include <string_view>

namespace hookctl::util {

// Lowercase hex of the bytes in `data`.
std::string hex_encode(std::string_view data);

// The bytes of the hex string `text` (either case), or nothing when it is not even-length hex.
std::optional<std::string> hex_decode(std::string_view text);

// Standard base64 (RFC 4648 §4, with padding) of the bytes in `data`.
std::string base64_encode(std::string_view data);

// Padding policy for `base64_decode`.
enum class Padding { required, optional };

// The bytes of the standard-alphabet base64 `text`, or nothing when it is malformed; with
// `Padding::optional` missing `=` padding is accepted, as the Standard Webhooks Python library does.
std::optional<std::string> base64_decode(std::string_view text, Padding padding = Padding::required);

// Decodes `application/x-www-form-urlencoded` percent escapes and `+` in `text`; nothing when an
// escape is malformed.
std::optional<std::string> form_decode(std::string_view text);

// Percent-encodes `text` for a URL query component (RFC 3986 unreserved characters stay as they are).
std::string url_encode(std::string_view text);

} // namespace hookctl::util
