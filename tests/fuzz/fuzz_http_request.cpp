// The server's request parser on arbitrary bytes, with pipelining: the input is parsed as
// requests in a row (reset() with the leftover after each complete one), fed whole, in two
// pieces split at a point derived from the data, and in small pieces. Every way of feeding must
// end in the same states with the same requests, never crash, keep bodies within max_body, and
// fail only with the statuses of the contract.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "hookctl/http/wire.hpp"

namespace {

using hookctl::http::RequestParser;
using State = RequestParser::State;

// What one request of the connection amounted to.
struct Outcome {
  State state = State::incomplete;
  int status = 0;
  bool head_done = false;
  bool keep_alive = false;
  bool expects_continue = false;
  hookctl::http::ParsedRequest request;
  size_t end = 0; // offset in the input where a complete request ended

  bool operator==(const Outcome& o) const {
    if (state != o.state || status != o.status || keep_alive != o.keep_alive) return false;
    if (state == State::error) return true; // a partial request may hold more or less of the head
    return head_done == o.head_done && expects_continue == o.expects_continue && end == o.end &&
           request.method == o.request.method && request.target == o.request.target &&
           request.version == o.request.version && request.headers.fields() == o.request.headers.fields() &&
           request.body == o.request.body;
  }
};

Outcome outcome_of(RequestParser& p, State state) {
  Outcome o;
  o.state = state;
  o.status = p.error_status();
  o.head_done = p.head_done();
  o.keep_alive = p.keep_alive();
  o.expects_continue = p.expects_continue();
  o.request = p.request();
  return o;
}

// Parses `in` as one connection fed in pieces that start at `cuts` (ascending, after 0), then
// ended: one outcome per request, the last one an error or a complete request.
std::vector<Outcome> parse(std::string_view in, const std::vector<size_t>& cuts, RequestParser::Limits limits) {
  RequestParser p(limits);
  std::vector<Outcome> out;
  State s = State::incomplete;
  size_t from = 0;
  for (size_t i = 0; i <= cuts.size() && s != State::error; ++i) {
    const size_t to = i < cuts.size() ? cuts[i] : in.size();
    s = p.feed(in.substr(from, to - from));
    from = to;
    // After each complete request the next one starts from the leftover, as the server does.
    while (s == State::complete) {
      Outcome o = outcome_of(p, s);
      std::string leftover = p.take_leftover();
      o.end = to - leftover.size();
      out.push_back(std::move(o));
      if (leftover.empty() && to == in.size()) return out; // the connection ends between requests
      s = p.reset(std::move(leftover));
    }
  }
  if (s == State::incomplete) s = p.finish();
  out.push_back(outcome_of(p, s));
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::as_view(data, size);
  // FNV-1a of the input picks the split point and the limits, so that mutations move both.
  uint64_t hash = 14695981039346656037ULL;
  for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 1099511628211ULL;

  RequestParser::Limits limits; // the server's defaults...
  if ((hash & 1) != 0) {        // ...or small ones, so that 431 and 413 are within reach
    limits.max_head = 64 + (hash >> 8) % 192;
    limits.max_headers = 1 + (hash >> 16) % 8;
    limits.max_body = (hash >> 24) % 64;
  }
  const size_t split = size == 0 ? 0 : (hash >> 32) % (size + 1);
  const size_t step = 1 + (hash >> 40) % 13;
  std::vector<size_t> small;
  for (size_t i = step; i < size && small.size() < 4096; i += step) small.push_back(i);

  const auto whole = parse(in, {}, limits);
  const auto two = parse(in, {split}, limits);
  const auto bits = parse(in, small, limits);
  FUZZ_CHECK(whole == two);
  FUZZ_CHECK(whole == bits);
  for (const auto& o : whole) {
    if (o.state == State::complete) {
      FUZZ_CHECK(o.head_done);
      FUZZ_CHECK(o.request.body.size() <= limits.max_body);
      FUZZ_CHECK(o.request.version == "HTTP/1.1" || o.request.version == "HTTP/1.0");
      FUZZ_CHECK(!o.request.method.empty() && !o.request.target.empty());
      FUZZ_CHECK(o.request.headers.size() <= limits.max_headers);
      FUZZ_CHECK(o.end <= in.size());
    } else if (o.state == State::error) {
      FUZZ_CHECK(o.status == 400 || o.status == 413 || o.status == 431 || o.status == 501 || o.status == 505);
      FUZZ_CHECK(!o.keep_alive);
    } else {
      FUZZ_CHECK(false); // finish() always ends the request
    }
  }
  return 0;
}
