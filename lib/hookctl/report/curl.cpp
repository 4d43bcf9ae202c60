#include "hookctl/report/curl.hpp"

#include <fmt/format.h>

#include "hookctl/util/strings.hpp"

namespace hookctl::report {

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  out += "'";
  return out;
}

std::string curl_command(std::string_view method, std::string_view url, const util::Headers& headers,
                         std::string_view body) {
  std::string cmd;
  bool text = util::is_printable_utf8(body);
  if (!text) {
    // A shell argument cannot hold NUL bytes, so the body goes through printf and stdin.
    std::string escaped;
    for (unsigned char c : body) escaped += fmt::format("\\{:03o}", c);
    cmd += "printf '" + escaped + "' | ";
  }
  cmd += "curl -sS -X " + shell_quote(method) + " " + shell_quote(url);
  for (const auto& [name, value] : headers.fields()) cmd += " -H " + shell_quote(name + ": " + value);
  // A GET or HEAD without a body stays one: --data-binary '' would add a form Content-Type.
  if (body.empty() && (method == "GET" || method == "HEAD")) return cmd;
  if (text)
    cmd += " --data-binary " + shell_quote(body);
  else
    cmd += " --data-binary @-";
  return cmd;
}

} // namespace hookctl::report
