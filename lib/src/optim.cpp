/// @file optim.cpp
/// @brief Eq. (20) (SGD), momentum, Adam and learning-rate schedules.
#include "nn/optim.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace nn {

template <class T>
void sgd_step(Tensor<T>& theta, const Tensor<T>& gradient, T alpha) {
  require_same_shape(theta.shape(), gradient.shape(), "Eq. (20) SGD step (θ and ∂L/∂θ)");
  // [eq20]
  // Eq. (20): θ ← θ − α ∂L/∂θ
  for (std::size_t i = 0; i < theta.size(); ++i)
    theta[i] -= alpha * gradient[i];
  // [eq20]
}

namespace {
// The optimizer state is kept per position in the parameter list; a list that changes between
// steps is a bug in the training loop, so it is reported instead of silently mixed up.
template <class T>
void match_state(std::vector<Tensor<T>>& state, const std::vector<Parameter<T>>& params, const char* who) {
  if (state.empty()) {
    for (const auto& p : params) state.emplace_back(p.value->shape(), T(0));
    return;
  }
  if (state.size() != params.size())
    throw std::invalid_argument(std::string(who) + ": " + std::to_string(params.size()) +
                                " parameters, but the first step had " + std::to_string(state.size()));
  for (std::size_t i = 0; i < params.size(); ++i) {
    require_same_shape(params[i].value->shape(), state[i].shape(), std::string(who) + " parameter " + params[i].name);
  }
}
}  // namespace

template <class T>
SGD<T>::SGD(double lr, double momentum) : Optimizer<T>(lr), momentum_(momentum) {
  if (!(momentum >= 0 && momentum < 1)) throw std::invalid_argument("SGD: momentum must be in [0, 1)");
}

template <class T>
void SGD<T>::step(const std::vector<Parameter<T>>& params) {
  const T alpha = T(this->lr_);
  if (momentum_ == 0) {
    for (const auto& p : params) sgd_step(*p.value, *p.gradient, alpha);  // Eq. (20)
    return;
  }
  match_state(velocity_, params, "SGD with momentum");
  const T mu = T(momentum_);
  for (std::size_t i = 0; i < params.size(); ++i) {
    Tensor<T>& theta = *params[i].value;
    const Tensor<T>& g = *params[i].gradient;
    require_same_shape(theta.shape(), g.shape(), "Eq. (20) SGD step (θ and ∂L/∂θ)");
    Tensor<T>& v = velocity_[i];
    // [momentum]
    for (std::size_t k = 0; k < theta.size(); ++k) {
      v[k] = mu * v[k] + g[k];      // v ← μ v + g
      // θ ← θ − α v: Eq. (20) with v in place of ∂L/∂θ
      theta[k] -= alpha * v[k];
    }
    // [momentum]
  }
}

template <class T>
Adam<T>::Adam(double lr, double beta1, double beta2, double epsilon)
    : Optimizer<T>(lr), beta1_(beta1), beta2_(beta2), epsilon_(epsilon) {
  if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && epsilon > 0))
    throw std::invalid_argument("Adam: needs 0 ≤ β1, β2 < 1 and ε > 0");
}

template <class T>
void Adam<T>::step(const std::vector<Parameter<T>>& params) {
  match_state(m_, params, "Adam");
  match_state(v_, params, "Adam");
  ++t_;
  const double c1 = 1.0 - std::pow(beta1_, double(t_));  // bias corrections
  const double c2 = 1.0 - std::pow(beta2_, double(t_));
  for (std::size_t i = 0; i < params.size(); ++i) {
    Tensor<T>& theta = *params[i].value;
    const Tensor<T>& g = *params[i].gradient;
    require_same_shape(theta.shape(), g.shape(), "Adam step (θ and ∂L/∂θ)");
    // Plain pointers that do not alias, so that the loop runs in vector registers (a dense layer
    // of 3136 × 128 weights took longer in this loop than in its forward pass).
    T* __restrict th = theta.data();
    T* __restrict m = m_[i].data();
    T* __restrict v = v_[i].data();
    const T* __restrict gr = g.data();
    const double b1 = beta1_, b2 = beta2_, lr = this->lr_, eps = epsilon_;
    for (std::size_t k = 0; k < theta.size(); ++k) {
      m[k] = T(b1 * m[k] + (1 - b1) * gr[k]);           // first moment
      v[k] = T(b2 * v[k] + (1 - b2) * gr[k] * gr[k]);   // second moment
      const double mhat = m[k] / c1, vhat = v[k] / c2;  // bias-corrected
      th[k] -= T(lr * mhat / (std::sqrt(vhat) + eps));
    }
  }
}

double step_decay(double lr0, std::size_t epoch, std::size_t every, double gamma) {
  if (every == 0) throw std::invalid_argument("step_decay: 'every' must be positive");
  return lr0 * std::pow(gamma, double(epoch / every));
}

double cosine_schedule(double lr0, std::size_t t, std::size_t total, double lr_min) {
  if (total == 0) throw std::invalid_argument("cosine_schedule: 'total' must be positive");
  if (t >= total) return lr_min;
  const double pi = 3.14159265358979323846;
  return lr_min + 0.5 * (lr0 - lr_min) * (1 + std::cos(pi * double(t) / double(total)));
}

template void sgd_step(Tensor<float>&, const Tensor<float>&, float);
template void sgd_step(Tensor<double>&, const Tensor<double>&, double);
template class SGD<float>;
template class SGD<double>;
template class Adam<float>;
template class Adam<double>;

}  // namespace nn
