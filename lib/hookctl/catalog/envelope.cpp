// User events (`--event @file.json`): a small JSON object naming the provider, headers, content
// type and body. The file is untrusted input: every shape is checked and reported, nothing throws.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "hookctl/catalog/catalog.hpp"
#include "hookctl/catalog/detail.hpp"
#include "hookctl/catalog/json_text.hpp"
#include "hookctl/catalog/placeholders.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::catalog {
namespace {

using detail::Json;
using detail::printable;

constexpr std::array<std::string_view, 7> k_fields{"provider",     "name", "description", "headers",
                                                   "content_type", "body", "body_text"};

// RFC 9110 token characters, which a header field name consists of.
bool is_token(std::string_view name) {
  constexpr std::string_view k_specials = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           k_specials.find(c) != std::string_view::npos;
  });
}

// Fills the placeholders of every string value in `value`; a string that is exactly one numeric
// placeholder (`"{{unix}}"`) becomes a JSON number. Recursion is bounded by the depth check.
Result<void> fill_json(Json& value, Filler& filler) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    HOOKCTL_TRY_ASSIGN(auto number, filler.number(text));
    if (number) {
      value = *number;
      return {};
    }
    HOOKCTL_TRY_ASSIGN(std::string filled, filler.fill(text));
    value = std::move(filled);
  } else if (value.is_structured()) {
    for (auto& item : value) HOOKCTL_TRY(fill_json(item, filler));
  }
  return {};
}

class Loader {
public:
  Loader(std::string_view source, const Fresh& fresh) : m_source(source), m_filler(fresh) {}

  Result<Event> load(std::string_view text) {
    std::string why;
    auto doc = detail::parse_json(text, why);
    if (!doc) return fail(why);
    if (!doc->is_object()) return fail("an event is a JSON object with \"body\" or \"body_text\"");
    for (const auto& [key, _] : doc->items())
      if (std::find(k_fields.begin(), k_fields.end(), key) == k_fields.end())
        return fail(fmt::format("unknown field \"{}\" (the fields are {})", printable(key), fmt::join(k_fields, ", ")));
    Event ev;
    HOOKCTL_TRY_ASSIGN(ev.provider, optional_string(*doc, "provider"));
    if (!ev.provider.empty() &&
        (ev.provider.size() > 32 || !std::all_of(ev.provider.begin(), ev.provider.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         })))
      return fail("\"provider\" must be a provider name such as \"stripe\"");
    HOOKCTL_TRY_ASSIGN(ev.name, optional_string(*doc, "name"));
    if (ev.name.empty()) ev.name = printable(m_source, 200);
    if (!util::is_printable_utf8(ev.name) || ev.name.size() > 200)
      return fail("\"name\" must be printable text of at most 200 bytes");
    if (doc->contains("description")) HOOKCTL_TRY(optional_string(*doc, "description"));
    HOOKCTL_TRY_ASSIGN(ev.headers, headers(*doc));
    HOOKCTL_TRY_ASSIGN(std::string content_type, optional_string(*doc, "content_type"));
    if (content_type.empty())
      if (auto h = ev.headers.get("Content-Type")) content_type = std::string(*h);
    ev.headers.remove("Content-Type");
    if (!util::is_field_value(content_type)) return fail("\"content_type\" contains a line break or NUL");

    bool has_body = doc->contains("body");
    bool has_text = doc->contains("body_text");
    if (has_body == has_text) return fail("give exactly one of \"body\" (a JSON value) and \"body_text\" (a string)");
    if (has_body) {
      Json body = (*doc)["body"];
      if (auto r = fill_json(body, m_filler); !r) return fail(r.error().message);
      ev.body = detail::dump_compact(body);
      if (content_type.empty()) content_type = "application/json";
    } else {
      const Json& text_value = (*doc)["body_text"];
      if (!text_value.is_string()) return fail("\"body_text\" must be a string (use \"body\" for a JSON value)");
      auto filled = m_filler.fill(text_value.get_ref<const std::string&>());
      if (!filled) return fail(filled.error().message);
      ev.body = std::move(filled).value();
      if (content_type.empty())
        content_type = detail::depth_within(ev.body, detail::k_max_depth) && Json::accept(ev.body)
                           ? "application/json"
                           : "text/plain; charset=utf-8";
    }
    ev.content_type = content_type;
    return ev;
  }

private:
  Error fail(std::string_view why) const {
    return make_error(Errc::input, fmt::format("{}: {}", printable(m_source, 200), why));
  }

  Result<std::string> optional_string(const Json& doc, const char* field) const {
    auto it = doc.find(field);
    if (it == doc.end() || it->is_null()) return std::string();
    if (!it->is_string()) return fail(fmt::format("\"{}\" must be a string, not {}", field, it->type_name()));
    return it->get<std::string>();
  }

  Result<void> add_header(util::Headers& out, const Json& name, const Json& value) {
    if (!name.is_string() || !value.is_string()) return fail("each header is a string name and a string value");
    const auto& n = name.get_ref<const std::string&>();
    if (!is_token(n)) return fail(fmt::format("header name \"{}\" is not a valid field name", printable(n)));
    auto filled = m_filler.fill(value.get_ref<const std::string&>());
    if (!filled) return fail(filled.error().message);
    std::string v(util::trim(*filled));
    if (!util::is_field_value(v)) return fail(fmt::format("the value of header {} contains a line break or NUL", n));
    out.add(n, std::move(v));
    return {};
  }

  Result<util::Headers> headers(const Json& doc) {
    util::Headers out;
    auto it = doc.find("headers");
    if (it == doc.end() || it->is_null()) return out;
    if (it->is_object()) {
      for (const auto& [name, value] : it->items()) HOOKCTL_TRY(add_header(out, Json(name), value));
    } else if (it->is_array()) {
      for (const auto& pair : *it) {
        if (!pair.is_array() || pair.size() != 2)
          return fail("\"headers\" as an array holds [\"Name\", \"value\"] pairs");
        HOOKCTL_TRY(add_header(out, pair[0], pair[1]));
      }
    } else {
      return fail(fmt::format("\"headers\" must be an object or an array of pairs, not {}", it->type_name()));
    }
    return out;
  }

  std::string_view m_source;
  Filler m_filler;
};

} // namespace

Result<Event> load_envelope(std::string_view json_text, std::string_view source_name, const Fresh& fresh) {
  Loader loader(source_name, fresh);
  return loader.load(json_text);
}

} // namespace hookctl::catalog
