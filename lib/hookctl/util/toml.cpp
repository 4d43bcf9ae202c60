#include "hookctl/util/toml.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "hookctl/util/strings.hpp"

namespace hookctl::util::toml {
namespace {

bool bare_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool digit(char c) { return c >= '0' && c <= '9'; }

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The parser state: the text, the position, the current line; every method reports its failure
// through `fail` and returns false.
class Parser {
public:
  Parser(std::string_view text, std::string_view name) : m_text(text), m_name(name) {}

  Result<Document> run() {
    // A UTF-8 byte order mark (as some Windows editors write) is not part of the text.
    if (m_text.starts_with("\xEF\xBB\xBF")) m_pos = 3;
    if (!util::is_printable_utf8(m_text)) {
      size_t line = 1;
      for (auto piece : util::split(m_text, '\n')) {
        if (!util::is_printable_utf8(piece)) break;
        ++line;
      }
      return make_error(Errc::input, fmt::format("{}:{}: not UTF-8 text", m_name, line));
    }
    std::map<std::string, size_t> values;  // full key path -> line
    std::map<std::string, size_t> headers; // table path -> line of its header
    std::map<std::string, size_t> tables;  // every table path that exists (prefixes included)
    std::vector<std::string> current;
    while (m_pos < m_text.size()) {
      skip_blank();
      if (at_end_of_line()) {
        if (!end_line()) return error();
        continue;
      }
      const size_t line = m_line;
      if (peek() == '[') {
        ++m_pos;
        if (peek() == '[') return fail("arrays of tables ([[...]]) are not supported"), error();
        skip_blank();
        std::vector<std::string> parts;
        if (!key_path(parts)) return error();
        skip_blank();
        if (peek() != ']') return fail("expected ']' to close the table header"), error();
        ++m_pos;
        skip_blank();
        if (!end_line()) return error();
        const std::string joined = join(parts);
        if (auto v = values.find(joined); v != values.end())
          return fail(fmt::format("table [{}] was defined as a value on line {}", dotted(parts), v->second), line),
                 error();
        if (auto h = headers.find(joined); h != headers.end())
          return fail(fmt::format("table [{}] defined twice (first on line {})", dotted(parts), h->second), line),
                 error();
        headers[joined] = line;
        for (size_t n = 1; n <= parts.size(); ++n) tables.emplace(join({parts.begin(), parts.begin() + n}), line);
        current = parts;
        m_doc.headers.push_back({parts, line});
        continue;
      }
      std::vector<std::string> parts;
      if (!key_path(parts)) return error();
      skip_blank();
      if (peek() != '=') return fail(fmt::format("expected '=' after key '{}'", dotted(parts))), error();
      ++m_pos;
      skip_blank();
      Entry entry;
      entry.line = line;
      m_key = dotted(parts);
      if (!value(entry.value)) return error();
      m_key.clear();
      skip_blank();
      if (!end_line()) return error();
      entry.table = current;
      entry.table.insert(entry.table.end(), parts.begin(), parts.end() - 1);
      entry.key = parts.back();
      std::vector<std::string> full = entry.table;
      full.push_back(entry.key);
      const std::string joined = join(full);
      if (auto v = values.find(joined); v != values.end())
        return fail(fmt::format("key '{}' defined twice (first on line {})", dotted(full), v->second), line), error();
      if (auto t = tables.find(joined); t != tables.end())
        return fail(fmt::format("key '{}' is already a table (line {})", dotted(full), t->second), line), error();
      for (size_t n = 1; n < full.size(); ++n) {
        const std::string prefix = join({full.begin(), full.begin() + n});
        if (auto v = values.find(prefix); v != values.end())
          return fail(fmt::format("key '{}' is a value (line {}), not a table",
                                  dotted({full.begin(), full.begin() + n}), v->second),
                      line),
                 error();
        tables.emplace(prefix, line);
      }
      values[joined] = line;
      m_doc.entries.push_back(std::move(entry));
    }
    return std::move(m_doc);
  }

private:
  std::string_view m_text;
  std::string_view m_name;
  size_t m_pos = 0;
  size_t m_line = 1;
  size_t m_depth = 0; // arrays being read
  std::string m_key;  // the key whose value is being read, for error messages
  static constexpr size_t k_max_depth = 32;
  std::string m_error;
  Document m_doc;

  static std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
      out += p;
      out += '\x1f'; // cannot appear in a key: control characters are refused
    }
    return out;
  }

