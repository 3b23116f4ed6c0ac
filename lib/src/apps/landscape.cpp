/// @file landscape.cpp
/// @brief Flat parameter vectors, filter-normalised directions, loss slices and projections.
#include "nn/apps/landscape.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "nn/apps/train.hpp"

namespace nn {

namespace {

void check_length(const std::vector<float>& v, std::size_t n, const char* what, const char* where) {
  if (v.size() != n)
    throw std::invalid_argument(std::string(where) + ": " + what + " has " + std::to_string(v.size()) +
                                " values, the network has " + std::to_string(n) + " parameters");
}

double dot(const std::vector<float>& x, const std::vector<float>& y) {
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += double(x[i]) * double(y[i]);
  return s;
}

/// Restores the parameters a network had when it was made.
struct KeepParameters {
  Sequential<float>& net;
  std::vector<float> theta;
  explicit KeepParameters(Sequential<float>& n) : net(n), theta(get_parameters(n)) {}
  ~KeepParameters() { set_parameters(net, theta); }
};

}  // namespace

std::vector<float> get_parameters(Sequential<float>& net) {
  std::vector<float> theta;
  theta.reserve(net.parameter_count());
  for (const auto& p : net.parameters()) theta.insert(theta.end(), p.value->begin(), p.value->end());
  return theta;
}

void set_parameters(Sequential<float>& net, const std::vector<float>& theta) {
  check_length(theta, net.parameter_count(), "θ", "set_parameters");
  auto it = theta.begin();
  for (const auto& p : net.parameters()) {
    std::copy_n(it, p.value->size(), p.value->begin());
    it += std::ptrdiff_t(p.value->size());
  }
}

std::vector<float> filter_normalized_direction(Sequential<float>& net, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<float> d;
  d.reserve(net.parameter_count());
  for (const auto& p : net.parameters()) {
    const Tensor<float>& W = *p.value;
    const std::size_t n = W.size(), rank = W.shape().rank();
    const std::size_t start = d.size();
    for (std::size_t i = 0; i < n; ++i) d.push_back(rank >= 2 ? float(normal(rng)) : 0.0f);
    if (rank < 2 || n == 0) continue;  // biases, γ, β: no move
    // [filter_normalize]
    // filter f: channel c′ of (C′, C, kH, kW), column j of a dense (n, m)
    const bool dense = rank == 2;
    const std::size_t filters = dense ? W.dim(1) : W.dim(0);
    const std::size_t per = n / filters;
    auto at = [&](std::size_t f, std::size_t i) {  // entry i of filter f
      return dense ? i * filters + f : f * per + i;
    };
    for (std::size_t f = 0; f < filters; ++f) {
      double dd = 0, ww = 0;
      for (std::size_t i = 0; i < per; ++i) {
        const double di = d[start + at(f, i)], wi = W[at(f, i)];
        dd += di * di, ww += wi * wi;
      }
      const double scale = dd > 0 ? std::sqrt(ww / dd) : 0.0;  // ‖δ_f‖ = ‖θ_f‖
      for (std::size_t i = 0; i < per; ++i)
        d[start + at(f, i)] = float(d[start + at(f, i)] * scale);
    }
    // [filter_normalize]
  }
  return d;
}

double loss_at(Sequential<float>& net, const std::vector<float>& theta, const Dataset& ds, std::size_t batch) {
  set_parameters(net, theta);
  return evaluate(net, ds, batch).loss;
}

std::vector<double> interpolate_losses(Sequential<float>& net, const std::vector<float>& theta0,
                                       const std::vector<float>& theta1, const std::vector<double>& ts,
                                       const Dataset& ds, std::size_t batch) {
  const std::size_t n = net.parameter_count();
  check_length(theta0, n, "θ₀", "interpolate_losses");
  check_length(theta1, n, "θ₁", "interpolate_losses");
  const KeepParameters keep(net);
  std::vector<float> theta(n);
  std::vector<double> losses;
  for (double t : ts) {
    for (std::size_t i = 0; i < n; ++i) theta[i] = float((1 - t) * theta0[i] + t * theta1[i]);
    losses.push_back(loss_at(net, theta, ds, batch));
  }
  return losses;
}

std::vector<std::vector<double>> loss_slice(Sequential<float>& net, const std::vector<float>& center,
                                            const std::vector<float>& d1, const std::vector<float>& d2,
                                            const std::vector<double>& as, const std::vector<double>& bs,
                                            const Dataset& ds, std::size_t batch) {
  const std::size_t n = net.parameter_count();
  check_length(center, n, "θ*", "loss_slice");
  check_length(d1, n, "δ₁", "loss_slice");
  check_length(d2, n, "δ₂", "loss_slice");
  const KeepParameters keep(net);
  std::vector<float> theta(n);
  std::vector<std::vector<double>> L(as.size(), std::vector<double>(bs.size()));
  for (std::size_t i = 0; i < as.size(); ++i)
    for (std::size_t j = 0; j < bs.size(); ++j) {
      for (std::size_t k = 0; k < n; ++k) theta[k] = float(center[k] + as[i] * d1[k] + bs[j] * d2[k]);
      L[i][j] = loss_at(net, theta, ds, batch);
    }
  return L;
}

PlaneCoordinates project_onto_plane(const std::vector<std::vector<float>>& path, const std::vector<float>& center,
                                    const std::vector<float>& d1, const std::vector<float>& d2) {
  const std::size_t n = center.size();
  check_length(d1, n, "δ₁", "project_onto_plane");
  check_length(d2, n, "δ₂", "project_onto_plane");
  const double g11 = dot(d1, d1), g12 = dot(d1, d2), g22 = dot(d2, d2);
  const double det = g11 * g22 - g12 * g12;
  if (!(det > 1e-12 * g11 * g22))
    throw std::invalid_argument("project_onto_plane: δ₁ and δ₂ are parallel (or zero); the plane is undefined");
  PlaneCoordinates pc;
  std::vector<float> v(n);
  for (const auto& theta : path) {
    check_length(theta, n, "a point of the path", "project_onto_plane");
    for (std::size_t i = 0; i < n; ++i) v[i] = theta[i] - center[i];
    // [project_path]
    // min ‖v − a δ₁ − b δ₂‖ over (a, b), v = θ_k − θ*: the normal equations
    // [g11 g12; g12 g22] (a, b) = (δ₁·v, δ₂·v), g11 = δ₁·δ₁, g12 = δ₁·δ₂, …
    const double r1 = dot(d1, v), r2 = dot(d2, v);
    const double a = (g22 * r1 - g12 * r2) / det;
    const double b = (g11 * r2 - g12 * r1) / det;
    // [project_path]
    double rest = 0, all = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double e = double(v[i]) - a * d1[i] - b * d2[i];
      rest += e * e, all += double(v[i]) * v[i];
    }
    pc.a.push_back(a), pc.b.push_back(b);
    pc.residual.push_back(all > 0 ? std::sqrt(rest / all) : 0.0);
  }
  return pc;
}

}  // namespace nn
