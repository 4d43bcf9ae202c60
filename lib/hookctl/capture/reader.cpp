#include "hookctl/capture/reader.hpp"

#include <istream>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "hookctl/capture/har.hpp"

namespace hookctl::capture {
namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

} // namespace

SourceFormat detect_format(std::string_view head) {
  size_t i = 0;
  if (head.starts_with("\xEF\xBB\xBF")) i = 3; // a UTF-8 byte order mark, as some exporters write
  while (i < head.size() && space(head[i])) ++i;
  if (i >= head.size() || head[i] != '{') return SourceFormat::capture;
  ++i;
  while (i < head.size() && space(head[i])) ++i;
  return head.substr(i).starts_with("\"log\"") ? SourceFormat::har : SourceFormat::capture;
}

Result<void> read_events(std::istream& in, const std::string& name, const EventHandler& on_event,
                         const InvalidHandler& on_invalid, const std::function<Record()>& recycle) {
  // Peek enough of the start to see the first key, then put it back for the reader.
  std::string head(256, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  in.clear();
  const SourceFormat format = detect_format(head);
  // Re-read from the start: a regular file seeks; a pipe is read through a chain of the peeked
  // bytes and the rest.
  if (format == SourceFormat::har) {
    struct Chain : std::streambuf {
      Chain(std::string h, std::istream& rest) : m_head(std::move(h)), m_rest(rest) {
        setg(m_head.data(), m_head.data(), m_head.data() + m_head.size());
      }
      int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        m_rest.read(m_buf, sizeof m_buf);
        const auto n = m_rest.gcount();
        if (n <= 0) return traits_type::eof();
        setg(m_buf, m_buf, m_buf + n);
        return traits_type::to_int_type(*gptr());
      }
      std::string m_head;
      std::istream& m_rest;
      char m_buf[64 * 1024];
    };
    auto chain = std::make_unique<Chain>(head, in);
    std::istream whole(chain.get());
    std::optional<Error> stopped;
    auto result = read_har(whole, [&](Result<Record> entry, size_t index) -> Result<bool> {
      if (!entry) {
        Error e{Errc::input, fmt::format("{}: entry {}: {}", name, index, entry.error().message)};
        if (on_invalid && on_invalid(e)) return true;
        stopped = e;
        return false;
      }
      return on_event(std::move(*entry), fmt::format("{}: entry {}", name, index));
    });
    if (stopped) return *stopped;
    if (!result) return make_error(Errc::input, fmt::format("{}: {}", name, result.error().message));
    return {};
  }

  // JSON Lines: the peeked bytes start the first line.
  std::string pending = std::move(head);
  uint64_t number = 0;
  std::string where;
  auto handle = [&](std::string_view text) -> std::optional<Result<void>> {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) return std::nullopt;
    Record record = recycle ? recycle() : Record{};
    if (auto parsed = parse_line_into(text, record); !parsed) {
      Error e{Errc::input, fmt::format("{}:{}: {}", name, number, parsed.error().message)};
      const bool version = parsed.error().message.starts_with("unsupported capture version");
      if (!version && on_invalid && on_invalid(e)) return std::nullopt;
      return Result<void>(e);
    }
    where.clear();
    fmt::format_to(std::back_inserter(where), "{}:{}", name, number); // reused: no allocation per line
    if (!on_event(std::move(record), where)) return Result<void>();
    return std::nullopt;
  };
  // The lines wholly inside the peeked bytes, then the rest of the stream one line at a time (so a
  // live pipe is replayed as it is written), into one reused buffer.
  size_t start = 0;
  for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (auto done = handle(std::string_view(pending).substr(start, nl - start))) return *done;
  }
  pending.erase(0, start);
  std::string line;
  while (std::getline(in, line)) {
    if (!pending.empty()) {
      pending += line;
      line.swap(pending);
      pending.clear();
    }
    if (auto done = handle(line)) return *done;
  }
  if (!pending.empty()) {
    if (auto done = handle(pending)) return *done;
  }
  return {};
}

} // namespace hookctl::capture
