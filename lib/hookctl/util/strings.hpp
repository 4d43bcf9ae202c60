#pragma once
// Small string helpers that know nothing of webhooks.

#include <string>
#include <string_view>
#include <vector>

namespace hookctl::util {

// `text` without leading and trailing ASCII spaces and tabs.
std::string_view trim(std::string_view text);

// True when `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

// `text` in ASCII lowercase.
std::string to_lower(std::string_view text);

// The pieces of `text` between occurrences of `sep`, empty pieces included.
std::vector<std::string_view> split(std::string_view text, char sep);

// True when `text` is valid UTF-8 without NUL bytes, i.e. safe to show or store as text.
bool is_printable_utf8(std::string_view text);

// The Levenshtein distance between `a` and `b` (insertions, deletions, substitutions), for
// did-you-mean suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

// Parses all of `text` as a base-10 signed 64-bit integer (optional leading '-'); false otherwise.
bool parse_int64(std::string_view text, long long& out);

} // namespace hookctl::util
