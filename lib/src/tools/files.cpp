/// @file files.cpp
/// @brief write_file_atomically: temporary file, fsync, rename.
#include "nn/tools/files.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace nn {

namespace fs = std::filesystem;

void write_file_atomically(const fs::path& path, const std::string& contents) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  const fs::path tmp = path.string() + ".tmp" + std::to_string(::getpid());
  auto fail = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    std::error_code ec;
    fs::remove(tmp, ec);
    throw std::runtime_error("could not save " + path.string() + ": " + what + " " + tmp.string() + ": " + reason);
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create");
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      fail("cannot write");
    }
    p += n;
    left -= std::size_t(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    fail("cannot flush");
  }
  if (::close(fd) != 0) fail("cannot close");
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    errno = ec.value();
    fail("cannot rename");
  }
}

}  // namespace nn
