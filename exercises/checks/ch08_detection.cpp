// Checks of the detection chapter's exercises (§1.3, docs/ch08_detection.md): IoU (Eq. (D11)),
// greedy non-maximum suppression and all-point average precision (Eq. (D13)). The truth is
// the library's (nn::iou, nn::non_max_suppression, nn::average_precision); the inputs aim at
// classes of mistakes: boxes apart, touching, nested, identical, empty, apart in one direction
// only, fractional edges; NMS with unsorted input, several classes and images, an IoU exactly at
// the threshold, chains of overlaps, tied scores; curves that dip and recover, that start with a
// false positive or stop short of recall 1. Tags are computed from each case's numbers.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"
#include "ex/ch08_detection.hpp"
#include "nn/apps/detection.hpp"
#include "nn/data/boxes.hpp"

namespace {

using ex::check::Answer;

// ---- IoU ----------------------------------------------------------------------------------------

std::string box_str(const nn::Box& b) {
  return "[" + ex::check::num(b.x1) + ", " + ex::check::num(b.y1) + ", " + ex::check::num(b.x2) + ", " +
         ex::check::num(b.y2) + ")";
}

// What a pair of boxes is, from its numbers.
std::vector<std::string> iou_tags(const nn::Box& a, const nn::Box& b) {
  const double iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1), ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  auto inside = [](const nn::Box& p, const nn::Box& q) {  // p ⊆ q
    return p.x1 >= q.x1 && p.y1 >= q.y1 && p.x2 <= q.x2 && p.y2 <= q.y2;
  };
  auto whole = [](double v) { return v == std::floor(v); };
  std::vector<std::string> t;
  if (a.area() == 0 || b.area() == 0) t.push_back("a zero-area box");
  if (a.area() == 0 && b.area() == 0) t.push_back("both boxes empty (union 0)");
  if (iw < 0 && ih < 0) t.push_back("apart in x and in y");
  if ((iw > 0 && ih < 0) || (iw < 0 && ih > 0)) t.push_back("overlapping in one direction, apart in the other");
  if ((iw == 0 && ih >= 0) || (ih == 0 && iw >= 0)) t.push_back("touching edges");
  if (iw > 0 && ih > 0 && a.area() > 0 && b.area() > 0) {
    if (a.x1 == b.x1 && a.y1 == b.y1 && a.x2 == b.x2 && a.y2 == b.y2)
      t.push_back("identical boxes");
    else if (inside(a, b) || inside(b, a))
      t.push_back("one box inside the other");
    else
      t.push_back("partial overlap");
  }
  if (!(whole(a.x1) && whole(a.y1) && whole(a.x2) && whole(a.y2) && whole(b.x1) && whole(b.y1) && whole(b.x2) &&
        whole(b.y2)))
    t.push_back("fractional edges");
  return t;
}

}  // namespace

NN_EXERCISE_CHECK(iou, "1.3a", "Eq. (D11)",
                  "IoU = |A ∩ B| / (|A| + |B| − |A ∩ B|), the intersection's width min(x2) − max(x1) and height "
                  "min(y2) − max(y1) each clamped at 0; x2 and y2 are exclusive (no +1)") {
  check.part("IoU", "Eq. (D11)", "|A ∩ B| / (|A| + |B| − |A ∩ B|)");
  check.tag("partial overlap", "for [0, 0, 4, 3) and [2, 1, 6, 5): |A ∩ B| = 2·2 = 4, |A| = 12, |B| = 16, IoU = 4/24");
  check.tag("identical boxes", "two identical boxes have IoU 1: the union is |A| + |B| − |A ∩ B| = |A|, the intersection "
                               "counted once");
  check.tag("one box inside the other", "if B ⊆ A then |A ∩ B| = |B| and the union is |A|: IoU = |B|/|A|");
  check.tag("touching edges", "boxes that share only an edge have an intersection of width 0 (x2 is exclusive: the "
                              "box [0, 2) ends before column 2), so IoU = 0");
  check.tag("apart in x and in y", "two negative gaps multiply to a positive number: clamp the width and the height at "
                                   "0 separately");
  check.tag("overlapping in one direction, apart in the other",
            "a negative height (the gap in y) times a positive width is negative: clamp each at 0");
  check.tag("a zero-area box", "a box of width or height 0 is empty: its area is 0, its IoU with anything is 0, and "
                               "if both are empty the union is 0, where Eq. (D11) is 0 by convention (not 0/0)");
  check.tag("both boxes empty (union 0)", "both areas are 0, so the union is 0 and |A ∩ B|/union is 0/0 = NaN: "
                                          "return 0 when the union is 0");
  check.tag("fractional edges", "edges need not be whole pixels: width = x2 − x1 exactly");
  struct Pair {
    nn::Box a, b;
  };
  const std::vector<Pair> pairs = {
      {{0, 0, 4, 3}, {2, 1, 6, 5}},          // partial overlap: 4 / 24
      {{1, 2, 6, 4}, {1, 2, 6, 4}},          // identical
      {{0, 0, 10, 8}, {2, 3, 5, 7}},         // nested: 12 / 80
      {{0, 0, 2, 3}, {2, 0, 5, 3}},          // touching at x = 2
      {{0, 0, 3, 2}, {1, 2, 4, 5}},          // touching at y = 2, overlapping in x
      {{0, 0, 2, 2}, {5, 6, 8, 9}},          // apart in x and in y
      {{0, 0, 4, 2}, {1, 5, 6, 9}},          // overlap in x, apart in y
      {{3, 3, 3, 7}, {0, 0, 6, 6}},          // a zero-width box inside another
      {{2, 2, 2, 2}, {2, 2, 2, 2}},          // two empty boxes: union 0
      {{0.5, 1.25, 3.75, 4}, {2, 0, 5.5, 2.5}},  // fractional edges, partial overlap
  };
  for (const Pair& p : pairs)
    check.add({"A = " + box_str(p.a) + ", B = " + box_str(p.b), iou_tags(p.a, p.b),
               [p](decltype(&ex::iou) f) { return Answer{ex::check::scalar("IoU", f(p.a, p.b))}; },
               [p] { return Answer{ex::check::scalar("IoU", nn::iou(p.a, p.b))}; }, 1e-12, "nn::iou"});
}

