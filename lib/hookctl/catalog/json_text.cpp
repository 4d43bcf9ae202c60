#include "hookctl/catalog/json_text.hpp"

#include <fmt/format.h>

#include "hookctl/catalog/detail.hpp"

namespace hookctl::catalog::detail {

std::optional<Json> parse_json(std::string_view text, std::string& why) {
  if (!depth_within(text, k_max_depth)) {
    why = fmt::format("arrays and objects nest deeper than {} levels", k_max_depth);
    return std::nullopt;
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // Line and column of the failing byte, rather than nlohmann's text, which quotes the input.
    size_t at = std::min(e.byte > 0 ? e.byte - 1 : 0, text.size());
    size_t line = 1, column = 1;
    for (size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    why = text.empty() ? "empty" : fmt::format("not valid JSON (line {}, column {})", line, column);
    return std::nullopt;
  } catch (const Json::exception&) {
    why = "not valid JSON (a number is out of range)"; // out_of_range.406: 1e999
    return std::nullopt;
  }
}

std::string dump_compact(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string printable(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) out.push_back(c >= ' ' && c < 0x7f ? c : '?');
  if (text.size() > max) out += "...";
  return out;
}

} // namespace hookctl::catalog::detail
