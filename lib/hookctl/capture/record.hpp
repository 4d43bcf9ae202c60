#pragma once
// One capture record (a line of the JSON Lines capture file, format in CLI.md): what `listen`
// received and how it answered, byte-exact, and its codec. No files here (store.hpp has those).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hookctl/util/headers.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::capture {

// The only capture format version this build reads and writes.
inline constexpr int k_version = 1;

// The signature check of a request; absent when no provider was configured or detected.
struct Verification {
  std::string provider; // "github"
  bool valid = false;
  std::string reason;      // one human line ("signature matches", "no signature matched")
  std::string reason_code; // sign::reason_code ("match", "no_match", ...); extra field "code"

  // Field-by-field equality (round-trip tests).
  bool operator==(const Verification&) const = default;
};

// What `listen` answered.
struct RecordedResponse {
  int status = 0;
  double latency_ms = 0; // from the end of the request to the decision, before the write
  // Extra fields, for `replay --compare-body` (HAR imports and replay --output have them):
  // the response's headers and body when they were recorded.
  std::optional<util::Headers> headers;
  std::optional<std::string> body;
};

// Field-by-field equality (round-trip tests); headers compared in order, by case.
bool operator==(const RecordedResponse& a, const RecordedResponse& b);

struct Record {
  uint64_t seq = 0;        // 1, 2, ... within a file; set by Store::append
  std::string id;          // unique, sortable by time (make_record_id)
  std::string received_at; // RFC 3339 UTC with microseconds: 2026-11-28T11:20:37.123456Z
  std::string remote;      // "127.0.0.1:53422"
  std::string method;
  std::string path;      // without the query
  std::string query;     // without the '?'; empty when none
  util::Headers headers; // order, case and duplicates as received
  std::string body;      // raw bytes
  std::optional<Verification> verification;
  std::optional<RecordedResponse> response;
  // Extra fields (readers of other versions ignore them); empty/false ones are not written.
  std::string event_type;  // "push", "invoice.paid", "url_verification"
  std::string handshake;   // the handshake answered ("slack.url_verification"), when one was
  bool duplicate = false;  // a delivery id seen before in this session
  std::string delivery_id; // the provider's delivery id (webhook-id, X-GitHub-Delivery, ...)
  std::string refused;     // why the server refused the request at the HTTP level (413, 408, ...)
};

// True when `a` and `b` hold the same bytes in every field (headers compared in order, by case).
bool operator==(const Record& a, const Record& b);

// `record` as one JSON object and a trailing '\n'. Keys in CLI.md order; "v":1 first. The body is
// written as a JSON string when it is valid UTF-8 ("body_encoding":"utf8"), else base64
// ("body_encoding":"base64"); headers as [[name, value], ...]; "verification":null when absent.
// When any header name or value is not valid UTF-8, every name and value is written in base64 and
// "headers_encoding":"base64" follows "headers" (otherwise that key is left out). Other text fields
// (path, query, remote, ...) with invalid UTF-8 are written with U+FFFD in place of the bad bytes;
// a non-finite latency_ms is written as 0. No content makes it throw.
std::string to_line(const Record& record);

// Parses one line (with or without its '\n'). Errc::input with a one-line reason for anything
// malformed (not JSON, a missing or mistyped required field, bad base64); an unknown "v" is
// Errc::input "unsupported capture version N (this hookctl reads version 1)". Unknown fields are
// ignored. Every key to_line always writes is required ("verification" and "response" may be null);
// "code", "headers_encoding" and the extras are optional. Never throws.
Result<Record> parse_line(std::string_view line);

// parse_line without its fast path: every line through the JSON parser.
Result<Record> parse_line_json(std::string_view line);

// The fast path of parse_line: the record of a line exactly in to_line's shape (keys in its order,
// its escapes, headers not base64), or nullopt for anything else, which parse_line then reads with
// the full JSON parser. Where both read a line they give the same record (a fuzz target checks it).
std::optional<Record> parse_own_line(std::string_view line);

// parse_own_line into `record`, whose strings' storage is reused (every field is rewritten; a
// reader recycling records allocates nothing per line). False (and `record` unspecified) for a line
// the fast path does not read.
bool parse_own_line_into(std::string_view line, Record& record);

// parse_line into `record`, reusing its storage when the fast path reads the line; on an error
// `record` is unspecified.
Result<void> parse_line_into(std::string_view line, Record& record);

// A new unique record id: 26 characters of Crockford base32, 48 bits of milliseconds since the
// epoch then 80 random bits (a ULID), so ids sort by time. `unix_ms` and `random10` (10 bytes) are
// passed in so tests are deterministic.
std::string make_record_id(int64_t unix_ms, std::string_view random10);

// RFC 3339 UTC with 6 fractional digits for `unix_us` microseconds since the epoch.
std::string format_received_at(int64_t unix_us);

} // namespace hookctl::capture
