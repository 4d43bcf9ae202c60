// `--set PATH=VALUE`: edits of a JSON body along a dotted path, or of one field of a form body.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "hookctl/catalog/catalog.hpp"
#include "hookctl/catalog/detail.hpp"
#include "hookctl/catalog/json_text.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::catalog {
namespace {

using detail::Json;
using detail::printable;

struct Set {
  std::string_view path;
  std::string_view value;
};

Result<std::vector<Set>> parse_sets(const std::vector<std::string>& sets) {
  std::vector<Set> out;
  for (const auto& s : sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      return make_error(Errc::usage, fmt::format("--set '{}' is not PATH=VALUE", printable(s)));
    out.push_back({std::string_view(s).substr(0, eq), std::string_view(s).substr(eq + 1)});
  }
  return out;
}

bool is_index(std::string_view segment) {
  return !segment.empty() && segment.size() <= 9 &&
         std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Sets `path` in `doc` to `value`, creating missing object keys (and turning a null on the way into
// an object); Errc::usage naming the path when it runs past an array or through a scalar.
Result<void> set_path(Json& doc, std::string_view path, Json value) {
  auto segments = util::split(path, '.');
  if (std::any_of(segments.begin(), segments.end(), [](std::string_view s) { return s.empty(); }))
    return make_error(Errc::usage, fmt::format("--set {}: a path segment is empty", printable(path, 200)));
  Json* cur = &doc;
  std::string where = "the body";
  for (size_t i = 0; i < segments.size(); ++i) {
    std::string seg(segments[i]);
    if (cur->is_null()) *cur = Json::object();
    if (cur->is_object()) {
      cur = &(*cur)[seg];
    } else if (cur->is_array()) {
      if (!is_index(seg))
        return make_error(Errc::usage, fmt::format("--set {}: {} is an array and '{}' is not an index",
                                                   printable(path, 200), where, printable(seg)));
      size_t index = 0;
      std::from_chars(seg.data(), seg.data() + seg.size(), index);
      if (index >= cur->size())
        return make_error(Errc::usage,
                          fmt::format("--set {}: index {} is past the end of {} ({} item{})", printable(path, 200),
                                      index, where, cur->size(), cur->size() == 1 ? "" : "s"));
      cur = &(*cur)[index];
    } else {
      return make_error(Errc::usage, fmt::format("--set {}: {} is a {}, not an object or array", printable(path, 200),
                                                 where, cur->type_name()));
    }
    where = fmt::format("'{}'", printable(path.substr(0, segments[i].data() + segments[i].size() - path.data()), 200));
  }
  *cur = std::move(value);
  return {};
}

Result<std::string> set_json(std::string_view body, const std::vector<Set>& sets) {
  std::string why;
  auto doc = detail::parse_json(body, why);
  if (!doc) return make_error(Errc::input, fmt::format("--set needs a JSON body, and the body is {}", why));
  for (const auto& s : sets) {
    std::string ignored;
    // VALUE is JSON when it parses as JSON (42, true, {"a":1}, "quoted"), otherwise a string.
    auto parsed = detail::parse_json(s.value, ignored);
    HOOKCTL_TRY(set_path(*doc, s.path, parsed ? std::move(*parsed) : Json(std::string(s.value))));
  }
  return detail::dump_compact(*doc);
}

Result<std::string> set_form(std::string_view body, const std::vector<Set>& sets) {
  std::vector<std::string> fields;
  if (!body.empty())
    for (auto f : util::split(body, '&')) fields.emplace_back(f);
  for (const auto& s : sets) {
    std::string field = util::url_encode(s.path) + "=" + util::url_encode(s.value);
    bool placed = false;
    for (auto it = fields.begin(); it != fields.end();) {
      std::string_view raw_name = std::string_view(*it).substr(0, it->find('='));
      auto name = util::form_decode(raw_name);
      if ((name ? *name : std::string(raw_name)) != s.path) {
        ++it;
      } else if (!placed) {
        *it++ = field;
        placed = true;
      } else {
        it = fields.erase(it); // a repeated field becomes the one value set
      }
    }
    if (!placed) fields.push_back(field);
  }
  return fmt::format("{}", fmt::join(fields, "&"));
}

} // namespace

Result<std::string> apply_sets(std::string_view body, std::string_view content_type,
                               const std::vector<std::string>& sets) {
  if (sets.empty()) return std::string(body);
  HOOKCTL_TRY_ASSIGN(auto parsed, parse_sets(sets));
  if (detail::is_form_type(content_type)) return set_form(body, parsed);
  if (!util::trim(content_type).empty() && !detail::is_json_type(content_type))
    return make_error(Errc::usage,
                      fmt::format("--set edits JSON and form bodies, not {}", printable(content_type, 80)));
  // JSON text is UTF-8: a path or value that is not would come out as replacement characters.
  for (const auto& set : sets)
    if (!util::is_printable_utf8(set))
      return make_error(Errc::usage, "--set: a PATH=VALUE for a JSON body is not UTF-8 text");
  return set_json(body, parsed);
}

} // namespace hookctl::catalog
