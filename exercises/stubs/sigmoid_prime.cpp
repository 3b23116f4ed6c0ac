// Exercise 4.1a — sigmoid_prime, Eq. (11). Replace the throw with your code.
#include "ex/ch02_activations.hpp"
#include "nn/errors.hpp"

#include <cmath>

namespace ex {

double sigmoid_prime(double x) {
  (void)x;
  // Eq. (8): σ(x) = 1 / (1 + e^(−x)).  Eq. (11): σ′(x) = σ(x)(1 − σ(x)).
  throw nn::not_done("Exercise 4.1a — sigmoid_prime, Eq. (11)");
}

}  // namespace ex
