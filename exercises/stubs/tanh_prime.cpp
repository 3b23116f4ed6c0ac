// Exercise 4.1b — tanh_prime, Eq. (12). Replace the throw with your code.
#include "ex/ch02_activations.hpp"
#include "nn/errors.hpp"

#include <cmath>

namespace ex {

double tanh_prime(double x) {
  (void)x;
  // Eq. (12): tanh′(x) = 1 − tanh²(x).  std::tanh is in <cmath>.
  throw nn::not_done("Exercise 4.1b — tanh_prime, Eq. (12)");
}

}  // namespace ex
