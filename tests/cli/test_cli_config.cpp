// Option values from HOOKCTL_* variables and config files: precedence, sections, profiles,
// `config show`, and errors that name FILE:LINE and the key.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"
#include "docs.hpp"

using testing::run_env;
namespace fs = std::filesystem;

namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

// A scratch folder that is the working directory (for ./.hookctl.toml) while it lives.
struct Scratch {
  fs::path dir;
  fs::path before = fs::current_path();
  Scratch() {
    dir = fs::temp_directory_path() / ("hookctl-cli-config-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "xdg" / "hookctl");
    fs::current_path(dir);
  }
  ~Scratch() {
    fs::current_path(before);
    fs::remove_all(dir);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  void write(const fs::path& p, const std::string& text) const { std::ofstream(dir / p, std::ios::binary) << text; }
  std::string xdg() const { return (dir / "xdg").string(); }
};

nlohmann::json show(const std::vector<std::string>& args, const Env& env) {
  auto r = run_env(args, env);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out);
}

// The provider `sign` really uses (not only what config show says).
std::string signed_with(std::vector<std::string> args, const Env& env) {
  args.insert(args.end(), {"--secret", "s3cr3t", "--data", "x", "--format", "json"});
  auto r = run_env(args, env);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out).at("provider").get<std::string>();
}

} // namespace

TEST_CASE("cli config: flags > HOOKCTL_* > --config > ./.hookctl.toml > $XDG_CONFIG_HOME, for show and for real") {
  Scratch s;
  s.write("xdg/hookctl/config.toml", "provider = \"github\"\n");
  s.write(".hookctl.toml", "# project\nprovider = \"slack\"\n");
  s.write("extra.toml", "\n\nprovider = \"shopify\"\n");
  const Env xdg{{"XDG_CONFIG_HOME", s.xdg()}};
  Env with_env = xdg;
  with_env.emplace_back("HOOKCTL_PROVIDER", "stripe");

  struct Level {
    std::vector<std::string> args;
    Env env;
    std::string provider;
    std::string source;
  };
  const std::vector<Level> levels = {
      {{"--config", "extra.toml", "-p", "gitlab"}, with_env, "gitlab", "flag"},
      {{"--config", "extra.toml"}, with_env, "stripe", "env HOOKCTL_PROVIDER"},
      {{"--config", "extra.toml"}, xdg, "shopify", "file extra.toml:3"},
      {{}, xdg, "slack", "file ./.hookctl.toml:2"},
  };
  for (const auto& l : levels) {
    CAPTURE(l.provider);
    std::vector<std::string> show_args = l.args;
    // config show has no --provider; a flag is shown through sign's real run below.
    if (l.source != "flag") {
      show_args.insert(show_args.end(), {"config", "show", "sign", "--json"});
      auto j = show(show_args, l.env);
      CHECK(j["provider"]["value"] == l.provider);
      CHECK(j["provider"]["source"] == l.source);
    }
    std::vector<std::string> sign = {"sign"};
    sign.insert(sign.end(), l.args.begin(), l.args.end());
    CHECK(signed_with(sign, l.env) == l.provider);
  }
  fs::remove(".hookctl.toml");
  auto j = show({"config", "show", "sign", "--json"}, xdg);
  CHECK(j["provider"]["value"] == "github");
  CHECK(j["provider"]["source"] == "file " + s.xdg() + "/hookctl/config.toml:1");
  CHECK(signed_with({"sign"}, xdg) == "github");
  // HOME/.config is the default of XDG_CONFIG_HOME.
  fs::create_directories(s.dir / "home" / ".config");
  fs::rename(s.dir / "xdg" / "hookctl", s.dir / "home" / ".config" / "hookctl");
  CHECK(signed_with({"sign"}, {{"HOME", (s.dir / "home").string()}}) == "github");
  auto none = show({"config", "show", "sign", "--json"}, {});
  CHECK(none["provider"]["value"].is_null());
  CHECK(none["provider"]["source"] == "default");
  CHECK(none["method"]["value"] == "POST");
  CHECK(none["json"]["value"] == false);
}

