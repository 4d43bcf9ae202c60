#pragma once
// Factories of the built-in schemes, one per provider file, collected by registry.cpp.

#include <memory>
#include <string>
#include <vector>

#include "hookctl/sign/scheme.hpp"

namespace hookctl::sign {

std::unique_ptr<Scheme> make_github(const SchemeOptions&);
std::unique_ptr<Scheme> make_stripe(const SchemeOptions&);
std::unique_ptr<Scheme> make_standard(const SchemeOptions&);
std::unique_ptr<Scheme> make_svix(const SchemeOptions&);
std::unique_ptr<Scheme> make_slack(const SchemeOptions&);
std::unique_ptr<Scheme> make_shopify(const SchemeOptions&);
std::unique_ptr<Scheme> make_twilio(const SchemeOptions&);
std::unique_ptr<Scheme> make_discord(const SchemeOptions&);
std::unique_ptr<Scheme> make_gitlab(const SchemeOptions&);
std::unique_ptr<Scheme> make_twitch(const SchemeOptions&);
std::unique_ptr<Scheme> make_square(const SchemeOptions&);
std::unique_ptr<Scheme> make_paddle(const SchemeOptions&);
std::unique_ptr<Scheme> make_hmac(const SchemeOptions&);

// One piece of a generic-HMAC signed-content template.
struct TemplatePart {
  enum Kind { literal, id, timestamp, body, url, method } kind;
  std::string text; // for literal pieces
};

// Parses a signed-content template such as "{timestamp}.{body}"; Errc::usage on an unknown or
// unclosed placeholder.
Result<std::vector<TemplatePart>> parse_template(std::string_view templ);

} // namespace hookctl::sign
