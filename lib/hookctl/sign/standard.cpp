// Standard Webhooks (webhook-id/-timestamp/-signature) and Svix (the same under svix-*): content
// "<id>.<ts>.<body>"; v1 = base64 HMAC-SHA256 with the base64-decoded whsec_ key, v1a = base64
// Ed25519; any entry of a space-separated list may match; ±300 s
// (standard-webhooks spec/standard-webhooks.md; svix javascript/src/webhook.ts).
#include <fmt/format.h>

#include "hookctl/sign/detail.hpp"
#include "hookctl/sign/keys.hpp"
#include "hookctl/sign/parse.hpp"
#include "hookctl/sign/providers.hpp"
#include "hookctl/util/encoding.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::sign {
namespace {

struct HeaderSet {
  std::string id, timestamp, signature;
};

HeaderSet header_set(std::string_view prefix) {
  return {fmt::format("{}-id", prefix), fmt::format("{}-timestamp", prefix), fmt::format("{}-signature", prefix)};
}

class StandardWebhooks final : public Scheme {
public:
  // `name` is the provider name for messages; `sign_prefix` the header prefix used when signing;
  // `accept_webhook_headers` lets Svix verification fall back to webhook-* headers.
  StandardWebhooks(std::string_view name, std::string_view sign_prefix, bool accept_webhook_headers)
      : m_name(name), m_sign(header_set(sign_prefix)), m_fallback(accept_webhook_headers) {}

  Result<Signed> sign(const SignRequest& r) const override {
    if (r.keys.secrets.empty() && r.keys.private_keys.empty())
      return make_error(Errc::usage, fmt::format("provider {} needs --secret whsec_... (v1) or --private-key "
                                                 "whsk_... (v1a)",
                                                 m_name));
    if (r.id.find('.') != std::string::npos)
      return make_error(Errc::usage, "the message id must not contain '.' (Standard Webhooks spec)");
    std::string ts = std::to_string(r.timestamp);
    std::vector<std::string> entries;
    for (const auto& s : r.keys.secrets) {
      HOOKCTL_TRY_ASSIGN(std::string key, decode_whsec(s));
      entries.push_back("v1," + detail::b64_sha256(key, {r.id, ".", ts, ".", r.body}));
    }
    std::string content;
    if (!r.keys.private_keys.empty()) content = fmt::format("{}.{}.{}", r.id, ts, r.body);
    for (const auto& k : r.keys.private_keys) {
      HOOKCTL_TRY_ASSIGN(Ed25519Private key, parse_private_key(k));
      auto sig = crypto::ed25519_sign(key.seed, content);
      if (!sig) return make_error(Errc::internal, "Ed25519 signing failed");
      entries.push_back("v1a," + util::base64_encode(*sig));
    }
    Signed out{{}, r.url};
    out.headers.add(m_sign.id, r.id);
    out.headers.add(m_sign.timestamp, ts);
    out.headers.add(m_sign.signature, fmt::format("{}", fmt::join(entries, " ")));
    return out;
  }

  Result<Verdict> verify(const VerifyRequest& r) const override {
    // Decode every key first, so a malformed key is a usage error whatever the headers say.
    std::vector<std::string> hmac_keys;
    for (const auto& s : r.keys.secrets) {
      HOOKCTL_TRY_ASSIGN(std::string key, decode_whsec(s));
      hmac_keys.push_back(std::move(key));
    }
    HOOKCTL_TRY_ASSIGN(std::vector<std::string> public_keys,
                       verification_keys(r.keys.public_keys, r.keys.private_keys));
    if (hmac_keys.empty() && public_keys.empty())
      return make_error(Errc::usage, fmt::format("provider {} needs --secret whsec_... (v1) or --public-key "
                                                 "whpk_... (v1a) to verify",
                                                 m_name));

    const HeaderSet* set = &m_sign;
    static const HeaderSet k_webhook = header_set("webhook");
    if (m_fallback && !r.headers.get(m_sign.id) && !r.headers.get(m_sign.signature) && r.headers.get(k_webhook.id))
      set = &k_webhook;
    auto id = detail::header(r.headers, set->id);
    auto ts_text = detail::header(r.headers, set->timestamp);
    auto sig = detail::header(r.headers, set->signature);
    if (!id) return detail::missing(set->id);
    if (!ts_text) return detail::missing(set->timestamp);
    if (!sig) return detail::missing(set->signature);
    long long ts = 0;
    if (!util::parse_int64(*ts_text, ts))
      return fail(Reason::malformed_header, fmt::format("{} is not an integer unix timestamp", set->timestamp));
    // The official libraries check the timestamp before the signature.
    if (auto v = detail::check_window(ts, r, 300, Direction::both)) return *v;

    auto items = parse_signature_list(*sig);
    size_t usable = 0;
    std::vector<std::string_view> seen;
    std::string content;
    for (const auto& item : items) {
      if (item.version == "v1" && !hmac_keys.empty()) {
        ++usable;
        for (size_t i = 0; i < hmac_keys.size(); ++i)
          if (crypto::ct_equal(item.value, detail::b64_sha256(hmac_keys[i], {*id, ".", *ts_text, ".", r.body})))
            return detail::matched("v1", i, hmac_keys.size());
      } else if (item.version == "v1a" && !public_keys.empty()) {
        ++usable;
        auto raw = util::base64_decode(item.value);
        if (!raw) continue;
        if (content.empty()) content = fmt::format("{}.{}.{}", *id, *ts_text, r.body);
        for (size_t i = 0; i < public_keys.size(); ++i)
          if (crypto::ed25519_verify(public_keys[i], content, *raw))
            return detail::matched("v1a", i, public_keys.size());
      } else {
        seen.push_back(item.version);
      }
    }
    if (usable == 0) {
      std::string_view want = hmac_keys.empty() ? "v1a" : (public_keys.empty() ? "v1" : "v1 or v1a");
      if (items.empty())
        return fail(Reason::malformed_header, fmt::format("{} has no '<version>,<signature>' entry", set->signature));
      return fail(Reason::unknown_version,
                  fmt::format("{} has no {} entry (found: {})", set->signature, want, fmt::join(seen, ", ")));
    }
    return fail(Reason::no_match, fmt::format("none of the {} signature(s) in {} matches any of the {} key(s)", usable,
                                              set->signature, hmac_keys.size() + public_keys.size()));
  }

private:
  std::string_view m_name;
  HeaderSet m_sign;
  bool m_fallback;
};

} // namespace

std::unique_ptr<Scheme> make_standard(const SchemeOptions&) {
  return std::make_unique<StandardWebhooks>("standard", "webhook", false);
}

std::unique_ptr<Scheme> make_svix(const SchemeOptions&) {
  return std::make_unique<StandardWebhooks>("svix", "svix", true);
}

} // namespace hookctl::sign
