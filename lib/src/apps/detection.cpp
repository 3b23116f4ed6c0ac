/// @file detection.cpp
/// @brief The grid detector: IoU (D11), targets, loss (D6)–(D10), decoding (D1)–(D5), NMS,
///        AP (D12)–(D13) and the network.
#include "nn/apps/detection.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>

#include <boost/format.hpp>

#include "nn/activation_layer.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/errors.hpp"
#include "nn/loss.hpp"
#include "nn/maxpool2d.hpp"

namespace nn {

namespace {

using nn::sigmoid;  // Eq. (8), without overflow for large |z| (activations.hpp)

/// log(1 + e^z) without overflow: max(z, 0) + log(1 + e^{−|z|}).
double softplus(double z) { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }

/// Checks P against the targets (Eq. (D6)) and returns K.
template <class T>
std::size_t check_output(const Tensor<T>& P, const GridTargets& targets) {
  const Shape& s = P.shape();
  if (s.rank() != 4 || s[1] < 6 || s[2] != s[3] || s[0] != targets.batch || s[2] != targets.grid ||
      targets.cells.size() != targets.batch * targets.grid * targets.grid) {
    throw shape_error("Eq. (D6) detection loss: output " + s.str() + " must be (R, 5 + K, S, S) with K >= 1, R = " +
                      std::to_string(targets.batch) + " and S = " + std::to_string(targets.grid) +
                      " of the targets");
  }
  const std::size_t K = s[1] - 5;
  for (const auto& c : targets.cells) {
    if (c.object && (c.label < 0 || std::size_t(c.label) >= K)) {
      throw shape_error("Eq. (D6) detection loss: target class " + std::to_string(c.label) + " outside 0 … " +
                        std::to_string(K - 1) + " for output " + s.str());
    }
  }
  return K;
}

/// The loss of Eq. (D6); if dP is not null, also ∂L/∂P of Eqs. (D7)–(D10).
template <class T>
DetectionLossParts loss_impl(const Tensor<T>& P, const GridTargets& targets, const DetectionLossWeights& lam,
                             Tensor<T>* dP) {
  const std::size_t K = check_output(P, targets);
  const std::size_t R = P.dim(0), C = P.dim(1), S = P.dim(2), SS = S * S;
  if (dP) {
    if (dP->shape() != P.shape()) dP->resize(P.shape());
    dP->fill(T(0));  // Eq. (D10): channels that do not enter L have zero derivative
  }
  const double inv_R = 1.0 / double(R);  // the batch mean: 1/R enters once, here
  const T* p = P.data();
  T* g = dP ? dP->data() : nullptr;
  DetectionLossParts parts;
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t cell = 0; cell < SS; ++cell) {
      const CellTarget& t = targets.cells[r * SS + cell];
      auto at = [&](std::size_t c) { return (r * C + c) * SS + cell; };  // offset of P_{r,c,i,j}
      // Objectness, binary cross-entropy ℓ(z, y) = softplus(z) − y z; Eq. (D7): ∂ℓ/∂z = σ(z) − y
      const double z0 = double(p[at(0)]);
      const double y0 = t.object ? 1.0 : 0.0;
      const double lam0 = t.object ? lam.object : lam.noobject;
      const double l0 = lam0 * (softplus(z0) - y0 * z0) * inv_R;
      (t.object ? parts.object : parts.noobject) += l0;
      if (g) g[at(0)] = T(lam0 * (sigmoid(z0) - y0) * inv_R);
      if (!t.object) continue;
      // Box: λ_coord Σ_m (σ(P_m) − τ_m)²; Eq. (D8) with σ' = σ(1 − σ) (Eq. (11))
      const double tau[4] = {t.x, t.y, t.sqrt_w, t.sqrt_h};
      for (std::size_t m = 0; m < 4; ++m) {
        const double s = sigmoid(double(p[at(1 + m)]));
        const double d = s - tau[m];
        parts.box += lam.coord * d * d * inv_R;
        if (g) g[at(1 + m)] = T(lam.coord * 2.0 * d * s * (1.0 - s) * inv_R);
      }
      // Class: −λ_cls log q_c with q = softmax (log-sum-exp); Eq. (D9): ∂/∂z_k = q_k − [k = c]
      const double log_sum = log_sum_exp(p + at(5), K, SS);  // the K class scores are SS apart
      parts.cls += lam.cls * (log_sum - double(p[at(5 + std::size_t(t.label))])) * inv_R;
      if (g) {
        for (std::size_t k = 0; k < K; ++k) {
          const double qk = std::exp(double(p[at(5 + k)]) - log_sum);
          g[at(5 + k)] = T(lam.cls * (qk - (int(k) == t.label ? 1.0 : 0.0)) * inv_R);
        }
      }
    }
  }
  parts.total = parts.object + parts.noobject + parts.box + parts.cls;
  return parts;
}

}  // namespace

