#include "cli.hpp"

#include <fmt/format.h>

#include "commands.hpp"
#include "docs.hpp"
#include "hookctl/crypto/crypto.hpp"
#include "hookctl/http/version.hpp"

#ifndef HOOKCTL_VERSION
#define HOOKCTL_VERSION "0.0.0"
#endif
#ifndef HOOKCTL_COMMIT
#define HOOKCTL_COMMIT "unknown"
#endif

namespace hookctl::app {
namespace {

// The exit codes of CLI.md, in one place.
int exit_code(Errc code) {
  switch (code) {
  case Errc::usage:
  case Errc::input: return 2;
  case Errc::environment: return 3;
  case Errc::negative: return 1;
  case Errc::internal: return 70;
  }
  return 70;
}

std::string version_text() {
  return fmt::format("hookctl {} (commit {})\n{}\ncpp-httplib {}", HOOKCTL_VERSION, HOOKCTL_COMMIT,
                     crypto::openssl_version(), http::httplib_version());
}

} // namespace

struct Cli::Impl {
  explicit Impl(Context& c) : ctx(c) {}
  Context& ctx;
  Globals globals;
  CLI::App app{"hookctl: sign, send, receive, replay and fuzz webhooks, offline", "hookctl"};
  std::vector<Command> commands;
};

Cli::Cli(Context& ctx) : m_impl(std::make_unique<Impl>(ctx)) {
  auto& app = m_impl->app;
  auto& g = m_impl->globals;
  app.set_version_flag("--version", version_text, "Print version, commit, OpenSSL and cpp-httplib versions");
  app.add_flag("--no-color", g.no_color, "Never use colors");
  app.add_flag("-q,--quiet", g.quiet, "Print only results and errors");
  app.add_flag("-v,--verbose", g.verbose, "Print more detail");
  app.require_subcommand(1);
  app.fallthrough(); // global flags also work after the subcommand
  app.footer(help_footer("") + "Run 'hookctl <command> --help' for a command's options.\n");
  m_impl->commands.push_back(register_providers(app, g, ctx));
  m_impl->commands.push_back(register_sign(app, g, ctx));
  m_impl->commands.push_back(register_verify(app, g, ctx));
  m_impl->commands.push_back(register_keygen(app, g, ctx));
  m_impl->commands.push_back(register_completion(app, g, ctx));
  m_impl->commands.push_back(register_man(app, g, ctx));
}

Cli::~Cli() = default;

CLI::App& Cli::app() { return m_impl->app; }

int Cli::run(const std::vector<std::string>& args) {
  auto& ctx = m_impl->ctx;
  auto& app = m_impl->app;
  try {
    std::vector<const char*> argv{"hookctl"};
    for (const auto& a : args) argv.push_back(a.c_str());
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e, *ctx.out, *ctx.err);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e, *ctx.out, *ctx.err);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e, *ctx.out, *ctx.err);
    } catch (const CLI::ParseError& e) {
      // CLI11 would exit with 100-114; CLI.md says usage errors are 2.
      std::string where;
      for (const auto* sub : app.get_subcommands()) where = sub->get_name();
      *ctx.err << fmt::format("hookctl: error: {}\nhint: run 'hookctl {}--help'\n", e.what(),
                              where.empty() ? "" : where + " ");
      return 2;
    }
    for (const auto& cmd : m_impl->commands) {
      if (!cmd.app->parsed()) continue;
      auto result = cmd.run();
      if (!result) {
        *ctx.err << fmt::format("hookctl: error: {}\n", result.error().message);
        return exit_code(result.error().code);
      }
      return *result;
    }
    *ctx.err << "hookctl: error: no command given\nhint: run 'hookctl --help'\n";
    return 2;
  } catch (const std::exception& e) {
    *ctx.err << fmt::format("hookctl: internal error: {}\n", e.what());
    return 70;
  }
}

int run_cli(const std::vector<std::string>& args, Context& ctx) {
  try {
    Cli cli(ctx);
    return cli.run(args);
  } catch (const std::exception& e) {
    *ctx.err << fmt::format("hookctl: internal error: {}\n", e.what());
    return 70;
  }
}

} // namespace hookctl::app
