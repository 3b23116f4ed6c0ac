// libFuzzer target: the WIDER FACE annotation reader. Any input must end in records whose boxes
// are well formed (x1 ≤ x2, y1 ≤ y2, inside ±2^25) or an nn::data_error.
#include "fuzz_input.hpp"
#include "nn/data/wider_face.hpp"
#include "nn/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::input_file(data, size, ".txt");
  try {
    for (const auto& rec : nn::read_wider_face_annotations(path))
      for (const auto& f : rec.faces)
        if (!(f.box.x1 <= f.box.x2 && f.box.y1 <= f.box.y2 && f.box.x2 <= 33554432.0 && f.box.y2 <= 33554432.0))
          __builtin_trap();
  } catch (const nn::data_error&) {
  }
  return 0;
}
