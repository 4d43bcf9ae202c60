#include "hookctl/replay/select.hpp"

#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hookctl/receiver/receiver.hpp"
#include "hookctl/util/strings.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::replay {
namespace {

using json = nlohmann::json;

// The text of the value at dotted `path` in `doc` (a string as is, anything else as JSON), or
// nullopt when the path does not lead anywhere.
std::optional<std::string> value_at(const json& doc, std::string_view path) {
  const json* cur = &doc;
  for (auto part : util::split(path, '.')) {
    if (cur->is_object()) {
      auto it = cur->find(std::string(part));
      if (it == cur->end()) return std::nullopt;
      cur = &*it;
    } else if (cur->is_array()) {
      long long index = 0;
      if (!util::parse_int64(part, index) || index < 0 || static_cast<size_t>(index) >= cur->size())
        return std::nullopt;
      cur = &(*cur)[static_cast<size_t>(index)];
    } else {
      return std::nullopt;
    }
  }
  if (cur->is_string()) return cur->get<std::string>();
  return cur->dump();
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point for the last '*': linear in practice, never
  // exponential.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    // '*' first: a '*' in the text must not be taken for the pattern's wildcard matching itself.
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string_view record_verdict(const capture::Record& record) {
  if (!record.verification) return "unsigned";
  if (record.verification->valid) return "valid";
  if (record.verification->reason_code == "no_key") return "unverified";
  return "invalid";
}

std::string record_provider(const capture::Record& record) {
  if (record.verification && !record.verification->provider.empty()) return record.verification->provider;
  return receiver::detect_provider(record.headers);
}

Result<std::pair<std::string, std::string>> parse_where(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || !text.starts_with("body.") || eq <= 5)
    return make_error(Errc::usage,
                      fmt::format("invalid --where '{}': use body.PATH=VALUE, as in body.type=invoice.paid", text));
  return std::pair<std::string, std::string>(std::string(text.substr(5, eq - 5)), std::string(text.substr(eq + 1)));
}

Result<std::string> parse_status_filter(std::string_view text) {
  const std::string t = util::to_lower(util::trim(text));
  const bool klass = t.size() == 3 && t[0] >= '1' && t[0] <= '5' && t[1] == 'x' && t[2] == 'x';
  long long code = 0;
  const bool exact = util::parse_int64(t, code) && code >= 100 && code <= 599;
  if (!klass && !exact)
    return make_error(Errc::usage,
                      fmt::format("invalid status '{}': use a class such as 5xx or a status such as 503", text));
  return klass ? t : std::to_string(code); // "0503" is 503
}

bool status_matches(std::string_view filter, int status) {
  if (filter.size() == 3 && filter[1] == 'x') return status / 100 == filter[0] - '0';
  return std::to_string(status) == filter;
}

Result<int64_t> parse_time_us(std::string_view text) {
  HOOKCTL_TRY_ASSIGN(int64_t seconds, util::parse_rfc3339(text));
  int64_t micros = 0;
  const size_t dot = text.find('.');
  if (dot != std::string_view::npos) {
    int digits = 0;
    for (size_t i = dot + 1; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (digits < 6) micros = micros * 10 + (text[i] - '0');
      ++digits;
    }
    for (; digits < 6; ++digits) micros *= 10;
  }
  return seconds * 1'000'000 + micros;
}

bool Selection::matches(const capture::Record& r) const {
  if (!ids.empty()) {
    bool hit = false;
    for (const auto& id : ids) hit = hit || id == r.id || (!r.delivery_id.empty() && id == r.delivery_id);
    if (!hit) return false;
  }
  if (!path_glob.empty() && !glob_match(path_glob, r.path)) return false;
  if (!methods.empty()) {
    bool hit = false;
    for (const auto& m : methods) hit = hit || util::iequals(m, r.method);
    if (!hit) return false;
  }
  if (since_us || until_us) {
    auto at = parse_time_us(r.received_at);
    if (!at) return false;
    if (since_us && *at < *since_us) return false;
    if (until_us && *at >= *until_us) return false;
  }
  if (!provider.empty()) {
    const std::string p = record_provider(r);
    if (p != provider && !(unsigned_too && p.empty())) return false;
  }
  if (!verdict.empty() && record_verdict(r) != verdict) return false;
  if (!statuses.empty()) {
    if (!r.response) return false;
    bool hit = false;
    for (const auto& s : statuses) hit = hit || status_matches(s, r.response->status);
    if (!hit) return false;
  }
  if (!where.empty()) {
    const json doc = json::parse(r.body, nullptr, false);
    if (doc.is_discarded()) return false;
    for (const auto& [path, value] : where) {
      auto got = value_at(doc, path);
      if (!got || *got != value) return false;
    }
  }
  return true;
}

} // namespace hookctl::replay
