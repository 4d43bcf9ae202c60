// Sign and verify cost of hookctl next to a plain OpenSSL HMAC-SHA256 of the same 1 KiB body.
//
// Every operation runs in the same process, in interleaved rounds (the order rotates each round),
// and the reported figure is the median ns/op over the rounds. The peer is OpenSSL's one-shot
// HMAC(); the target is "within 1.5x of raw HMAC". A second, informational peer re-keys one
// EVP_MAC_CTX, the cheapest way OpenSSL 3 computes an HMAC. Misses are printed, never fatal:
// this is a benchmark, and it always exits 0 once it has measured.
//   bench_sign_verify [--rounds N] [--ms MILLISECONDS_PER_SAMPLE]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hookctl/sign/scheme.hpp"

namespace sign = hookctl::sign;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double k_target_ratio = 1.5;
constexpr int64_t k_timestamp = 1700000000;
constexpr std::string_view k_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// Results are folded in here so that no measured call can be optimized away.
volatile size_t g_sink = 0;

struct Op {
  Op(std::string name_, bool peer_, std::function<void()> run_)
      : name(std::move(name_)), peer(peer_), run(std::move(run_)) {}
  std::string name;
  bool peer = false; // a raw-OpenSSL row: no target applies
  std::function<void()> run;
  long iterations = 1;
  std::vector<double> samples; // ns/op, one per round
};

double ns_per_op(Op& op, long iterations) {
  auto start = Clock::now();
  for (long i = 0; i < iterations; ++i) op.run();
  std::chrono::duration<double, std::nano> took = Clock::now() - start;
  return took.count() / static_cast<double>(iterations);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string make_body() {
  // 1 KiB of JSON-looking text, as a small webhook event.
  std::string body =
      R"({"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event","type":"payment_intent.succeeded","data":{)";
  int i = 0;
  while (body.size() < 1024 - 2) body += "\"k" + std::to_string(i++) + "\":\"value\",";
  body.resize(1024 - 2);
  body += "}}";
  return body;
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_sign_verify: %s\n", what.c_str());
  std::exit(1);
}

std::unique_ptr<sign::Scheme> scheme(std::string_view name) {
  auto s = sign::make_scheme(name);
  if (!s) die(s.error().message);
  return std::move(s).value();
}

struct Case {
  std::unique_ptr<sign::Scheme> scheme;
  sign::SignRequest sign;
  sign::VerifyRequest verify;
};

// A provider's scheme, a request to sign, and the request that verifies what it signed.
Case make_case(std::string_view name, const std::string& body) {
  Case c{scheme(name), {}, {}};
  c.sign.body = body;
  c.sign.url = "https://example.com/webhooks";
  c.sign.id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  c.sign.timestamp = k_timestamp;
  c.sign.keys.secrets = {std::string(k_secret)};
  auto signed_ = c.scheme->sign(c.sign);
  if (!signed_) die(std::string(name) + " sign: " + signed_.error().message);
  c.verify.body = body;
  c.verify.headers = signed_->headers;
  c.verify.url = signed_->url;
  c.verify.now = k_timestamp;
  c.verify.keys = c.sign.keys;
  auto v = c.scheme->verify(c.verify);
  if (!v || !v->valid) die(std::string(name) + ": what it signed does not verify");
  return c;
}

} // namespace

int main(int argc, char** argv) {
  int rounds = 15;
  double sample_ms = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    if (flag == "--rounds")
      rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (flag == "--ms")
      sample_ms = std::max(0.1, std::atof(argv[i + 1]));
    else
      die("usage: bench_sign_verify [--rounds N] [--ms MILLISECONDS_PER_SAMPLE]");
  }

  const std::string body = make_body();
  const std::string hmac_key = "It's a Secret to Everybody";
  std::vector<Op> ops;

  ops.emplace_back("raw HMAC() one-shot (peer)", true, [&] {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), hmac_key.data(), static_cast<int>(hmac_key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), md, &len);
    g_sink = g_sink + len + md[0];
  });

  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* mac_ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  if (!mac_ctx || EVP_MAC_CTX_set_params(mac_ctx, params) != 1) die("EVP_MAC HMAC setup failed");
  ops.emplace_back("raw EVP_MAC ctx reused (info)", true, [&] {
    unsigned char md[EVP_MAX_MD_SIZE];
    size_t len = 0;
    EVP_MAC_init(mac_ctx, reinterpret_cast<const unsigned char*>(hmac_key.data()), hmac_key.size(), nullptr);
    EVP_MAC_update(mac_ctx, reinterpret_cast<const unsigned char*>(body.data()), body.size());
    EVP_MAC_final(mac_ctx, md, &len, sizeof md);
    g_sink = g_sink + len + md[0];
  });

  std::vector<Case> cases;
  const std::vector<std::string_view> names = {"github", "stripe", "standard"};
  cases.reserve(names.size());
  for (auto name : names) cases.push_back(make_case(name, body));
  for (size_t i = 0; i < cases.size(); ++i) {
    Case* c = &cases[i];
    ops.emplace_back(std::string(names[i]) + " sign", false, [c] {
      auto s = c->scheme->sign(c->sign);
      g_sink = g_sink + s->headers.size();
    });
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    Case* c = &cases[i];
    ops.emplace_back(std::string(names[i]) + " verify", false, [c] {
      auto v = c->scheme->verify(c->verify);
      g_sink = g_sink + static_cast<size_t>(v->valid);
    });
  }

  // Warm up, then size each op's sample to about `sample_ms`.
  for (auto& op : ops) {
    ns_per_op(op, 200);
    double ns = ns_per_op(op, 2000);
    op.iterations = std::max(10L, static_cast<long>(sample_ms * 1e6 / std::max(ns, 1.0)));
  }
  for (int r = 0; r < rounds; ++r)
    for (size_t k = 0; k < ops.size(); ++k) {
      Op& op = ops[(k + static_cast<size_t>(r)) % ops.size()];
      op.samples.push_back(ns_per_op(op, op.iterations));
    }

  const double raw = median(ops[0].samples);
  const double reused = median(ops[1].samples);
  std::printf("hookctl sign/verify, %zu-byte body, median of %d interleaved rounds (~%.0f ms each per op)\n",
              body.size(), rounds, sample_ms);
  std::printf("target: within %.1fx of raw HMAC() one-shot\n\n", k_target_ratio);
  std::printf("%-32s %10s %10s %12s  %s\n", "operation", "ns/op", "x HMAC()", "x EVP_MAC", "target");
  int misses = 0;
  for (const auto& op : ops) {
    double ns = median(op.samples);
    double ratio = ns / raw;
    const char* verdict = op.peer ? "-" : (ratio <= k_target_ratio ? "PASS" : "MISS");
    if (!op.peer && ratio > k_target_ratio) ++misses;
    std::printf("%-32s %10.1f %10.2f %12.2f  %s\n", op.name.c_str(), ns, ratio, ns / reused, verdict);
  }
  std::printf("\n%d of %zu hookctl rows miss the %.1fx target\n", misses, ops.size() - 2, k_target_ratio);
  EVP_MAC_CTX_free(mac_ctx);
  EVP_MAC_free(mac);
  return 0;
}
