// §1.3 face recognition: the identity-folder reader on good folders and on each fault, the
// generated faces, the embedding's building blocks (normalised rows, the split, balanced pairs,
// the threshold, nearest class means) and the pipeline end to end on generated people.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "nn/apps/embedding.hpp"
#include "nn/data/identities.hpp"
#include "nn/data/image.hpp"
#include "nn/data/limits.hpp"
#include "nn/errors.hpp"

namespace fs = std::filesystem;
using nn::Shape;
using nn::Tensor;

namespace {

fs::path tmp_dir(const std::string& name) {
  const fs::path d = fs::path(NN_TEST_TMP) / "identities" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

/// A gray W × H PNG whose middle half (the centre crop of side min(W, H)/2) is `inside` and
/// whose rest is 1.
void write_face(const fs::path& p, std::size_t W, std::size_t H, float inside) {
  Tensor<float> im(Shape{1, 1, H, W}, 1.0f);
  const std::size_t side = std::min(W, H) / 2, y0 = (H - side) / 2, x0 = (W - side) / 2;
  for (std::size_t y = y0; y < y0 + side; ++y)
    for (std::size_t x = x0; x < x0 + side; ++x) im(0, 0, y, x) = inside;
  nn::save_png(p, im);
}

}  // namespace

TEST_CASE("identity folder: people and images in sorted order, the middle half of each", "[ch08][identities]") {
  const fs::path root = tmp_dir("good");
  // bob and alice have enough images, carol has one; a hidden file and a pairs.txt are passed over
  write_face(root / "bob" / "bob_0002.png", 64, 64, 20 / 255.0f);
  write_face(root / "bob" / "bob_0001.png", 80, 64, 10 / 255.0f);  // not square: the crop is 32 × 32 at (24, 16)
  write_face(root / "alice" / "alice_0003.png", 64, 64, 50 / 255.0f);
  write_face(root / "alice" / "alice_0001.png", 64, 96, 30 / 255.0f);
  write_face(root / "alice" / "alice_0002.png", 64, 64, 40 / 255.0f);
  write_text(root / "alice" / ".DS_Store", "hidden");
  write_face(root / "carol" / "carol_0001.png", 64, 64, 0.5f);
  write_text(root / "pairs.txt", "10\n");

  const nn::IdentitySet set = nn::read_identity_folder(root, 16, 2);
  REQUIRE(set.names == std::vector<std::string>{"alice", "bob"});
  CHECK(set.labels == std::vector<int>{0, 0, 0, 1, 1});
  CHECK(set.paths == std::vector<std::string>{"alice/alice_0001.png", "alice/alice_0002.png", "alice/alice_0003.png",
                                               "bob/bob_0001.png", "bob/bob_0002.png"});
  CHECK(set.people_skipped == 1);
  CHECK(set.images_skipped == 1);
  CHECK(set.files_ignored == 1);
  REQUIRE(set.images.shape() == Shape{5, 1, 16, 16});
  // the crop keeps exactly the middle half: every pixel is the inside value, none of the border's 1
  const float expected[] = {30, 40, 50, 10, 20};
  for (std::size_t n = 0; n < 5; ++n) {
    CAPTURE(n);
    const float* im = set.images.data() + n * 256;
    CHECK(*std::min_element(im, im + 256) == Approx(expected[n] / 255.0f).margin(1e-6));
    CHECK(*std::max_element(im, im + 256) == Approx(expected[n] / 255.0f).margin(1e-6));
  }
  // a larger crop reaches the border
  const nn::IdentitySet wide = nn::read_identity_folder(root, 16, 2, 0, 0, 1.0);
  CHECK(*std::max_element(wide.images.data(), wide.images.data() + 256) == Approx(1.0f));
  // at most one person, at most two images each
  const nn::IdentitySet one = nn::read_identity_folder(root, 16, 2, 1, 2);
  CHECK(one.names == std::vector<std::string>{"alice"});
  CHECK(one.size() == 2);
  CHECK(one.paths.back() == "alice/alice_0002.png");
  // with a minimum of one image, carol is read too
  CHECK(nn::read_identity_folder(root, 16, 1).people() == 3);
}

TEST_CASE("identity folder: each fault is a data_error naming the folder or file", "[ch08][identities]") {
  struct Case {
    std::string name;                            // the test folder
    std::function<void(const fs::path&)> make;   // what to put in it
    std::vector<std::string> message;            // what the error must say (beside the folder's path)
    std::size_t size = 32, min_images = 1;
  };
  const std::vector<Case> cases = {
      {"empty", [](const fs::path&) {}, {"no person's folder", "one folder per person"}},
      {"hidden_only",
       [](const fs::path& r) {
         write_face(r / "bob" / "a.png", 64, 64, 0.2f);
         write_text(r / "alice" / ".DS_Store", "x");
       },
       {"alice", "the folder of person 'alice' holds no image"}},
      {"not_an_image",
       [](const fs::path& r) {
         write_face(r / "alice" / "a.png", 64, 64, 0.2f);
         write_text(r / "alice" / "notes.txt", "x");
       },
       {"alice/notes.txt", "file 'notes.txt' in the folder of person 'alice' is not an image"}},
      {"subfolder",
       [](const fs::path& r) {
         write_face(r / "alice" / "a.png", 64, 64, 0.2f);
         write_face(r / "alice" / "more" / "b.png", 64, 64, 0.2f);
       },
       {"alice/more", "a folder inside the folder of person 'alice'"}},
      {"image_in_root",
       [](const fs::path& r) {
         write_face(r / "alice" / "a.png", 64, 64, 0.2f);
         write_face(r / "stray.jpg", 64, 64, 0.2f);
       },
       {"stray.jpg", "an image directly in"}},
      {"broken_jpeg",
       [](const fs::path& r) { write_text(r / "alice" / "broken.jpg", "these bytes are not a JPEG"); },
       {"alice/broken.jpg", "cannot decode"}},
      {"broken_png", [](const fs::path& r) { write_text(r / "alice" / "broken.png", "nor a PNG"); }, {"alice/broken.png"}},
      {"too_small", [](const fs::path& r) { write_face(r / "alice" / "small.png", 20, 24, 0.2f); },
       {"alice/small.png", "20 × 24 pixels, smaller than the 32 pixels a side"}},
      {"too_few",
       [](const fs::path& r) {
         write_face(r / "alice" / "a.png", 64, 64, 0.2f);
         write_face(r / "bob" / "b.png", 64, 64, 0.2f);
       },
       {"no person has at least 2 images", "2 people; the most any has is 1"}, 32, 2},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const fs::path root = tmp_dir(c.name);
    c.make(root);
    CHECK_THROWS_AS(nn::read_identity_folder(root, c.size, c.min_images), nn::data_error);
    try {
      nn::read_identity_folder(root, c.size, c.min_images);
    } catch (const nn::data_error& e) {
      const std::string what = e.what();
      CAPTURE(what);
      CHECK(what.find(root.string()) != std::string::npos);
      for (const auto& m : c.message) CHECK(what.find(m) != std::string::npos);
    }
  }
  const fs::path missing = tmp_dir("missing") / "no-such-folder";
  CHECK_THROWS_WITH(nn::read_identity_folder(missing, 32, 1),
                    Catch::Contains(missing.string()) && Catch::Contains("is missing") && Catch::Contains("<person>"));
  const fs::path file = tmp_dir("a_file") / "lfw.tgz";
  write_text(file, "not a folder");
  CHECK_THROWS_WITH(nn::read_identity_folder(file, 32, 1), Catch::Contains("lfw.tgz is not a folder"));
  CHECK_THROWS_AS(nn::read_identity_folder(file, 0, 1), std::invalid_argument);
  CHECK_THROWS_AS(nn::read_identity_folder(file, 32, 0), std::invalid_argument);
  CHECK_THROWS_AS(nn::read_identity_folder(file, 32, 1, 0, 0, 1.5), std::invalid_argument);
}

TEST_CASE("identity folder: more files than the limit are refused while listing, before any image is read",
          "[ch08][identities]") {
  const fs::path root = tmp_dir("too_many");
  fs::create_directories(root / "alice");
  // empty files with image names: reading any of them would fail with "cannot decode" instead
  for (std::size_t k = 0; k < nn::limits::identity_folder_entries; ++k) std::ofstream(root / "alice" / (std::to_string(k) + ".png"));
  CHECK_THROWS_WITH(nn::read_identity_folder(root, 32, 1),
                    Catch::Contains(root.string()) && Catch::Contains("more than 65536 files and folders"));
  fs::remove_all(root);
}

TEST_CASE("generated identities: the same seed gives the same folder, a rerun replaces it, a foreign folder is kept",
          "[ch08][identities]") {
  const fs::path a = tmp_dir("gen_a"), b = tmp_dir("gen_b");
  nn::write_synthetic_identities(a, 3, 2, 7);
  nn::write_synthetic_identities(b, 3, 2, 7);
  const nn::IdentitySet sa = nn::read_identity_folder(a, 32, 1), sb = nn::read_identity_folder(b, 32, 1);
  REQUIRE(sa.names == std::vector<std::string>{"person_000", "person_001", "person_002"});
  CHECK(sa.paths[1] == "person_000/person_000_0002.png");
  CHECK(sa.files_ignored == 1);  // README.txt
  CHECK(std::equal(sa.images.begin(), sa.images.end(), sb.images.begin()));
  // two images of a person differ (pose, light, noise), and not every pixel is clipped
  const float* im = sa.images.data();
  CHECK_FALSE(std::equal(im, im + 1024, im + 1024));
  CHECK(std::count_if(im, im + 1024, [](float v) { return v > 0.02f && v < 0.98f; }) > 900);
  // a rerun replaces the folder: fewer people, and person_002 is gone
  nn::write_synthetic_identities(a, 2, 2, 8);
  CHECK(nn::read_identity_folder(a, 32, 1).people() == 2);
  CHECK_FALSE(fs::exists(a / "person_002"));
  // a folder that holds someone else's files is not overwritten
  const fs::path mine = tmp_dir("gen_foreign");
  write_text(mine / "holiday.txt", "mine");
  CHECK_THROWS_WITH(nn::write_synthetic_identities(mine, 2, 2, 1),
                    Catch::Contains(mine.string()) && Catch::Contains("refusing to overwrite"));
  CHECK(fs::exists(mine / "holiday.txt"));
  CHECK_THROWS_AS(nn::write_synthetic_identities(mine, 0, 2, 1), std::invalid_argument);
}

TEST_CASE("embedding blocks: unit rows, cosines, the split, balanced pairs, the threshold, class means",
          "[ch08][identities]") {
  Tensor<float> E(Shape{3, 2});
  E(0, 0) = 3, E(0, 1) = 4, E(1, 0) = -2, E(1, 1) = 0;  // row 2 stays zeros
  nn::normalise_rows(E);
  CHECK(E(0, 0) == Approx(0.6f));
  CHECK(E(0, 1) == Approx(0.8f));
  CHECK(E(1, 0) == Approx(-1.0f));
  CHECK(E(2, 0) == 0.0f);
  CHECK(nn::cosine_similarity(E, 0, E, 1) == Approx(-0.6));
  CHECK(nn::cosine_similarity(E, 0, E, 2) == 0.0);
  CHECK_THROWS_AS(nn::embedding_net(36, 4, 8, 1), std::invalid_argument);  // 36 does not halve three times
  CHECK(nn::embedding_net(32, 5, 8, 1).output_shape(Shape{2, 1, 32, 32}) == Shape{2, 5});

  // 8 people of 5 images: people 3 and 7 unseen; images 3 of each person held out
  std::vector<int> labels;
  for (int p = 0; p < 8; ++p)
    for (int i = 0; i < 5; ++i) labels.push_back(p);
  const nn::IdentitySplit s = nn::split_identities(labels, 8, true);
  CHECK(s.person_of_class == std::vector<int>{0, 1, 2, 4, 5, 6});
  CHECK(s.class_of == std::vector<int>{0, 1, 2, -1, 3, 4, 5, -1});
  CHECK(s.probe == std::vector<std::size_t>{3, 8, 13, 23, 28, 33});
  CHECK(s.unseen_probe == std::vector<std::size_t>{18, 38});
  CHECK(s.train.size() == 24);
  CHECK(s.unseen_gallery.size() == 8);
  CHECK(nn::split_identities(labels, 8, false).unseen_gallery.empty());
  CHECK(nn::split_identities(std::vector<int>(labels.begin(), labels.begin() + 35), 7, true).unseen_gallery.empty());  // < 8 people
  CHECK_THROWS_AS(nn::split_identities({0, 3}, 3, true), std::invalid_argument);

  // pairs: 3 people of 3 images on three directions; same-person pairs score 1, others less
  Tensor<float> F(Shape{9, 3}, 0.0f);
  std::vector<int> who;
  for (std::size_t n = 0; n < 9; ++n) {
    F(n, n / 3) = 1, F(n, (n / 3 + 1) % 3) = 0.1f * float(n % 3);
    who.push_back(int(n / 3));
  }
  nn::normalise_rows(F);
  const nn::PairScores pairs = nn::score_pairs(F, who, 100, 1);
  REQUIRE(pairs.size() == 18);  // all 9 same-person pairs, and 9 of the 27 different-person ones
  CHECK(std::count(pairs.same.begin(), pairs.same.end(), 1) == 9);
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    CHECK((who[pairs.first[k]] == who[pairs.second[k]]) == (pairs.same[k] == 1));
    CHECK(pairs.score[k] == Approx(nn::cosine_similarity(F, pairs.first[k], F, pairs.second[k])));
  }
  CHECK(nn::score_pairs(F, who, 4, 1).size() == 8);  // at most 4 same-person pairs, as many others
  {
    // 1,500 images (over a million pairs): the different-person pairs are drawn, not listed
    Tensor<float> G(Shape{1500, 4});
    std::mt19937_64 rng(3);
    std::normal_distribution<float> normal;
    for (auto& v : G) v = normal(rng);
    std::vector<int> many;
    for (int n = 0; n < 1500; ++n) many.push_back(n % 30);
    const nn::PairScores drawn = nn::score_pairs(G, many, 100, 4);
    REQUIRE(drawn.size() == 200);
    std::set<std::pair<std::size_t, std::size_t>> distinct;
    for (std::size_t k = 0; k < drawn.size(); ++k) {
      distinct.insert({drawn.first[k], drawn.second[k]});
      CHECK(drawn.first[k] < drawn.second[k]);
      CHECK((many[drawn.first[k]] == many[drawn.second[k]]) == (drawn.same[k] == 1));
    }
    CHECK(distinct.size() == 200);
    CHECK(std::count(drawn.same.begin(), drawn.same.end(), 1) == 100);
  }
  const nn::RocCurve roc = nn::roc_curve(pairs.score, pairs.same);
  CHECK(roc.auc == Approx(1.0));
  const double t = nn::best_threshold(pairs.score, pairs.same);
  CHECK(nn::confusion_at(pairs.score, pairs.same, t).accuracy() == 1.0);
  // the threshold lies midway between the scores it separates
  CHECK(nn::best_threshold({0.9, 0.7, 0.2, 0.1}, {1, 1, 0, 0}) == Approx(0.45));
  CHECK(nn::best_threshold({0.9, 0.7, 0.2, 0.1}, {1, 0, 1, 1}) < 0.1);  // accepting all: 3 of 4 right
  CHECK_THROWS_AS(nn::best_threshold({}, {}), std::invalid_argument);

