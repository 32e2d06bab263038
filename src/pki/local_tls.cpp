// The TLS files `gridhub serve` uses when none are configured: a local CA and a server certificate signed by it,
// made once in the data directory and kept across restarts.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "pki/cert_builder.hpp"
#include "pki/pki.hpp"

namespace gridhub::pki {

using namespace detail;

namespace {

constexpr int kLocalCaDays = 3650;      // 10 years: devices are provisioned with ca.pem once
constexpr int kLocalServerDays = 730;   // ~2 years
constexpr std::uintmax_t kMaxPemFileBytes = 1 << 20;

std::string errno_text(int e) { return std::strerror(e); }

bool read_text_file(const std::filesystem::path& path, std::string& out, std::string& error) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxPemFileBytes) {
    error = "cannot read " + path.string() + (ec ? ": " + ec.message() : ": larger than 1 MiB");
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in) {
    error = "cannot read " + path.string();
    return false;
  }
  out = ss.str();
  return true;
}

// Written to a temporary name, synced, then renamed: a crash leaves the old state or the whole file, never half a
// key. `mode` is set explicitly so the umask cannot widen or narrow it.
bool write_file(const std::filesystem::path& path, std::string_view text, mode_t mode, std::string& error) {
  const std::string tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    error = "cannot create " + tmp + ": " + errno_text(errno);
    return false;
  }
  bool ok = ::fchmod(fd, mode) == 0;
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path.string() + ": " + errno_text(ok ? errno : saved);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

bool write_pair(const std::filesystem::path& cert, const std::filesystem::path& key, const CertifiedKey& ck,
                std::string& error) {
  // The key first: a certificate whose key is missing would block the next start.
  return write_file(key, ck.key_pem, 0600, error) && write_file(cert, ck.cert_pem, 0644, error);
}

bool exists(const std::filesystem::path& p, bool& out, std::string& error) {
  std::error_code ec;
  out = std::filesystem::exists(p, ec);
  if (ec) error = "cannot look at " + p.string() + ": " + ec.message();
  return !ec;
}

// Both files or neither: one alone is a state we do not guess our way out of.
bool pair_state(const std::filesystem::path& cert, const std::filesystem::path& key, bool& present,
                std::string& error) {
  bool has_cert = false, has_key = false;
  if (!exists(cert, has_cert, error) || !exists(key, has_key, error)) return false;
  if (has_cert != has_key) {
    error = (has_cert ? cert : key).string() + " exists without " + (has_cert ? key : cert).string() +
            ": restore it, or remove both to have a new pair made";
    return false;
  }
  present = has_cert;
  return true;
}

std::optional<CertifiedKey> read_pair(const std::filesystem::path& cert, const std::filesystem::path& key,
                                      std::string& error) {
  CertifiedKey ck;
  if (!read_text_file(cert, ck.cert_pem, error) || !read_text_file(key, ck.key_pem, error)) return std::nullopt;
  X509Ptr x = read_cert(ck.cert_pem, error);
  if (!x) {
    error = cert.string() + ": " + error;
    return std::nullopt;
  }
  EvpPkeyPtr k = read_key(ck.key_pem, error);
  if (!k) {
    error = key.string() + ": " + error;
    return std::nullopt;
  }
  if (X509_check_private_key(x.get(), k.get()) != 1) {
    ERR_clear_error();
    error = key.string() + " is not the key of " + cert.string();
    return std::nullopt;
  }
  return ck;
}

}  // namespace

std::optional<LocalTlsFiles> ensure_local_tls(const std::filesystem::path& dir, const std::vector<std::string>& hosts,
                                              std::string& error) {
  ErrorQueueGuard guard;
  LocalTlsFiles files{dir / "ca.pem", dir / "ca.key", dir / "server.pem", dir / "server.key"};
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error = "cannot create " + dir.string() + ": " + ec.message();
    return std::nullopt;
  }
  bool has_server = false;
  if (!pair_state(files.server_cert, files.server_key, has_server, error)) return std::nullopt;
  if (has_server) {
    bool has_ca = false;
    if (!exists(files.ca_cert, has_ca, error)) return std::nullopt;
    if (!has_ca) {
      error = files.server_cert.string() + " exists without " + files.ca_cert.string() + ", which devices trust";
      return std::nullopt;
    }
    // ca.key may be gone (kept offline): the server pair does not need it until it is made again.
    if (!read_pair(files.server_cert, files.server_key, error)) return std::nullopt;
    return files;
  }
  bool has_ca = false;
  if (!pair_state(files.ca_cert, files.ca_key, has_ca, error)) return std::nullopt;
  std::optional<CertifiedKey> ca;
  if (has_ca) {
    ca = read_pair(files.ca_cert, files.ca_key, error);
  } else {
    ca = create_ca("Gridhub local CA", kLocalCaDays, error);
    if (ca && !write_pair(files.ca_cert, files.ca_key, *ca, error)) return std::nullopt;
    files.created = ca.has_value();
  }
  if (!ca) return std::nullopt;
  auto server = create_server_certificate(*ca, hosts, kLocalServerDays, error);
  if (!server || !write_pair(files.server_cert, files.server_key, *server, error)) return std::nullopt;
  files.created = true;
  return files;
}

}  // namespace gridhub::pki
