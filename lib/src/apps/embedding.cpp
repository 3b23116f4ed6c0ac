/// @file embedding.cpp
/// @brief The embedding network, its training on identities, and identification and
///        verification by cosine similarity (see embedding.hpp).
#include "nn/apps/embedding.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

#include "nn/activation_layer.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/init.hpp"
#include "nn/maxpool2d.hpp"
#include "nn/optim.hpp"
#include "nn/tools/threads.hpp"

namespace nn {

Sequential<float> embedding_net(std::size_t input, std::size_t classes, std::size_t embedding, std::uint64_t seed,
                                const std::vector<std::size_t>& widths) {
  if (input == 0 || classes == 0 || embedding == 0 || widths.empty())
    throw std::invalid_argument("embedding_net: input, classes, embedding and widths must not be 0 or empty");
  const std::size_t halvings = std::size_t(1) << widths.size();
  if (input % halvings != 0)
    throw std::invalid_argument("embedding_net: the input side " + std::to_string(input) + " must be divisible by " +
                                std::to_string(halvings) + " (one 2×2 pooling per block)");
  std::mt19937_64 rng(seed);
  Sequential<float> net;
  std::size_t channels = 1, side = input;
  for (const std::size_t w : widths) {
    net.add<Conv2d<float>>(channels, w, 3, 3, ConvSpec{1, 1}, rng());  // side → side
    net.add<BatchNorm2d<float>>(w);
    net.add<Activation<float>>(ActivationFunction::relu);
    net.add<MaxPool2d<float>>(2, 2);  // side → side / 2
    channels = w, side /= 2;
  }
  net.add<Flatten<float>>();
  net.add<Dense<float>>(channels * side * side, embedding, Init::he_normal, rng);
  net.add<BatchNorm1d<float>>(embedding);  // z: the embedding, before the ReLU
  net.add<Activation<float>>(ActivationFunction::relu);
  net.add<Dense<float>>(embedding, classes, Init::xavier_normal, rng);  // the class scores, discarded after training
  return net;
}

void normalise_rows(Tensor<float>& E) {
  if (E.rank() != 2) throw shape_error("normalise_rows: needs a matrix (N, E), got " + E.shape().str());
  const std::size_t N = E.dim(0), D = E.dim(1);
  for (std::size_t n = 0; n < N; ++n) {
    float* row = E.data() + n * D;
    double s = 0;
    for (std::size_t d = 0; d < D; ++d) s += double(row[d]) * double(row[d]);
    if (s == 0) continue;  // a row of zeros stays zeros (its cosines are 0)
    const double inv = 1 / std::sqrt(s);
    for (std::size_t d = 0; d < D; ++d) row[d] = float(double(row[d]) * inv);
  }
}

Tensor<float> embed(Sequential<float>& net, const Tensor<float>& images, bool after_relu, std::size_t batch) {
  if (net.size() < 3) throw std::invalid_argument("embed: the network has fewer than three layers");
  if (images.rank() != 4) throw shape_error("embed: needs images (N, C, H, W), got " + images.shape().str());
  const std::size_t N = images.dim(0), per = images.size() / N;
  const std::size_t upto = net.size() - (after_relu ? 1 : 2);  // layers 0 … upto − 1
  net.set_training(false);
  const SingleThreadedBlas blas_off;
  Tensor<float> E;
  Tensor<float> X;
  batch = std::max<std::size_t>(1, batch);
  for (std::size_t begin = 0; begin < N; begin += batch) {
    const std::size_t R = std::min(batch, N - begin);
    const Shape bs{R, images.dim(1), images.dim(2), images.dim(3)};
    if (X.shape() != bs) X = Tensor<float>(bs);
    std::copy_n(images.data() + begin * per, R * per, X.data());
    const Tensor<float>* x = &X;
    for (std::size_t l = 0; l < upto; ++l) x = &net[l].forward(*x);
    if (x->rank() != 2) throw shape_error("embed: layer " + std::to_string(upto - 1) + " gives " + x->shape().str() + ", not (R, E)");
    const std::size_t D = x->dim(1);
    if (begin == 0) E = Tensor<float>(Shape{N, D});
    std::copy_n(x->data(), R * D, E.data() + begin * D);
  }
  normalise_rows(E);
  return E;
}

double cosine_similarity(const Tensor<float>& A, std::size_t i, const Tensor<float>& B, std::size_t j) {
  if (A.rank() != 2 || B.rank() != 2 || A.dim(1) != B.dim(1))
    throw shape_error("cosine_similarity: needs two matrices with rows of one length, got " + A.shape().str() + " and " +
                      B.shape().str());
  const std::size_t D = A.dim(1);
  const float* a = A.data() + i * D;
  const float* b = B.data() + j * D;
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t d = 0; d < D; ++d) {
    ab += double(a[d]) * double(b[d]);
    aa += double(a[d]) * double(a[d]);
    bb += double(b[d]) * double(b[d]);
  }
  return aa == 0 || bb == 0 ? 0.0 : ab / std::sqrt(aa * bb);
}