  char peek(size_t ahead = 0) const { return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0'; }
  bool more() const { return m_pos < m_text.size(); }

  void fail(std::string_view what, size_t line = 0) {
    if (!m_error.empty()) return;
    m_error = m_key.empty() ? fmt::format("{}:{}: {}", m_name, line == 0 ? m_line : line, what)
                            : fmt::format("{}:{}: key '{}': {}", m_name, line == 0 ? m_line : line, m_key, what);
  }
  Error error() const { return make_error(Errc::input, m_error); }

  void skip_blank() {
    while (more() && (peek() == ' ' || peek() == '\t')) ++m_pos;
  }
  bool at_end_of_line() const {
    return !more() || peek() == '\n' || peek() == '#' || (peek() == '\r' && peek(1) == '\n');
  }
  // Consumes an optional comment and the line end; anything else is an error.
  bool end_line() {
    if (more() && peek() == '#') {
      while (more() && peek() != '\n') {
        const char c = peek();
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
          return fail("control character in a comment"), false;
        if (c == '\r' && peek(1) != '\n') return fail("bare carriage return"), false;
        ++m_pos;
      }
    }
    if (!more()) return true;
    if (peek() == '\r' && peek(1) == '\n') ++m_pos;
    if (peek() == '\n') {
      ++m_pos;
      ++m_line;
      return true;
    }
    return fail(fmt::format("unexpected '{}' after the value (one key = value per line)", printable(peek()))), false;
  }

  static std::string printable(char c) {
    if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f) return std::string(1, c);
    return fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
  }

  bool key_path(std::vector<std::string>& parts) {
    for (;;) {
      std::string part;
      if (!key_part(part)) return false;
      parts.push_back(std::move(part));
      skip_blank();
      if (peek() != '.') return true;
      ++m_pos;
      skip_blank();
    }
  }

  bool key_part(std::string& out) {
    if (peek() == '"') {
      if (peek(1) == '"' && peek(2) == '"') return fail("a key cannot be a multi-line string"), false;
      return basic_string(out);
    }
    if (peek() == '\'') {
      if (peek(1) == '\'' && peek(2) == '\'') return fail("a key cannot be a multi-line string"), false;
      return literal_string(out);
    }
    const size_t start = m_pos;
    while (more() && bare_char(peek())) ++m_pos;
    if (m_pos == start) {
      if (!more() || peek() == '\n') return fail("expected a key"), false;
      return fail(fmt::format("unexpected '{}' where a key should be", printable(peek()))), false;
    }
    out.assign(m_text.substr(start, m_pos - start));
    return true;
  }

  bool value(Value& out) {
    const char c = peek();
    if (c == '"') {
      out.type = Value::Type::string;
      return peek(1) == '"' && peek(2) == '"' ? multiline_basic(out.text) : basic_string(out.text);
    }
    if (c == '\'') {
      out.type = Value::Type::string;
      return peek(1) == '\'' && peek(2) == '\'' ? multiline_literal(out.text) : literal_string(out.text);
    }
    if (c == '[') return array(out);
    if (c == '{') return fail("inline tables ({...}) are not supported; use a [table] section"), false;
    const size_t start = m_pos;
    while (more() && (bare_char(peek()) || peek() == '.' || peek() == '+' || peek() == ':')) ++m_pos;
    const std::string_view word = m_text.substr(start, m_pos - start);
    if (word == "true" || word == "false") {
      out.type = Value::Type::boolean;
      out.text = std::string(word);
      return true;
    }
    if (word.empty()) {
      if (!more() || peek() == '\n' || peek() == '#') return fail("expected a value after '='"), false;
      return fail(fmt::format("unexpected '{}' where a value should be", printable(peek()))), false;
    }
    return number(word, out);
  }

