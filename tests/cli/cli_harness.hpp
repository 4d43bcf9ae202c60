#pragma once
// Runs hookctl's command line in process against string streams and a fixed clock.

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
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

// A context on the given streams whose clock reads k_now and whose randomness is a counter,
// distinct for every call (so fresh ids differ); no transport and no sleep.
inline hookctl::app::Context test_context(std::ostream& out, std::ostream& err, std::istream& in) {
  hookctl::app::Context ctx;
  ctx.out = &out;
  ctx.err = &err;
  ctx.in = &in;
  ctx.now = [] { return k_now; };
  auto counter = std::make_shared<std::atomic<uint64_t>>(0); // load runs call it from several threads
  ctx.random = [counter](size_t n) {
    uint64_t v = (*counter)++;
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((v >> (8 * (i % 8))) ^ (i * 31 + 7));
    return s;
  };
  ctx.getenv = [](const std::string&) { return std::nullopt; };
  return ctx;
}

// `args` joined with spaces, for CAPTURE in table-driven cases.
inline std::string command_line(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += a + " ";
  return out;
}

// Every run of the CLI tests is checked for secrets on stdout and stderr: the values given to
// --secret, --private-key and --verify-token (and HOOKCTL_SECRET, HOOKCTL_PRIVATE_KEY), when 8
// characters or longer. keygen prints what it makes and sign -p gitlab prints the token, so those
// two are not checked.
inline void check_no_secret(const std::vector<std::string>& args, const hookctl::app::Context& ctx, const Run& r) {
  std::vector<std::string> secrets;
  const std::vector<std::string> flags = {"--secret", "--private-key", "--verify-token"};
  bool exempt = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "keygen" || (args[i] == "sign" && std::find(args.begin(), args.end(), "gitlab") != args.end()))
      exempt = true;
    for (const auto& f : flags) {
      if (args[i] == f && i + 1 < args.size()) secrets.push_back(args[i + 1]);
      if (args[i].starts_with(f + "=")) secrets.push_back(args[i].substr(f.size() + 1));
    }
  }
  if (ctx.getenv)
    for (const char* name : {"HOOKCTL_SECRET", "HOOKCTL_PRIVATE_KEY"})
      if (auto v = ctx.getenv(name)) secrets.push_back(*v);
  if (exempt) return;
  for (const auto& s : secrets) {
    if (s.size() < 8 || s.starts_with("@")) continue;
    INFO("a secret was printed: " << command_line(args));
    CHECK(r.out.find(s) == std::string::npos);
    CHECK(r.err.find(s) == std::string::npos);
  }
}

// Runs `args` against `ctx` (built on `out` and `err`) and collects what it printed.
inline Run run_with(hookctl::app::Context& ctx, const std::ostringstream& out, const std::ostringstream& err,
                    const std::vector<std::string>& args) {
  Run r;
  r.code = hookctl::app::run_cli(args, ctx);
  r.out = out.str();
  r.err = err.str();
  check_no_secret(args, ctx, r);
  return r;
}

// Runs `args` with `stdin_text` on stdin in a test_context.
inline Run run(const std::vector<std::string>& args, const std::string& stdin_text = "") {
  std::ostringstream out, err;
  std::istringstream in(stdin_text);
  auto ctx = test_context(out, err, in);
  return run_with(ctx, out, err, args);
}

// Runs `args` with the environment `env` (name, value pairs; nothing else is set).
inline Run run_env(const std::vector<std::string>& args, std::vector<std::pair<std::string, std::string>> env,
                   const std::string& stdin_text = "") {
  std::ostringstream out, err;
  std::istringstream in(stdin_text);
  auto ctx = test_context(out, err, in);
  ctx.env_names = [env] {
    std::vector<std::string> names;
    for (const auto& kv : env) names.push_back(kv.first);
    return names;
  };
  ctx.getenv = [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    for (const auto& [k, v] : env)
      if (k == name) return v;
    return std::nullopt;
  };
  return run_with(ctx, out, err, args);
}

// The whole content of the file `p` (empty when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Lines of `text` without the trailing newline.
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

} // namespace testing