TEST_CASE("cli config: a [command] section beats top-level keys, a selected profile beats both") {
  Scratch s;
  s.write(".hookctl.toml",
          "provider = \"github\"\n"
          "[sign]\nprovider = \"stripe\"\n"
          "[profile.ci]\nprovider = \"slack\"\nheader = [\"X-Env: ci\", \"Authorization: Bearer tok\"]\n"
          "[profile.other]\nprovider = \"shopify\"\n");
  CHECK(signed_with({"sign"}, {}) == "stripe");
  CHECK(show({"config", "show", "verify", "--json"}, {})["provider"]["value"] == "github");
  CHECK(signed_with({"--profile", "ci", "sign"}, {}) == "slack");
  CHECK(signed_with({"sign", "--profile=other"}, {}) == "shopify");
  CHECK(signed_with({"sign"}, {{"HOOKCTL_PROFILE", "ci"}}) == "slack");
  auto j = show({"--profile", "ci", "config", "show", "sign", "--json"}, {});
  CHECK(j["provider"]["source"] == "file ./.hookctl.toml:5");
  CHECK(j["profile"]["value"] == "ci");
  CHECK(j["profile"]["source"] == "flag");
  // Arrays give a repeatable option each value; credential header values are not shown.
  CHECK(j["header"]["value"] == nlohmann::json::array({"X-Env: ci", "Authorization: ***"}));
  // Without a command: what is set for any command (top level and profile), and the globals.
  auto any = show({"config", "show", "--json"}, {{"HOOKCTL_TIMEOUT", "3s"}});
  CHECK(any["provider"]["value"] == "github");
  CHECK(any["timeout"]["source"] == "env HOOKCTL_TIMEOUT");
  CHECK(any.contains("color"));
  CHECK_FALSE(any.contains("method"));
  auto text = run_env({"config", "show", "sign"}, {});
  CHECK(text.code == 0);
  CHECK(text.out.starts_with("OPTION "));
  CHECK(text.out.find("\nprovider ") != std::string::npos);
  CHECK(text.out.find("file ./.hookctl.toml:3") != std::string::npos);
  CHECK(text.err.find("config files read: ./.hookctl.toml") != std::string::npos);
}

TEST_CASE("cli config: secrets from files and the environment are used, and never shown") {
  Scratch s;
  s.write(".hookctl.toml", "[profile.dev]\nsecret = \"file-secret-value\"\nprovider = \"github\"\n");
  auto j = show({"--profile", "dev", "config", "show", "verify", "--json"}, {});
  CHECK(j["secret"]["value"] == nlohmann::json::array({"***"}));
  CHECK(j["secret"]["source"] == "file ./.hookctl.toml:2");
  // A key from a higher level (the environment) replaces the profile's secret.
  auto k = show({"--profile", "dev", "config", "show", "verify", "--json"}, {{"HOOKCTL_PRIVATE_KEY", "env-key-value"}});
  CHECK(k["private-key"]["value"] == nlohmann::json::array({"***"}));
  CHECK(k["secret"]["source"] == "default");
  for (const auto& args : std::vector<std::vector<std::string>>{{"--profile", "dev", "config", "show", "verify"},
                                                                {"--profile", "dev", "config", "show", "--json"}}) {
    auto r = run_env(args, {{"HOOKCTL_PRIVATE_KEY", "env-key-value"}});
    CHECK(r.code == 0);
    CHECK(r.out.find("file-secret-value") == std::string::npos);
    CHECK(r.out.find("env-key-value") == std::string::npos);
  }
  // The profile's secret signs; a --secret flag replaces it (and a secret-file from lower levels).
  auto from_profile = run_env({"--profile", "dev", "sign", "--data", "x"}, {});
  auto direct = run_env({"sign", "-p", "github", "--secret", "file-secret-value", "--data", "x"}, {});
  REQUIRE(from_profile.code == 0);
  CHECK(from_profile.out.substr(0, from_profile.out.find('\n')) == direct.out.substr(0, direct.out.find('\n')));
  s.write("secrets", "other-secret\n");
  auto flag = run_env({"--profile", "dev", "sign", "--secret", "flag-secret", "--data", "x"},
                      {{"HOOKCTL_SECRET_FILE", (s.dir / "secrets").string()}});
  auto direct_flag = run_env({"sign", "-p", "github", "--secret", "flag-secret", "--data", "x"}, {});
  CHECK(flag.code == 0);
  CHECK(flag.out.substr(0, flag.out.find('\n')) == direct_flag.out.substr(0, direct_flag.out.find('\n')));
  // A bad value next to a secret: the error names the source, not the secret.
  auto bad = run_env({"--profile", "dev", "sign", "--data", "x"}, {{"HOOKCTL_FORMAT", "yaml"}});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("HOOKCTL_FORMAT") != std::string::npos);
  CHECK(bad.err.find("file-secret-value") == std::string::npos);
}

