/// @file init.cpp
/// @brief Xavier/Glorot and He initialisation from a seeded std::mt19937_64.
#include "nn/init.hpp"

#include <cmath>
#include <stdexcept>

namespace nn {

std::string to_string(Init scheme) {
  switch (scheme) {
    case Init::xavier_uniform: return "xavier_uniform";
    case Init::xavier_normal: return "xavier_normal";
    case Init::he_uniform: return "he_uniform";
    case Init::he_normal: return "he_normal";
  }
  return "?";
}

double uniform01(std::mt19937_64& rng) {
  return double(rng() >> 11) * 0x1.0p-53;  // 53 random bits → [0, 1) exactly representable
}

double standard_normal(std::mt19937_64& rng) {
  const double pi = 3.14159265358979323846;
  const double u1 = 1.0 - uniform01(rng);  // (0, 1]: log is finite
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * pi * u2);  // Box–Muller
}

double init_scale(Init scheme, std::size_t fan_in, std::size_t fan_out) {
  if (fan_in == 0 || fan_out == 0) throw std::invalid_argument("init_scale: fan_in and fan_out must be positive");
  const double in = double(fan_in), out = double(fan_out);
  switch (scheme) {
    case Init::xavier_uniform: return std::sqrt(6.0 / (in + out));
    case Init::xavier_normal: return std::sqrt(2.0 / (in + out));
    case Init::he_uniform: return std::sqrt(6.0 / in);
    case Init::he_normal: return std::sqrt(2.0 / in);
  }
  return 0;
}

template <class T>
void initialize(Tensor<T>& W, Init scheme, std::size_t fan_in, std::size_t fan_out, std::mt19937_64& rng) {
  const double a = init_scale(scheme, fan_in, fan_out);
  const bool uniform = scheme == Init::xavier_uniform || scheme == Init::he_uniform;
  for (auto& w : W) w = T(uniform ? a * (2.0 * uniform01(rng) - 1.0) : a * standard_normal(rng));
}

template void initialize(Tensor<float>&, Init, std::size_t, std::size_t, std::mt19937_64&);
template void initialize(Tensor<double>&, Init, std::size_t, std::size_t, std::mt19937_64&);

}  // namespace nn
