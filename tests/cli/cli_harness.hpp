#pragma once
// Runs hookctl's command line in process against string streams and a fixed clock.

#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "cli.hpp"

namespace testing {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

// The fixed "now" of every CLI test.
inline constexpr int64_t k_now = 1700000000;

// Runs `args` with `stdin_text` on stdin; the clock reads k_now and randomness is a counter.
inline Run run(const std::vector<std::string>& args, const std::string& stdin_text = "") {
  std::ostringstream out, err;
  std::istringstream in(stdin_text);
  hookctl::app::Context ctx;
  ctx.out = &out;
  ctx.err = &err;
  ctx.in = &in;
  ctx.now = [] { return k_now; };
  auto counter = std::make_shared<unsigned>(0);
  ctx.random = [counter](size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>((*counter)++ * 37 + 11);
    return s;
  };
  ctx.getenv = [](const std::string&) { return std::nullopt; };
  Run r;
  r.code = hookctl::app::run_cli(args, ctx);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// Lines of `text` without the trailing newline.
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

} // namespace testing
