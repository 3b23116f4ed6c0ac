/// @file embedding.hpp
/// @brief Face recognition with an embedding (§1.3: "how can the model be used for face
///        recognition?"): a small CNN of the report's layers trained with softmax over the
///        training people, whose penultimate layer maps a face to a unit vector; people are then
///        identified and verified by the cosine similarity of these vectors.
///
/// **Training.** The network ends in Dense(F → E) – BN – ReLU – Dense(E → K), K the number of training
/// people, and is trained with the softmax cross-entropy over those K classes
/// (nn::softmax_cross_entropy(), by nn::train_epoch(): mini-batches, Adam, the learning rate
/// annealed by a cosine), as the digit classifier of §1.3 is.
///
/// **The embedding** of an image x is the output z ∈ ℝ^E of Dense(F → E) and its batch norm
/// (Eqs. (52)–(55): every unit centred and scaled over the training images), *before* the
/// ReLU, divided by its length: e(x) = z / ‖z‖. Before the ReLU, because the ReLU's output is
/// non-negative: all cosines between such vectors would be ≥ 0, and a unit that is 0 in both
/// images would say nothing about whether they differ; the batch norm centres the units, so that
/// the cosines of different people spread over [−1, 1] instead of crowding near 1. (embed() can
/// also take the output after the ReLU, for comparison.) The last layer is then discarded: the
/// embedding also serves people the network was never trained on.
///
/// **Similarity.** cos(x, y) = e(x) · e(y) ∈ [−1, 1].
///
/// **The split** (split_identities(), deterministic): with hold_out_people and at least
/// kMinPeopleToHoldOut people, every fourth person (index p with p mod 4 = 3, in sorted order of
/// names) is *unseen*: none of their images is trained on. Of every person's images, in sorted
/// order, image j with j mod 4 = 3 is a *probe* (held out); the others are the *gallery* (the
/// training images of a seen person; the enrolment images of an unseen one).
///
/// **Identification** of a probe: the gallery person whose mean embedding (renormalised) has the
/// highest cosine with the probe's embedding; for seen people also the softmax's argmax.
///
/// **Verification** ("are these two images the same person?"): pairs of held-out images scored by
/// their cosine, every same-person pair (at most max_same_pairs, drawn at random beyond that) and
/// as many different-person pairs drawn at random, as LFW's protocol balances them; the ROC curve
/// (nn::roc_curve()) of the scores, and the accuracy at the threshold that is best on pairs of
/// training images. Seen people's probes are paired among themselves; unseen people's images (all
/// of them, none was trained on) among themselves — the honest test of an embedding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "nn/apps/roc.hpp"
#include "nn/apps/train.hpp"
#include "nn/data/identities.hpp"
#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief split_identities() holds out whole people only when there are at least this many, so
///        that at least two are unseen and six trained on.
constexpr std::size_t kMinPeopleToHoldOut = 8;

/// @brief The embedding network: for each width w, conv w@3×3 (pad 1) – BN – ReLU – max-pool 2×2;
///        then flatten – Dense(F → E) – BN – ReLU – Dense(E → K).
/// @param input      side of the square gray input (divisible by 2^widths.size())
/// @param classes    K, the training people
/// @param embedding  E, the embedding's length
/// @param seed       seed of every initialisation (He for the layers before a ReLU, Xavier last)
/// @param widths     channels of the convolution blocks
/// @throws std::invalid_argument if the input does not halve evenly, or a size is 0
Sequential<float> embedding_net(std::size_t input, std::size_t classes, std::size_t embedding, std::uint64_t seed,
                                const std::vector<std::size_t>& widths = {16, 32, 64});

/// @brief Scales every row of a matrix (N, E) to length 1; a row of zeros stays zeros.
void normalise_rows(Tensor<float>& E);

/// @brief The embeddings of images, in evaluation mode (batch norm's running statistics): the
///        output of the network's third-last layer (the batch norm after Dense(F → E)), or with
///        after_relu of the second-last, the ReLU; each row normalised to length 1.
/// @param net         a network built by embedding_net()
/// @param images      (N, 1, S, S)
/// @param after_relu  take the embedding after the ReLU instead of before it
/// @param batch       images per forward pass (only speed depends on it)
/// @return (N, E)
Tensor<float> embed(Sequential<float>& net, const Tensor<float>& images, bool after_relu = false, std::size_t batch = 64);

/// @brief The cosine similarity of row i of A and row j of B: their dot product over the
///        product of their lengths (0 if either is a row of zeros).
/// @throws shape_error if the rows differ in length
double cosine_similarity(const Tensor<float>& A, std::size_t i, const Tensor<float>& B, std::size_t j);

/// @brief Which images train, which are held out (the rule is in the file comment).
struct IdentitySplit {
  std::vector<std::size_t> train;           ///< gallery images of seen people: trained on
  std::vector<std::size_t> probe;           ///< held-out images of seen people
  std::vector<std::size_t> unseen_gallery;  ///< enrolment images of unseen people
  std::vector<std::size_t> unseen_probe;    ///< held-out images of unseen people
  std::vector<int> class_of;                ///< person → training class, −1 for an unseen person
  std::vector<int> person_of_class;         ///< training class → person
};

/// @brief The deterministic split of the file comment.
/// @param labels           person of each image, in the set's order (images of a person in sorted order)
/// @param people           number of people P (labels lie in 0 … P − 1)
/// @param hold_out_people  hold out every fourth person if there are at least kMinPeopleToHoldOut
/// @throws std::invalid_argument for a label outside 0 … P − 1
IdentitySplit split_identities(const std::vector<int>& labels, std::size_t people, bool hold_out_people);

