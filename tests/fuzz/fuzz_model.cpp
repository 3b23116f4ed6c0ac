// libFuzzer target: load_model, then one forward pass on a zero example of the model's input
// shape, as ch08_predict does. A model that loads must run: a shape error or a huge allocation
// in the forward pass is a gap in load_model's checks. (Finite but huge weights may overflow to
// ±∞ and NaN; ch08_predict refuses such scores, so they are not a fault here.)
#include "fuzz_input.hpp"
#include "nn/data/model_io.hpp"
#include "nn/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::input_file(data, size, ".nnm");
  nn::Model m;
  try {
    m = nn::load_model(path);
  } catch (const nn::data_error&) {
    return 0;
  }
  const nn::Tensor<float> x(nn::Shape{1, m.input[0], m.input[1], m.input[2]}, 0.5f);
  const nn::Tensor<float>& y = m.net.forward(x);
  if (y.shape()[0] != 1) __builtin_trap();
  return 0;
}