// ---- non-maximum suppression --------------------------------------------------------------------

namespace {

struct NmsCase {
  std::string what;
  std::vector<nn::Detection> d;
  double threshold;
};

// The library returns copies of the kept detections; every case's detections are pairwise
// different, so each copy names one input index.
std::vector<std::size_t> library_nms(const std::vector<nn::Detection>& d, double threshold) {
  const auto kept = nn::non_max_suppression(d, threshold);
  std::vector<std::size_t> idx;
  for (const auto& k : kept)
    for (std::size_t n = 0; n < d.size(); ++n)
      if (d[n].image == k.image && d[n].label == k.label && d[n].score == k.score && d[n].box.x1 == k.box.x1 &&
          d[n].box.y1 == k.box.y1 && d[n].box.x2 == k.box.x2 && d[n].box.y2 == k.box.y2)
        idx.push_back(n);
  return idx;
}

// The answer as two parts of one element per input detection: kept (1) or not (0), and its
// place in the returned list (−1 if not returned).
Answer nms_answer(const std::vector<std::size_t>& kept, std::size_t n) {
  std::vector<double> k(n, 0.0), place(n, -1.0);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (kept[i] >= n)
      throw std::out_of_range("non_max_suppression returned index " + std::to_string(kept[i]) + ", but there are only " +
                              std::to_string(n) + " detections");
    k[kept[i]] += 1;
    place[kept[i]] = double(i);
  }
  return {ex::check::values("kept", k), ex::check::values("place in the returned list", place)};
}

std::vector<std::string> nms_names(const std::vector<nn::Detection>& d) {
  std::vector<std::string> names;
  for (std::size_t n = 0; n < d.size(); ++n)
    names.push_back("detection " + std::to_string(n) + " (image " + std::to_string(d[n].image) + ", class " +
                    std::to_string(d[n].label) + ", score " + ex::check::num(d[n].score) + ", box " +
                    box_str(d[n].box) + ")");
  return names;
}

std::vector<std::string> nms_tags(const NmsCase& c) {
  const auto& d = c.d;
  std::vector<std::string> t;
  bool unsorted = false, tied = false, classes = false, images = false, at_threshold = false;
  for (std::size_t a = 0; a < d.size(); ++a)
    for (std::size_t b = a + 1; b < d.size(); ++b) {
      unsorted = unsorted || d[b].score > d[a].score;
      tied = tied || d[b].score == d[a].score;
      const double v = nn::iou(d[a].box, d[b].box);
      if (v > c.threshold && d[a].label != d[b].label && d[a].image == d[b].image) classes = true;
      if (v > c.threshold && d[a].image != d[b].image) images = true;
      if (v == c.threshold) at_threshold = true;
    }
  // a chain: a suppressed box overlaps (above the threshold) a lower-scoring box that is kept
  const auto kept = library_nms(d, c.threshold);
  bool chain = false;
  for (std::size_t s = 0; s < d.size(); ++s) {
    if (std::find(kept.begin(), kept.end(), s) != kept.end()) continue;
    for (std::size_t k : kept)
      if (d[k].score < d[s].score && d[k].image == d[s].image && d[k].label == d[s].label &&
          nn::iou(d[k].box, d[s].box) > c.threshold)
        chain = true;
  }
  if (unsorted) t.push_back("input not sorted by score");
  if (tied) t.push_back("tied scores");
  if (classes) t.push_back("overlapping boxes of different classes");
  if (images) t.push_back("overlapping boxes in different images");
  if (at_threshold) t.push_back("an IoU exactly at the threshold");
  if (chain) t.push_back("a suppressed box overlaps a box that must be kept");
  return t;
}

