#include "hookctl/catalog/placeholders.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

#include "hookctl/util/encoding.hpp"
#include "hookctl/util/time.hpp"

namespace hookctl::catalog {
namespace {

constexpr size_t k_max_spec = 64;
constexpr size_t k_max_rand = 256;
constexpr int64_t k_max_unix = 253402300799; // 9999-12-31T23:59:59Z, the last time RFC 3339 can show
constexpr int64_t k_discord_epoch_ms = 1420070400000;

struct Alphabet {
  std::string_view name;
  std::string_view chars;
};

constexpr std::array<Alphabet, 5> k_alphabets{{
    {"hex", "0123456789abcdef"},
    {"digits", "0123456789"},
    {"alnum", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"},
    {"upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"},
    {"lower", "abcdefghijklmnopqrstuvwxyz0123456789"},
}};

struct TimeKind {
  std::string_view name;
  int fraction_digits; // -1: unix seconds, -2: unix milliseconds
};

constexpr std::array<TimeKind, 6> k_time_kinds{{
    {"unix", -1},
    {"unix_ms", -2},
    {"iso", 0},
    {"iso_ms", 3},
    {"iso_us", 6},
    {"iso_ns", 9},
}};

const TimeKind* time_kind(std::string_view kind) {
  for (const auto& k : k_time_kinds)
    if (k.name == kind) return &k;
  return nullptr;
}

bool known_kind(std::string_view kind) {
  return time_kind(kind) || kind == "uuid" || kind == "snowflake" || kind == "id" || kind == "rand" || kind == "num";
}

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `spec` as it can be shown in a message: printable ASCII only.
std::string shown(std::string_view spec) {
  std::string out = "{{";
  for (char c : spec) out.push_back(c >= ' ' && c < 0x7f ? c : '?');
  return out + "}}";
}

Error bad(std::string_view spec, std::string_view why) {
  return make_error(Errc::input, fmt::format("bad placeholder '{}': {}", shown(spec), why));
}

} // namespace

std::string Filler::bytes(size_t n) {
  std::string out = m_fresh.random ? m_fresh.random(n) : std::string();
  out.resize(n, '\0');
  return out;
}

std::string Filler::chars(std::string_view alphabet, size_t n) {
  // Two bytes per character keep the modulo bias below 0.1%, without a loop that a constant fake
  // random source could keep spinning.
  std::string b = bytes(2 * n);
  std::string out(n, '0');
  for (size_t i = 0; i < n; ++i) {
    unsigned v = (static_cast<unsigned char>(b[2 * i]) << 8) | static_cast<unsigned char>(b[2 * i + 1]);
    out[i] = alphabet[v % alphabet.size()];
  }
  return out;
}

Result<std::optional<std::string>> Filler::compute(std::string_view kind, std::string_view args) {
  if (const TimeKind* tk = time_kind(kind)) {
    int64_t offset = 0;
    if (!args.empty()) {
      std::string_view digits = args.substr(1);
      if ((args[0] != '+' && args[0] != '-') || !all_digits(digits) || digits.size() > 10)
        return make_error(Errc::input, "an offset is +SECONDS or -SECONDS");
      std::from_chars(digits.data(), digits.data() + digits.size(), offset);
      if (args[0] == '-') offset = -offset;
    }
    int64_t t = std::clamp<int64_t>(m_fresh.now, 0, k_max_unix);
    t = std::clamp<int64_t>(t + offset, 0, k_max_unix);
    if (tk->fraction_digits == -1) return std::optional<std::string>(std::to_string(t));
    if (tk->fraction_digits == -2) return std::optional<std::string>(std::to_string(t * 1000));
    return std::optional<std::string>(util::format_rfc3339(t, tk->fraction_digits));
  }
  if (kind == "uuid" || kind == "snowflake") {
    if (!args.empty()) return make_error(Errc::input, fmt::format("{} takes no arguments", kind));
    if (kind == "uuid") {
      std::string b = bytes(16);
      b[6] = static_cast<char>((b[6] & 0x0f) | 0x40); // version 4
      b[8] = static_cast<char>((b[8] & 0x3f) | 0x80); // RFC 4122 variant
      std::string h = util::hex_encode(b);
      return std::optional<std::string>(fmt::format("{}-{}-{}-{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(12, 4),
                                                    h.substr(16, 4), h.substr(20)));
    }
    // Discord snowflake: milliseconds since 2015 in the top 42 bits, then worker, process and increment.
    int64_t t = std::clamp<int64_t>(m_fresh.now, 0, k_max_unix);
    uint64_t ms = static_cast<uint64_t>(std::max<int64_t>(t * 1000 - k_discord_epoch_ms, 0));
    ms = std::min<uint64_t>(ms, (uint64_t{1} << 41) - 1);
    std::string b = bytes(3);
    uint64_t low = ((static_cast<unsigned char>(b[0]) << 16) | (static_cast<unsigned char>(b[1]) << 8) |
                    static_cast<unsigned char>(b[2])) &
                   0x3fffff;
    return std::optional<std::string>(std::to_string((ms << 22) | low));
  }
  if (args.empty() || args[0] != ':') return make_error(Errc::input, fmt::format("{} needs arguments after ':'", kind));
  args.remove_prefix(1);
  if (kind == "id") {
    if (args.empty() || args.size() > 32 ||
        !std::all_of(args.begin(), args.end(), [](char c) { return word_char(c) && c != '-'; }))
      return make_error(Errc::input, "the id prefix is 1 to 32 letters, digits or '_'");
    return std::optional<std::string>(std::string(args) + "_" + chars(k_alphabets[2].chars, 24));
  }
  if (kind == "num") {
    size_t n = 0;
    if (!all_digits(args) || args.size() > 2 || (n = std::stoul(std::string(args))) < 1 || n > 18)
      return make_error(Errc::input, "num:N takes 1 to 18 digits");
    return std::optional<std::string>(chars("123456789", 1) + chars("0123456789", n - 1));
  }
  // rand:SET:N
  size_t colon = args.find(':');
  std::string_view set = args.substr(0, colon);
  std::string_view count = colon == std::string_view::npos ? std::string_view{} : args.substr(colon + 1);
  const Alphabet* alphabet = nullptr;
  for (const auto& a : k_alphabets)
    if (a.name == set) alphabet = &a;
  if (!alphabet) return make_error(Errc::input, "rand:SET:N takes a SET of hex, digits, alnum, upper or lower");
  size_t n = 0;
  if (!all_digits(count) || count.size() > 3 || (n = std::stoul(std::string(count))) < 1 || n > k_max_rand)
    return make_error(Errc::input, fmt::format("rand:SET:N takes N from 1 to {}", k_max_rand));
  return std::optional<std::string>(chars(alphabet->chars, n));
}

Result<std::optional<std::string>> Filler::value(std::string_view spec) {
  size_t kind_end = 0;
  while (kind_end < spec.size() && ((spec[kind_end] >= 'a' && spec[kind_end] <= 'z') || spec[kind_end] == '_'))
    ++kind_end;
  std::string_view kind = spec.substr(0, kind_end);
  if (!known_kind(kind)) return std::optional<std::string>();
  std::string_view rest = spec.substr(kind_end);
  std::string_view label;
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) {
    label = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
    if (label.empty() || label.size() > 32 || !std::all_of(label.begin(), label.end(), word_char))
      return bad(spec, "a #label is 1 to 32 letters, digits, '_' or '-'");
  }
  if (!label.empty())
    if (auto it = m_labelled.find(spec); it != m_labelled.end()) return std::optional<std::string>(it->second);
  auto v = compute(kind, rest);
  if (!v) return bad(spec, v.error().message);
  if (!label.empty()) m_labelled.emplace(std::string(spec), **v);
  return v;
}

Result<std::string> Filler::fill(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 2) == "{{") {
      size_t close = text.find("}}", i + 2);
      if (close != std::string_view::npos && close - (i + 2) <= k_max_spec) {
        HOOKCTL_TRY_ASSIGN(auto v, value(text.substr(i + 2, close - i - 2)));
        if (v) {
          out += *v;
          i = close + 2;
          continue;
        }
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

Result<std::optional<int64_t>> Filler::number(std::string_view text) {
  if (text.size() < 5 || !text.starts_with("{{") || !text.ends_with("}}")) return std::optional<int64_t>();
  std::string_view spec = text.substr(2, text.size() - 4);
  if (spec.find("}}") != std::string_view::npos || spec.size() > k_max_spec) return std::optional<int64_t>();
  std::string_view kind = spec.substr(0, spec.find_first_of(":+-#"));
  if (kind != "unix" && kind != "unix_ms" && kind != "num") return std::optional<int64_t>();
  HOOKCTL_TRY_ASSIGN(auto v, value(spec));
  int64_t n = 0;
  if (!v || std::from_chars(v->data(), v->data() + v->size(), n).ec != std::errc()) return std::optional<int64_t>();
  return std::optional<int64_t>(n);
}

Result<std::string> fill_placeholders(std::string_view text, const Fresh& fresh) {
  Filler filler(fresh);
  return filler.fill(text);
}

} // namespace hookctl::catalog
