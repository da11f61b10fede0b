#include "server/token.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace chaos::server {

std::string token_path_for(const std::string& db_path) { return db_path + ".token"; }

namespace {

Result<std::string> random_hex(size_t bytes) {
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string raw(bytes, '\0');
  if (!random.read(raw.data(), static_cast<std::streamsize>(bytes))) {
    return Status::io_error("cannot read /dev/urandom for a token");
  }
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : raw) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<std::string> load_or_create_token(const std::string& db_path, const std::string& given) {
  if (!given.empty()) return given;
  const std::string path = token_path_for(db_path);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0) {
      return Status::failed("the token file " + path + " can be read by others; run chmod 600 " +
                            path + " (or delete it to make a new token)");
    }
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = trim(text.str());
    if (token.empty()) return Status::failed("the token file " + path + " is empty");
    return token;
  }
  auto token = random_hex(32);
  if (!token) return token.status();
  // O_EXCL: two servers starting at once must not overwrite each other's token.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Status::io_error("cannot create " + path + ": " + std::strerror(errno));
  const std::string line = token.value() + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) return Status::io_error("cannot write " + path);
  return token;
}

bool token_matches(const std::string& expected, const std::string& authorization_header) {
  static const std::string kPrefix = "Bearer ";
  if (expected.empty() || authorization_header.compare(0, kPrefix.size(), kPrefix) != 0) {
    return false;
  }
  const std::string given = authorization_header.substr(kPrefix.size());
  unsigned diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    diff |= static_cast<unsigned>(expected[i] ^ (i < given.size() ? given[i] : 0));
  }
  return diff == 0;
}

}  // namespace chaos::server