TEST_CASE("cli config: HOOKCTL_* flags, and values the command line does not take are errors naming the source") {
  Scratch s;
  auto json = run_env({"sign", "-p", "github", "--secret", "abc", "--data", "x"}, {{"HOOKCTL_JSON", "1"}});
  CHECK(json.code == 0);
  CHECK(json.out.starts_with("{"));
  auto off = run_env({"sign", "-p", "github", "--secret", "abc", "--data", "x"}, {{"HOOKCTL_JSON", "false"}});
  CHECK(off.out.starts_with("X-Hub-Signature-256: "));
  auto bad = run_env({"sign", "-p", "github", "--secret", "abc", "--data", "x"}, {{"HOOKCTL_PROVIDER", "nope"}});
  // The flag wins, so the bad variable is not even read.
  CHECK(bad.code == 0);
  auto bad2 = run_env({"verify", "--data", "x"}, {{"HOOKCTL_PROVIDER", "nope"}});
  CHECK(bad2.code == 2);
  CHECK(bad2.err.starts_with("hookctl: error: HOOKCTL_PROVIDER: --provider: nope not in"));
}

TEST_CASE("cli config: a HOOKCTL_* variable that names no option is a warning with the closest name") {
  Scratch s;
  const std::vector<std::string> sign{"sign", "-p", "github", "--secret", "abc", "--data", "x"};
  // A misspelled secret variable: the command still runs (the flag gives the secret), and says so.
  auto typo = run_env(sign, {{"HOOKCTL_SECERT", "whsec_value_never_shown"}, {"HOOKCTL_PORT", "8080"}});
  CHECK(typo.code == 0);
  CHECK(typo.out.starts_with("X-Hub-Signature-256: "));
  CHECK(typo.err == "hookctl: warning: HOOKCTL_SECERT is not a hookctl variable; did you mean HOOKCTL_SECRET?\n");
  CHECK(typo.err.find("whsec_value_never_shown") == std::string::npos);
  // HOOKCTL_PORT belongs to another command: no warning. Lowercase is still a typo.
  // The name in lowercase is itself, not a longer name it starts ("HOOKCTL_OUT", not HOOKCTL_OUTPUT).
  CHECK(run_env({"providers"}, {{"HOOKCTL_out", "x"}}).err ==
        "hookctl: warning: HOOKCTL_out is not a hookctl variable; did you mean HOOKCTL_OUT?\n");
  // HOOKCTL_FUZZ_CASE (set by fuzz --check-cmd) is never suggested.
  CHECK(run_env({"providers"}, {{"HOOKCTL_FUZZ_CAS", "x"}}).err.find("FUZZ_CASE") == std::string::npos);
  auto lower = run_env(sign, {{"HOOKCTL_provider", "stripe"}});
  CHECK(lower.code == 0);
  CHECK(lower.err == "hookctl: warning: HOOKCTL_provider is not a hookctl variable; did you mean HOOKCTL_PROVIDER?\n");
  auto far = run_env(sign, {{"HOOKCTL_ZZZZZZZZ", "1"},
                            {"HOOKCTL_TEST_ANYTHING", "1"},
                            {"HOOKCTL_FUZZ_CASE", "1"},
                            {"HOOKCTL_JSON", "false"}});
  CHECK(far.code == 0);
  CHECK(far.err.starts_with("hookctl: warning: HOOKCTL_ZZZZZZZZ is not a hookctl variable (each option has one"));
  CHECK(testing::lines(far.err).size() == 1); // HOOKCTL_TEST_* is the test suite's; the others are known
  // A name that may hold a value is not repeated.
  auto odd = run_env(sign, {{"HOOKCTL_s3cr3t-value!", "1"}});
  CHECK(odd.err.find("s3cr3t") == std::string::npos);
  CHECK(odd.err.find("(name not shown)") != std::string::npos);
  // --help and completion read no environment: no warning.
  CHECK(run_env({"sign", "--help"}, {{"HOOKCTL_SECERT", "x"}}).err.empty());
  // config show warns too.
  CHECK(run_env({"config", "show"}, {{"HOOKCTL_RETRYS", "3"}}).err.find("did you mean HOOKCTL_RETRIES?") !=
        std::string::npos);
}