/// @brief Scored pairs of images: pair k is (first[k], second[k]), rows of the embedding matrix.
struct PairScores {
  std::vector<std::size_t> first;   ///< one image of each pair
  std::vector<std::size_t> second;  ///< the other
  std::vector<double> score;        ///< their cosine similarity
  std::vector<int> same;            ///< 1 if they show the same person
  /// Number of pairs.
  std::size_t size() const { return score.size(); }
};

/// @brief Balanced pairs of rows of E: every same-person pair (at most max_same, a seeded random
///        choice beyond that) and as many different-person pairs drawn at random, without repeats
///        (fewer if there are not that many), each scored by cosine_similarity().
/// @param E         embeddings (N, E)
/// @param labels    the person of each row
/// @param max_same  largest number of same-person pairs
/// @param seed      seed of the random choices
PairScores score_pairs(const Tensor<float>& E, const std::vector<int>& labels, std::size_t max_same, std::uint64_t seed);

/// @brief The threshold t with the highest accuracy of "same iff score ≥ t" on these pairs,
///        placed midway between the lowest score accepted and the highest rejected.
/// @throws std::invalid_argument if there are no pairs
double best_threshold(const std::vector<double>& scores, const std::vector<int>& same);

/// @brief Probes identified by the nearest class mean of a gallery.
struct Identification {
  std::vector<int> predicted;      ///< the person found for each probe
  std::vector<double> similarity;  ///< the cosine with that person's mean embedding
  double accuracy = 0;             ///< fraction found correctly
  std::size_t classes = 0;         ///< people in the gallery (chance is 1 / classes)
};

/// @brief Identifies each probe as the gallery person whose mean embedding, normalised again,
///        has the highest cosine with it (ties: the smaller label).
/// @param gallery         gallery embeddings (G, E)
/// @param gallery_labels  their people
/// @param probes          probe embeddings (Q, E)
/// @param probe_labels    their true people (for the accuracy)
/// @throws std::invalid_argument if the gallery is empty or the counts do not match
Identification identify_by_class_mean(const Tensor<float>& gallery, const std::vector<int>& gallery_labels,
                                      const Tensor<float>& probes, const std::vector<int>& probe_labels);

/// @brief Verification on one set of pairs.
struct Verification {
  bool measured = false;  ///< false if the images gave no same-person or no different-person pair
  PairScores pairs;       ///< the pairs, their scores and truth
  RocCurve roc;           ///< nn::roc_curve() of the scores (empty if not measured)
  double accuracy = 0;    ///< at the threshold chosen on training pairs
  std::size_t same = 0;       ///< same-person pairs
  std::size_t different = 0;  ///< different-person pairs
};

/// @brief How train_and_evaluate_identities() trains.
struct IdentityTrainingOptions {
  std::size_t epochs = 30;                  ///< passes over the training images
  std::size_t batch = 32;                   ///< batch size R
  double learning_rate = 2e-3;              ///< Adam's α at the start, annealed by a cosine to 0
  std::size_t embedding = 64;               ///< E
  std::vector<std::size_t> widths{16, 32, 64};  ///< the convolution blocks
  bool hold_out_people = true;              ///< hold out whole people (see split_identities())
  bool mirror = true;                       ///< mirror each training image left–right with probability 1/2
  std::size_t max_same_pairs = 3000;        ///< per set of pairs
  std::uint64_t seed = 42;                  ///< initialisation, shuffling, mirroring and pairs
  /// the library's threads while training and embedding (0: leave as set). One by default: the
  /// layers are small (32 × 32 inputs, batches of 32), and with the other core busy a second
  /// thread made the training several times slower on the build machines, not faster
  int threads = 1;
  /// called after every epoch with its number (from 1) and statistics, e.g. to print progress
  std::function<void(std::size_t, const EpochStats&)> on_epoch;
};

/// @brief Everything train_and_evaluate_identities() measured.
struct IdentityResults {
  IdentitySplit split;                 ///< which images trained and which were held out
  Sequential<float> net;               ///< the trained network
  std::vector<EpochStats> epochs;      ///< loss and accuracy on the training images per epoch
  double train_seconds = 0;            ///< wall time of the training
  double softmax_accuracy = 0;         ///< seen people's probes, argmax of the softmax
  Identification seen;                 ///< seen people's probes against the training images' class means
  double threshold = 0;                ///< the verification threshold, best on training pairs
  double train_pair_accuracy = 0;      ///< its accuracy on those training pairs
  Verification seen_pairs;             ///< pairs of seen people's probes
  bool has_unseen = false;             ///< whether people were held out
  Identification unseen;               ///< unseen people's probes against their enrolment images
  Verification unseen_pairs;           ///< pairs of unseen people's images
  double auc_after_relu = 0;           ///< AUC of the same test pairs (unseen if any, else seen) with the embedding after the ReLU
};

/// @brief Splits the set, trains the embedding network on the seen people's gallery images, and
///        measures identification and verification on the held-out images (file comment).
/// @param set      the images (nn::read_identity_folder())
/// @param options  training and evaluation settings
/// @throws std::invalid_argument if fewer than two people are trained on, or no probe is held out
/// @throws training_error if the loss diverges
IdentityResults train_and_evaluate_identities(const IdentitySet& set, const IdentityTrainingOptions& options = {});

}  // namespace nn
