#include "hookctl/sign/parse.hpp"

#include <fmt/format.h>

#include "hookctl/util/strings.hpp"

namespace hookctl::sign {
namespace {

std::pair<std::string_view, std::string_view> split_first(std::string_view item, char sep) {
  size_t pos = item.find(sep);
  if (pos == std::string_view::npos) return {item, {}};
  return {item.substr(0, pos), item.substr(pos + 1)};
}

} // namespace

Result<StripeHeader> parse_stripe_header(std::string_view header) {
  StripeHeader out;
  bool have_t = false;
  // Items are not trimmed: stripe-node reads " v1=..." as an unknown scheme, and so do we.
  for (auto item : util::split(header, ',')) {
    if (item.empty()) continue;
    auto [key, value] = split_first(item, '=');
    if (key == "t") {
      long long t = 0;
      if (!util::parse_int64(value, t))
        return make_error(Errc::input, "Stripe-Signature: t= is not an integer unix timestamp");
      out.timestamp = t;
      have_t = true;
    } else if (key == "v1") {
      out.v1.push_back(value);
    } else {
      out.other.push_back(key);
    }
  }
  if (!have_t) return make_error(Errc::input, "Stripe-Signature: no t= timestamp");
  return out;
}

std::vector<SignatureItem> parse_signature_list(std::string_view header) {
  std::vector<SignatureItem> out;
  for (auto raw : util::split(header, ' ')) {
    if (raw.empty()) continue;
    size_t comma = raw.find(',');
    if (comma == std::string_view::npos) continue;
    out.push_back({raw.substr(0, comma), raw.substr(comma + 1)});
  }
  return out;
}

Result<PaddleHeader> parse_paddle_header(std::string_view header) {
  PaddleHeader out;
  bool have_ts = false;
  for (auto raw : util::split(header, ';')) {
    auto item = util::trim(raw);
    if (item.empty()) continue;
    auto [key, value] = split_first(item, '=');
    if (key == "ts") {
      long long t = 0;
      if (!util::parse_int64(value, t))
        return make_error(Errc::input, "Paddle-Signature: ts= is not an integer unix timestamp");
      out.timestamp = t;
      out.timestamp_text = value;
      have_ts = true;
    } else if (key == "h1") {
      out.h1.push_back(value);
    }
  }
  if (!have_ts) return make_error(Errc::input, "Paddle-Signature: no ts= timestamp");
  return out;
}

} // namespace hookctl::sign