IdentitySplit split_identities(const std::vector<int>& labels, std::size_t people, bool hold_out_people) {
  IdentitySplit s;
  const bool hold_out = hold_out_people && people >= kMinPeopleToHoldOut;
  s.class_of.assign(people, -1);
  for (std::size_t p = 0; p < people; ++p) {
    if (hold_out && p % 4 == 3) continue;  // every fourth person is unseen
    s.class_of[p] = int(s.person_of_class.size());
    s.person_of_class.push_back(int(p));
  }
  std::vector<std::size_t> seen_so_far(people, 0);  // j: the image's position among its person's
  for (std::size_t n = 0; n < labels.size(); ++n) {
    if (labels[n] < 0 || std::size_t(labels[n]) >= people)
      throw std::invalid_argument("split_identities: label " + std::to_string(labels[n]) + " of image " + std::to_string(n) +
                                  " is outside 0 … " + std::to_string(people) + " − 1");
    const std::size_t p = std::size_t(labels[n]);
    const bool probe = seen_so_far[p]++ % 4 == 3;  // every fourth image is held out
    if (s.class_of[p] >= 0) (probe ? s.probe : s.train).push_back(n);
    else (probe ? s.unseen_probe : s.unseen_gallery).push_back(n);
  }
  return s;
}

PairScores score_pairs(const Tensor<float>& E, const std::vector<int>& labels, std::size_t max_same, std::uint64_t seed) {
  if (E.rank() != 2 || E.dim(0) != labels.size())
    throw std::invalid_argument("score_pairs: " + std::to_string(labels.size()) + " labels for embeddings " + E.shape().str());
  std::mt19937_64 rng(seed);
  const std::size_t N = labels.size();
  // every same-person pair, a random choice of max_same beyond that
  std::vector<std::pair<std::size_t, std::size_t>> same;
  std::map<int, std::vector<std::size_t>> of_person;
  for (std::size_t n = 0; n < N; ++n) of_person[labels[n]].push_back(n);
  for (const auto& [person, rows] : of_person)
    for (std::size_t a = 0; a < rows.size(); ++a)
      for (std::size_t b = a + 1; b < rows.size(); ++b) same.emplace_back(rows[a], rows[b]);
  if (same.size() > max_same) {
    std::shuffle(same.begin(), same.end(), rng);
    same.resize(max_same);
    std::sort(same.begin(), same.end());
  }
  // as many different-person pairs, drawn without repeats
  std::vector<std::pair<std::size_t, std::size_t>> different;
  const double all_pairs = double(N) * double(N - (N > 0)) / 2;
  const double all_different = all_pairs - double(std::accumulate(of_person.begin(), of_person.end(), 0.0, [](double s, const auto& kv) {
                                 return s + double(kv.second.size()) * double(kv.second.size() - 1) / 2;
                               }));
  if (all_different <= 4 * double(same.size()) || all_pairs <= 1e6) {
    // few enough to list: every different pair, then a random choice
    for (std::size_t a = 0; a < N; ++a)
      for (std::size_t b = a + 1; b < N; ++b)
        if (labels[a] != labels[b]) different.emplace_back(a, b);
    std::shuffle(different.begin(), different.end(), rng);
    if (different.size() > same.size()) different.resize(same.size());
  } else {
    std::set<std::pair<std::size_t, std::size_t>> chosen;
    std::uniform_int_distribution<std::size_t> pick(0, N - 1);
    while (chosen.size() < same.size()) {
      std::size_t a = pick(rng), b = pick(rng);
      if (labels[a] == labels[b]) continue;
      chosen.insert(std::minmax(a, b));
    }
    different.assign(chosen.begin(), chosen.end());
    std::shuffle(different.begin(), different.end(), rng);
  }
  std::sort(different.begin(), different.end());
  PairScores out;
  for (const auto* list : {&same, &different})
    for (const auto& [a, b] : *list) {
      out.first.push_back(a);
      out.second.push_back(b);
      out.score.push_back(cosine_similarity(E, a, E, b));
      out.same.push_back(labels[a] == labels[b] ? 1 : 0);
    }
  return out;
}