TEST_CASE("cli config: every mistake in a config file is one line naming FILE:LINE and the key, exit 2") {
  Scratch s;
  struct Case {
    std::string text;
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"provder = \"stripe\"\n", {"sign"}, "bad.toml:1: unknown key 'provder' (did you mean 'provider'?)"},
      {"\n[sned]\nprovider = \"x\"\n", {"sign"}, "bad.toml:2: unknown section [sned] (did you mean 'send'?)"},
      {"[sign]\nretries = 3\n", {"sign"}, "bad.toml:2: unknown key 'retries' in [sign]"},
      {"[profile]\nurl = \"x\"\n", {"sign"}, "bad.toml:1: [profile]: a profile is one [profile.NAME] section"},
      {"[profile.a.b]\n", {"sign"}, "bad.toml:1: [profile.a.b]: a profile is one [profile.NAME] section"},
      {"config = \"x.toml\"\n", {"sign"}, "bad.toml:1: unknown key 'config' (it is only read from the command line"},
      {"json = \"yes\"\n", {"sign"}, "bad.toml:1: key 'json': bad value, expected true or false"},
      {"id = true\n", {"sign"}, "bad.toml:1: key 'id': bad value, expected a string or a number, not true"},
      {"send = 3\n", {"sign"}, "bad.toml:1: 'send' is a command: its options go in a [send] section"},
      {"provider = [\"a\", \"b\"]\n", {"sign"}, "bad.toml:1: key 'provider': bad value, expected one value"},
      {"[send]\nretries = \"many\"\n", {"send", "http://127.0.0.1:1/"}, "bad.toml:2: key 'retries': "},
      {"\n\nprovider = \"strpe\"\n", {"sign"}, "bad.toml:3: key 'provider': --provider: strpe not in"},
      {"[send]\ntimeout = \"soon\"\n",
       {"send", "http://127.0.0.1:1/", "-p", "github", "--secret", "x", "--data", "x"},
       "bad.toml:2: key 'timeout': "},
      {"provider = \"github\"\nprovider = \"slack\"\n", {"sign"}, "bad.toml:2: key 'provider' defined twice"},
      {"provider = stripe\n", {"sign"}, "bad.toml:1: key 'provider': 'stripe' is not a value (quote strings"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    s.write("bad.toml", c.text);
    std::vector<std::string> args = {"--config", "bad.toml"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run_env(args, {});
    CHECK(r.code == 2);
    CHECK(r.err.starts_with("hookctl: error: " + c.expected));
    CHECK(testing::lines(r.err).size() == 2); // the error and its hint
    // A file in the user's folder is checked as well, whatever the command.
    auto any = run_env({"config", "show"}, {{"HOOKCTL_CONFIG", "bad.toml"}});
    if (c.text.find("strpe") == std::string::npos && c.text.find("many") == std::string::npos &&
        c.text.find("soon") == std::string::npos)
      CHECK(any.code == 2);
  }
  // --help still works, to find the right key.
  s.write(".hookctl.toml", "retires = 3\n");
  CHECK(run_env({"send", "--help"}, {}).code == 0);
  CHECK(run_env({"send", "http://127.0.0.1:1/"}, {}).code == 2);
  fs::remove(".hookctl.toml");
  CHECK(run_env({"--config", "missing.toml", "providers"}, {})
            .err.starts_with("hookctl: error: cannot read the config file missing.toml: "));
  s.write(".hookctl.toml", "[profile.a]\n[profile.b]\n");
  auto unknown = run_env({"--profile", "c", "providers"}, {});
  CHECK(unknown.code == 2);
  CHECK(unknown.err.starts_with("hookctl: error: unknown profile 'c' (profiles: a, b)"));
}

TEST_CASE("cli config: the example file of hookctl(1) is valid and means what it says") {
  Scratch s;
  s.write(".hookctl.toml", std::string(hookctl::app::configuration_example()));
  auto j = show({"config", "show", "send", "--json"}, {});
  CHECK(j["provider"]["value"] == "stripe");
  CHECK(j["retries"]["value"] == "3");
  CHECK(j["retries"]["source"] == "file ./.hookctl.toml:5");
  CHECK(j["event"]["value"] == "stripe.invoice.paid");
  auto staging = show({"--profile", "staging", "config", "show", "send", "--json"}, {});
  CHECK(staging["url"]["value"] == "http://127.0.0.1:4000/webhooks");
  CHECK(staging["secret-file"]["value"] == ".secrets/staging");
  CHECK(show({"config", "show", "listen", "--json"}, {})["port"]["value"] == "3000");
}

TEST_CASE("cli config: within one file a profile's key replaces its alternatives from the top level") {
  Scratch s;
  s.write("dev-secret", "dev-secret-value\n");
  s.write(".hookctl.toml", "provider = \"github\"\nsecret-file = \"dev-secret\"\nevent = \"github.push\"\n"
                           "[profile.prod]\nsecret = \"prod-secret-value\"\ndata = \"{}\"\n");
  auto prod = run_env({"--profile", "prod", "sign", "--data", "x"}, {});
  auto direct = run_env({"sign", "-p", "github", "--secret", "prod-secret-value", "--data", "x"}, {});
  REQUIRE(prod.code == 0);
  CHECK(testing::lines(prod.out)[0] == testing::lines(direct.out)[0]);
  auto j = show({"--profile", "prod", "config", "show", "send", "--json"}, {});
  CHECK(j["secret-file"]["source"] == "default");
  CHECK(j["event"]["source"] == "default");
  CHECK(j["data"]["value"] == "{}");
  // Without the profile, the top level applies.
  auto dev = show({"config", "show", "send", "--json"}, {});
  CHECK(dev["secret-file"]["value"] == "dev-secret");
  CHECK(dev["event"]["value"] == "github.push");
}

TEST_CASE("cli config: file paths in a config file are relative to its folder; ~/ is the home folder") {
  Scratch s;
  fs::create_directories(s.dir / "conf" / "keys");
  s.write("conf/keys/s", "relative-secret\n");
  s.write("conf/c.toml", "provider = \"github\"\nsecret-file = \"keys/s\"\n");
  fs::create_directories(s.dir / "home");
  s.write("home/h.toml", "secret-file = \"~/keys/s\"\n");
  fs::create_directories(s.dir / "elsewhere");
  fs::current_path(s.dir / "elsewhere");
  auto r = run_env({"--config", "../conf/c.toml", "sign", "--data", "x"}, {});
  auto direct = run_env({"sign", "-p", "github", "--secret", "relative-secret", "--data", "x"}, {});
  REQUIRE(r.code == 0);
  CHECK(testing::lines(r.out)[0] == testing::lines(direct.out)[0]);
  auto j = show({"--config", "../conf/c.toml", "config", "show", "sign", "--json"}, {});
  CHECK(j["secret-file"]["value"] == "../conf/keys/s");
  auto h = show({"--config", "../home/h.toml", "config", "show", "sign", "--json"}, {{"HOME", "/home/u"}});
  CHECK(h["secret-file"]["value"] == "/home/u/keys/s");
}

TEST_CASE("cli config: credentials in values are not shown; flags beat variables for colors too") {
  Scratch s;
  s.write(".hookctl.toml",
          "[send]\nurl = \"http://user:pa55word@127.0.0.1:1/h\"\n[listen]\nverify-token = \"tok-123\"\n");
  auto send = show({"config", "show", "send", "--json"}, {});
  CHECK(send["url"]["value"] == "http://***@127.0.0.1:1/h");
  auto listen = show({"config", "show", "listen", "--json"}, {});
  CHECK(listen["verify-token"]["value"] == "***");
  auto sent = run_env({"send", "-p", "github", "--secret", "x", "--data", "x"}, {});
  CHECK(sent.code == 2);
  CHECK(sent.err.find("pa55word") == std::string::npos);
  CHECK(sent.err.find("***@127.0.0.1") != std::string::npos);
  // HOOKCTL_NO_COLOR does not beat a --color always flag.
  auto colored = run_env({"--color", "always", "verify", "-p", "github", "--secret", "abc", "--data", "x", "-H",
                          "X-Hub-Signature-256: sha256=00"},
                         {{"HOOKCTL_NO_COLOR", "1"}});
  CHECK(colored.err.find("\033[") != std::string::npos);
}

TEST_CASE("cli config: a typo, an option before its command, a repeatable option before a positional") {
  auto typo = testing::run({"sign", "--provder", "github", "--secret", "s", "--data", "hi"});
  CHECK(typo.code == 2);
  CHECK(typo.err.find("unknown option --provder") != std::string::npos);
  CHECK(typo.err.find("did you mean --provider?") != std::string::npos);
  auto before = testing::run({"--json", "providers"});
  CHECK(before.code == 2);
  CHECK(before.err.find("--json is an option of 'hookctl providers': put it after the command name") !=
        std::string::npos);
  auto value_first = testing::run({"-p", "github", "sign"});
  CHECK(value_first.code == 2);
  CHECK(value_first.err.find("a command's options go after its name: 'hookctl sign -p ...'") != std::string::npos);
  // --set takes one value; github.push stays the positional event name.
  auto set = testing::run({"catalog", "--set", "ref=\"x\"", "github.push"});
  CHECK(set.code == 0);
  CHECK(set.out.find("\"ref\":\"x\"") != std::string::npos);
}
