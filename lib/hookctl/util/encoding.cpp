#include "hookctl/util/encoding.hpp"

#include <array>
#include <cstdint>

namespace hookctl::util {
namespace {

constexpr std::string_view k_hex_digits = "0123456789abcdef";
constexpr std::string_view k_b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::array<int8_t, 256> make_b64_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (size_t i = 0; i < k_b64.size(); ++i) t[static_cast<unsigned char>(k_b64[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto k_b64_table = make_b64_table();

} // namespace

std::string hex_encode(std::string_view data) {
  std::string out;
  out.resize(data.size() * 2);
  size_t j = 0;
  for (unsigned char c : data) {
    out[j++] = k_hex_digits[c >> 4];
    out[j++] = k_hex_digits[c & 0x0f];
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_value(text[i]);
    int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(data[k])); };
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(k_b64[(n >> 18) & 63]);
    out.push_back(k_b64[(n >> 12) & 63]);
    out.push_back(k_b64[(n >> 6) & 63]);
    out.push_back(k_b64[n & 63]);
  }
  size_t rest = data.size() - i;
  if (rest == 1) {
    uint32_t n = byte(i) << 16;
    out.push_back(k_b64[(n >> 18) & 63]);
    out.push_back(k_b64[(n >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(k_b64[(n >> 18) & 63]);
    out.push_back(k_b64[(n >> 12) & 63]);
    out.push_back(k_b64[(n >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text, Padding padding) {
  size_t pad = 0;
  while (pad < 2 && !text.empty() && text.back() == '=') {
    text.remove_suffix(1);
    ++pad;
  }
  if (text.size() % 4 == 1) return std::nullopt;
  size_t expected_pad = (4 - text.size() % 4) % 4;
  if (pad != 0 && pad != expected_pad) return std::nullopt;
  if (pad == 0 && expected_pad != 0 && padding == Padding::required) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = k_b64_table[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero for a canonical encoding.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::optional<std::string> form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>((hi << 4) | lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string url_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back("0123456789ABCDEF"[c >> 4]);
      out.push_back("0123456789ABCDEF"[c & 15]);
    }
  }
  return out;
}

} // namespace hookctl::util
