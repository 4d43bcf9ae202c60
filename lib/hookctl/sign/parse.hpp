#pragma once
// Parsers for the signature header formats that carry more than one value. Each takes untrusted
// header text and never throws; they are the targets of tests/fuzz.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hookctl/util/result.hpp"

namespace hookctl::sign {

// A `version,value` or `key=value` item of a signature header.
struct SignatureItem {
  std::string_view version;
  std::string_view value;
};

// A parsed `Stripe-Signature: t=...,v1=...,v0=...` header.
struct StripeHeader {
  int64_t timestamp = 0;
  std::vector<std::string_view> v1;    // the v1 signatures, in order
  std::vector<std::string_view> other; // names of other schemes seen (v0, ...)
};

// Parses a Stripe-Signature `header` as stripe-node does (split on ',', then at the first '=');
// Errc::input naming the bad part when `t` is missing or not an integer.
Result<StripeHeader> parse_stripe_header(std::string_view header);

// Splits a Standard Webhooks `webhook-signature` header on spaces into `version,value` items;
// entries without a comma are skipped (they can never match).
std::vector<SignatureItem> parse_signature_list(std::string_view header);

// A parsed `Paddle-Signature: ts=...;h1=...` header.
struct PaddleHeader {
  int64_t timestamp = 0;
  std::string_view timestamp_text; // signed as sent
  std::vector<std::string_view> h1;
};

// Parses a Paddle-Signature `header` (split on ';', then at the first '='); Errc::input naming the
// bad part when `ts` is missing or not an integer.
Result<PaddleHeader> parse_paddle_header(std::string_view header);

} // namespace hookctl::sign
