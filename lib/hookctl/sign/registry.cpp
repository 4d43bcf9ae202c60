#include <fmt/format.h>

#include "hookctl/sign/providers.hpp"
#include "hookctl/sign/scheme.hpp"
#include "hookctl/util/strings.hpp"

namespace hookctl::sign {

const std::vector<ProviderInfo>& providers() {
  // Windows and directions follow the official libraries (see signatures.md).
  static const std::vector<ProviderInfo> table = {
      {"github",
       "GitHub webhooks",
       KeyKind::secret,
       {"X-Hub-Signature-256", "X-Hub-Signature"},
       "HMAC-SHA256 hex (legacy HMAC-SHA1)",
       std::nullopt,
       Direction::both,
       make_github},
      {"stripe",
       "Stripe webhook endpoints",
       KeyKind::secret,
       {"Stripe-Signature"},
       "HMAC-SHA256 hex over t.body",
       300,
       Direction::past,
       make_stripe},
      {"standard",
       "Standard Webhooks",
       KeyKind::secret_or_ed25519,
       {"webhook-id", "webhook-timestamp", "webhook-signature"},
       "v1 HMAC-SHA256 base64, v1a Ed25519",
       300,
       Direction::both,
       make_standard},
      {"svix",
       "Svix (Standard Webhooks under svix-* headers)",
       KeyKind::secret_or_ed25519,
       {"svix-id", "svix-timestamp", "svix-signature"},
       "v1 HMAC-SHA256 base64, v1a Ed25519",
       300,
       Direction::both,
       make_svix},
      {"slack",
       "Slack request signing",
       KeyKind::secret,
       {"X-Slack-Signature", "X-Slack-Request-Timestamp"},
       "HMAC-SHA256 hex over v0:ts:body",
       300,
       Direction::both,
       make_slack},
      {"shopify",
       "Shopify webhooks",
       KeyKind::secret,
       {"X-Shopify-Hmac-Sha256"},
       "HMAC-SHA256 base64",
       std::nullopt,
       Direction::both,
       make_shopify},
      {"twilio",
       "Twilio request validation",
       KeyKind::secret,
       {"X-Twilio-Signature"},
       "HMAC-SHA1 base64 over URL + sorted params",
       std::nullopt,
       Direction::both,
       make_twilio},
      {"discord",
       "Discord interactions",
       KeyKind::ed25519,
       {"X-Signature-Ed25519", "X-Signature-Timestamp"},
       "Ed25519 hex over timestamp + body",
       std::nullopt,
       Direction::both,
       make_discord},
      {"gitlab",
       "GitLab webhooks (secret token)",
       KeyKind::token,
       {"X-Gitlab-Token"},
       "shared token, no HMAC",
       std::nullopt,
       Direction::both,
       make_gitlab},
      {"twitch",
       "Twitch EventSub",
       KeyKind::secret,
       {"Twitch-Eventsub-Message-Id", "Twitch-Eventsub-Message-Timestamp", "Twitch-Eventsub-Message-Signature"},
       "HMAC-SHA256 hex over id + timestamp + body",
       600,
       Direction::past,
       make_twitch},
      {"square",
       "Square webhooks",
       KeyKind::secret,
       {"x-square-hmacsha256-signature"},
       "HMAC-SHA256 base64 over URL + body",
       std::nullopt,
       Direction::both,
       make_square},
      {"paddle",
       "Paddle Billing",
       KeyKind::secret,
       {"Paddle-Signature"},
       "HMAC-SHA256 hex over ts:body",
       5,
       Direction::past,
       make_paddle},
      {"hmac",
       "generic HMAC (header, digest, encoding, prefix, template are options)",
       KeyKind::secret,
       {"X-Signature"},
       "HMAC (sha1/sha256/sha512) hex or base64",
       std::nullopt,
       Direction::both,
       make_hmac},
  };
  return table;
}

const ProviderInfo* find_provider(std::string_view name) {
  for (const auto& p : providers())
    if (p.name == name) return &p;
  return nullptr;
}

Result<std::unique_ptr<Scheme>> make_scheme(std::string_view name, const SchemeOptions& options) {
  const ProviderInfo* info = find_provider(name);
  if (!info) {
    std::vector<std::string_view> names;
    for (const auto& p : providers()) names.push_back(p.name);
    return make_error(Errc::usage, fmt::format("unknown provider '{}' (known: {})", name, fmt::join(names, ", ")));
  }
  return info->factory(options);
}

bool is_secret_header(std::string_view name) { return util::iequals(name, "X-Gitlab-Token"); }

} // namespace hookctl::sign