  // Decimal integers and floats, with `_` between digits; other forms are named in the error.
  bool number(std::string_view word, Value& out) {
    const std::string shown = std::string(word.substr(0, 40));
    std::string_view body = word;
    std::string text;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
      if (body[0] == '-') text += '-';
      body.remove_prefix(1);
    }
    if (body == "inf" || body == "nan") {
      out.type = Value::Type::floating;
      out.text = text + std::string(body);
      return true;
    }
    if (body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o' || body[1] == 'b'))
      return fail(fmt::format("'{}': only decimal numbers are supported", shown)), false;
    bool is_float = false;
    bool seen_exp = false;
    char prev = '\0';
    size_t int_digits = 0;
    bool in_int = true;
    for (size_t i = 0; i < body.size(); ++i) {
      const char c = body[i];
      if (digit(c)) {
        if (in_int) ++int_digits;
        text += c;
      } else if (c == '_') {
        if (!digit(prev) || i + 1 >= body.size() || !digit(body[i + 1]))
          return fail(fmt::format("'{}' is not a value (quote strings: \"...\")", shown)), false;
      } else if (c == '.' && !is_float && !seen_exp && digit(prev) && i + 1 < body.size() && digit(body[i + 1])) {
        is_float = true;
        in_int = false;
        text += c;
      } else if ((c == 'e' || c == 'E') && !seen_exp && digit(prev)) {
        seen_exp = true;
        is_float = true;
        in_int = false;
        text += 'e';
        if (i + 1 < body.size() && (body[i + 1] == '+' || body[i + 1] == '-')) text += body[++i];
        if (i + 1 >= body.size() || !digit(body[i + 1]))
          return fail(fmt::format("'{}' is not a value (quote strings: \"...\")", shown)), false;
      } else {
        if (c == '-' || c == ':')
          return fail(fmt::format("'{}': dates and times are not supported (quote it as a string)", shown)), false;
        return fail(fmt::format("'{}' is not a value (quote strings: \"...\")", shown)), false;
      }
      prev = c;
    }
    if (int_digits == 0) return fail(fmt::format("'{}' is not a value (quote strings: \"...\")", shown)), false;
    if (int_digits > 1 && body[0] == '0') return fail(fmt::format("'{}': leading zeros are not allowed", shown)), false;
    out.type = is_float ? Value::Type::floating : Value::Type::integer;
    if (!is_float) {
      long long n = 0;
      if (!util::parse_int64(text, n)) return fail(fmt::format("'{}' is out of range", shown)), false;
    }
    out.text = std::move(text);
    return true;
  }

  bool array(Value& out) {
    out.type = Value::Type::array;
    ++m_pos; // '['
    if (++m_depth > k_max_depth) return fail("arrays nested too deep"), false;
    struct Leave {
      size_t& depth;
      ~Leave() { --depth; }
    } leave{m_depth};
    for (;;) {
      if (!skip_array_space()) return false;
      if (peek() == ']') {
        ++m_pos;
        return true;
      }
      Value item;
      if (!value(item)) return false;
      out.items.push_back(std::move(item));
      if (!skip_array_space()) return false;
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      if (peek() == ']') {
        ++m_pos;
        return true;
      }
      if (!more()) return fail("unterminated array (expected ']')"), false;
      return fail(fmt::format("expected ',' or ']' in an array, not '{}'", printable(peek()))), false;
    }
  }

  // Spaces, newlines and comments inside an array.
  bool skip_array_space() {
    for (;;) {
      skip_blank();
      if (!more()) return fail("unterminated array (expected ']')"), false;
      if (peek() == '#' || peek() == '\n' || peek() == '\r') {
        if (!end_line()) return false;
        continue;
      }
      return true;
    }
  }

  bool escape(std::string& out) {
    ++m_pos; // backslash
    const char c = peek();
    ++m_pos;
    switch (c) {
    case 'b': out += '\b'; return true;
    case 't': out += '\t'; return true;
    case 'n': out += '\n'; return true;
    case 'f': out += '\f'; return true;
    case 'r': out += '\r'; return true;
    case '"': out += '"'; return true;
    case '\\': out += '\\'; return true;
    case 'u':
    case 'U': {
      const size_t n = c == 'u' ? 4 : 8;
      uint32_t cp = 0;
      for (size_t i = 0; i < n; ++i) {
        const char h = peek();
        int v = -1;
        if (h >= '0' && h <= '9') v = h - '0';
        if (h >= 'a' && h <= 'f') v = h - 'a' + 10;
        if (h >= 'A' && h <= 'F') v = h - 'A' + 10;
        if (v < 0) return fail(fmt::format("\\{} needs {} hex digits", c, n)), false;
        cp = cp * 16 + static_cast<uint32_t>(v);
        ++m_pos;
      }
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
        return fail(fmt::format("\\{} escape is not a Unicode scalar value", c)), false;
      append_utf8(out, cp);
      return true;
    }
    default: return fail(fmt::format("unknown escape \\{} in a string", printable(c))), false;
    }
  }

