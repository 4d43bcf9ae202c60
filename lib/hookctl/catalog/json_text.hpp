#pragma once
// nlohmann::json helpers of the catalog: parsing untrusted text into a Result, never throwing.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace hookctl::catalog::detail {

// JSON that keeps the key order of its input when re-serialised.
using Json = nlohmann::ordered_json;

// `text` parsed as JSON, or nothing with `why` set to a one-line reason with line and column (or
// the nesting limit); never throws.
std::optional<Json> parse_json(std::string_view text, std::string& why);

// `value` serialised compactly; invalid UTF-8 is replaced, never thrown on.
std::string dump_compact(const Json& value);

// `text` as it can be shown in a one-line message: at most `max` printable ASCII characters.
std::string printable(std::string_view text, size_t max = 40);

} // namespace hookctl::catalog::detail
