#include "hookctl/util/headers.hpp"

#include <algorithm>

#include "hookctl/util/strings.hpp"

namespace hookctl::util {

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(m_fields, [&](const Field& f) { return iequals(f.first, name); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& f : m_fields)
    if (iequals(f.first, name)) return std::string_view(f.second);
  return std::nullopt;
}

size_t Headers::count(std::string_view name) const {
  return static_cast<size_t>(
      std::count_if(m_fields.begin(), m_fields.end(), [&](const Field& f) { return iequals(f.first, name); }));
}

bool is_field_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

} // namespace hookctl::util
