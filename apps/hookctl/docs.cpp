#include "docs.hpp"

#include <fmt/format.h>

namespace hookctl::app {
namespace {

constexpr std::string_view k_exit_general =
    "0 success; 1 the check came out negative; 2 usage or input error (unknown flag or provider, bad value, "
    "unreadable file, malformed key); 3 environment error; 70 internal error (a bug); 130 interrupted.";

const std::vector<CommandDoc>& docs() {
  static const std::vector<CommandDoc> table = {
      {"",
       "hookctl signs, verifies, sends, receives, replays and fuzzes webhooks the way GitHub, Stripe, Standard "
       "Webhooks/Svix, Slack, Shopify, Twilio, Discord, GitLab, Twitch, Square and Paddle do, offline and without an "
       "account. stdout carries results and stderr diagnostics; --json on a command turns stdout into JSON.",
       {{"List the signature schemes", "hookctl providers"},
        {"Print GitHub's headers for a body", "hookctl sign -p github --secret \"$SECRET\" --data @payload.json"}},
       k_exit_general},
      {"providers",
       "Lists every signature scheme hookctl knows: its name for --provider, the key it uses, its default timestamp "
       "window and direction, the algorithm and the headers it sends.",
       {{"As a table", "hookctl providers"}, {"As JSON", "hookctl providers --json"}},
       "0 success."},
      {"sign",
       "Prints the headers a provider would send with the given body, signed with the given secret or Ed25519 key, "
       "as header lines, one JSON object, or a runnable curl command that sends the body byte-exact. Without --id "
       "and --timestamp a fresh id and the current time are used. GitLab's X-Gitlab-Token is the secret itself, so "
       "signing as gitlab prints it.",
       {{"GitHub's documented example",
         "hookctl sign -p github --secret \"It's a Secret to Everybody\" --data 'Hello, World!'"},
        {"A runnable curl command", "hookctl sign -p stripe --secret whsec_test --data @event.json --format curl --url "
                                    "http://127.0.0.1:3000/webhooks"},
        {"Standard Webhooks with a fixed id and timestamp, as JSON",
         "hookctl sign -p standard --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --id msg_1 --timestamp "
         "1614265330 --data @body.json --json"}},
       "0 signed; 2 usage or input error (missing key or URL, malformed key, unreadable body file)."},
      {"verify",
       "Checks a webhook signature offline over the raw body bytes, in constant time. Several --secret values "
       "(key rotation) and several signatures in one header are accepted: any match wins. The provider's timestamp "
       "window applies in the directions its official library checks; --tolerance overrides it and 0 turns it off. "
       "An invalid delivery prints why on stderr: missing header, malformed header, timestamp outside the window "
       "(by how much and in which direction), unknown scheme version, or no signature matched. With --capture FILE "
       "it checks the records of a hookctl listen capture file instead (or those whose id or delivery id --id names), "
       "each as of the time it was received unless --now is given, with --provider or the provider the record names.",
       {{"GitHub's documented example",
         "hookctl verify -p github --secret \"It's a Secret to Everybody\" -H 'X-Hub-Signature-256: "
         "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' --data 'Hello, World!'"},
        {"An old Stripe delivery, as of the time it was sent",
         "hookctl verify -p stripe --secret \"$SECRET\" -H \"Stripe-Signature: $SIG\" --data @body.json --now "
         "1700000000"},
        {"A JSON verdict for scripts", "hookctl verify -p slack --secret \"$SECRET\" -H ... --data @body --json"},
        {"Every delivery hookctl listen captured",
         "hookctl verify --capture hookctl-captures.jsonl --secret \"$SECRET\""}},
       "0 valid; 1 invalid (the reason on stderr, or in --json); 2 usage or input error."},
      {"keygen",
       "Makes a fresh secret or Ed25519 key pair in the provider's format for local testing: whsec_ secrets for "
       "Standard Webhooks, Svix and Stripe, whsk_/whpk_ key pairs for Standard Webhooks v1a, hex key pairs for "
       "Discord. It prints the secret it makes.",
       {{"A GitHub secret into a variable", "SECRET=$(hookctl keygen -p github)"},
        {"A Standard Webhooks key pair as JSON", "hookctl keygen -p standard --json"}},
       "0 success; 2 usage error."},
      {"catalog",
       "Lists the built-in sample events, named provider.event_type, or prints one with fresh ids and timestamps: "
       "its body as the provider sends it, with --headers its Content-Type and context headers first (signature "
       "headers come from hookctl sign), or all of it as one JSON object. NAME may also be @FILE, an event "
       "envelope: {\"provider\", \"name\", \"headers\", \"content_type\", \"body\" or \"body_text\"} with the same "
       "{{unix}}, {{iso}}, {{uuid}}, {{id:PREFIX}}, {{rand:SET:N}} and {{num:N}} placeholders. --set PATH=VALUE "
       "edits a JSON body along a dotted path, or a form field.",
       {{"List Stripe's events", "hookctl catalog --provider stripe"},
        {"A GitHub push, signed", "hookctl catalog github.push > push.json && hookctl sign -p github --secret "
                                  "\"$SECRET\" --data @push.json"},
        {"Headers and an edited body", "hookctl catalog stripe.invoice.paid --headers --set "
                                       "data.object.amount_paid=500"},
        {"Your own event from an envelope file", "hookctl catalog @event.json --json"}},
       "0 success; 2 unknown event, bad --set, or unreadable or malformed envelope file."},
      {"send",
       "Delivers a webhook to URL the way a provider does: the body of --data byte-exact, or a catalog event (--event "
       "NAME, see hookctl catalog) with its context headers and fresh ids, edited by --set and then signed with the "
       "provider's scheme. Each attempt is signed anew with the current time. With --retries it retries connection "
       "errors, timeouts, 408, 429 and 5xx with exponential backoff and full jitter (never other 4xx; 410 stops), "
       "honouring Retry-After up to --backoff-max; --retry-schedule plays a provider's published schedule and "
       "--time-scale compresses it. With --count or --duration it becomes a load run over --concurrency connections "
       "(for http://, driven by one event loop per CPU core), optionally paced open loop at --rate per second, and "
       "ends with a summary: statuses, errors by kind, "
       "throughput and latency percentiles.",
       {{"A signed Stripe event at a local app", "hookctl send http://127.0.0.1:3000/webhooks/stripe --event "
                                                 "stripe.invoice.paid --secret \"$STRIPE_WEBHOOK_SECRET\""},
        {"Your own body, edited, with retries",
         "hookctl send http://127.0.0.1:3000/hooks -p github --secret \"$SECRET\" --data @push.json --set "
         "ref=refs/heads/dev --retries 5 --backoff 500ms"},
        {"Svix's 35-hour retry schedule in 13 seconds", "hookctl send http://127.0.0.1:3000/hooks -p svix --secret "
                                                        "\"$SECRET\" --data '{}' --retry-schedule svix --time-scale "
                                                        "0.0001"},
        {"A load run: 10000 deliveries over 32 connections at 500/s",
         "hookctl send http://127.0.0.1:3000/hooks -p github --secret \"$SECRET\" --data @push.json -n 10000 -c 32 "
         "--rate 500"}},
       "0 the (last) delivery got a 2xx, or in load mode every delivery did; 1 otherwise: a non-2xx answer after "
       "the retries, or the target unreachable, timed out or failing TLS (the cause is named); 2 usage or input "
       "error (invalid URL, unknown provider or event, unreadable file, bad --set path); 130 a load run interrupted by "
       "SIGINT or SIGTERM (its summary is still printed)."},
      {"listen",
       "Receives webhooks on a local port (127.0.0.1:8080 by default; any method and path, or only under --path), "
       "logs one line per request (time, method, path, provider, event type, verdict, size, status answered, "
       "latency; -v adds headers and the body; --json prints each capture record instead), and verifies each "
       "signature with --provider and its keys, or with the provider detected from the headers. An invalid "
       "signature is answered 401 (--on-invalid accept to let it through) and a repeated delivery id is flagged as "
       "a duplicate. Every request is appended to the capture file (hookctl-captures.jsonl, JSON Lines, format in "
       "CLI.md) before it is answered: with --durability always (the default) the record is fsynced first, so a "
       "request that got an answer is in the file even if the process is killed right after; batch fsyncs at least "
       "every 100 ms, none leaves it to the operating system. A failed capture write is answered 503 with "
       "Retry-After, never 2xx. On start a torn last line (from a crash) is truncated and reported; a corrupt line "
       "in the middle is refused unless --repair moves it to FILE.rejected. Provider handshakes are answered "
       "(Slack url_verification, Twitch webhook_callback_verification, Zoom endpoint.url_validation with --secret, "
       "Meta hub.challenge with --verify-token, Microsoft Graph validationToken, Dropbox challenge) unless "
       "--no-handshake. --status, --delay, --respond, --fail-first, --sequence, --fail-rate and --reset-rate script "
       "the answers (random ones reproducible with --seed); --forward-to passes deliveries to your app and relays "
       "its answer (502 when it cannot be reached). --expect N exits 0 after N valid deliveries, --timeout stops "
       "waiting. --tls-cert/--tls-key or --tls serve HTTPS. Requests refused at the HTTP level (400, 408, 413, 431) "
       "are logged, and captured with their head and a \"refused\" reason once the head had arrived. Keys that "
       "cannot work (a malformed Ed25519 key, a key of the wrong kind for --provider) exit 2 at startup. SIGINT or "
       "SIGTERM closes the listening socket, finishes the requests in flight, fsyncs the capture and prints a "
       "summary; a second Ctrl-C quits at once.",
       {{"Receive and verify GitHub deliveries", "hookctl listen --provider github --secret \"$SECRET\""},
        {"Send one to it from a second terminal",
         "hookctl send http://127.0.0.1:8080/ --event github.push --secret \"$SECRET\""},
        {"Test a sender's retries: fail twice, then accept", "hookctl listen --port 9000 --sequence 500,500,200"},
        {"Sit in front of your app", "hookctl listen -p stripe --secret \"$STRIPE_WEBHOOK_SECRET\" --forward-to "
                                     "http://127.0.0.1:3000/webhooks"},
        {"In CI: wait for three valid deliveries", "hookctl listen --port 0 -p standard --secret \"$SECRET\" "
                                                   "--expect 3 --timeout 60s"}},
       "0 stopped by SIGTERM, --expect met, or --timeout without --expect; 1 --timeout passed before --expect was "
       "met; 2 usage or input error (bad flag value, unreadable --respond file, corrupt capture file without "
       "--repair); 3 environment error (the port cannot be bound, the capture file cannot be opened or synced, "
       "unusable TLS files); 130 stopped by SIGINT."},
      {"replay",
       "Reads captured events, from hookctl listen capture files (JSON Lines) or HAR 1.2 files exported by browsers "
       "and proxies (told apart by content; - reads stdin), one at a time so that memory does not grow with the "
       "file. A malformed line or entry stops the run with FILE:LINE (or FILE: entry N) and exit 2, unless "
       "--skip-invalid counts and skips it. The selection flags (--id, --path, --method, --since, --until, --last, "
       "--provider, --verdict, --status, --where, --limit) choose events; --list prints them as a table and "
       "--format har or curl exports them (Authorization, Cookie and secret-carrying headers redacted unless "
       "--include-sensitive). With --to URL each event is sent to that base URL keeping its path and query "
       "(--to-exact: that URL as is), with its method, headers and body byte-exact, minus hop-by-hop headers, Host, "
       "Content-Length and HTTP/2 pseudo-headers, and no header of hookctl's own. The captured signature goes out "
       "as it is (the summary warns about events older than their provider's timestamp window) unless --resign "
       "signs again now with --provider and its keys (--new-ids: fresh delivery ids). --set edits bodies first. "
       "Events go in capture order, --concurrency at a time, at --rate per second, or with --preserve-timing at the "
       "captured gaps divided by --speed; each is retried as send retries. --compare checks each answer's status "
       "class against the one recorded (--compare-body the bodies too, --ignore leaving out volatile JSON paths); "
       "--expect-status asserts a status instead. --junit writes one test case per event, --output the replay as "
       "a new capture.",
       {{"See what a capture holds", "hookctl replay hookctl-captures.jsonl --list"},
        {"Replay the Stripe events, re-signed now, against new code and compare",
         "hookctl replay hookctl-captures.jsonl --provider stripe --resign --secret \"$STRIPE_WEBHOOK_SECRET\" "
         "--to http://127.0.0.1:3000 --compare"},
        {"Replay what failed with 5xx in the last hour",
         "hookctl replay hookctl-captures.jsonl --status 5xx --since 1h "
         "--to http://127.0.0.1:3000"},
        {"A HAR file from the browser, as curl commands", "hookctl replay session.har --format curl"},
        {"In CI: assert 2xx for every event, with a JUnit report",
         "hookctl replay fixtures.jsonl --to http://127.0.0.1:3000 --expect-status 2xx --junit replay.xml"}},
       "0 every event was answered 2xx (or, comparing, as recorded); 1 an event was not answered 2xx after its "
       "retries, or a comparison found a mismatch; 2 usage or input error (a bad flag, an unreadable file, a "
       "malformed event without --skip-invalid, an unknown capture version); 3 environment error (--junit or "
       "--output cannot be written); 130 interrupted by SIGINT."},
      {"fuzz",
       "Attacks a webhook endpoint with deliveries it should reject or survive, and reports what it got wrong. It "
       "first sends the baseline, the delivery --event or --data describes, correctly signed with --provider and its "
       "key: it must be answered 2xx, or fuzz stops with exit 2, since every verdict depends on it. Then come the "
       "cases of the chosen --families (each case has an id, a description and an expected outcome; --list prints "
       "them): signature (missing, empty, malformed, truncated or duplicated signature headers, another secret, "
       "another scheme version, the signature of another body, the body changed after signing (not for gitlab, "
       "whose token does not cover the body), timestamps just and "
       "far outside the window: expected 4xx), replay (the same delivery twice, the same id with another body: "
       "expected no 5xx), payload (validly signed invalid, truncated, empty, deeply nested, huge, non-UTF-8 and "
       "NUL-holding bodies, duplicate keys, an unknown event type, and each member of the real event with another "
       "type, null or removed: expected no 5xx, no timeout, no dropped connection), http (raw socket: a 32 MiB "
       "body, lying Content-Length, Content-Length with chunked, bad chunk sizes, 10,000 headers, wrong or missing "
       "Content-Type, other methods: expected an answer that is not 5xx, or a closed connection, never a hang), "
       "slow (slowloris headers, a slow body, a reset mid-body: the baseline must be served meanwhile and after) "
       "and order (the later delivery first, a burst of 16 at once: expected no 5xx). After each case (or every "
       "--check-every K) the baseline is sent again: when it fails, the case is a receiver-broke finding and the "
       "run stops. Finding kinds: accepts-forgery, accepts-stale, server-error, timeout, connection-drop, "
       "receiver-broke, slow (answered, but over --max-latency or, for the slow family's baseline, 1 s), check-failed "
       "(--check-cmd, a command run after each case "
       "that exits non-zero when the receiver misbehaved) and unexpected-status (--expect FAMILY=STATUSES replaces "
       "a family's expectation for answered exchanges, as signature=401,403). --concurrency C runs C cases at "
       "once, the oracle checking after each batch. Expectations follow what the provider's official library "
       "enforces: where it accepts future timestamps (Stripe), a receiver that does too gets a note, a finding "
       "with --strict. The same --seed gives the same cases in the same order; --cases N draws N of them, "
       "--duration D draws until D has passed, and --case ID runs one again. Each case has --case-timeout per "
       "exchange. Targets other than this machine need --allow-remote. Findings are printed grouped by kind, each "
       "with a reproducing command line; --json prints one object per case, --junit writes one test case per case "
       "(classname: the family), and --out DIR writes each finding's requests as a capture file (ID with / as _) that "
       "hookctl replay DIR/ID.jsonl --to BASE-URL sends again; a raw-socket case, whose framing a capture cannot "
       "hold, is written as DIR/ID.http, the bytes the case writes, for nc HOST PORT < FILE; --case re-runs either "
       "with its timing. A secret (GitLab's token) in either file is written as ***; forged values stay. Each "
       "delivery carries a fresh delivery id, except where a case repeats "
       "one on purpose.",
       {{"Fuzz a local Stripe handler", "hookctl fuzz http://127.0.0.1:3000/webhooks -p stripe --secret "
                                        "\"$STRIPE_WEBHOOK_SECRET\" --event stripe.invoice.paid"},
        {"Only the signature checks, in CI, with a JUnit report",
         "hookctl fuzz http://127.0.0.1:3000/hook -p github --secret \"$SECRET\" --event github.push "
         "--families signature --junit fuzz.xml"},
        {"Re-run one finding, then replay its capture",
         "hookctl fuzz http://127.0.0.1:3000/hook -p github --secret \"$SECRET\" --event github.push --seed 7 "
         "--case signature.missing-header --out findings; hookctl replay "
         "findings/signature.missing-header.jsonl --to http://127.0.0.1:3000"}},
       "0 no findings (notes do not count); 1 findings; 2 usage or input error, or the baseline delivery was not "
       "accepted; 3 environment error (--junit or --out cannot be written); 130 interrupted by SIGINT."},
      {"completion",
       "Prints a completion script for bash, zsh or fish, covering commands, options, and option values that come "
       "from tables such as provider names.",
       {{"Load bash completion now", "source <(hookctl completion bash)"},
        {"Install fish completion", "hookctl completion fish > ~/.config/fish/completions/hookctl.fish"}},
       "0 success; 2 unknown shell."},
      {"man",
       "Prints a man page (hookctl(1) or the page of a COMMAND), or writes every page into a folder with --out.",
       {{"Read the sign page", "hookctl man sign | man -l -"},
        {"Write every page", "hookctl man --out /usr/local/share/man/man1"}},
       "0 success; 2 unknown command; 3 the folder cannot be written."},
      {"config",
       "hookctl config show prints the value every option would get and where it came from: flag, env HOOKCTL_X, "
       "file PATH:LINE or default. Values come from, highest first: flags; HOOKCTL_<OPTION> environment variables "
       "(HOOKCTL_PROVIDER, HOOKCTL_SECRET_FILE, ...); the --config FILE (or HOOKCTL_CONFIG); ./.hookctl.toml; "
       "$XDG_CONFIG_HOME/hookctl/config.toml (~/.config/hookctl/config.toml). In a TOML file a top-level key "
       "(provider = \"stripe\") applies to every command that has the option, a [send] section to one command, and "
       "a [profile.NAME] section (url, provider, secret-file, ...) to any command when --profile NAME (or "
       "HOOKCTL_PROFILE) selects it; within one file the profile beats the command's section, which beats the top "
       "level. Every file read is checked whole: an unknown section or key, or a value of the wrong type, is an "
       "error naming FILE:LINE and the key. Secrets are shown as ***.",
       {{"What send would use, and from where", "hookctl config show send"},
        {"The same with the staging profile, as JSON", "hookctl --profile staging config show send --json"}},
       "0 success; 2 a config file is malformed, or unknown command or profile."},
  };
  return table;
}

} // namespace

const CommandDoc& command_doc(std::string_view name) {
  for (const auto& d : docs())
    if (d.name == name) return d;
  return docs().front();
}

std::string_view json_doc(std::string_view name) {
  static const std::vector<std::pair<std::string_view, std::string_view>> table = {
      {"providers",
       "One object, {\"providers\": [...]}, with one element per signature scheme: name (string, the value for "
       "--provider), summary (string, one line), headers (array of strings, the header names the scheme uses), "
       "algorithm (string, for people), key (string: secret, token, ed25519 or secret|ed25519, the key material it "
       "takes), tolerance_s (integer, the default timestamp window in seconds, or null when the scheme checks no "
       "timestamp) and direction (string: past when only old timestamps are refused, both when future ones are "
       "too, none without a window)."},
      {"sign",
       "One object (--json is --format json): provider (string), id (string, the delivery or message id: --id or a "
       "fresh one), timestamp (integer, the unix seconds signed: --timestamp or now), headers (object, header name "
       "to value, in the order they are sent: the provider's signature and id headers, then each -H; a name given "
       "twice keeps its last value) and url (string, only with --url: where to send it, which Twilio and Square "
       "sign). For gitlab, headers holds the secret token itself as X-Gitlab-Token."},
      {"verify",
       "One object: provider (string), valid (boolean; the exit status follows it), code (string, for scripts: "
       "match, missing_header, malformed_header, timestamp_too_old, timestamp_in_future, unknown_version, "
       "no_match, body_hash_mismatch or legacy_sha1_only) and reason (string, one line for people). With --capture "
       "FILE, one object per record checked (JSON Lines): the record's seq (integer) and id (string), then "
       "provider, valid, code and reason; code may also be unsigned (no provider given, named or detected; "
       "provider is then \"\") or error (the record could not be checked: a key of the wrong kind, a token "
       "masked at capture). Records refused at the HTTP level are skipped."},
      {"keygen",
       "One object: provider (string), then either secret (string, a shared secret in the provider's format, such "
       "as whsec_... for stripe, standard and svix) or, for a key pair (--kind keypair, the default for discord "
       "and standard), private_key and public_key (strings: whsk_... and whpk_... for standard and svix, hex for "
       "discord). secret and private_key are key material: keep the output out of logs."},
      {"catalog",
       "Without NAME, one object {\"events\": [...]}, one element per built-in event (only --provider's with it): "
       "name (string, provider.event_type, as NAME takes it), provider, summary and content_type (strings). With "
       "NAME, one object for the event after --set: name, provider and content_type (strings), headers (object, "
       "header name to value: the provider's context headers such as X-GitHub-Event and its delivery id, never "
       "Content-Type or a signature header) and body: a JSON value when the content type is JSON and the body "
       "parses, else a string. The body is re-serialised there: for the exact bytes to sign, leave out --json."},
      {"send",
       "One object. For one delivery: url, method and id (strings; id is the delivery id, the same in every "
       "attempt), provider (string, null when unsigned), success (boolean, the last attempt got a 2xx), attempts "
       "(array, one object per attempt: attempt (integer from 1), delay_ms (integer, the wait before it), status "
       "(integer, null with no answer), error (null, or why there was no answer), failure (with no answer only: "
       "dns, connect, tls, timeout, io or other) and latency_ms (number)), and response when the last attempt was "
       "answered: status, headers (object, name to value) and body (a one-line preview of at most 4096 bytes, or "
       "<N bytes of binary data>). A load run (--count, --duration) prints its summary instead: url, provider, "
       "concurrency, rate (null when not paced), sent, ok (2xx answers), errors (no answer), statuses (object, "
       "status code to count), errors_by_kind (object, failure to count), elapsed_s, throughput_rps, latency_ms "
       "(object: min, p50, p90, p99, max and mean, null when nothing was answered) and cancelled (boolean)."},
      {"listen",
       "One capture record per request (JSON Lines), the line appended to the capture file (format in CLI.md), "
       "printed once the request is answered; the banner and summary go to stderr. Fields: v (integer, 1), seq "
       "(integer, from 1 within the file; 0 with --no-capture), id (string, a ULID), received_at (string, RFC 3339 "
       "UTC with microseconds), remote (string, host:port), method, path and query (strings; query without the "
       "'?'), headers (array of [name, value] pairs as received, a header carrying the secret itself as ***), "
       "body (string) with body_encoding (utf8 or base64), verification (null when no provider was given or "
       "detected, else an object: provider, valid, reason, code) and response (null when nothing was answered, "
       "else an object: status, latency_ms, and the headers and body answered when there was more than a status). "
       "Only when set: headers_encoding (base64), event_type, handshake, duplicate (true), delivery_id and refused "
       "(why the HTTP layer refused the request)."},
      {"replay",
       "One object per event sent (JSON Lines), in the order the answers come (capture order with --concurrency "
       "1); the summary goes to stderr. Fields: index (integer, 0-based replay order), seq and id (the record's), "
       "method and url (strings, as sent), status (integer, 0 when there was no answer), attempts (integer, how "
       "many were made), latency_ms (number, the last attempt's), error (string, only without an answer), "
       "recorded_status (integer, only when the record has a response) and, with --compare, --compare-body or "
       "--expect-status, match (match, mismatch or unrecorded) and diff (string, what differed, when anything "
       "did). With --list, --json prints each selected event as a capture record in the format of hookctl listen "
       "--json (HAR entries converted); --format har or curl print their own format whatever --json says."},
      {"fuzz",
       "One object per case run (JSON Lines), printed as each case ends; findings and the summary go to stderr. "
       "Fields: id (string, as --case takes it), family, description and expected (strings; expected is the "
       "outcome wanted, in words), verdict (pass, finding or note), kind (string, the finding kind such as "
       "accepts-forgery or server-error; not on a pass), detail (string, what happened), exchanges (array, one per "
       "request: status (integer, 0 when there was no answer), latency_ms (number) and, with no answer, closed "
       "(boolean), failure and error), baseline_meanwhile (same shape, slow cases only: the baseline sent during "
       "the case), seed (integer) and reproduce (string, a hookctl command line that runs the case again; not on "
       "a pass). With --list, one object per case: id, family, description and expected."},
      {"completion",
       "One object: shell (string: bash, zsh or fish) and script (string, the whole completion script, exactly as "
       "it is printed without --json), for an installer that writes the script where the shell looks for it."},
      {"man",
       "One object. For one page: name (string, the page's file name: hookctl.1 or hookctl-COMMAND.1) and page "
       "(string, its roff source, as printed without --json). With --out DIR: written (array of strings, the path "
       "of each page written, hookctl.1 first)."},
      {"config",
       "One object with a key per option, its long name as a config file spells it (provider, secret-file, "
       "retries, url, ...), in the order of the plain table, each {\"value\": ..., \"source\": ...}. value is a "
       "boolean for a flag, an array of strings for a repeatable option (empty when none), a string for any other "
       "option, numbers included (\"3\"), or null when unset; secrets and credential header values show as ***. "
       "source is flag, env HOOKCTL_X, file PATH:LINE or default. With COMMAND, every option of hookctl and of "
       "that command; without, the global options and whatever the environment and config files set. The files "
       "read and the profile go to stderr."},
  };
  for (const auto& [n, text] : table)
    if (n == name) return text;
  return {};
}

std::string_view configuration_doc() {
  return "Every option of every command (and the URL of send and fuzz) can also come from a HOOKCTL_<OPTION> "
         "environment variable or a TOML config file. The option's long name in capitals, with '-' as '_', names "
         "the variable: --provider is HOOKCTL_PROVIDER, --secret-file is HOOKCTL_SECRET_FILE, a flag such as "
         "--json takes HOOKCTL_JSON=1 or true. A set variable that starts with HOOKCTL_ but names no option of "
         "any command (HOOKCTL_SECERT) gets a one-line warning on stderr with the closest name; its value is never "
         "read (HOOKCTL_FUZZ_CASE, which fuzz --check-cmd sets, and HOOKCTL_TEST_*, reserved for hookctl's own "
         "tests, are left alone). Precedence, highest first: the command line; HOOKCTL_* variables; "
         "the file named by --config FILE (or HOOKCTL_CONFIG); ./.hookctl.toml in the working directory; "
         "$XDG_CONFIG_HOME/hookctl/config.toml (~/.config/hookctl/config.toml when XDG_CONFIG_HOME is unset). "
         "Each file is read when present and checked whole, whatever the command: an unknown section or key, a "
         "value of the wrong type (a string for a flag, an array for a single value) or malformed TOML is an error "
         "naming FILE:LINE and the key, exit 2; a value a command refuses (an unknown provider, a bad duration) is "
         "reported the same way. In a file, keys are option names without dashes. A top-level key applies to "
         "every command that has that option; a [COMMAND] section (such as [send]) to that command only; a "
         "[profile.NAME] section to any command when --profile NAME or HOOKCTL_PROFILE selects it. Within one "
         "file the selected profile beats the command's section, which beats the top level; a higher file beats "
         "a lower one whatever the section. Repeatable options take arrays (header = [\"X-Env: ci\"]); a variable "
         "holds one value. Files named for reading (secret-file, tls-cert, tls-key, cacert, and @FILE values of "
         "data, private-key and public-key) are relative to the config file's folder, and ~/ is the home folder; "
         "output paths are relative to the working directory. completion and man read no config. A key "
         "given at a higher level replaces its alternatives from lower ones: --secret, --secret-file and "
         "--private-key stand for one another, as --data and --event do. --config and --profile are read from "
         "the command line or the environment only. 'hookctl config show [COMMAND] [--json]' prints every "
         "effective value and its source (flag, env HOOKCTL_X, file PATH:LINE or default), with secrets and "
         "credential header values as ***. An example ./.hookctl.toml:";
}

std::string_view configuration_example() {
  return "provider = \"stripe\"\n"
         "secret-file = \".secrets/stripe\"\n"
         "\n"
         "[send]\n"
         "retries = 3\n"
         "event = \"stripe.invoice.paid\"\n"
         "\n"
         "[listen]\n"
         "port = 3000\n"
         "\n"
         "[profile.staging]\n"
         "url = \"http://127.0.0.1:4000/webhooks\"\n"
         "secret-file = \".secrets/staging\"\n";
}

std::string help_footer(std::string_view name) {
  const auto& d = command_doc(name);
  std::string out = "Examples:\n";
  for (const auto& e : d.examples) out += fmt::format("  {}\n", e.command);
  out += fmt::format("Exit status: {}\n", d.exit_status);
  out += "Options also come from HOOKCTL_<OPTION> variables (HOOKCTL_PROVIDER, HOOKCTL_SECRET, ...) and config "
         "files:\nsee 'hookctl config show' and hookctl(1).\n";
  return out;
}

} // namespace hookctl::app
