#include "hookctl/catalog/detail.hpp"

#include "hookctl/util/strings.hpp"

namespace hookctl::catalog::detail {
namespace {

// The media type of `content_type`, lowercase, without parameters.
std::string media_type(std::string_view content_type) {
  return util::to_lower(util::trim(content_type.substr(0, content_type.find(';'))));
}

} // namespace

bool is_json_type(std::string_view content_type) {
  std::string t = media_type(content_type);
  return t == "application/json" || t.ends_with("+json");
}

bool is_form_type(std::string_view content_type) {
  return media_type(content_type) == "application/x-www-form-urlencoded";
}

bool depth_within(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

std::string minify(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size())
        out.push_back(text[++i]);
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
      out.push_back(c);
    } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      out.push_back(c);
    }
  }
  return out;
}

} // namespace hookctl::catalog::detail
