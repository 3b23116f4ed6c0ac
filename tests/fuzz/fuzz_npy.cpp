// libFuzzer target: the .npy reader (NumPy format 1.0, 2.0, 3.0). Any input must end in an array
// that keeps the reader's promises or an nn::data_error; a crash, a leak, a hang (-timeout) or
// more than -rss_limit_mb of memory is a bug.
#include <cmath>

#include "fuzz_input.hpp"
#include "nn/data/limits.hpp"
#include "nn/data/npy.hpp"
#include "nn/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::input_file(data, size, ".npy");
  try {
    const nn::NpyArray a = nn::read_npy(path);
    std::size_t n = 1;
    for (std::size_t d : a.shape) n *= d;  // bounded by the reader, so this cannot overflow
    if (a.values.size() != n || n > nn::limits::npy_values) __builtin_trap();
    for (double v : a.values)
      if (!std::isfinite(v)) __builtin_trap();
    if (a.dtype != "<f8" && a.dtype != "<f4" && a.dtype != "|u1" && a.dtype != "<i4" && a.dtype != "<i8") __builtin_trap();
  } catch (const nn::data_error&) {
  }
  return 0;
}
