// Generic HMAC: a configurable header, digest, encoding, prefix and signed-content template over
// {id}, {timestamp}, {body}, {url} and {method}, for senders that follow no provider's scheme.
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/providers.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::sign {

Result<std::vector<TemplatePart>> parse_template(std::string_view templ) {
  std::vector<TemplatePart> parts;
  size_t i = 0;
  while (i < templ.size()) {
    size_t open = templ.find('{', i);
    if (open == std::string_view::npos) {
      parts.push_back({TemplatePart::literal, std::string(templ.substr(i))});
      break;
    }
    if (open > i) parts.push_back({TemplatePart::literal, std::string(templ.substr(i, open - i))});
    size_t close = templ.find('}', open);
    if (close == std::string_view::npos)
      return make_error(Errc::usage, fmt::format("signed-content template: '{{' at {} is not closed", open));
    std::string_view name = templ.substr(open + 1, close - open - 1);
    TemplatePart::Kind kind;
    if (name == "id")
      kind = TemplatePart::id;
    else if (name == "timestamp")
      kind = TemplatePart::timestamp;
    else if (name == "body")
      kind = TemplatePart::body;
    else if (name == "url")
      kind = TemplatePart::url;
    else if (name == "method")
      kind = TemplatePart::method;
    else
      return make_error(Errc::usage, fmt::format("signed-content template: unknown placeholder {{{}}} (known: {{id}}, "
                                                 "{{timestamp}}, {{body}}, {{url}}, {{method}})",
                                                 name));
    parts.push_back({kind, {}});
    i = close + 1;
  }
  return parts;
}

namespace {

struct Fields {
  std::string_view id, timestamp, body, url, method;
};

std::string render(const std::vector<TemplatePart>& parts, const Fields& f) {
  std::string out;
  for (const auto& p : parts) {
    switch (p.kind) {
    case TemplatePart::literal: out += p.text; break;
    case TemplatePart::id: out += f.id; break;
    case TemplatePart::timestamp: out += f.timestamp; break;
    case TemplatePart::body: out += f.body; break;
    case TemplatePart::url: out += f.url; break;
    case TemplatePart::method: out += f.method; break;
    }
  }
  return out;
}

bool uses(const std::vector<TemplatePart>& parts, TemplatePart::Kind kind) {
  for (const auto& p : parts)
    if (p.kind == kind) return true;
  return false;
}

class GenericHmac final : public Scheme {
public:
  explicit GenericHmac(HmacOptions options) : m_opt(std::move(options)) {}

  Result<Signed> sign(const SignRequest& r) const override {
    HOOKCTL_TRY_ASSIGN(auto parts, parse_template(m_opt.templ));
    HOOKCTL_TRY_ASSIGN(std::string secret, detail::single_secret(r.keys, "hmac"));
    if (uses(parts, TemplatePart::url) && r.url.empty())
      return make_error(Errc::usage, "the signed-content template uses {url}: give --url");
    std::string ts = std::to_string(r.timestamp);
    Signed out{{}, r.url};
    if (uses(parts, TemplatePart::id)) out.headers.add(m_opt.id_header, r.id);
    if (uses(parts, TemplatePart::timestamp)) out.headers.add(m_opt.timestamp_header, ts);
    out.headers.add(m_opt.header, m_opt.prefix + mac(secret, render(parts, {r.id, ts, r.body, r.url, r.method})));
    return out;
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY_ASSIGN(auto parts, parse_template(m_opt.templ));
    HOOKCTL_TRY(detail::require_secrets(r.keys, "hmac"));
    if (uses(parts, TemplatePart::url) && r.url.empty())
      return make_error(Errc::usage, "the signed-content template uses {url}: give --url");
    auto sig = detail::header(r.headers, m_opt.header);
    if (!sig) return detail::missing(m_opt.header);
    Fields f{{}, {}, r.body, r.url, r.method};
    if (uses(parts, TemplatePart::id)) {
      auto id = detail::header(r.headers, m_opt.id_header);
      if (!id) return detail::missing(m_opt.id_header);
      f.id = *id;
    }
    if (uses(parts, TemplatePart::timestamp)) {
      auto ts = detail::header(r.headers, m_opt.timestamp_header);
      if (!ts) return detail::missing(m_opt.timestamp_header);
      f.timestamp = *ts;
      if (r.tolerance) {
        long long t = 0;
        if (!util::parse_int64(*ts, t))
          return fail(Reason::malformed_header,
                      fmt::format("{} is not an integer unix timestamp", m_opt.timestamp_header));
        if (auto v = detail::check_window(t, r, std::nullopt, Direction::both)) return *v;
      }
    }
    if (!sig->starts_with(m_opt.prefix))
      return fail(Reason::malformed_header, fmt::format("{} does not start with '{}'", m_opt.header, m_opt.prefix));
    std::string given(sig->substr(m_opt.prefix.size()));
    if (m_opt.encoding == Encoding::hex) given = util::to_lower(given);
    std::string content = render(parts, f);
    const auto& secrets = r.keys.secrets;
    for (size_t i = 0; i < secrets.size(); ++i)
      if (crypto::ct_equal(given, mac(secrets[i], content)))
        return detail::matched(fmt::format("hmac-{}", crypto::digest_name(m_opt.digest)), i, secrets.size());
    return fail(Reason::no_match,
                fmt::format("{} does not match with any of the {} secret(s)", m_opt.header, secrets.size()));
  }

private:
  std::string mac(std::string_view secret, std::string_view content) const {
    std::string raw = crypto::hmac(m_opt.digest, secret, {content});
    return m_opt.encoding == Encoding::hex ? util::hex_encode(raw) : util::base64_encode(raw);
  }

  HmacOptions m_opt;
};

} // namespace

std::unique_ptr<Scheme> make_hmac(const SchemeOptions& options) { return std::make_unique<GenericHmac>(options.hmac); }

} // namespace hookctl::sign
