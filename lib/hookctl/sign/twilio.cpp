// Twilio: X-Twilio-Signature = base64 HMAC-SHA1(auth token, URL + sorted form params). JSON
// bodies add bodySHA256=<hex sha256(body)> to the URL and sign the URL alone. Validators try the
// URL with the port removed and with the scheme's default port added (twilio-node
// src/webhooks/webhooks.ts; twilio-python request_validator.py).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/providers.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::sign {
namespace {

constexpr std::string_view k_sig = "X-Twilio-Signature";

// The scheme of a URL and where its port sits: [host_end, port_end), empty when there is none.
struct UrlParts {
  std::string scheme;
  size_t host_end = 0;
  size_t port_end = 0;
};

std::optional<UrlParts> split_url(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  UrlParts p;
  p.scheme = util::to_lower(url.substr(0, sep));
  size_t auth_start = sep + 3;
  size_t auth_end = url.find_first_of("/?#", auth_start);
  if (auth_end == std::string_view::npos) auth_end = url.size();
  std::string_view auth = url.substr(auth_start, auth_end - auth_start);
  size_t at = auth.rfind('@');
  size_t host_start = auth_start + (at == std::string_view::npos ? 0 : at + 1);
  std::string_view host = url.substr(host_start, auth_end - host_start);
  // An IPv6 literal's colons are inside brackets; the port colon comes after ']'.
  size_t search_from = host.starts_with("[") ? host.find(']') : 0;
  size_t colon = search_from == std::string_view::npos ? std::string_view::npos : host.find(':', search_from);
  p.host_end = colon == std::string_view::npos ? auth_end : host_start + colon;
  p.port_end = auth_end;
  return p;
}

std::string remove_port(std::string_view url) {
  auto p = split_url(url);
  if (!p || p->host_end == p->port_end) return std::string(url);
  return std::string(url.substr(0, p->host_end)) + std::string(url.substr(p->port_end));
}

std::string add_default_port(std::string_view url) {
  auto p = split_url(url);
  if (!p || p->host_end != p->port_end) return std::string(url);
  std::string port = p->scheme == "https" ? ":443" : (p->scheme == "http" ? ":80" : "");
  return std::string(url.substr(0, p->host_end)) + port + std::string(url.substr(p->host_end));
}

bool is_form(const util::Headers& headers, std::string_view body) {
  if (auto ct = headers.get("Content-Type"))
    return util::to_lower(*ct).find("application/x-www-form-urlencoded") != std::string::npos;
  auto t = util::trim(body);
  return !(t.starts_with("{") || t.starts_with("["));
}

// name+value for each form parameter, keys in byte order, each key's values sorted.
Result<std::string> form_data(std::string_view body, bool dedupe) {
  std::map<std::string, std::vector<std::string>> params;
  if (!body.empty()) {
    for (auto pair : util::split(body, '&')) {
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      auto name = util::form_decode(pair.substr(0, eq));
      auto value = util::form_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
      if (!name || !value) return make_error(Errc::input, "the form body has a malformed percent escape");
      params[*name].push_back(*value);
    }
  }
  std::string out;
  for (auto& [name, values] : params) {
    std::sort(values.begin(), values.end());
    if (dedupe) values.erase(std::unique(values.begin(), values.end()), values.end());
    for (const auto& v : values) out += name + v;
  }
  return out;
}

std::optional<std::string> query_param(std::string_view url, std::string_view name) {
  size_t q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = url.substr(q + 1);
  if (size_t hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  for (auto pair : util::split(query, '&')) {
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::string b64_sha1(std::string_view key, std::initializer_list<std::string_view> parts) {
  return util::base64_encode(crypto::hmac(crypto::Digest::sha1, key, parts));
}

class Twilio final : public Scheme {
public:
  Result<Signed> sign(const SignRequest& r) const override {
    HOOKCTL_TRY_ASSIGN(std::string token, detail::single_secret(r.keys, "twilio"));
    if (r.url.empty()) return make_error(Errc::usage, "provider twilio signs the URL: give --url");
    Signed out{{}, r.url};
    if (is_form(r.headers, r.body)) {
      // twilio-node (new Set) and twilio-python (sorted(set(...))) both drop repeated values.
      HOOKCTL_TRY_ASSIGN(std::string data, form_data(r.body, true));
      out.headers.add(std::string(k_sig), b64_sha1(token, {r.url, data}));
    } else {
      std::string hash = util::hex_encode(crypto::hash(crypto::Digest::sha256, r.body));
      out.url = r.url + (r.url.find('?') == std::string::npos ? "?" : "&") + "bodySHA256=" + hash;
      out.headers.add(std::string(k_sig), b64_sha1(token, {out.url}));
    }
    return out;
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    HOOKCTL_TRY(detail::require_secrets(r.keys, "twilio"));
    if (r.url.empty())
      return make_error(Errc::usage, "provider twilio signs the URL: give --url (the URL Twilio requested)");
    auto sig = detail::header(r.headers, k_sig);
    if (!sig) return detail::missing(k_sig);

    std::vector<std::string> params;
    auto body_hash = query_param(r.url, "bodySHA256");
    if (body_hash) {
      std::string actual = util::hex_encode(crypto::hash(crypto::Digest::sha256, r.body));
      if (!crypto::ct_equal(util::to_lower(*body_hash), actual))
        return fail(Reason::body_hash_mismatch, "bodySHA256 in the URL is not the SHA-256 of the body");
      params.emplace_back();
    } else if (is_form(r.headers, r.body)) {
      auto plain = form_data(r.body, false);
      if (!plain) return fail(Reason::no_match, plain.error().message);
      params.push_back(*plain);
      auto deduped = form_data(r.body, true); // what the official libraries sign
      if (*deduped != *plain) params.push_back(*deduped);
    } else {
      params.emplace_back();
    }
    std::vector<std::string> urls{r.url};
    for (auto u : {remove_port(r.url), add_default_port(remove_port(r.url))})
      if (std::find(urls.begin(), urls.end(), u) == urls.end()) urls.push_back(u);

    const auto& tokens = r.keys.secrets;
    for (size_t i = 0; i < tokens.size(); ++i)
      for (const auto& u : urls)
        for (const auto& p : params)
          if (crypto::ct_equal(*sig, b64_sha1(tokens[i], {u, p})))
            return detail::matched(u == r.url ? "hmac-sha1" : "hmac-sha1, URL " + u, i, tokens.size());
    std::string note;
    if (!body_hash && !is_form(r.headers, r.body) && !r.body.empty())
      note = "; the body is not a form, and Twilio signs such bodies through a bodySHA256 query parameter that "
             "the URL lacks: give the full URL Twilio requested";
    return fail(Reason::no_match, fmt::format("{} does not match the URL and parameters with any of the {} token(s) "
                                              "(tried {} URL form(s)){}",
                                              k_sig, tokens.size(), urls.size(), note));
  }
};

} // namespace

std::unique_ptr<Scheme> make_twilio(const SchemeOptions&) { return std::make_unique<Twilio>(); }

} // namespace hookctl::sign
