#pragma once
// Small string helpers that know nothing of webhooks.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hookctl/util/result.hpp"

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

// Parses a byte size: a whole number with an optional unit, `512`, `64k`/`64KiB`, `10m`/`10MiB`,
// `1g`/`1GiB` (powers of 1024; `KB`/`MB`/`GB` read the same); Errc::usage naming the text otherwise.
Result<uint64_t> parse_size(std::string_view text);

} // namespace hookctl::util
