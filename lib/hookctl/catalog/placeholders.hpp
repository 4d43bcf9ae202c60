#pragma once
// Placeholders of catalog templates and user envelopes. Grammar: `{{KIND[ARGS][#LABEL]}}`, where
// KIND is unix, unix_ms, iso, iso_ms, iso_us, iso_ns (each with an optional `+N`/`-N` seconds
// offset), uuid, snowflake, id:PREFIX, rand:SET:N or num:N. Within one instantiation the same
// placeholder with the same `#LABEL` has the same value; without a label every occurrence is new.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "hookctl/catalog/catalog.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::catalog {

// Fills placeholders from one `Fresh`, remembering labelled values across calls.
class Filler {
public:
  // A filler drawing time and random bytes from `fresh`, which must outlive it.
  explicit Filler(const Fresh& fresh) : m_fresh(fresh) {}

  // `text` with every placeholder filled; Errc::input naming a malformed one.
  Result<std::string> fill(std::string_view text);

  // The number when `text` is exactly one numeric placeholder (unix, unix_ms, num), else nothing.
  Result<std::optional<int64_t>> number(std::string_view text);

private:
  // The value of the placeholder `spec` (the text between the braces), nothing when `spec` names no
  // placeholder kind, or Errc::input when it names one with bad arguments.
  Result<std::optional<std::string>> value(std::string_view spec);
  // A fresh value of placeholder kind `kind` with arguments `args` (`:evt`, `+60`, or empty).
  Result<std::optional<std::string>> compute(std::string_view kind, std::string_view args);
  // `n` random bytes from the Fresh, zero bytes when it has no random source.
  std::string bytes(size_t n);
  // `n` characters drawn from `alphabet`.
  std::string chars(std::string_view alphabet, size_t n);

  const Fresh& m_fresh;
  std::map<std::string, std::string, std::less<>> m_labelled;
};

} // namespace hookctl::catalog
