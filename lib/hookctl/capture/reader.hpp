#pragma once
// Reads captured events from a hookctl capture file (JSON Lines, CLI.md) or a HAR 1.2 file, told
// apart by content, one event at a time so that memory does not grow with the file.

#include <functional>
#include <iosfwd>
#include <string>

#include "hookctl/capture/record.hpp"
#include "hookctl/util/result.hpp"

namespace hookctl::capture {

enum class SourceFormat { capture, har };

// The format of a stream that starts with `head` (its first bytes): HAR when the first key of the
// top-level object is "log", else a capture file.
SourceFormat detect_format(std::string_view head);

// Called with each event and where it came from ("FILE:LINE" or "FILE: entry N"); return false to
// stop reading.
using EventHandler = std::function<bool(Record record, const std::string& where)>;

// Called with a malformed line or entry ("FILE:LINE: reason"); return true to skip it and go on
// (--skip-invalid), false to stop with that error.
using InvalidHandler = std::function<bool(const Error& error)>;

// Reads `in` (named `name` in messages) to the end, or until a handler says stop. Errc::input for a
// malformed event the invalid handler did not skip, an unknown capture version (never skipped), or a
// HAR document that is not JSON. Blank lines of a capture file are ignored.
// `recycle`, when given, supplies the record each capture line is parsed into (one the caller is
// done with, so that its storage is reused), instead of a new one.
Result<void> read_events(std::istream& in, const std::string& name, const EventHandler& on_event,
                         const InvalidHandler& on_invalid, const std::function<Record()>& recycle = {});

} // namespace hookctl::capture
