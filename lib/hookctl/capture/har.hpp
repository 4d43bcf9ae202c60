#pragma once
// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) import and export, for `hookctl replay`:
// entries read one at a time from a stream (memory does not grow with the file), and written one
// at a time. A HAR entry maps onto a capture record: the request, and the response as the record's
// RecordedResponse with its headers and body.

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>

#include "hookctl/capture/record.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::capture {

// Called for each entry of `log.entries` in order; `index` counts from 1. `entry` is the record, or
// Errc::input with a one-line reason when that entry is malformed (missing request.method, an
// unparsable URL, a base64 body that does not decode, ...). Return true to go on, false to stop
// reading, or an error to stop with it.
using HarEntryHandler = std::function<Result<bool>(Result<Record> entry, size_t index)>;

// Streams the entries of the HAR document in `in`. Record fields from an entry:
// - method; path and query from request.url (an absolute URL; the query without '?');
// - headers: request.headers in order, as given (HTTP/2 pseudo-headers such as ":authority" kept:
//   the sender drops them);
// - body: request.postData.text, decoded when postData has "encoding":"base64" (or "_encoding");
//   without text, postData.params joined as name=value&... (percent-encoded); empty without postData;
// - received_at: startedDateTime converted to RFC 3339 UTC with microseconds
//   (2026-11-28T11:20:37.123456Z) when it parses, else kept as given;
// - response: status, latency_ms = entry.time (0 when absent or negative), headers, and body from
//   response.content.text (decoded when content.encoding is "base64"); absent when response.status
//   is 0 or missing (a request that got no answer);
// - the fields HAR has no place for (seq, id, remote, verification, event_type, delivery_id,
//   handshake, duplicate, refused) from the entry's "_hookctl" object when export_har wrote one;
//   otherwise seq = index, id = "har-<index>", remote = serverIPAddress or "". har.cpp lists the
//   "_hookctl" members (base64 copies of headers that are not UTF-8 among them).
// Only the current entry is held in memory: the rest of the document is skipped as it streams by.
// Errc::input for a document that is not JSON ("not valid JSON at byte N", N counted from 1; entries
// before that point have been handed over), has no log.entries array ("not a HAR document: no
// log.entries array") or whose log.entries is not an array. An error the handler returns is
// returned as is. Never throws (an exception from the handler becomes Errc::input).
Result<void> read_har(std::istream& in, const HarEntryHandler& on_entry);

// Options of the HAR writer.
struct HarWriteOptions {
  bool include_sensitive = false; // keep Authorization, Cookie, ... (else their values are "REDACTED")
  std::string creator_version;    // log.creator.version ("0.1")
  std::string scheme = "http";    // for request.url: scheme://Host (or ":authority", or "localhost") + path?query
};

// Writes a HAR 1.2 document one entry at a time: the head on construction, `add` for each record,
// and `finish` for the tail. Every field HAR 1.2 requires is written (log.version "1.2",
// log.creator, entries[].startedDateTime, time, request {method, url, httpVersion, cookies,
// headers, queryString, headersSize, bodySize, postData when there is a body}, response {status,
// statusText, httpVersion, cookies, headers, content {size, mimeType, text, encoding "base64" for
// a body that is not UTF-8}, redirectURL, headersSize, bodySize}, cache, timings {send, wait,
// receive}); binary request bodies go in postData.text as base64 with "encoding":"base64". The
// fields HAR has no place for go in an "_hookctl" object, so that read_har gives the record back
// (text fields other than headers and bodies that are not UTF-8 get U+FFFD, as in to_line; a NaN
// or infinite latency is written as 0). Sensitive header values are "REDACTED" everywhere,
// "_hookctl" included, unless `include_sensitive`.
class HarWriter {
public:
  HarWriter(std::ostream& out, HarWriteOptions options);
  // Writes one entry for `record` (nothing after `finish`).
  void add(const Record& record);
  // Closes the document; Errc::environment when the stream failed.
  Result<void> finish();

private:
  std::ostream& m_out;
  HarWriteOptions m_options;
  size_t m_count = 0;
  bool m_finished = false;
};

// Whether header `name` is sensitive (Authorization, Proxy-Authorization, Cookie, Set-Cookie, and
// headers that carry a secret as is, such as X-Gitlab-Token): exports redact it unless asked not to.
bool is_sensitive_header(std::string_view name);

} // namespace hookctl::capture
