/// @file output_size.cpp
/// @brief Eqs. (34)–(35) and (46)–(47).
#include "nn/output_size.hpp"

#include <string>

#include "nn/errors.hpp"

namespace nn {

std::size_t conv_out_size(std::size_t n, std::size_t k, std::size_t s, std::size_t p) {
  const std::string args = "(n=" + std::to_string(n) + ", k=" + std::to_string(k) + ", s=" + std::to_string(s) +
                           ", p=" + std::to_string(p) + ")";
  if (s == 0) throw shape_error("Eqs. (34)-(35): stride s must be at least 1 " + args);
  if (k == 0) throw shape_error("Eqs. (34)-(35): kernel size k must be at least 1 " + args);
  if (k > n + 2 * p)
    throw shape_error("Eqs. (34)-(35): kernel k=" + std::to_string(k) + " is larger than the padded input n+2p=" +
                      std::to_string(n + 2 * p) + " " + args);
  // [eq34]
  // Eqs. (34)-(35): ⌊(n − k + 2p)/s⌋ + 1, the division floors
  return (n + 2 * p - k) / s + 1;
  // [eq34]
}

}  // namespace nn