// ---- boxes --------------------------------------------------------------------------------------

std::size_t GridTargets::objects() const {
  return std::size_t(std::count_if(cells.begin(), cells.end(), [](const CellTarget& c) { return c.object; }));
}

void resize_targets(GridTargets& targets, std::size_t batch, std::size_t grid) {
  targets.batch = batch;
  targets.grid = grid;
  targets.cells.assign(batch * grid * grid, CellTarget{});
}

std::size_t encode_targets(const std::vector<LabeledBox>& objects, std::size_t r, double image_w, double image_h,
                           GridTargets& targets) {
  const std::size_t S = targets.grid;
  if (r >= targets.batch || targets.cells.size() != targets.batch * S * S) {
    throw std::invalid_argument("encode_targets: image " + std::to_string(r) + " outside a batch of " +
                                std::to_string(targets.batch) + " (call resize_targets first)");
  }
  std::vector<double> area_in_cell(S * S, -1.0);
  std::size_t lost = 0;
  for (const auto& o : objects) {
    const double cx = 0.5 * (o.box.x1 + o.box.x2) * double(S) / image_w;  // centre in cell units
    const double cy = 0.5 * (o.box.y1 + o.box.y2) * double(S) / image_h;
    const std::size_t j = std::size_t(std::clamp(std::floor(cx), 0.0, double(S - 1)));
    const std::size_t i = std::size_t(std::clamp(std::floor(cy), 0.0, double(S - 1)));
    double& best = area_in_cell[i * S + j];
    if (best >= 0) {
      ++lost;
      if (o.box.area() <= best) continue;  // the larger object keeps the cell
    }
    best = o.box.area();
    CellTarget& t = targets.at(r, i, j);
    t.object = true;
    t.x = std::clamp(cx - double(j), 0.0, 1.0);
    t.y = std::clamp(cy - double(i), 0.0, 1.0);
    t.sqrt_w = std::sqrt(std::clamp(o.box.width() / image_w, 0.0, 1.0));
    t.sqrt_h = std::sqrt(std::clamp(o.box.height() / image_h, 0.0, 1.0));
    t.label = o.label;
  }
  return lost;
}

// ---- loss ---------------------------------------------------------------------------------------

template <class T>
DetectionLossParts detection_loss(const Tensor<T>& P, const GridTargets& targets, const DetectionLossWeights& weights,
                                  Tensor<T>& dP) {
  return loss_impl(P, targets, weights, &dP);
}

template <class T>
DetectionLossParts detection_loss_value(const Tensor<T>& P, const GridTargets& targets,
                                        const DetectionLossWeights& weights) {
  return loss_impl<T>(P, targets, weights, nullptr);
}

// ---- decoding, NMS ------------------------------------------------------------------------------

template <class T>
void decode_detections(const Tensor<T>& P, double image_w, double image_h, double min_score, std::size_t first_image,
                       std::vector<Detection>& out) {
  const Shape& s = P.shape();
  if (s.rank() != 4 || s[1] < 6 || s[2] != s[3]) {
    throw shape_error("Eqs. (D1)-(D5) decode: output " + s.str() + " must be (R, 5 + K, S, S) with K >= 1");
  }
  const std::size_t R = s[0], C = s[1], S = s[2], K = C - 5, SS = S * S;
  const T* p = P.data();
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t i = 0; i < S; ++i) {
      for (std::size_t j = 0; j < S; ++j) {
        auto v = [&](std::size_t c) { return double(p[(r * C + c) * SS + i * S + j]); };
        const double po = sigmoid(v(0));  // Eq. (D1)
        if (po < min_score) continue;            // no class can reach min_score (q_k ≤ 1)
        const double cx = (double(j) + sigmoid(v(1))) * image_w / double(S);  // Eq. (D2)
        const double cy = (double(i) + sigmoid(v(2))) * image_h / double(S);
        const double sw = sigmoid(v(3)), sh = sigmoid(v(4));
        const double w = sw * sw * image_w, h = sh * sh * image_h;  // Eq. (D3)
        const double log_sum = log_sum_exp(p + (r * C + 5) * SS + i * S + j, K, SS);
        for (std::size_t k = 0; k < K; ++k) {
          const double score = po * std::exp(v(5 + k) - log_sum);  // Eqs. (D4)–(D5)
          if (score < min_score) continue;
          out.push_back(Detection{first_image + r, Box{cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2}, int(k), score});
        }
      }
    }
  }
}

