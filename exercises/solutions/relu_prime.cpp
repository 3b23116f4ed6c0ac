// Solution of exercise 4.1c — relu_prime, Eq. (13).
#include "ex/ch02_activations.hpp"

namespace ex {

double relu_prime(double x) { return x < 0 ? 0.0 : 1.0; }  // Eq. (13)

}  // namespace ex