double best_threshold(const std::vector<double>& scores, const std::vector<int>& same) {
  if (scores.empty() || scores.size() != same.size())
    throw std::invalid_argument("best_threshold: needs pairs, got " + std::to_string(scores.size()) + " scores and " +
                                std::to_string(same.size()) + " labels");
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  const long positives = long(std::count(same.begin(), same.end(), 1));
  // accept the first k scores (k = 0 … n): correct = accepted positives + rejected negatives
  long correct = long(same.size()) - positives, best_correct = correct;  // k = 0: all rejected
  std::size_t best_k = 0;
  for (std::size_t k = 1; k <= order.size(); ++k) {
    correct += same[order[k - 1]] ? 1 : -1;
    const bool boundary = k == order.size() || scores[order[k]] < scores[order[k - 1]];  // ties accepted together
    if (boundary && correct > best_correct) best_correct = correct, best_k = k;
  }
  if (best_k == 0) return scores[order[0]] + 1;  // reject everything
  if (best_k == order.size()) return scores[order.back()] - 1;  // accept everything
  return (scores[order[best_k - 1]] + scores[order[best_k]]) / 2;
}

Identification identify_by_class_mean(const Tensor<float>& gallery, const std::vector<int>& gallery_labels,
                                      const Tensor<float>& probes, const std::vector<int>& probe_labels) {
  if (gallery.rank() != 2 || gallery.dim(0) == 0 || gallery.dim(0) != gallery_labels.size())
    throw std::invalid_argument("identify_by_class_mean: needs a gallery with one label per row, got " + gallery.shape().str() +
                                " and " + std::to_string(gallery_labels.size()) + " labels");
  if (probes.rank() != 2 || probes.dim(0) != probe_labels.size() || probes.dim(1) != gallery.dim(1))
    throw std::invalid_argument("identify_by_class_mean: probes " + probes.shape().str() + " with " +
                                std::to_string(probe_labels.size()) + " labels do not match the gallery " + gallery.shape().str());
  const std::size_t D = gallery.dim(1);
  std::vector<int> people(gallery_labels);
  std::sort(people.begin(), people.end());
  people.erase(std::unique(people.begin(), people.end()), people.end());
  Tensor<float> means(Shape{people.size(), D}, 0.0f);
  for (std::size_t n = 0; n < gallery_labels.size(); ++n) {
    const std::size_t k = std::size_t(std::lower_bound(people.begin(), people.end(), gallery_labels[n]) - people.begin());
    for (std::size_t d = 0; d < D; ++d) means(k, d) += gallery(n, d);
  }
  normalise_rows(means);  // the mean direction; its length does not matter for a cosine
  Identification id;
  id.classes = people.size();
  std::size_t correct = 0;
  for (std::size_t q = 0; q < probe_labels.size(); ++q) {
    std::size_t best = 0;
    double best_sim = -2;
    for (std::size_t k = 0; k < people.size(); ++k) {
      const double sim = cosine_similarity(probes, q, means, k);
      if (sim > best_sim) best_sim = sim, best = k;
    }
    id.predicted.push_back(people[best]);
    id.similarity.push_back(best_sim);
    correct += people[best] == probe_labels[q];
  }
  id.accuracy = probe_labels.empty() ? 0 : double(correct) / double(probe_labels.size());
  return id;
}

namespace {

/// The images at the given indices of a set, and their labels mapped by `label_of`.
Dataset gather(const IdentitySet& set, const std::vector<std::size_t>& which, const std::vector<int>& label_of) {
  const std::size_t S = set.images.dim(2), per = S * set.images.dim(3);
  Dataset ds;
  ds.images = Tensor<float>(Shape{which.size(), 1, S, set.images.dim(3)});
  for (std::size_t i = 0; i < which.size(); ++i) {
    std::copy_n(set.images.data() + which[i] * per, per, ds.images.data() + i * per);
    ds.labels.push_back(label_of.empty() ? set.labels[which[i]] : label_of[std::size_t(set.labels[which[i]])]);
  }
  return ds;
}

/// Verification on the pairs of some images, at a given threshold.
Verification verify(const Tensor<float>& E, const std::vector<int>& labels, std::size_t max_same, std::uint64_t seed,
                    double threshold) {
  Verification v;
  v.pairs = score_pairs(E, labels, max_same, seed);
  v.same = std::size_t(std::count(v.pairs.same.begin(), v.pairs.same.end(), 1));
  v.different = v.pairs.size() - v.same;
  if (v.same == 0 || v.different == 0) return v;  // not measured: too few images
  v.measured = true;
  v.roc = roc_curve(v.pairs.score, v.pairs.same);
  v.accuracy = confusion_at(v.pairs.score, v.pairs.same, threshold).accuracy();
  return v;
}

}  // namespace

