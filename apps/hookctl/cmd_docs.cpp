// `hookctl completion SHELL` and `hookctl man [COMMAND] [--out DIR]`.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "docgen.hpp"
#include "docs.hpp"

namespace hookctl::app {

Command register_completion(CLI::App& root, Globals& g, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand("completion", "Print a shell completion script (bash, zsh or fish)");
  cmd->add_option("shell", *shell, "The shell")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  cmd->add_flag("--json", g.json, "Print {\"shell\":...,\"script\":...}");
  cmd->footer(help_footer("completion"));
  return {cmd, [shell, &root, &ctx, &g]() -> Result<int> {
            HOOKCTL_TRY_ASSIGN(std::string script, docgen::completion(root, *shell));
            if (g.json)
              *ctx.out << json_line({{"shell", *shell}, {"script", script}}) << "\n";
            else
              *ctx.out << script;
            return 0;
          }};
}

Command register_man(CLI::App& root, Globals& g, Context& ctx) {
  struct Flags {
    std::string command;
    std::string out;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = root.add_subcommand("man", "Print a man page, or write them all with --out");
  cmd->add_option("command", f->command, "The command whose page to print (default: hookctl(1))");
  cmd->add_option("--out", f->out, "Write hookctl.1 and every hookctl-COMMAND.1 into DIR")->type_name("DIR");
  cmd->add_flag("--json", g.json, "Print {\"name\":...,\"page\":...}, or with --out {\"written\":[paths]}");
  cmd->footer(help_footer("man"));
  return {cmd, [f, &root, &ctx, &g]() -> Result<int> {
            if (f->out.empty()) {
              HOOKCTL_TRY_ASSIGN(std::string page, docgen::man_page(root, f->command));
              if (g.json)
                *ctx.out << json_line({{"name", f->command.empty() ? "hookctl.1" : "hookctl-" + f->command + ".1"},
                                       {"page", page}})
                         << "\n";
              else
                *ctx.out << page;
              return 0;
            }
            std::vector<std::string> written;
            std::error_code ec;
            std::filesystem::create_directories(f->out, ec);
            for (const auto& [name, content] : docgen::man_pages(root)) {
              auto path = std::filesystem::path(f->out) / name;
              std::ofstream file(path, std::ios::binary | std::ios::trunc);
              if (!(file << content) || !file.flush())
                return make_error(Errc::environment,
                                  fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
              written.push_back(path.string());
            }
            if (g.json)
              *ctx.out << json_line({{"written", written}}) << "\n";
            else if (!g.quiet)
              *ctx.err << fmt::format("hookctl: wrote {} pages into {}\n", written.size(), f->out);
            return 0;
          }};
}

} // namespace hookctl::app
