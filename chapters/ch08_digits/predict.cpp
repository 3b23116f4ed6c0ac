// Chapter 8 — read YOUR handwritten digit (report §1.3): a PNG of any size, gray or colour,
// dark-on-light or light-on-dark, is prepared as MNIST digits were (crop to the ink, fit into
// 20×20, centre of mass at the centre of 28×28) and classified by a trained model.
//
//   ch08_predict [--model FILE] IMAGE.png [IMAGE2.png …]
//
// With no image it classifies a demo drawing of its own: a test digit enlarged and inverted.
#include <cmath>
#include <iostream>
#include <random>

#include "digits_common.hpp"
#include "nn/data/image.hpp"
#include "nn/data/model_io.hpp"
#include "nn/apps/models.hpp"

namespace {

int run(int argc, char** argv) {
  std::filesystem::path model_path;
  std::vector<std::filesystem::path> images;
  nn::ExtraOptions extra;
  extra.files.push_back({"--model",
                         "the trained model (default: ch08_lenet_bn.nnm in the --out folder, else in " NN_DEFAULT_PLOTS_DIR
                         ", where ch08_lenet_bn writes it)",
                         &model_path});
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
    std::cout << "no image named: classifying a demo drawing (usage: ch08_predict [--model FILE] IMAGE.png ...)\n";
    // A demo drawing: a real test digit if the data is there, else a generated one — enlarged
    // to 140×140 and inverted to dark ink on light paper, as a photo of a drawing would be.
    std::string source;
    const auto data = ch08::load_digits(args, source);
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
