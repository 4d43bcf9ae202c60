#include "hookctl/replay/compare.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hookctl/replay/select.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::replay {
namespace {

using json = nlohmann::json;

// Longest value shown in a diff.
constexpr size_t k_shown = 60;

std::string shown(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > k_shown) text = text.substr(0, k_shown) + "...";
  return text;
}

// Removes dotted `path` (numeric segments index arrays) from `doc`, if it is there.
void erase_path(json& doc, std::string_view path) {
  json* cur = &doc;
  auto parts = util::split(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string key(parts[i]);
    const bool last = i + 1 == parts.size();
    if (cur->is_object()) {
      auto it = cur->find(key);
      if (it == cur->end()) return;
      if (last) {
        cur->erase(it);
        return;
      }
      cur = &*it;
    } else if (cur->is_array()) {
      long long index = 0;
      if (!util::parse_int64(key, index) || index < 0 || static_cast<size_t>(index) >= cur->size()) return;
      if (last) {
        cur->erase(static_cast<size_t>(index));
        return;
      }
      cur = &(*cur)[static_cast<size_t>(index)];
    } else {
      return;
    }
  }
}

// The first path where `a` and `b` differ, as "at PATH: A -> B"; "" when equal.
std::string first_difference(const json& a, const json& b, const std::string& path) {
  const std::string where = path.empty() ? std::string("(root)") : path;
  if (a.type() != b.type() && !(a.is_number() && b.is_number()))
    return fmt::format("at {}: {} -> {}", where, shown(a), shown(b));
  if (a.is_object()) {
    for (const auto& [key, value] : a.items()) {
      const std::string sub = path.empty() ? key : path + "." + key;
      auto it = b.find(key);
      if (it == b.end()) return fmt::format("at {}: {} -> (missing)", sub, shown(value));
      auto d = first_difference(value, *it, sub);
      if (!d.empty()) return d;
    }
    for (const auto& [key, value] : b.items()) {
      if (!a.contains(key))
        return fmt::format("at {}: (missing) -> {}", path.empty() ? key : path + "." + key, shown(value));
    }
    return "";
  }
  if (a.is_array()) {
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      auto d = first_difference(a[i], b[i], path.empty() ? std::to_string(i) : path + "." + std::to_string(i));
      if (!d.empty()) return d;
    }
    if (a.size() != b.size()) return fmt::format("at {}: {} items -> {} items", where, a.size(), b.size());
    return "";
  }
  if (a != b) return fmt::format("at {}: {} -> {}", where, shown(a), shown(b));
  return "";
}

std::string status_text(int status) {
  return status == 0 ? std::string("no response") : fmt::format("{} ({}xx)", status, status / 100);
}

} // namespace

std::string body_diff(const std::string& recorded, const std::string& got, const std::vector<std::string>& ignore) {
  json a = json::parse(recorded, nullptr, false);
  json b = json::parse(got, nullptr, false);
  if (!a.is_discarded() && !b.is_discarded() && !recorded.empty() && !got.empty()) {
    for (const auto& path : ignore) {
      erase_path(a, path);
      erase_path(b, path);
    }
    auto d = first_difference(a, b, "");
    return d.empty() ? d : "body " + d;
  }
  if (recorded == got) return "";
  size_t i = 0;
  while (i < recorded.size() && i < got.size() && recorded[i] == got[i]) ++i;
  return fmt::format("body differs at byte {} (recorded {} bytes, got {})", i, recorded.size(), got.size());
}

Comparison compare(const std::optional<capture::RecordedResponse>& recorded, int status, const std::string& body,
                   const std::string& error, const CompareOptions& options) {
  Comparison c;
  if (!options.expected.empty()) {
    for (const auto& e : options.expected) {
      if (status != 0 && status_matches(e, status)) return c;
    }
    c.match = Match::mismatch;
    c.diff = fmt::format("expected {}, got {}", fmt::join(options.expected, " or "),
                         status == 0 ? "no response (" + error + ")" : std::to_string(status));
    return c;
  }
  if (!recorded) {
    c.match = Match::unrecorded;
    c.diff = "no response was recorded";
    return c;
  }
  if (status == 0 || recorded->status / 100 != status / 100) {
    c.match = Match::mismatch;
    c.diff = fmt::format("status {} recorded, got {}", status_text(recorded->status),
                         status == 0 ? "no response (" + error + ")" : status_text(status));
    return c;
  }
  if (options.body) {
    // listen leaves an empty answer's body out of the record: absent means empty.
    c.diff = body_diff(recorded->body.value_or(""), body, options.ignore);
    if (!c.diff.empty()) c.match = Match::mismatch;
  }
  return c;
}

} // namespace hookctl::replay
