#include <fmt/format.h>

#include "hookctl/http/message.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::http {

std::string_view failure_name(Failure failure) {
  switch (failure) {
  case Failure::none: return "none";
  case Failure::dns: return "dns";
  case Failure::connect: return "connect";
  case Failure::tls: return "tls";
  case Failure::timeout: return "timeout";
  case Failure::io: return "io";
  case Failure::other: return "other";
  }
  return "other";
}

std::string timeout_message(std::chrono::milliseconds timeout) {
  return fmt::format("no complete response within {} ms", timeout.count());
}

std::string redact_userinfo(std::string_view text) {
  const size_t sep = text.find("://");
  if (sep == std::string_view::npos) return std::string(text);
  const size_t start = sep + 3;
  const size_t end = text.find_first_of("/?#", start);
  const size_t at = text.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(text);
  return fmt::format("{}***{}", text.substr(0, start), text.substr(at));
}

Result<Url> parse_url(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return make_error(Errc::usage, fmt::format("invalid URL '{}': {}", redact_userinfo(text), why));
  };
  if (text.empty()) return bad("it is empty");
  for (char c : text)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return bad("it contains a space or control character");
  Url url;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) return bad("it needs a scheme, as in http://127.0.0.1:3000/webhooks");
  url.scheme = util::to_lower(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") return bad("the scheme must be http or https");
  std::string_view rest = text.substr(sep + 3);
  size_t path_at = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view target = path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
  if (size_t hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (authority.find('@') != std::string_view::npos) return bad("user info (user@host) is not supported");
  std::string_view port_text;
  if (authority.starts_with("[")) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("an IPv6 address lacks its closing ]");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(":")) return bad("unexpected text after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("the port is empty");
    }
  } else {
    size_t colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad("the port is empty");
    }
  }
  if (url.host.empty()) return bad("the host is missing");
  url.port = url.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    long long port = 0;
    if (port_text.starts_with("-") || !util::parse_int64(port_text, port) || port < 1 || port > 65535)
      return bad("the port must be a number from 1 to 65535");
    url.port = static_cast<uint16_t>(port);
  }
  url.target = target.empty() ? "/" : std::string(target);
  if (url.target.front() == '?') url.target = std::string("/").append(url.target);
  return url;
}

} // namespace hookctl::http