IdentityResults train_and_evaluate_identities(const IdentitySet& set, const IdentityTrainingOptions& options) {
  IdentityResults r;
  r.split = split_identities(set.labels, set.people(), options.hold_out_people);
  const IdentitySplit& s = r.split;
  const std::size_t K = s.person_of_class.size();
  if (K < 2) throw std::invalid_argument("train_and_evaluate_identities: needs at least 2 people to train on, got " + std::to_string(K));
  if (s.probe.empty())
    throw std::invalid_argument("train_and_evaluate_identities: no probe is held out (every fourth image of a person is one: "
                                "people need at least 4 images)");
  if (set.images.dim(2) != set.images.dim(3)) throw shape_error("train_and_evaluate_identities: needs square images, got " + set.images.shape().str());

  struct Threads {  // the library's thread count for this call, restored on every exit
    int before;
    explicit Threads(int n) : before(n > 0 ? set_library_threads(n) : 0) {}
    ~Threads() {
      if (before > 0) set_library_threads(before);
    }
  } threads(options.threads);

  // 1. Train on the seen people's gallery images, labels = their training class.
  const Dataset train = gather(set, s.train, s.class_of);
  r.net = embedding_net(set.images.dim(2), K, options.embedding, options.seed, options.widths);
  Adam<float> opt(options.learning_rate);
  std::mt19937_64 rng(options.seed);
  const std::size_t S = set.images.dim(2);
  const auto mirror = [S](Tensor<float>& X, std::mt19937_64& g) {
    for (std::size_t n = 0; n < X.dim(0); ++n) {
      if (g() % 2) continue;
      float* im = X.data() + n * S * S;
      for (std::size_t y = 0; y < S; ++y) std::reverse(im + y * S, im + (y + 1) * S);
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t e = 0; e < options.epochs; ++e) {
    opt.set_learning_rate(cosine_schedule(options.learning_rate, e, options.epochs));
    r.epochs.push_back(train_epoch(r.net, opt, train, options.batch, rng, nullptr,
                                   options.mirror ? std::function<void(Tensor<float>&, std::mt19937_64&)>(mirror) : nullptr));
    if (options.on_epoch) options.on_epoch(e + 1, r.epochs.back());
  }
  r.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // 2. Identification of the seen people's probes: softmax, and nearest class mean.
  const Dataset probes = gather(set, s.probe, s.class_of);
  r.softmax_accuracy = evaluate(r.net, probes, 64).accuracy;
  const Dataset gallery_people = gather(set, s.train, {});
  const Dataset probe_people = gather(set, s.probe, {});
  const Tensor<float> E_train = embed(r.net, train.images), E_probe = embed(r.net, probes.images);
  r.seen = identify_by_class_mean(E_train, gallery_people.labels, E_probe, probe_people.labels);

  // 3. The threshold, from pairs of training images; verification of probe pairs at it.
  const PairScores train_pairs = score_pairs(E_train, gallery_people.labels, options.max_same_pairs, options.seed + 1);
  r.threshold = best_threshold(train_pairs.score, train_pairs.same);
  r.train_pair_accuracy = confusion_at(train_pairs.score, train_pairs.same, r.threshold).accuracy();
  r.seen_pairs = verify(E_probe, probe_people.labels, options.max_same_pairs, options.seed + 2, r.threshold);

  // 4. Unseen people: enrol their gallery images, identify their probes; verify all their pairs.
  Tensor<float> test_after_relu;
  const Verification* test = &r.seen_pairs;
  if (!s.unseen_gallery.empty()) {
    r.has_unseen = true;
    const Dataset ug = gather(set, s.unseen_gallery, {}), up = gather(set, s.unseen_probe, {});
    const Tensor<float> E_ug = embed(r.net, ug.images);
    if (!s.unseen_probe.empty()) r.unseen = identify_by_class_mean(E_ug, ug.labels, embed(r.net, up.images), up.labels);
    std::vector<std::size_t> all(s.unseen_gallery);
    all.insert(all.end(), s.unseen_probe.begin(), s.unseen_probe.end());
    std::sort(all.begin(), all.end());
    const Dataset u = gather(set, all, {});
    r.unseen_pairs = verify(embed(r.net, u.images), u.labels, options.max_same_pairs, options.seed + 3, r.threshold);
    test = &r.unseen_pairs;
    test_after_relu = embed(r.net, u.images, true);
  } else {
    test_after_relu = embed(r.net, probes.images, true);
  }
  // 5. For comparison: the same test pairs scored with the embedding after the ReLU.
  if (test->measured) {
    std::vector<double> scores;
    for (std::size_t k = 0; k < test->pairs.size(); ++k)
      scores.push_back(cosine_similarity(test_after_relu, test->pairs.first[k], test_after_relu, test->pairs.second[k]));
    r.auc_after_relu = roc_curve(scores, test->pairs.same).auc;
  }
  return r;
}

}  // namespace nn
