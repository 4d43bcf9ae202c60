#pragma once
// How `send` turns its flags into a message and a signed request; `fuzz` builds its base delivery
// the same way.

#include <memory>
#include <string>
#include <vector>

#include "common.hpp"
#include "hookctl/http/message.hpp"
#include "hookctl/sign/scheme.hpp"

namespace hookctl::app {

// The flags of `send`.
struct SendFlags {
  std::string url;
  std::string provider;
  KeyFlags keys;
  HmacFlags hmac;
  bool no_sign = false;
  std::string event;
  std::string data;
  std::vector<std::string> sets;
  std::vector<std::string> headers;
  std::string method = "POST";
  std::string id;
  RetryFlags retry;
  ConnectionFlags conn;
  long long count = 0;
  std::string duration;
  int concurrency = 1;
  double rate = 0;
  CLI::Option* data_option = nullptr; // --data '' is an empty body, not a missing one
};

// Everything that stays the same between deliveries, resolved once before the first request.
struct Plan {
  std::string provider; // empty: unsigned
  std::unique_ptr<sign::Scheme> scheme;
  sign::Keys keys;
  std::string event;       // built-in event name, when --event NAME
  std::string envelope;    // envelope text, when --event @FILE
  std::string envelope_at; // its file name
  std::string data;        // the body, when --data (sets already applied)
  std::vector<std::string> sets;
  util::Headers extra; // -H
  std::string content_type;
  std::string method;
  std::string url;
  std::string id;
};

// One delivery's message: body and headers before signing.
struct Message {
  std::string body;
  util::Headers headers;
  std::string id;
};

// The plan of `f`: provider, keys, body or event, headers; usage errors for conflicting or
// missing flags, and a bad key (signed once to find out).
Result<Plan> make_plan(const SendFlags& f, Context& ctx);

// One delivery's message (a catalog event instantiated afresh, or the --data body).
Result<Message> make_message(const Plan& plan, Context& ctx);

// The request of one attempt, signed now.
Result<http::Request> sign_request(const Plan& plan, const Message& m, Context& ctx);

} // namespace hookctl::app
