/// @file roc.hpp
/// @brief The receiver operating characteristic of a scored two-class decision (§1.3's face
///        questions: "is this a face?", "is this the same person?"): the curve, its area, the
///        equal-error point, and the confusion table at a threshold.
///
/// A score s is turned into a decision by a threshold t: "positive" iff s ≥ t. Over all t,
///
///     TPR(t) = #{positives with s ≥ t} / #positives,   FPR(t) = #{negatives with s ≥ t} / #negatives,
///
/// and the ROC curve joins the points (FPR, TPR) from (0, 0) (t above every score) to (1, 1).
/// Tied scores move both rates at once, so the curve has one point per distinct score. The area
/// under it (AUC, by the trapezoid rule) is the probability that a random positive scores above
/// a random negative, ties counting one half.
#pragma once

#include <cstddef>
#include <vector>

namespace nn {

/// @brief A ROC curve: point i is (fpr[i], tpr[i]) at threshold[i] (decreasing); point 0 is
///        (0, 0) at +∞ and the last is (1, 1).
struct RocCurve {
  std::vector<double> fpr;        ///< false-positive rate per point
  std::vector<double> tpr;        ///< true-positive rate per point
  std::vector<double> threshold;  ///< the threshold of each point (+∞ for the first)
  double auc = 0;                 ///< area under the curve, trapezoid rule
  double eer = 0;                 ///< equal error rate: where FPR = 1 − TPR, interpolated
};

/// @brief The ROC curve of scores against truth.
/// @param scores    one score per example, higher meaning "more positive"
/// @param positive  1 for a positive example, 0 for a negative one (same length as scores)
/// @throws std::invalid_argument if the lengths differ, a label is not 0 or 1, a score is not
///         finite, or either class is empty
RocCurve roc_curve(const std::vector<double>& scores, const std::vector<int>& positive);

/// @brief Counts of a two-class decision at a threshold ("positive" iff score ≥ threshold).
struct Confusion {
  std::size_t tp = 0;  ///< positives called positive
  std::size_t fn = 0;  ///< positives called negative
  std::size_t fp = 0;  ///< negatives called positive
  std::size_t tn = 0;  ///< negatives called negative
  /// Fraction of the examples decided correctly.
  double accuracy() const { return double(tp + tn) / double(tp + fn + fp + tn); }
};

/// @brief The confusion table of scores against truth at a threshold.
/// @throws std::invalid_argument as roc_curve() (an empty class is allowed here)
Confusion confusion_at(const std::vector<double>& scores, const std::vector<int>& positive, double threshold);

}  // namespace nn
