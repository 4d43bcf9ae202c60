// TLS between the client and server adapters, with a self-signed certificate made here for
// 127.0.0.1: verification on by default, --insecure and --cacert as curl users expect.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <unistd.h>

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "hookctl/http/server.hpp"

using namespace hookctl::http;

namespace {

// Writes a fresh P-256 key and a self-signed certificate for 127.0.0.1 into `dir`.
bool make_self_signed(const std::filesystem::path& dir) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) return false;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] :
       {std::pair{NID_subject_alt_name, "IP:127.0.0.1"}, {NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) return false;
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return false;
  FILE* c = std::fopen((dir / "cert.pem").c_str(), "w");
  FILE* k = std::fopen((dir / "key.pem").c_str(), "w");
  bool ok = c && k && PEM_write_X509(c, cert.get()) == 1 &&
            PEM_write_PrivateKey(k, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (c) std::fclose(c);
  if (k) std::fclose(k);
  return ok;
}

} // namespace

TEST_CASE("http TLS: a self-signed server fails verification unless --insecure or --cacert says otherwise") {
  auto dir = std::filesystem::temp_directory_path() / ("hookctl-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  REQUIRE(make_self_signed(dir));
  ServerOptions so;
  so.tls_cert_file = (dir / "cert.pem").string();
  so.tls_key_file = (dir / "key.pem").string();
  auto server = Server::start(so, [](const ServerRequest& r) { return Response{200, {}, "tls:" + r.body}; });
  REQUIRE_MESSAGE(server.ok(), (server.ok() ? "" : server.error().message));
  Request req;
  req.url = "https://127.0.0.1:" + std::to_string((*server)->port()) + "/h";
  req.body = "x";

  auto strict = make_client({})->send(req);
  CHECK_FALSE(strict.response.has_value());
  CHECK(strict.failure == Failure::tls);
  CHECK(strict.error.find("--cacert") != std::string::npos);

  ClientOptions insecure;
  insecure.insecure = true;
  auto loose = make_client(insecure)->send(req);
  REQUIRE(loose.response.has_value());
  CHECK(loose.response->body == "tls:x");

  ClientOptions pinned;
  pinned.ca_file = so.tls_cert_file;
  auto trusted = make_client(pinned)->send(req);
  REQUIRE(trusted.response.has_value());
  CHECK(trusted.response->status == 200);

  ServerOptions broken;
  broken.tls_cert_file = (dir / "missing.pem").string();
  broken.tls_key_file = so.tls_key_file;
  auto bad = Server::start(broken, [](const ServerRequest&) { return Response{200, {}, ""}; });
  CHECK_FALSE(bad.ok());
  (*server)->stop();
  std::filesystem::remove_all(dir);
}
