#pragma once
// Small string helpers that know nothing of webhooks.

#include <cstdint>
#include <optional>
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

// The edit distance between `a` and `b` for did-you-mean suggestions: insertions, deletions,
// substitutions and swaps of two adjacent characters ("sned" is one edit from "send").
size_t edit_distance(std::string_view a, std::string_view b);

// The name of `names` closest to `typed` for a did-you-mean: `typed` itself when listed, else at
// most two edits away, a name that starts with `typed` counting as one edit; the first of equally
// close names; nullopt when none.
std::optional<std::string> closest_name(std::string_view typed, const std::vector<std::string>& names);

// True when `word` may be repeated back in a message: at most 32 lowercase letters, digits and
// '-', as command and option names are. Anything else may be a secret typed in the wrong place.
bool echoable(std::string_view word);

// Parses all of `text` as a base-10 signed 64-bit integer (optional leading '-'); false otherwise.
bool parse_int64(std::string_view text, long long& out);

// Parses a byte size: a whole number with an optional unit, `512`, `64k`/`64KiB`, `10m`/`10MiB`,
// `1g`/`1GiB` (powers of 1024; `KB`/`MB`/`GB` read the same); Errc::usage naming the text otherwise.
Result<uint64_t> parse_size(std::string_view text);

} // namespace hookctl::util
