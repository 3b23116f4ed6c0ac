/// @file files.cpp
/// @brief write_file_atomically (temporary file, fsync, rename, fsync of the folder) and the
///        writability check of the chapter programs' --out folder.
#include "nn/tools/files.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace nn {

namespace fs = std::filesystem;

namespace {

std::string reason(int err) { return std::strerror(err); }

/// Removes `NAME.tmpPID` files of `path` whose process has ended (a run killed during a save).
/// A temporary of a process that still runs is left alone: it may be saving the same file now.
void remove_stale_temporaries(const fs::path& path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const std::string prefix = path.filename().string() + ".tmp";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(digits);
    if (pid == long(::getpid())) continue;  // ours: opened with O_TRUNC below
    if (pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH) {
      std::error_code rm;
      fs::remove(it->path(), rm);
    }
  }
}

/// fsync of a folder, so that a rename in it is on disk (best effort: some file systems refuse).
void sync_folder(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_file_atomically(const fs::path& path, const std::string& contents) {
  if (path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec)
      throw std::runtime_error("could not save " + path.string() + ": cannot create the folder " +
                               path.parent_path().string() + ": " + ec.message());
  }
  remove_stale_temporaries(path);
  const fs::path tmp = path.string() + ".tmp" + std::to_string(::getpid());
  auto fail = [&](const std::string& what, int err) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw std::runtime_error("could not save " + path.string() + ": " + what + " (" + reason(err) + ")");
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create the temporary file " + tmp.string(), errno);
  const char* p = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      fail("cannot write the temporary file " + tmp.string(), err);
    }
    p += n;
    left -= std::size_t(n);
  }
  if (::close(fd) != 0) fail("cannot close the temporary file " + tmp.string(), errno);
  commit_file(tmp, path);
}

void commit_file(const fs::path& tmp, const fs::path& path) {
  auto fail = [&](const std::string& what, int err) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw std::runtime_error("could not save " + path.string() + ": " + what + " (" + reason(err) + ")");
  };
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot open the temporary file " + tmp.string(), errno);
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail("cannot flush the temporary file " + tmp.string() + " to disk", err);
  }
  ::close(fd);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) fail("cannot rename the temporary file " + tmp.string() + " to it", ec.value());
  sync_folder(path.parent_path());
}

void require_writable_folder(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot write results to " + dir.string() + ": cannot create the folder (" + ec.message() + ")");
  if (!fs::is_directory(dir, ec)) throw std::runtime_error("cannot write results to " + dir.string() + ": it is not a folder");
  const fs::path probe = dir / (".nn-write-probe.tmp" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write results to " + dir.string() + " (" + reason(errno) + ")");
  ::close(fd);
  ::unlink(probe.c_str());
}

}  // namespace nn