nn::Detection det(std::size_t image, int label, double score, nn::Box box) { return {image, box, label, score}; }

}  // namespace

NN_EXERCISE_CHECK(non_max_suppression, "1.3b", "Eq. (D11), greedy",
                  "by decreasing score (ties in input order), keep a detection unless a KEPT one of the same image "
                  "and class overlaps it with IoU > threshold; return the kept indices in that order") {
  check.part("kept", "greedy NMS",
             "1 for each kept detection, 0 for each suppressed one: suppressed means IoU > threshold with an "
             "already kept detection of the same image and class");
  check.part("place in the returned list", "greedy NMS",
             "the kept indices are returned in the order they were kept: by decreasing score, ties in input order");
  check.tag("input not sorted by score", "the detections arrive in no particular order: visit them by decreasing "
                                         "score, so that the best box of a cluster is kept and its duplicates go");
  check.tag("tied scores", "two detections have the same score: the one earlier in the input comes first (a stable "
                           "sort)");
  check.tag("overlapping boxes of different classes", "suppression is per class: a box of another class never "
                                                      "suppresses, however much it overlaps");
  check.tag("overlapping boxes in different images", "suppression is per image: boxes of different images never "
                                                     "suppress each other");
  check.tag("an IoU exactly at the threshold", "a box is suppressed only if its IoU EXCEEDS the threshold: at exactly "
                                               "the threshold it is kept ('>', not '>=')");
  check.tag("a suppressed box overlaps a box that must be kept",
            "only kept boxes suppress: a box that was itself suppressed removes nothing");
  using Fn = decltype(&ex::non_max_suppression);
  const std::vector<NmsCase> cases = {
      {"one image and class, sorted: 1 overlaps 0 (IoU 0.68), 2 apart",
       {det(0, 0, 0.9, {0, 0, 10, 10}), det(0, 0, 0.8, {1, 1, 11, 11}), det(0, 0, 0.7, {20, 20, 30, 30})}, 0.45},
      {"one image and class, unsorted: the best box of each cluster comes last",
       {det(0, 0, 0.3, {1, 0, 11, 10}), det(0, 0, 0.6, {30, 30, 40, 42}), det(0, 0, 0.95, {0, 0, 10, 10}),
        det(0, 0, 0.5, {31, 29, 41, 41}), det(0, 0, 0.7, {32, 31, 42, 43})},
       0.45},
      {"two classes on the same boxes, sorted",
       {det(0, 1, 0.9, {0, 0, 10, 10}), det(0, 2, 0.85, {1, 0, 11, 10}), det(0, 1, 0.8, {0, 1, 10, 11}),
        det(0, 2, 0.4, {30, 30, 35, 35})},
       0.45},
      {"two images on the same boxes, sorted",
       {det(0, 0, 0.9, {0, 0, 10, 10}), det(1, 0, 0.8, {0, 0, 10, 10}), det(1, 0, 0.7, {1, 1, 10, 10})}, 0.45},
      {"IoU of 1 and 2 with 0 exactly 0.5, sorted",
       {det(0, 0, 0.9, {0, 0, 4, 2}), det(0, 0, 0.8, {0, 0, 2, 2}), det(0, 0, 0.7, {2, 0, 4, 2}),
        det(0, 0, 0.6, {0, 0, 4, 1.8})},
       0.5},
      {"a chain, sorted: 1 overlaps 0 and 2, 0 and 2 do not overlap",
       {det(0, 0, 0.9, {0, 0, 10, 10}), det(0, 0, 0.8, {4, 0, 14, 10}), det(0, 0, 0.7, {8, 0, 18, 10})}, 0.3},
      {"tied scores: 0 and 1 overlap with score 0.8, 2 overlaps 1 only",
       {det(0, 0, 0.8, {2, 0, 12, 10}), det(0, 0, 0.8, {0, 0, 10, 10}), det(0, 0, 0.5, {-6, 0, 4, 10})}, 0.45},
      {"two images, two classes, unsorted, with a chain and an overlap across classes",
       {det(1, 0, 0.35, {5, 5, 15, 15}), det(0, 1, 0.9, {0, 0, 8, 8}), det(0, 1, 0.55, {3, 0, 11, 8}),
        det(1, 0, 0.75, {4, 4, 14, 14}), det(0, 0, 0.65, {0, 0, 8, 8}), det(0, 1, 0.45, {6, 0, 14, 8}),
        det(1, 1, 0.6, {4, 4, 14, 14}), det(1, 0, 0.2, {40, 40, 50, 50}), det(0, 0, 0.5, {1, 1, 9, 9}),
        det(1, 0, 0.8, {30, 30, 40, 40})},
       0.3},
  };
  for (const NmsCase& c : cases)
    check.add({c.what + ", threshold " + ex::check::num(c.threshold), nms_tags(c),
               [c](Fn f) { return nms_answer(f(c.d, c.threshold), c.d.size()); },
               [c] { return nms_answer(library_nms(c.d, c.threshold), c.d.size()); }, 0, "nn::non_max_suppression",
               nms_names(c.d)});
}

