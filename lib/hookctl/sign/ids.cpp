#include "hookctl/sign/ids.hpp"

#include <fmt/format.h>

#include "hookctl/util/encoding.hpp"

namespace hookctl::sign {

std::string delivery_id(std::string_view provider, std::string_view entropy) {
  std::string b(entropy.substr(0, 16));
  b.resize(16, '\0');
  if (provider == "github" || provider == "shopify" || provider == "twitch") {
    b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
    std::string h = util::hex_encode(b);
    return fmt::format("{}-{}-{}-{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(12, 4), h.substr(16, 4),
                       h.substr(20));
  }
  static constexpr std::string_view k_alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  // 16 bytes as a 128-bit number in base 62: 22 digits.
  __extension__ using U128 = unsigned __int128;
  U128 n = 0;
  for (unsigned char c : b) n = (n << 8) | c;
  std::string out(22, '0');
  for (size_t i = 22; i-- > 0;) {
    out[i] = k_alphabet[static_cast<size_t>(n % 62)];
    n /= 62;
  }
  return "msg_" + out;
}

} // namespace hookctl::sign
