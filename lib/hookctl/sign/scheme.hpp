#pragma once
// Signing and verification of webhook deliveries, one `Scheme` per provider. Pure: no clock,
// files or sockets; the caller passes the body, headers, URL, `now` and keys.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hookctl/crypto/crypto.hpp"
#include "hookctl/util/headers.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::sign {

// Key material as the user gave it (text); schemes decode it as their provider does.
struct Keys {
  std::vector<std::string> secrets;      // HMAC secrets, or tokens (GitLab)
  std::vector<std::string> private_keys; // Ed25519 signing keys: hex, or `whsk_` + base64
  std::vector<std::string> public_keys;  // Ed25519 verifying keys: hex, or `whpk_` + base64
};

// Whether GitHub's legacy sha1-only deliveries may verify.
enum class AllowSha1 { no, yes };

// What a signer needs; `id` and `timestamp` are chosen by the caller.
struct SignRequest {
  std::string_view body;
  util::Headers headers; // headers the request already carries (Content-Type, ...)
  std::string url;
  std::string method = "POST";
  std::string id;
  int64_t timestamp = 0;
  Keys keys;
};

// The outcome of signing: headers to add, and the URL to deliver to (Twilio may extend it).
struct Signed {
  util::Headers headers;
  std::string url;
};

// What a verifier needs; `now` is unix seconds and `tolerance` overrides the provider's window
// (0 turns the timestamp check off, as in stripe-node).
struct VerifyRequest {
  std::string_view body;
  util::Headers headers;
  std::string url;
  std::string method = "POST";
  int64_t now = 0;
  std::optional<std::chrono::seconds> tolerance;
  Keys keys;
  AllowSha1 allow_sha1 = AllowSha1::no;
};

// Why a verification came out as it did.
enum class Reason {
  match,               // a signature matched
  missing_header,      // a required header is absent or empty
  malformed_header,    // a header could not be parsed
  timestamp_too_old,   // older than the window allows
  timestamp_in_future, // further ahead than the window allows
  unknown_version,     // no signature of a scheme version we verify
  no_match,            // well-formed, but no signature matched any key
  body_hash_mismatch,  // Twilio: bodySHA256 in the URL is not the body's hash
  legacy_sha1_only,    // GitHub: only X-Hub-Signature (sha1) without --allow-sha1
};

// The stable machine name of `reason` ("no_match"), used in JSON output.
std::string_view reason_code(Reason reason);

// A verification result: `valid`, the reason, and a one-line human explanation.
struct Verdict {
  bool valid = false;
  Reason reason = Reason::no_match;
  std::string detail;
};

// Builds a failing verdict of `reason` with text `detail`.
Verdict fail(Reason reason, std::string detail);

// Builds a passing verdict with text `detail`.
Verdict pass(std::string detail);

// One provider's signature scheme.
class Scheme {
public:
  virtual ~Scheme() = default;
  // Signs `request`; fails with Errc::usage on missing or malformed keys or a missing URL.
  virtual Result<Signed> sign(const SignRequest& request) const = 0;
  // Verifies `request`; a mismatch is a failing Verdict, bad keys or a missing URL an Error.
  virtual Result<Verdict> verify(const VerifyRequest& request) const = 0;
};

// Output encodings of the generic `hmac` scheme.
enum class Encoding { hex, base64 };

// Options of the generic `hmac` scheme; the other providers ignore them.
struct HmacOptions {
  std::string header = "X-Signature";
  crypto::Digest digest = crypto::Digest::sha256;
  Encoding encoding = Encoding::hex;
  std::string prefix;
  std::string templ = "{body}";
  std::string id_header = "X-Webhook-Id";
  std::string timestamp_header = "X-Webhook-Timestamp";
};

// Options every scheme factory receives.
struct SchemeOptions {
  HmacOptions hmac;
};

// The kind of key material a provider uses.
enum class KeyKind {
  secret,            // HMAC secret (--secret)
  token,             // a literal shared token (--secret)
  ed25519,           // Ed25519 (--private-key / --public-key)
  secret_or_ed25519, // Standard Webhooks: v1 HMAC or v1a Ed25519
};

// In which directions a provider checks the timestamp.
enum class Direction { past, both };

// One row of the provider table: `hookctl providers`, `--provider` choices, help and completions
// all read it.
struct ProviderInfo {
  std::string_view name;
  std::string_view summary;
  KeyKind key_kind;
  std::vector<std::string_view> headers; // the signature headers, as sent
  std::string_view algorithm;
  std::optional<int64_t> tolerance_s; // default window; nullopt: no timestamp check
  Direction direction;
  std::unique_ptr<Scheme> (*factory)(const SchemeOptions&);
};

// Every provider, in display order.
const std::vector<ProviderInfo>& providers();

// Whether header `name` carries the secret itself (GitLab sends its token as is): such a value is
// never printed, logged or captured.
bool is_secret_header(std::string_view name);

// The provider named `name`, or null.
const ProviderInfo* find_provider(std::string_view name);

// A scheme for provider `name` with `options`; Errc::usage naming the known providers otherwise.
Result<std::unique_ptr<Scheme>> make_scheme(std::string_view name, const SchemeOptions& options = {});

} // namespace hookctl::sign
