// The readers take file names, so each fuzz input is written to a file of this process (in
// /dev/shm, which is memory, when there is one) and read back through the same path a student's
// file would take.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace fuzz {

/// The file of this process's fuzz inputs; removed when the process ends normally (libFuzzer
/// ends with exit() after -max_total_time; after a crash the file shows the last input).
class InputFile {
 public:
  explicit InputFile(const char* suffix)
      : path_((std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm") : std::filesystem::path("/tmp")) /
              ("nn-fuzz-" + std::to_string(::getpid()) + suffix)) {}
  ~InputFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), std::streamsize(size));
    return path_;
  }

 private:
  std::filesystem::path path_;
};

inline std::filesystem::path input_file(const std::uint8_t* data, std::size_t size, const char* suffix) {
  static const InputFile file(suffix);
  return file.write(data, size);
}

}  // namespace fuzz
