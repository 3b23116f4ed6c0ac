// Chapter 8 — the same machinery on a harder set: Fashion-MNIST (Zalando; 60,000 training and
// 10,000 test images of clothing in 10 classes), from Debian's package dataset-fashion-mnist.
// A convolutional network with batch normalization, Adam and a cosine learning-rate schedule.
#include <iostream>

#include "digits_common.hpp"
#include "nn/tools/facts.hpp"
#include "nn/apps/models.hpp"

namespace {

const std::vector<std::string> kClasses = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
constexpr std::size_t kBatch = 64;
constexpr double kLearningRate = 2e-3;

int run(const nn::ChapterArgs& args) {
  namespace fs = std::filesystem;
  nn::TrainTest data;
  std::string source;
  // The four official files in <--data>/fashion-mnist if they are there, else Debian's copy.
  fs::path dir = args.data / "fashion-mnist";
  if (!ch08::has_official_layout(dir)) dir = nn::fashion_mnist_default_dir;
  const bool installed = ch08::has_official_layout(dir);
  if (installed) {
    data = nn::load_fashion_mnist(dir);
    source = "Fashion-MNIST from " + dir.string();
    if (args.quick) ch08::quick_part(data, source);
  } else if (args.quick) {
    data = {ch08::synthetic_digits(2000, args.seed), ch08::synthetic_digits(500, args.seed + 1)};
    source = "GENERATED digits (--quick, and dataset-fashion-mnist is not installed)";
  } else {
    data = nn::load_fashion_mnist();  // throws, naming the apt command
  }
  const std::size_t epochs = args.quick ? 2 : 12;  // at least two points on the curves
  std::cout << "Data: " << source << " (" << data.train.size() << " train, " << data.test.size() << " test)\n";

  //! [fashion]
  nn::Sequential<float> net = nn::fashion_cnn(args.seed);
  nn::Adam<float> opt(kLearningRate);
  const auto curve = ch08::fit(net, opt, data, epochs, kBatch, args.seed, "Fashion CNN", kLearningRate, /*cosine=*/true);
  //! [fashion]
  std::cout << net.summary(nn::Shape{1, 1, 28, 28});
  std::vector<int> predicted;
  const auto test = nn::evaluate(net, data.test, 500, &predicted);
  double seconds = 0;
  for (double s : curve.seconds) seconds += s;

  nn::Table t({{"class", "%s"}, {"test images", "%d"}, {"accuracy", "%.1f%%"}});
  for (std::size_t k = 0; k < 10; ++k) {
    std::size_t n = 0, ok = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i)
      if (std::size_t(data.test.labels[i]) == k) ++n, ok += std::size_t(predicted[i]) == k;
    t.row(installed ? kClasses[k] : std::to_string(k), n, n ? 100.0 * double(ok) / double(n) : 0.0);
  }
  const std::string result = (boost::format("Fashion CNN: %.2f%% test accuracy after %d epochs (%.1f s of training, %.0f images/s)\nData: %s\n") %
                              (100 * test.accuracy) % epochs % seconds % (double(data.train.size() * epochs) / seconds) % source).str();
  std::cout << "\n" << t.str() << result;
  const auto txt = args.out / "ch08_fashion.txt";
  nn::write_file_atomically(txt, nn::wrap_text(t.str() + result));
  nn::report_written(txt);
  nn::Facts facts("ch08_fashion");
  facts.set("accuracy", 100 * test.accuracy, "%.2f").set("seconds", seconds, "%.0f").set("epochs", epochs, "%d");
  facts.set("train_size", data.train.size(), "%d").set("test_size", data.test.size(), "%d");
  nn::report_written(facts.save(args.out));

  nn::Figure fig(args.out, "ch08_fashion_curves");
  fig.set("title 'Fashion-MNIST: accuracy per epoch'").set("xlabel 'epoch'").set("ylabel 'accuracy (%)'").set("grid")
      .set("key bottom right");
  std::vector<double> tr, te;
  for (std::size_t e = 0; e < epochs; ++e) tr.push_back(100 * curve.train_acc[e]), te.push_back(100 * curve.test_acc[e]);
  const int b = fig.block({curve.epoch, tr, te});
  fig.plot(fig.data(b) + " using 1:2 with linespoints lw 2 pt 7 title 'train'")
      .plot(fig.data(b) + " using 1:3 with linespoints lw 2 pt 5 title 'test (10,000 images)'");
  nn::report_written(fig.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.3: a CNN with batch norm on Fashion-MNIST (Debian's dataset-fashion-mnist, or the four official files in --data DIR/fashion-mnist)", run);
}
