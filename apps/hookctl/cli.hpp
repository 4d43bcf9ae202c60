#pragma once
// The command-line front end: builds the CLI11 model and runs a command line against a Context.

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace hookctl::app {

// The CLI11 model of every command plus what runs the chosen one; `build_cli()` is the one source
// of command names, options and descriptions (docgen and completions walk it).
class Cli {
public:
  explicit Cli(Context& ctx);
  ~Cli();
  Cli(const Cli&) = delete;
  Cli& operator=(const Cli&) = delete;

  // The CLI11 root app.
  CLI::App& app();

  // Parses `args` (without the program name) and runs the chosen command; returns the exit code
  // of CLI.md. Never throws.
  int run(const std::vector<std::string>& args);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Runs one command line `args` (without the program name) against `ctx`; returns the exit code.
int run_cli(const std::vector<std::string>& args, Context& ctx);

} // namespace hookctl::app
