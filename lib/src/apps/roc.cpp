// The ROC curve, its area and the equal error rate (roc.hpp).
#include "nn/apps/roc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace nn {

namespace {

void check_inputs(const std::vector<double>& scores, const std::vector<int>& positive) {
  if (scores.size() != positive.size())
    throw std::invalid_argument("roc: " + std::to_string(scores.size()) + " scores but " +
                                std::to_string(positive.size()) + " labels");
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (positive[i] != 0 && positive[i] != 1)
      throw std::invalid_argument("roc: label " + std::to_string(i) + " is " + std::to_string(positive[i]) +
                                  ", not 0 or 1");
    if (!std::isfinite(scores[i]))
      throw std::invalid_argument("roc: score " + std::to_string(i) + " is not finite");
  }
}

}  // namespace

RocCurve roc_curve(const std::vector<double>& scores, const std::vector<int>& positive) {
  check_inputs(scores, positive);
  const std::size_t P = std::size_t(std::count(positive.begin(), positive.end(), 1));
  const std::size_t N = positive.size() - P;
  if (P == 0 || N == 0)
    throw std::invalid_argument("roc: need both classes, got " + std::to_string(P) + " positives and " +
                                std::to_string(N) + " negatives");
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });

  RocCurve c;
  c.fpr.push_back(0), c.tpr.push_back(0), c.threshold.push_back(std::numeric_limits<double>::infinity());
  std::size_t tp = 0, fp = 0;
  for (std::size_t i = 0; i < order.size();) {
    const double t = scores[order[i]];
    for (; i < order.size() && scores[order[i]] == t; ++i) (positive[order[i]] ? tp : fp) += 1;  // ties move together
    c.fpr.push_back(double(fp) / double(N)), c.tpr.push_back(double(tp) / double(P)), c.threshold.push_back(t);
  }
  for (std::size_t i = 1; i < c.fpr.size(); ++i)
    c.auc += (c.fpr[i] - c.fpr[i - 1]) * (c.tpr[i] + c.tpr[i - 1]) / 2;  // trapezoid
  // Equal error rate: the false-negative rate 1 − TPR falls and FPR rises along the curve; find
  // the segment where FPR − (1 − TPR) changes sign and interpolate linearly on it.
  for (std::size_t i = 1; i < c.fpr.size(); ++i) {
    const double d0 = c.fpr[i - 1] - (1 - c.tpr[i - 1]), d1 = c.fpr[i] - (1 - c.tpr[i]);
    if (d1 >= 0) {
      const double a = d1 == d0 ? 0 : -d0 / (d1 - d0);
      c.eer = c.fpr[i - 1] + a * (c.fpr[i] - c.fpr[i - 1]);
      break;
    }
  }
  return c;
}

Confusion confusion_at(const std::vector<double>& scores, const std::vector<int>& positive, double threshold) {
  check_inputs(scores, positive);
  Confusion m;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const bool called = scores[i] >= threshold;
    if (positive[i]) (called ? m.tp : m.fn) += 1;
    else (called ? m.fp : m.tn) += 1;
  }
  return m;
}

}  // namespace nn
