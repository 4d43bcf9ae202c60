#pragma once
// Internals of the catalog shared by its .cpp files: the template table and JSON text helpers.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hookctl::catalog::detail {

// How a template's body text is sent.
enum class Layout {
  compact,    // whitespace outside strings removed (most providers send compact JSON)
  as_written, // byte for byte as written (Stripe pretty-prints its events with two spaces)
};

// One built-in event: what `events()` lists, plus header and body templates with placeholders.
struct Template {
  std::string name;
  std::string provider;
  std::string summary;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Layout layout = Layout::compact;
  std::string delivery_id_header; // the header whose filled value is the delivery id, if any
};

// Every built-in template, in no particular order.
const std::vector<Template>& templates();

// Deepest nesting of arrays and objects accepted in a JSON body (bounds recursion on untrusted input).
inline constexpr size_t k_max_depth = 256;

// Whether `content_type` is JSON: application/json or any `+json` media type (parameters ignored).
bool is_json_type(std::string_view content_type);

// Whether `content_type` is application/x-www-form-urlencoded (parameters ignored).
bool is_form_type(std::string_view content_type);

// Whether the brackets of the JSON text `text` nest at most `max_depth` deep (strings skipped).
bool depth_within(std::string_view text, size_t max_depth);

// `text` without the whitespace outside JSON strings.
std::string minify(std::string_view text);

} // namespace hookctl::catalog::detail