namespace {
/// Indices of `d` by decreasing score; equal scores keep their input order.
std::vector<std::size_t> by_score(const std::vector<Detection>& d) {
  std::vector<std::size_t> order(d.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return d[a].score > d[b].score; });
  return order;
}
}  // namespace

std::vector<Detection> non_max_suppression(std::vector<Detection> detections, double iou_threshold) {
  std::vector<Detection> kept;
  for (std::size_t n : by_score(detections)) {
    const Detection& d = detections[n];
    bool suppressed = false;
    for (const Detection& k : kept) {
      if (k.image == d.image && k.label == d.label && iou(k.box, d.box) > iou_threshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push_back(d);
  }
  return kept;
}

// ---- AP, mAP ------------------------------------------------------------------------------------

double average_precision(const PrecisionRecall& curve) {
  const std::size_t n = curve.recall.size();
  if (n == 0) return 0.0;
  // Raise every precision to the largest precision at the same or a larger recall (the
  // interpolation of Eq. (D13)), scanning from the end.
  std::vector<double> p(curve.precision);
  for (std::size_t k = n - 1; k-- > 0;) p[k] = std::max(p[k], p[k + 1]);
  // Sum rectangles: each increase of recall times the interpolated precision there.
  double ap = 0, previous_recall = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (curve.recall[k] > previous_recall) {
      ap += (curve.recall[k] - previous_recall) * p[k];
      previous_recall = curve.recall[k];
    }
  }
  return ap;
}

MeanAveragePrecision mean_average_precision(const std::vector<Detection>& detections,
                                            const std::vector<std::vector<LabeledBox>>& truth,
                                            std::size_t num_classes, double iou_threshold) {
  MeanAveragePrecision m;
  m.ap.assign(num_classes, std::numeric_limits<double>::quiet_NaN());
  m.positives.assign(num_classes, 0);
  m.true_positives.assign(num_classes, 0);
  m.curves.assign(num_classes, {});
  for (const auto& image : truth) {
    for (const auto& o : image) {
      if (o.label < 0 || std::size_t(o.label) >= num_classes) {
        throw std::invalid_argument("mean_average_precision: true class " + std::to_string(o.label) + " outside 0 … " +
                                    std::to_string(num_classes - 1));
      }
      ++m.positives[std::size_t(o.label)];
    }
  }
  for (const auto& d : detections) {
    if (d.image >= truth.size() || d.label < 0 || std::size_t(d.label) >= num_classes) {
      throw std::invalid_argument("mean_average_precision: detection of image " + std::to_string(d.image) +
                                  ", class " + std::to_string(d.label) + " outside " + std::to_string(truth.size()) +
                                  " images and " + std::to_string(num_classes) + " classes");
    }
  }
  // matched[n][b]: true box b of image n already taken by a higher-scoring detection
  std::vector<std::vector<char>> matched(truth.size());
  const std::vector<std::size_t> order = by_score(detections);
  double sum = 0;
  std::size_t counted = 0;
  for (std::size_t k = 0; k < num_classes; ++k) {
    for (std::size_t n = 0; n < truth.size(); ++n) matched[n].assign(truth[n].size(), 0);
    std::size_t tp = 0, seen = 0;
    PrecisionRecall& curve = m.curves[k];
    for (std::size_t idx : order) {
      const Detection& d = detections[idx];
      if (std::size_t(d.label) != k) continue;
      double best = -1;
      std::size_t best_b = 0;
      for (std::size_t b = 0; b < truth[d.image].size(); ++b) {
        if (std::size_t(truth[d.image][b].label) != k) continue;
        const double o = iou(d.box, truth[d.image][b].box);
        if (o > best) best = o, best_b = b;
      }
      ++seen;
      if (best >= iou_threshold && !matched[d.image][best_b]) {
        matched[d.image][best_b] = 1;
        ++tp;
      }
      // Eq. (D12): precision and recall after this detection
      if (m.positives[k] > 0) {
        curve.recall.push_back(double(tp) / double(m.positives[k]));
        curve.precision.push_back(double(tp) / double(seen));
      }
    }
    m.true_positives[k] = tp;
    if (m.positives[k] == 0) continue;  // AP undefined: left NaN and out of the mean
    m.ap[k] = average_precision(curve);
    sum += m.ap[k];
    ++counted;
  }
  m.map = counted ? sum / double(counted) : 0.0;
  return m;
}

// ---- network ------------------------------------------------------------------------------------

std::string GridDetectorSpec::str() const {
  std::ostringstream os;
  os << in_channels << "x" << input << "x" << input << (stem_stride == 2 ? " -> s2 " : " -> ");
  std::size_t blocks = 0;
  for (std::size_t f = grid ? input / grid : 1; f > 1; f /= 2) ++blocks;
  for (std::size_t i = 0; i < widths.size(); ++i) os << (i ? (i == blocks ? " | " : "-") : "") << widths[i];
  os << " -> (5+" << classes << ")x" << grid << "x" << grid;
  return os.str();
}

template <class T>
Sequential<T> grid_detector(const GridDetectorSpec& spec, std::uint64_t seed) {
  if (spec.grid == 0 || spec.input % spec.grid != 0) {
    throw std::invalid_argument("grid_detector: input " + std::to_string(spec.input) + " is not a multiple of grid " +
                                std::to_string(spec.grid));
  }
  std::size_t blocks = 0;
  for (std::size_t f = spec.input / spec.grid; f > 1; f /= 2) {
    if (f % 2) throw std::invalid_argument("grid_detector: input/grid must be a power of two");
    ++blocks;
  }
  if (spec.stem_stride != 1 && (spec.stem_stride != 2 || blocks == 0)) {
    throw std::invalid_argument("grid_detector: stem_stride must be 1, or 2 when input > grid");
  }
  if (spec.widths.size() < blocks + 1 || spec.classes == 0) {
    throw std::invalid_argument("grid_detector: " + std::to_string(blocks) + " halvings need at least " +
                                std::to_string(blocks + 1) + " widths, got " + std::to_string(spec.widths.size()));
  }
  std::mt19937_64 rng(seed);
  Sequential<T> net;
  std::size_t c = spec.in_channels;
  for (std::size_t b = 0; b < spec.widths.size(); ++b) {
    const std::size_t stride = b == 0 ? spec.stem_stride : 1;
    net.template add<Conv2d<T>>(c, spec.widths[b], 3, 3, ConvSpec{stride, 1}, rng());  // Eq. (39)
    net.template add<BatchNorm2d<T>>(spec.widths[b]);                                  // Eqs. (52)–(55)
    net.template add<Activation<T>>(ActivationFunction::relu);                         // Eq. (44)
    if (b < blocks && stride == 1) net.template add<MaxPool2d<T>>(2, 2);                // Eq. (49), size halved
    c = spec.widths[b];
  }
  auto& head = net.template add<Conv2d<T>>(c, 5 + spec.classes, 1, 1, ConvSpec{1, 0}, rng());  // 1×1: 5 + K per cell
  // Start the objectness logit at log(p/(1 − p)) for p ≈ 0.05, about the share of cells holding
  // an object, so that the first steps are not spent learning that most cells are empty.
  head.bias()(0) = T(std::log(0.05 / 0.95));
  return net;
}

// ---- drawing ------------------------------------------------------------------------------------

template DetectionLossParts detection_loss(const Tensor<float>&, const GridTargets&, const DetectionLossWeights&,
                                           Tensor<float>&);
template DetectionLossParts detection_loss(const Tensor<double>&, const GridTargets&, const DetectionLossWeights&,
                                           Tensor<double>&);
template DetectionLossParts detection_loss_value(const Tensor<float>&, const GridTargets&, const DetectionLossWeights&);
template DetectionLossParts detection_loss_value(const Tensor<double>&, const GridTargets&, const DetectionLossWeights&);
template void decode_detections(const Tensor<float>&, double, double, double, std::size_t, std::vector<Detection>&);
template void decode_detections(const Tensor<double>&, double, double, double, std::size_t, std::vector<Detection>&);
template Sequential<float> grid_detector(const GridDetectorSpec&, std::uint64_t);
template Sequential<double> grid_detector(const GridDetectorSpec&, std::uint64_t);

}  // namespace nn
