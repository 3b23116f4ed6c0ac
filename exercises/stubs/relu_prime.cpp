// Exercise 4.1c — relu_prime, Eq. (13). Replace the throw with your code.
#include "ex/ch02_activations.hpp"
#include "nn/errors.hpp"

namespace ex {

double relu_prime(double x) {
  (void)x;
  // Eq. (13): 0 for x < 0, 1 for x ≥ 0 (so ReLU′(0) = 1, see Eqs. (14)–(15)).
  throw nn::not_done("Exercise 4.1c — relu_prime, Eq. (13)");
}

}  // namespace ex
