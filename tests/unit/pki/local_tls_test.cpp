// ensure_local_tls: files made once with the right modes and kept, a mismatched or half-present pair refused.
#include <sys/stat.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pki_test_util.hpp"

namespace gridhub::pki::testing {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

unsigned mode_of(const fs::path& p) {
  struct stat st{};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 0777;
}

class LocalTls : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "gridhub-tls-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    dir_ = root_ / "data" / "tls";  // does not exist yet
  }
  void TearDown() override { fs::remove_all(root_); }

  LocalTlsFiles ensure_ok() {
    std::string error;
    auto f = ensure_local_tls(dir_, hosts_, error);
    EXPECT_TRUE(f) << error;
    return f ? *f : LocalTlsFiles{};
  }
  std::string ensure_error() {
    std::string error;
    EXPECT_FALSE(ensure_local_tls(dir_, hosts_, error));
    EXPECT_EQ(ERR_peek_error(), 0u);
    return error;
  }

  fs::path root_, dir_;
  std::vector<std::string> hosts_{"localhost", "127.0.0.1"};
};

TEST_F(LocalTls, CreatesAValidSetWithPrivateKeys) {
  LocalTlsFiles f = ensure_ok();
  EXPECT_TRUE(f.created);
  EXPECT_EQ(f.ca_cert, dir_ / "ca.pem");
  EXPECT_EQ(f.ca_key, dir_ / "ca.key");
  EXPECT_EQ(f.server_cert, dir_ / "server.pem");
  EXPECT_EQ(f.server_key, dir_ / "server.key");
  EXPECT_EQ(mode_of(f.ca_key), 0600u);
  EXPECT_EQ(mode_of(f.server_key), 0600u);
  EXPECT_EQ(mode_of(f.ca_cert), 0644u);
  EXPECT_FALSE(fs::exists(dir_ / "server.key.tmp"));
  Cert ca = read_cert(slurp(f.ca_cert));
  Cert server = read_cert(slurp(f.server_cert));
  Key key = read_key(slurp(f.server_key));
  ASSERT_TRUE(ca && server && key);
  EXPECT_EQ(X509_check_private_key(server.get(), key.get()), 1);
  EXPECT_EQ(verify_chain(ca.get(), server.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
  std::string error;
  auto info = inspect_certificate(slurp(f.ca_cert), error);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->not_after - info->not_before, 3650LL * 86'400'000 + 60'000);
  info = inspect_certificate(slurp(f.server_cert), error);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->not_after - info->not_before, 730LL * 86'400'000 + 60'000);
}

TEST_F(LocalTls, SecondCallKeepsTheFiles) {
  LocalTlsFiles first = ensure_ok();
  const std::string ca = slurp(first.ca_cert), ca_key = slurp(first.ca_key), cert = slurp(first.server_cert),
                    key = slurp(first.server_key);
  hosts_ = {"other.example"};  // existing files are kept even when the hosts change
  LocalTlsFiles second = ensure_ok();
  EXPECT_FALSE(second.created);
  EXPECT_EQ(slurp(second.ca_cert), ca);
  EXPECT_EQ(slurp(second.ca_key), ca_key);
  EXPECT_EQ(slurp(second.server_cert), cert);
  EXPECT_EQ(slurp(second.server_key), key);
}

TEST_F(LocalTls, MissingServerPairIsMadeAgainFromTheKeptCa) {
  LocalTlsFiles first = ensure_ok();
  const std::string ca = slurp(first.ca_cert);
  const std::string old_cert = slurp(first.server_cert);
  fs::remove(first.server_cert);
  fs::remove(first.server_key);
  LocalTlsFiles second = ensure_ok();
  EXPECT_TRUE(second.created);
  EXPECT_EQ(slurp(second.ca_cert), ca);
  EXPECT_NE(slurp(second.server_cert), old_cert);
  Cert ca_cert = read_cert(ca);
  Cert server = read_cert(slurp(second.server_cert));
  EXPECT_EQ(verify_chain(ca_cert.get(), server.get(), X509_PURPOSE_SSL_SERVER), X509_V_OK);
}

TEST_F(LocalTls, CaKeyMayBeAbsentOnceTheServerPairExists) {
  LocalTlsFiles first = ensure_ok();
  fs::remove(first.ca_key);
  EXPECT_FALSE(ensure_ok().created);
  // ...but it is needed to make a server pair again.
  fs::remove(first.server_cert);
  fs::remove(first.server_key);
  EXPECT_NE(ensure_error().find("ca.pem exists without"), std::string::npos);
}

TEST_F(LocalTls, KeyThatDoesNotMatchIsAnError) {
  LocalTlsFiles f = ensure_ok();
  fs::copy_file(f.ca_key, f.server_key, fs::copy_options::overwrite_existing);
  EXPECT_NE(ensure_error().find("is not the key of"), std::string::npos);
}

TEST_F(LocalTls, HalfAPairIsAnError) {
  LocalTlsFiles f = ensure_ok();
  fs::remove(f.server_key);
  EXPECT_NE(ensure_error().find("server.pem exists without"), std::string::npos);
  fs::remove(f.server_cert);
  std::ofstream(f.server_key) << "x";
  EXPECT_NE(ensure_error().find("server.key exists without"), std::string::npos);
}

TEST_F(LocalTls, ServerPairWithoutCaIsAnError) {
  LocalTlsFiles f = ensure_ok();
  fs::remove(f.ca_cert);
  EXPECT_NE(ensure_error().find("which devices trust"), std::string::npos);
}

TEST_F(LocalTls, GarbageFilesAreErrors) {
  LocalTlsFiles f = ensure_ok();
  std::ofstream(f.server_cert, std::ios::trunc) << "garbage";
  EXPECT_NE(ensure_error().find("not a PEM certificate"), std::string::npos);
}

TEST_F(LocalTls, BadHostsAndBadDirectory) {
  hosts_ = {};
  EXPECT_NE(ensure_error().find("at least one host"), std::string::npos);
  dir_ = root_ / "file";
  std::ofstream(dir_) << "x";
  hosts_ = {"localhost"};
  EXPECT_NE(ensure_error().find("cannot create"), std::string::npos);
}

}  // namespace
}  // namespace gridhub::pki::testing
