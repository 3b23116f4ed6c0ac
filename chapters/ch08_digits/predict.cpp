// Chapter 8 — read YOUR handwritten digit (report §1.3): a PNG of any size, gray or colour,
// dark-on-light or light-on-dark, is prepared as MNIST digits were (crop to the ink, fit into
// 20×20, centre of mass at the centre of 28×28) and classified by a trained model.
//
//   ch08_predict [--model FILE] [--exact] IMAGE.png [IMAGE2.png …]
//
// --exact adds a line "probability K P" for each class K, P with 17 significant digits (all
// of a double), and "input I V" for each of the 784 values the network saw (9 digits, all of
// a float), for the browser test that compares the page "Draw a digit" with this program.
//
// With no image it first measures how well the model reads the test digits made faint, thin,
// blurred or small, as a user's drawings are, under the contrast rule of nn::mnist_preprocess
// and under the old one; then it classifies a demo drawing of its own: a test digit enlarged
// and inverted.
#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <random>

#include "digits_common.hpp"
#include "drawings.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/files.hpp"
#include "nn/data/image.hpp"
#include "nn/data/model_io.hpp"
#include "nn/apps/models.hpp"

namespace {

using Image = nn::Tensor<float>;  // (1, 1, H, W)

using ch08::blur;   // drawings.hpp: the same drawings the tests make
using ch08::erode;

/// A user's drawing made from a test digit (ink 1 on 0), and how it is made.
struct Variant {
  std::string key, name, how;
  std::function<Image(const Image&)> make;
};

std::vector<Variant> variants() {
  return {
      {"original", "original", "the test digit as it is", [](const Image& x) { return x; }},
      {"faint", "faint", "a faint pencil line: eroded by 1 px, softened by 0.75 px, ink 0.3 on paper 0.1",
       [](const Image& x) {
         Image y = blur(erode(x), 0.75);
         for (auto& v : y) v = 0.1f + 0.2f * v;
         return y;
       }},
      {"thin", "thin", "a thin soft line: eroded by 1 px, then blurred by 1 px",
       [](const Image& x) { return blur(erode(x), 1.0); }},
      {"blurred", "blurred", "Gaussian blur of 1.25 px", [](const Image& x) { return blur(x, 1.25); }},
      {"small", "small", "shrunk to 20x20 (area averaging) in the middle of 28x28",
       [](const Image& x) {
         const Image s = nn::resize_area(x.reshaped(nn::Shape{28, 28}), 20, 20);
         Image y(nn::Shape{1, 1, 28, 28});
         for (std::size_t h = 0; h < 20; ++h)
           for (std::size_t w = 0; w < 20; ++w) y(0, 0, h + 4, w + 4) = s(h, w);
         return y;
       }},
  };
}

/// Accuracy of the model on the test digits made into each variant and prepared by
/// mnist_preprocess, with its rule (the 60th percentile of the ink to 1) and with the old rule
/// (only the strongest pixel to 1: ink_quantile 1); a table, a figure of examples, the facts.
void measure_robustness(nn::Model& model, const nn::TrainTest& data, const std::string& source,
                        const nn::ChapterArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  const auto vs = variants();
  const nn::Dataset& test = data.test;
  const std::size_t n = test.size();
  //! [robustness]
  auto accuracy_on = [&](const nn::Dataset& digits, const Variant& v, double ink_quantile) {
    const std::size_t m = digits.size();
    nn::Dataset ds{nn::Tensor<float>(nn::Shape{m, 1, 28, 28}), digits.labels};
    for (std::size_t i = 0; i < m; ++i) {
      Image x(nn::Shape{1, 1, 28, 28});
      std::copy_n(digits.images.data() + i * 784, 784, x.data());
      const Image y = nn::mnist_preprocess(v.make(x), ink_quantile);
      std::copy(y.begin(), y.end(), ds.images.data() + i * 784);
    }
    return 100 * nn::evaluate(model.net, ds, 500).accuracy;
  };
  //! [robustness]
  const auto accuracy = [&](const Variant& v, double q) { return accuracy_on(test, v, q); };

  // How the quantile was chosen: on TRAINING digits (the test digits choose nothing), the mean
  // accuracy over the original and the four drawings for each quantile; and MNIST's own
  // statistics.
  const nn::Dataset sample = ch08::head(data.train, args.quick ? 200 : 2000);
  nn::Table sweep({{"ink quantile to 1", "%.1f"}, {"original", "%.2f"}, {"faint", "%.2f"}, {"thin", "%.2f"},
                   {"blurred", "%.2f"}, {"small", "%.2f"}, {"mean of the five (%)", "%.2f"}});
  // The rule: no clean digit lost against the old rule (quantile 1), then the best mean.
  const std::vector<double> quantiles = {1.0, 0.8, 0.7, 0.6, 0.5, 0.4};
  double best_q = 1.0, best_mean = -1, old_original = 0;
  for (double q : quantiles) {
    std::vector<double> acc;
    for (const auto& v : vs) acc.push_back(accuracy_on(sample, v, q));
    const double mean = (acc[0] + acc[1] + acc[2] + acc[3] + acc[4]) / 5;
    sweep.row(q, acc[0], acc[1], acc[2], acc[3], acc[4], mean);
    if (q == 1.0) old_original = acc[0];
    if (acc[0] >= old_original && mean > best_mean) best_mean = mean, best_q = q;
  }
  double rows = 0, cols = 0, mass = 0, ink = 0, saturated = 0;  // over the sampled training digits
  for (std::size_t i = 0; i < sample.size(); ++i)
    for (std::size_t h = 0; h < 28; ++h)
      for (std::size_t w = 0; w < 28; ++w) {
        const double v = sample.images(i, 0, h, w);
        rows += v * double(h), cols += v * double(w), mass += v;
        if (v > 0.1) ++ink, saturated += v >= 0.9;
      }
  const std::string sweep_text =
      (boost::format("Choosing the quantile on %d TRAINING digits (accuracy %%, the model has seen them): %.1f,\n"
                     "the best mean among the quantiles that lose no original digit against the old rule (1.0)\n"
                     "Their centre of mass (rows, columns counted from 0): (%.2f, %.2f); ink pixels >= 0.9: %.0f %%\n") %
       sample.size() % best_q % (rows / mass) % (cols / mass) % (100 * saturated / std::max(1.0, ink)))
          .str() +
      sweep.str();
  std::cout << "\n" << sweep_text;
  nn::Facts facts("ch08_predict");
  facts.set("test_size", n, "%d").set("sweep_size", sample.size(), "%d").set("sweep_best_quantile", best_q, "%.1f");
  facts.set("mnist_centre_row", rows / mass, "%.2f").set("mnist_centre_col", cols / mass, "%.2f");
  facts.set("mnist_saturated", 100 * saturated / std::max(1.0, ink), "%.0f");
  nn::Table t({{"drawing", "%s"}, {"60th percentile of the ink to 1 (%)", "%.2f"},
               {"old rule: strongest pixel to 1 (%)", "%.2f"}});
  std::string legend;
  for (const auto& v : vs) {
    const double now = accuracy(v, 0.6), old = accuracy(v, 1.0);
    t.row(v.name, now, old);
    legend += "  " + v.name + ": " + v.how + "\n";
    facts.set("accuracy_" + v.key, now, "%.2f").set("old_accuracy_" + v.key, old, "%.2f");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  facts.set("seconds", seconds, "%.1f");
  const std::string head = (boost::format("Accuracy of the model on %d test digits drawn as a user might, after "
                                          "mnist_preprocess with each contrast rule (%.1f s)\nData: %s\n") %
                            n % seconds % source).str();
  std::cout << "\n" << head << t.str() << legend;
  const auto txt = args.out / "ch08_predict_robustness.txt";
  nn::write_file_atomically(txt, nn::wrap_text(head) + t.str() + legend + "\n" + sweep_text);
  nn::report_written(txt);
  nn::report_written(facts.save(args.out));

  // The figure: one test digit as each variant (top row), prepared by the old rule (middle) and
  // by the rule of mnist_preprocess (bottom).
  Image x(nn::Shape{1, 1, 28, 28});
  std::size_t pick = 0;  // the first 5 of the test set
  while (pick + 1 < n && test.labels[pick] != 5) ++pick;
  std::copy_n(test.images.data() + pick * 784, 784, x.data());
  std::vector<Image> cells(3 * vs.size());
  std::vector<std::string> captions(3 * vs.size());
  for (std::size_t j = 0; j < vs.size(); ++j) {
    const Image drawn = vs[j].make(x);
    cells[j] = drawn, captions[j] = vs[j].name;
    cells[vs.size() + j] = nn::mnist_preprocess(drawn, 1.0), captions[vs.size() + j] = "old rule";
    cells[2 * vs.size() + j] = nn::mnist_preprocess(drawn), captions[2 * vs.size() + j] = "new rule";
  }
  nn::report_written(ch08::image_grid(args.out, "ch08_predict_robustness",
                                      "Drawn (top), prepared: old rule, new rule",
                                      cells, captions, vs.size()));
}

int run(int argc, char** argv) {
  std::filesystem::path model_path;
  std::vector<std::filesystem::path> images;
  bool exact = false;
  nn::ExtraOptions extra;
  extra.files.push_back({"--model",
                         "the trained model (default: ch08_lenet_bn.nnm in the --out folder, else in " NN_DEFAULT_PLOTS_DIR
                         ", where ch08_lenet_bn writes it)",
                         &model_path});
  extra.flags.push_back({"--exact", "also print each class probability and each input value with all their digits", &exact});
  extra.positional_help = "PNG pictures of digits to classify (none: a demo drawing)";
  extra.positional = &images;
  const nn::ChapterArgs args = nn::parse_chapter_args(argc, argv, "§1.3: classify a digit drawn in a PNG", extra);
  // The model ch08_lenet_bn wrote: in --out if it is there, else in the default plots folder.
  if (model_path.empty()) {
    model_path = args.out / "ch08_lenet_bn.nnm";
    if (!std::filesystem::exists(model_path)) model_path = std::filesystem::path(NN_DEFAULT_PLOTS_DIR) / "ch08_lenet_bn.nnm";
  }

  nn::Model model;
  if (std::filesystem::exists(model_path) || !args.quick) {
    if (!std::filesystem::exists(model_path))
      throw nn::data_error("no model at " + model_path.string() +
                           ". Train one first:  build/chapters/ch08_lenet_bn   (it writes " NN_DEFAULT_PLOTS_DIR
                           "/ch08_lenet_bn.nnm), or name one with --model FILE");
    model = nn::load_model(model_path);
    std::cout << "model: " << model_path.string() << "\n";
  } else {
    // --quick without a model: a small LeNet-5 trained for one epoch on generated digits.
    std::cout << "model: none at " << model_path.string() << "; --quick trains a small one on generated digits\n";
    model.net = nn::lenet5(args.seed, true);
    model.input = nn::Shape{1, 28, 28};
    nn::Adam<float> opt(2e-3);
    std::mt19937_64 rng(args.seed);
    const auto train = ch08::synthetic_digits(2000, args.seed);
    for (int e = 0; e < 2; ++e) nn::train_epoch(model.net, opt, train, 32, rng);
  }
  if (model.input != nn::Shape{1, 28, 28})
    throw nn::data_error("model " + model_path.string() + " takes inputs " + model.input.str() +
                         ", not the 1×28×28 digits this program prepares");
  if (const nn::Shape out = model.net.output_shape(nn::Shape{1, 1, 28, 28}); out.rank() != 2)
    throw nn::data_error("model " + model_path.string() + " outputs " + out.str() +
                         " for one digit, not a row of class scores (1, K)");

  if (images.empty()) {
    std::string source;
    const auto data = ch08::load_digits(args, source);
    measure_robustness(model, data, source, args);
    std::cout << "\nno image named: classifying a demo drawing (usage: ch08_predict [--model FILE] IMAGE.png ...)\n";
    // A demo drawing: a real test digit if the data is there, else a generated one — enlarged
    // to 140×140 and inverted to dark ink on light paper, as a photo of a drawing would be.
    std::size_t pick = 0;  // the first test digit that is a 3
    while (pick + 1 < data.test.size() && data.test.labels[pick] != 3) ++pick;
    nn::Tensor<float> pic(nn::Shape{1, 1, 140, 140});
    for (std::size_t h = 0; h < 140; ++h)
      for (std::size_t w = 0; w < 140; ++w) pic(0, 0, h, w) = 0.95f - 0.85f * data.test.images(pick, 0, h / 5, w / 5);
    std::cout << "demo drawing: test digit " << pick << " of " << source << " (a " << data.test.labels[pick] << ")\n";
    const auto path = args.out / "ch08_predict_demo.png";
    nn::save_png(path, pic);
    nn::report_written(path);
    images.push_back(path);
  }

  int failed = 0;  // a picture that cannot be read is reported and skipped; the others go on
  for (const auto& path : images) try {
    //! [predict]
    const nn::Tensor<float> picture = nn::to_grayscale(nn::load_png(path));  // (1, 1, H, W) in [0, 1]
    const nn::Tensor<float> x = nn::mnist_preprocess(picture);               // (1, 1, 28, 28), as MNIST
    const std::vector<double> p = nn::predict_probabilities(model.net, x);   // softmax of the scores
    //! [predict]
    for (double pk : p)
      if (!std::isfinite(pk))
        throw nn::data_error("model " + model_path.string() + " gives non-finite scores for this picture (its weights overflow)");
    std::size_t best = 0;
    for (std::size_t k = 1; k < p.size(); ++k)
      if (p[k] > p[best]) best = k;
    const std::string label = best < model.classes.size() ? model.classes[best] : std::to_string(best);
    std::cout << "\n" << path.string() << "  (" << picture.dim(3) << "×" << picture.dim(2) << " pixels)\n";
    for (std::size_t k = 0; k < p.size(); ++k)
      std::cout << boost::format("  %s  %6.2f%%  %s\n") % (k < model.classes.size() ? model.classes[k] : std::to_string(k)) %
                       (100 * p[k]) % std::string(std::size_t(40 * p[k] + 0.5), '#');
    if (exact) {
      for (std::size_t k = 0; k < p.size(); ++k) std::cout << boost::format("probability %d %.17g\n") % k % p[k];
      for (std::size_t i = 0; i < x.size(); ++i) std::cout << boost::format("input %d %.9g\n") % i % x[i];
    }
    std::cout << "predicted: " << label << "\n";
    const auto seen = args.out / ("ch08_predict_" + path.stem().string() + "_as_mnist.png");
    nn::save_png(seen, x);
    nn::report_written(seen);
  } catch (const std::exception& e) {
    const std::string what = e.what();
    // load_png's messages name the file already; mnist_preprocess's ("no ink") do not
    std::cerr << "error: " << (what.find(path.string()) == std::string::npos ? path.string() + ": " : "") << what
              << "\n";
    ++failed;
  }
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
