#pragma once
// A reader for the part of TOML 1.0 that configuration files need: comments, `[table]` and
// `[dotted.table]` headers, bare, quoted and dotted keys, basic and literal strings (single- and
// multi-line), decimal integers and floats, booleans and arrays of those. Inline tables, arrays of
// tables and dates are refused with a message saying so. Every error names the line.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "hookctl/util/result.hpp"

namespace hookctl::util::toml {

// A value as read. `text` is the decoded string, the integer or float as written without `_` and
// a leading `+`, or "true"/"false"; `items` holds an array's values.
struct Value {
  enum class Type { string, integer, floating, boolean, array };
  Type type = Type::string;
  std::string text;
  std::vector<Value> items;

  bool operator==(const Value&) const = default;
};

// One `key = value`: the table it is in (the header's parts, then the key's dotted prefix), its
// last key part, and the line it starts on (1-based).
struct Entry {
  std::vector<std::string> table;
  std::string key;
  Value value;
  size_t line = 0;
};

// A parsed file: its entries in file order, and every table header with its line.
struct Document {
  std::vector<Entry> entries;
  struct Header {
    std::vector<std::string> table;
    size_t line = 0;
  };
  std::vector<Header> headers;
};

// Parses `text`; errors are Errc::input, one line, "NAME:LINE: what" (`name` is the file's name as
// the user would know it). Never throws.
Result<Document> parse(std::string_view text, std::string_view name);

// `value` written as TOML (strings quoted and escaped), so that parse reads it back equal.
std::string to_toml(const Value& value);

// `parts` joined with dots, each part quoted when it is not a bare key.
std::string dotted(const std::vector<std::string>& parts);

} // namespace hookctl::util::toml
