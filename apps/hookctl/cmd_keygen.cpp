#include <fmt/format.h>

#include "commands.hpp"
#include "docs.hpp"
#include "hookctl/sign/keys.hpp"
#include "hookctl/util/encoding.hpp"

namespace hookctl::app {
namespace {

struct KeygenFlags {
  std::string provider;
  std::string kind;
};

// `n` characters drawn uniformly from `alphabet` using `random` (rejection sampling, no modulo bias).
std::string random_chars(Context& ctx, size_t n, std::string_view alphabet) {
  std::string out;
  const size_t limit = 256 - (256 % alphabet.size());
  while (out.size() < n) {
    for (unsigned char c : ctx.random(n * 2)) {
      if (c >= limit) continue;
      out.push_back(alphabet[c % alphabet.size()]);
      if (out.size() == n) break;
    }
  }
  return out;
}

constexpr std::string_view k_alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view k_lower_alnum = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lowercase

// A secret in the shape `provider` issues its secrets.
std::string make_secret(const std::string& provider, Context& ctx) {
  if (provider == "standard" || provider == "svix") return "whsec_" + util::base64_encode(ctx.random(24));
  if (provider == "stripe") return "whsec_" + random_chars(ctx, 32, k_alnum);
  if (provider == "slack" || provider == "twilio") return util::hex_encode(ctx.random(16));
  if (provider == "shopify") return "shpss_" + util::hex_encode(ctx.random(16));
  if (provider == "paddle")
    return "pdl_ntfset_" + random_chars(ctx, 26, k_lower_alnum) + "_" + random_chars(ctx, 32, k_alnum);
  if (provider == "square") {
    std::string b = util::base64_encode(ctx.random(16));
    for (auto& c : b) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return b.substr(0, 22);
  }
  if (provider == "gitlab" || provider == "twitch") return random_chars(ctx, 32, k_alnum);
  return util::hex_encode(ctx.random(32)); // github, hmac
}

Result<int> run_keygen(const KeygenFlags& f, const Globals& g, Context& ctx) {
  const sign::ProviderInfo* info = sign::find_provider(f.provider);
  if (!info) return make_error(Errc::usage, fmt::format("unknown provider '{}'", f.provider));
  std::string kind = f.kind;
  if (kind.empty()) kind = info->key_kind == sign::KeyKind::ed25519 || f.provider == "standard" ? "keypair" : "secret";
  if (kind == "keypair" && info->key_kind != sign::KeyKind::ed25519 &&
      info->key_kind != sign::KeyKind::secret_or_ed25519)
    return make_error(Errc::usage, fmt::format("provider {} uses a shared secret, not a key pair", f.provider));
  if (kind == "secret" && info->key_kind == sign::KeyKind::ed25519)
    return make_error(Errc::usage, fmt::format("provider {} uses an Ed25519 key pair, not a secret", f.provider));

  auto& out = *ctx.out;
  if (kind == "secret") {
    std::string secret = make_secret(f.provider, ctx);
    out << (g.json ? json_line({{"provider", f.provider}, {"secret", secret}}) : secret) << "\n";
    return 0;
  }
  sign::Ed25519Private key;
  key.seed = ctx.random(crypto::k_ed25519_seed_size);
  auto pub = crypto::ed25519_public_from_seed(key.seed);
  if (!pub) return make_error(Errc::internal, "Ed25519 key generation failed");
  key.public_key = *pub;
  // Discord shows keys as hex; Standard Webhooks and Svix as whsk_/whpk_.
  bool hex = info->key_kind == sign::KeyKind::ed25519;
  std::string priv = hex ? util::hex_encode(key.seed) : sign::format_whsk(key);
  std::string pubs = hex ? util::hex_encode(key.public_key) : sign::format_whpk(key.public_key);
  if (g.json)
    out << json_line({{"provider", f.provider}, {"private_key", priv}, {"public_key", pubs}}) << "\n";
  else
    out << "private_key: " << priv << "\npublic_key: " << pubs << "\n";
  return 0;
}

} // namespace

Command register_keygen(CLI::App& root, Globals& g, Context& ctx) {
  auto f = std::make_shared<KeygenFlags>();
  auto* cmd = root.add_subcommand("keygen", "Make a secret or key pair in a provider's format, for local testing");
  add_provider_flag(cmd, f->provider);
  cmd->add_option("--kind", f->kind, "secret or keypair (default: keypair for discord and standard, secret otherwise)")
      ->check(CLI::IsMember({"secret", "keypair"}));
  cmd->add_flag("--json", g.json, "Print {\"secret\":...} or {\"private_key\":...,\"public_key\":...}");
  cmd->footer(help_footer("keygen"));
  return {cmd, [f, &g, &ctx] { return run_keygen(*f, g, ctx); }};
}

} // namespace hookctl::app
