#include "hookctl/capture/reader.hpp"

#include <istream>
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
                         const InvalidHandler& on_invalid) {
  // Peek enough of the start to see the first key, then put it back for the reader.
  std::string head(256, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  in.clear();
  const SourceFormat format = detect_format(head);
  // Re-read from the start: a regular file seeks; a pipe is read through a chain of the peeked
  // bytes and the rest.
  std::string line;
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
  auto handle = [&](std::string_view text) -> std::optional<Result<void>> {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) return std::nullopt;
    auto record = parse_line(text);
    if (!record) {
      Error e{Errc::input, fmt::format("{}:{}: {}", name, number, record.error().message)};
      const bool version = record.error().message.starts_with("unsupported capture version");
      if (!version && on_invalid && on_invalid(e)) return std::nullopt;
      return Result<void>(e);
    }
    if (!on_event(std::move(*record), fmt::format("{}:{}", name, number))) return Result<void>();
    return std::nullopt;
  };
  for (;;) {
    const size_t nl = pending.find('\n');
    if (nl != std::string::npos) {
      if (auto done = handle(std::string_view(pending).substr(0, nl))) return *done;
      pending.erase(0, nl + 1);
      continue;
    }
    std::string more;
    if (!std::getline(in, more)) break;
    pending += more;
    if (!in.eof()) pending += '\n';
  }
  if (!pending.empty()) {
    if (auto done = handle(pending)) return *done;
  }
  return {};
}

} // namespace hookctl::capture
