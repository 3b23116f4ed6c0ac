// Typical mistake: 1 − x² (squaring the input) instead of Eq. (12)'s 1 − tanh²(x).
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::one_minus_x_squared {
double tanh_prime(double x) { return 1 - x * x; }
}  // namespace ex::mistake::one_minus_x_squared

EX_MISTAKE(tanh_prime, one_minus_x_squared,
           "your tanh′ is 1 − x², the input squared",
           "Eq. (12) squares the output: tanh′(x) = 1 − tanh²(x). 1 − x² agrees only near x = 0 and goes negative for |x| > 1, although tanh is increasing everywhere");