  bool string_char_ok(char c) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return fail("control character in a string (use an escape)"), false;
    return true;
  }

  bool basic_string(std::string& out) {
    ++m_pos; // '"'
    for (;;) {
      if (!more() || peek() == '\n') return fail("unterminated string (a \" is missing)"), false;
      const char c = peek();
      if (c == '"') {
        ++m_pos;
        return true;
      }
      if (c == '\\') {
        if (!escape(out)) return false;
        continue;
      }
      if (!string_char_ok(c)) return false;
      out += c;
      ++m_pos;
    }
  }

  bool literal_string(std::string& out) {
    ++m_pos; // '\''
    for (;;) {
      if (!more() || peek() == '\n') return fail("unterminated string (a ' is missing)"), false;
      const char c = peek();
      if (c == '\'') {
        ++m_pos;
        return true;
      }
      if (!string_char_ok(c)) return false;
      out += c;
      ++m_pos;
    }
  }

  // A newline inside a multi-line string: counted, and kept as '\n'.
  bool newline_in_string(std::string& out, bool keep) {
    if (peek() == '\r') {
      if (peek(1) != '\n') return fail("bare carriage return in a string"), false;
      ++m_pos;
    }
    ++m_pos;
    ++m_line;
    if (keep) out += '\n';
    return true;
  }

  bool multiline_basic(std::string& out) {
    m_pos += 3;
    if (peek() == '\n' || (peek() == '\r' && peek(1) == '\n'))
      if (!newline_in_string(out, false)) return false;
    for (;;) {
      if (!more()) return fail("unterminated multi-line string (\"\"\" is missing)"), false;
      const char c = peek();
      if (c == '"' && peek(1) == '"' && peek(2) == '"') {
        m_pos += 3;
        // Up to two quotes right before the closing ones belong to the string.
        for (int i = 0; i < 2 && peek() == '"'; ++i, ++m_pos) out += '"';
        return true;
      }
      if (c == '\n' || c == '\r') {
        if (!newline_in_string(out, true)) return false;
        continue;
      }
      if (c == '\\') {
        // A backslash at the end of a line joins the next non-blank text.
        size_t p = m_pos + 1;
        while (p < m_text.size() && (m_text[p] == ' ' || m_text[p] == '\t')) ++p;
        if (p < m_text.size() && (m_text[p] == '\n' || m_text[p] == '\r')) {
          m_pos = p;
          while (more() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
            if (peek() == '\n' || peek() == '\r') {
              if (!newline_in_string(out, false)) return false;
            } else {
              ++m_pos;
            }
          }
          continue;
        }
        if (!escape(out)) return false;
        continue;
      }
      if (!string_char_ok(c)) return false;
      out += c;
      ++m_pos;
    }
  }

  bool multiline_literal(std::string& out) {
    m_pos += 3;
    if (peek() == '\n' || (peek() == '\r' && peek(1) == '\n'))
      if (!newline_in_string(out, false)) return false;
    for (;;) {
      if (!more()) return fail("unterminated multi-line string (''' is missing)"), false;
      const char c = peek();
      if (c == '\'' && peek(1) == '\'' && peek(2) == '\'') {
        m_pos += 3;
        for (int i = 0; i < 2 && peek() == '\''; ++i, ++m_pos) out += '\'';
        return true;
      }
      if (c == '\n' || c == '\r') {
        if (!newline_in_string(out, true)) return false;
        continue;
      }
      if (!string_char_ok(c)) return false;
      out += c;
      ++m_pos;
    }
  }
};

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04X}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

} // namespace

Result<Document> parse(std::string_view text, std::string_view name) {
  try {
    return Parser(text, name).run();
  } catch (const std::exception& e) { // allocation failure on absurd input: still one line
    return make_error(Errc::input, fmt::format("{}: cannot read: {}", name, e.what()));
  }
}

std::string to_toml(const Value& value) {
  switch (value.type) {
  case Value::Type::string: return quote(value.text);
  case Value::Type::array: {
    std::string out = "[";
    for (size_t i = 0; i < value.items.size(); ++i) {
      if (i > 0) out += ", ";
      out += to_toml(value.items[i]);
    }
    return out + "]";
  }
  default: return value.text;
  }
}

std::string dotted(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '.';
    const bool bare = !p.empty() && std::all_of(p.begin(), p.end(), bare_char);
    out += bare ? p : quote(p);
  }
  return out;
}

} // namespace hookctl::util::toml
