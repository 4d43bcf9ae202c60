#include "hookctl/report/junit.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "hookctl/util/strings.hpp"

namespace hookctl::report {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n')
          out += "\xEF\xBF\xBD";
        else
          out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: copied when it is valid UTF-8, else replaced byte by byte.
    const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len > 1 && i + len <= text.size() && util::is_printable_utf8(text.substr(i, len))) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

Result<std::unique_ptr<JunitWriter>> JunitWriter::open(std::string path, std::string suite) {
  std::FILE* f = std::tmpfile();
  if (!f) return make_error(Errc::environment, fmt::format("cannot make a temporary file: {}", std::strerror(errno)));
  return std::unique_ptr<JunitWriter>(new JunitWriter(std::move(path), std::move(suite), f));
}

JunitWriter::JunitWriter(std::string path, std::string suite, std::FILE* cases)
    : m_path(std::move(path)), m_suite(std::move(suite)), m_cases(cases) {}

JunitWriter::~JunitWriter() {
  if (m_cases) std::fclose(m_cases);
}

void JunitWriter::add(const JunitCase& c) {
  ++m_tests;
  std::string xml = fmt::format(R"(  <testcase name="{}" classname="{}" time="{:.3f}")", xml_escape(c.name),
                                xml_escape(c.classname), c.seconds);
  if (c.skipped) {
    ++m_skipped;
    xml += fmt::format(">\n    <skipped message=\"{}\"/>\n  </testcase>\n", xml_escape(c.failure.value_or("")));
  } else if (c.failure) {
    ++m_failures;
    xml += fmt::format(">\n    <failure message=\"{}\" type=\"mismatch\">{}</failure>\n  </testcase>\n",
                       xml_escape(*c.failure), xml_escape(c.details));
  } else if (!c.details.empty()) {
    xml += fmt::format(">\n    <system-out>{}</system-out>\n  </testcase>\n", xml_escape(c.details));
  } else {
    xml += "/>\n";
  }
  std::fwrite(xml.data(), 1, xml.size(), m_cases);
}

Result<void> JunitWriter::finish(double total_seconds) {
  std::ofstream out(m_path, std::ios::binary | std::ios::trunc);
  if (!out) return make_error(Errc::environment, fmt::format("cannot write {}: {}", m_path, std::strerror(errno)));
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  out << fmt::format(R"(<testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}" time="{:.3f}">)",
                     xml_escape(m_suite), m_tests, m_failures, m_skipped, total_seconds)
      << "\n";
  std::fflush(m_cases);
  std::rewind(m_cases);
  char buf[64 * 1024];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, m_cases)) > 0) out.write(buf, static_cast<std::streamsize>(n));
  out << "</testsuite>\n</testsuites>\n";
  out.flush();
  if (!out) return make_error(Errc::environment, fmt::format("cannot write {}", m_path));
  return {};
}

} // namespace hookctl::report