// ---- average precision --------------------------------------------------------------------------

namespace {

// The curve of a ranked list of hits (true positive = 1) against `objects` true objects, Eq. (D12).
nn::PrecisionRecall curve_of(const std::vector<int>& hits, std::size_t objects) {
  nn::PrecisionRecall c;
  double tp = 0;
  for (std::size_t n = 0; n < hits.size(); ++n) {
    tp += hits[n];
    c.recall.push_back(tp / double(objects));
    c.precision.push_back(tp / double(n + 1));
  }
  return c;
}

std::vector<std::string> ap_tags(const std::vector<int>& hits, std::size_t objects) {
  const auto c = curve_of(hits, objects);
  std::vector<std::string> t;
  if (hits.front() == 1) t.push_back("the first detection is a true positive");
  if (hits.front() == 0) t.push_back("the first detection is a false positive");
  bool rises = false;  // a precision at a recall step is below a later precision
  for (std::size_t n = 0; n < hits.size(); ++n)
    for (std::size_t m = n + 1; m < hits.size(); ++m) rises = rises || (hits[n] == 1 && c.precision[m] > c.precision[n]);
  if (rises) t.push_back("precision rises again later");
  if (c.recall.back() < 1) t.push_back("recall stops below 1");
  if (std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; })) t.push_back("only true positives");
  return t;
}

}  // namespace

NN_EXERCISE_CHECK(average_precision, "1.3c", "Eqs. (D12)–(D13)",
                  "AP = Σ_n (ρ_n − ρ_{n−1}) · max_{n′ ≥ n} π_{n′} from ρ_0 = 0: every recall step weighted by the "
                  "best precision at that recall or beyond") {
  check.part("AP", "Eq. (D13)", "Σ_n (ρ_n − ρ_{n−1}) · max_{n′ ≥ n} π_{n′}, with ρ_0 = 0");
  check.tag("precision rises again later", "after a false positive the precision recovers here: Eq. (D13) raises each "
                                           "precision to the largest one at the same or a larger recall");
  check.tag("the first detection is a true positive", "the first step ρ_1 − ρ_0 = ρ_1 counts: start from ρ_0 = 0");
  check.tag("recall stops below 1", "some objects are never found: the area ends at the last recall reached, with "
                                    "nothing beyond it");
  check.tag("only true positives", "every detection is right, so the precision is 1 throughout and AP is the final "
                                   "recall: the sum of all the recall steps, the first included");
  struct Ranked {
    std::vector<int> hits;  // 1 = true positive, by decreasing score
    std::size_t objects;
  };
  const std::vector<Ranked> lists = {
      {{1, 1, 1}, 3},                    // AP 1
      {{1, 1, 0, 1}, 3},                 // 1/3 + 1/3 + 1/3 · 3/4
      {{0, 1, 1}, 2},                    // the first a false positive: 1/2 · 2/3 + 1/2 · 2/3
      {{1, 0, 0, 1, 1, 0, 1}, 5},        // dips and recovers, recall stops at 4/5
      {{1, 0, 1, 0, 0, 1, 1, 0, 0, 1}, 6},  // dips and recovers twice, recall stops at 5/6
      {{0, 0, 1, 0, 1}, 4},              // two false positives first, recall stops at 1/2
      {{1, 1, 0, 0, 0}, 2},              // full recall reached early, false positives after it
  };
  for (const Ranked& l : lists) {
    std::string s;
    for (int h : l.hits) s += h ? "TP " : "FP ";
    const auto c = curve_of(l.hits, l.objects);
    check.add({"ranked detections " + s + "of " + std::to_string(l.objects) + " true objects", ap_tags(l.hits, l.objects),
               [c](decltype(&ex::average_precision) f) { return Answer{ex::check::scalar("AP", f(c))}; },
               [c] { return Answer{ex::check::scalar("AP", nn::average_precision(c))}; }, 1e-12,
               "nn::average_precision"});
  }
}