  // class means: the probe goes to the person of the nearest mean direction
  const nn::Identification id = nn::identify_by_class_mean(F, who, F, {0, 1, 2, 0, 1, 2, 0, 1, 2});
  CHECK(id.classes == 3);
  CHECK(id.predicted == std::vector<int>{0, 0, 0, 1, 1, 1, 2, 2, 2});
  CHECK(id.accuracy == Approx(3.0 / 9.0));
}

TEST_CASE("the embedding recognises generated people, and shuffled labels give chance", "[ch08][identities][train]") {
  // 8 generated people × 16 images, read as a user's folder would be. Every fourth person
  // (3 and 7) is never trained on; of the others, every fourth image is a probe: 6 people, 72
  // training images, 24 probes. Measured with 20 epochs over eight seeds (1–8 for both the
  // folder and the training): the nearest class mean identified 18–24 of the 24 probes and the
  // softmax 22–24 (chance: 1 in 6, 4 of 24); the probe pairs' AUC was 0.89–0.99. The floors:
  // 12 of 24 (3 × chance; 12 or more by guessing has probability below 0.001) and an AUC of 0.75.
  const fs::path root = tmp_dir("pipeline");
  nn::write_synthetic_identities(root, 8, 16, 5);
  const nn::IdentitySet set = nn::read_identity_folder(root, 32, 4);
  REQUIRE(set.size() == 128);
  nn::IdentityTrainingOptions options;
  options.epochs = 20;
  options.seed = 3;
  nn::IdentityResults r = nn::train_and_evaluate_identities(set, options);
  REQUIRE(r.split.person_of_class.size() == 6);
  REQUIRE(r.split.probe.size() == 24);
  REQUIRE(r.has_unseen);
  CAPTURE(r.seen.accuracy, r.softmax_accuracy, r.seen_pairs.roc.auc, r.unseen_pairs.roc.auc, r.unseen.accuracy);
  CHECK(r.epochs.back().loss < r.epochs.front().loss);
  CHECK(r.seen.accuracy >= 12.0 / 24);
  CHECK(r.softmax_accuracy >= 12.0 / 24);
  REQUIRE(r.seen_pairs.measured);
  CHECK(r.seen_pairs.same == 6 * 6);  // 4 probes per person: 6 pairs each
  CHECK(r.seen_pairs.different == r.seen_pairs.same);
  CHECK(r.seen_pairs.roc.auc >= 0.75);
  REQUIRE(r.unseen_pairs.measured);
  CHECK(r.unseen_pairs.same == 2 * 120);  // 16 images of each unseen person: 120 pairs each
  CHECK(r.unseen_pairs.roc.auc > 0.5);  // two unseen people only: measured 0.64–1.0

  // The same embeddings of all 128 images against their true people, and against the people
  // shuffled: the ROC of shuffled labels must be near chance (0.5, within 0.1: its standard
  // deviation with these 960 + 960 pairs is about 0.013, and the one in eight shuffled pairs
  // that is still a true pair lifts it by a few hundredths; measured 0.50–0.52), the true one
  // far above it (measured 0.91–0.96; floor 0.8).
  const Tensor<float> E = nn::embed(r.net, set.images);
  const nn::PairScores truth = nn::score_pairs(E, set.labels, 5000, 11);
  std::vector<int> shuffled = set.labels;
  std::mt19937_64 rng(12);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  const nn::PairScores chance = nn::score_pairs(E, shuffled, 5000, 11);
  const double auc_truth = nn::roc_curve(truth.score, truth.same).auc;
  const double auc_shuffled = nn::roc_curve(chance.score, chance.same).auc;
  CAPTURE(auc_truth, auc_shuffled);
  CHECK(auc_shuffled == Approx(0.5).margin(0.1));
  CHECK(auc_truth >= 0.8);
}
