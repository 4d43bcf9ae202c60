// The HTTP request handling of `hookctl listen` without a socket: arbitrary bytes through the
// server's RequestParser, and every complete request through receiver::handle, as listen runs it:
// verifying as a configured provider (Stripe) and detecting the provider from the headers (with a
// secret and a scripted sequence). handle() must never throw or crash, answer a status from 100 to
// 599 (or 0, a reset, only when scripted), and fill a record that the capture codec writes and reads
// back equal.
#include <memory>
#include <string>

#include "fuzz_check.hpp"
#include "hookctl/capture/record.hpp"
#include "hookctl/http/wire.hpp"
#include "hookctl/receiver/receiver.hpp"

namespace rx = hookctl::receiver;

namespace {

std::unique_ptr<rx::Receiver> make(std::string provider, bool scripted) {
  rx::Config c;
  c.provider = std::move(provider);
  c.keys.secrets = {"whsec_fuzz_secret_value"};
  c.verify_token = "fuzz-token";
  if (scripted) c.script.sequence = {500, 0, 200};
  rx::Deps d;
  d.now_us = [] { return int64_t{1700000000} * 1000000; };
  d.random = [](size_t n) { return std::string(n, '\x2a'); };
  auto r = rx::Receiver::create(std::move(c), std::move(d));
  FUZZ_CHECK(r.ok());
  return std::move(*r);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto stripe = make("stripe", false);
  static auto detect = make("", true);
  hookctl::http::RequestParser::Limits limits;
  limits.max_body = 64 * 1024;
  hookctl::http::RequestParser parser(limits);
  auto state = parser.feed(fuzz::as_view(data, size));
  if (state == hookctl::http::RequestParser::State::incomplete) state = parser.finish();
  if (state != hookctl::http::RequestParser::State::complete) return 0;
  const auto& parsed = parser.request();
  hookctl::http::ServerRequest request{parsed.method, parsed.target,     parsed.version, parsed.headers,
                                       parsed.body,   "127.0.0.1:40000", false};
  for (auto* r : {stripe.get(), detect.get()}) {
    const auto decision = r->handle(request);
    const int status = decision.response.status;
    FUZZ_CHECK(status == 0 || (status >= 100 && status <= 599));
    FUZZ_CHECK(status != 0 || r == detect.get());
    FUZZ_CHECK(decision.record.body == request.body);
    const std::string line = hookctl::capture::to_line(decision.record);
    auto back = hookctl::capture::parse_line(line);
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(back->body == decision.record.body);
  }
  return 0;
}
