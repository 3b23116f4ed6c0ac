// Chapter 8 — reading handwritten digits (report §1.3, §4.3) with every layer of §4.2 together:
// LeNet-5 with batch normalization. Draws the loss and accuracy curves, the confusion matrix,
// the misclassified test digits, the first layer's kernels and one digit's feature maps, and
// saves the trained model for ch08_predict.
#include <cmath>
#include <iostream>

#include "digits_common.hpp"
#include "nn/tools/facts.hpp"
#include "nn/conv2d.hpp"
#include "nn/data/model_io.hpp"
#include "nn/apps/models.hpp"

namespace {

constexpr std::size_t kBatch = 64;
constexpr double kLearningRate = 0.05, kMomentum = 0.9;

int run(const nn::ChapterArgs& args) {
  std::string source;
  const nn::TrainTest data = ch08::load_digits(args, source);
  const std::size_t epochs = args.quick ? 2 : 30;
  std::cout << "Data: " << source << "\n";

  //! [train]
  nn::Sequential<float> net = nn::lenet5(args.seed, /*batchnorm=*/true);
  nn::SGD<float> opt(kLearningRate, kMomentum);  // Eq. (20) with momentum
  // every training batch moved by up to 2 pixels at random: more digits from the same 8,000
  const auto curve = ch08::fit(net, opt, data, epochs, kBatch, args.seed, "LeNet-5+BN", kLearningRate,
                               /*cosine=*/true, /*shift=*/2);
  std::vector<int> predicted;
  const auto test = nn::evaluate(net, data.test, 500, &predicted);  // evaluation mode: running statistics
  //! [train]
  std::cout << net.summary(nn::Shape{1, 1, 28, 28});
  double seconds = 0;
  for (double s : curve.seconds) seconds += s;
  const std::string result = (boost::format("LeNet-5 with batch norm: %.2f%% test accuracy on %d digits after %d epochs "
                                            "(%.1f s of training, %.0f images/s)\nData: %s\n") %
                              (100 * test.accuracy) % data.test.size() % epochs % seconds %
                              (double(data.train.size() * epochs) / seconds) % source).str();
  std::cout << result;
  nn::Facts facts("ch08_lenet_bn");
  facts.set("accuracy", 100 * test.accuracy, "%.2f").set("seconds", seconds, "%.1f").set("epochs", epochs, "%d");
  facts.set("images_per_second", double(data.train.size() * epochs) / seconds, "%.0f");
  facts.set("errors", std::size_t(std::lround((1 - test.accuracy) * double(data.test.size()))), "%d");
  nn::report_written(facts.save(args.out));

  // Confusion matrix: row = true digit, column = predicted digit.
  std::vector<std::vector<double>> confusion(10, std::vector<double>(10, 0));
  for (std::size_t i = 0; i < predicted.size(); ++i) confusion[std::size_t(data.test.labels[i])][std::size_t(predicted[i])] += 1;
  nn::Table t({{"true \\ predicted", "%d"}, {"0", "%.0f"}, {"1", "%.0f"}, {"2", "%.0f"}, {"3", "%.0f"}, {"4", "%.0f"},
               {"5", "%.0f"}, {"6", "%.0f"}, {"7", "%.0f"}, {"8", "%.0f"}, {"9", "%.0f"}});
  for (int d = 0; d < 10; ++d) {
    const auto& c = confusion[std::size_t(d)];
    t.row(d, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
  }
  std::cout << "\nConfusion matrix (rows: true digit, columns: predicted):\n" << t.str();
  const auto txt = args.out / "ch08_lenet_bn.txt";
  nn::write_file_atomically(txt, nn::wrap_text(result + "\nConfusion matrix (rows: true digit, columns: predicted):\n" + t.str()));
  nn::report_written(txt);

  // Curves
  nn::Figure fc(args.out, "ch08_lenet_bn_curves", 640, 360);
  fc.command("set multiplot layout 1,2 title 'LeNet-5 with batch normalization on MNIST digits'");
  fc.set("xlabel 'epoch'").set("grid").set("key top right").set("ylabel 'loss (cross-entropy)'").set("logscale y");
  std::vector<double> tra, tea;
  for (std::size_t e = 0; e < epochs; ++e) tra.push_back(100 * curve.train_acc[e]), tea.push_back(100 * curve.test_acc[e]);
  const int b = fc.block({curve.epoch, curve.train_loss, curve.test_loss, tra, tea});
  fc.plot(fc.data(b) + " using 1:2 with linespoints lw 2 pt 7 title 'train'")
      .plot(fc.data(b) + " using 1:3 with linespoints lw 2 pt 5 title 'test'");
  fc.next_panel();
  fc.command("unset logscale y").set("ylabel 'accuracy (%)'").set("key bottom right");
  fc.plot(fc.data(b) + " using 1:4 with linespoints lw 2 pt 7 title 'train'")
      .plot(fc.data(b) + " using 1:5 with linespoints lw 2 pt 5 title 'test'");
  fc.next_panel();
  fc.command("unset multiplot");
  nn::report_written(fc.render());

  // Counts on a log scale in the non-negative colour map; an empty cell stays white, and each count
  // is written in black or white, whichever reads on its cell.
  nn::Figure fm(args.out, "ch08_confusion", 600, 540);
  fm.set("title 'Confusion matrix on the test digits'").set("xlabel 'predicted digit'").set("ylabel 'true digit'")
      .set("xtics 1").set("ytics 1").set("yrange [9.5:-0.5]").set("xrange [-0.5:9.5]").set("size ratio -1");
  double most = 1;
  for (const auto& row : confusion) most = std::max(most, *std::max_element(row.begin(), row.end()));
  fm.colour_map(nn::ColourMap::non_negative, 1, std::max(2.0, most), "test digits (log scale)", /*log=*/true);
  std::vector<double> xs, ys, vs;
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c) {
      const double v = confusion[std::size_t(r)][std::size_t(c)];
      xs.push_back(c), ys.push_back(r), vs.push_back(v);
    }
  const int bm = fm.block({xs, ys, vs});
  fm.plot(fm.data(bm) + " using 1:2:($3 > 0 ? $3 : NaN) with image notitle")
      .plot(fm.data(bm) + " using 1:2:($3 > 0 ? sprintf('%d', $3) : ''):" + fm.text_colour_of("$3") +
            " with labels tc rgb variable font ',10' notitle");
  nn::report_written(fm.render());

  // Misclassified test digits
  std::vector<nn::Tensor<float>> wrong;
  std::vector<std::string> captions;
  for (std::size_t i = 0; i < predicted.size() && wrong.size() < 40; ++i)
    if (predicted[i] != data.test.labels[i]) {
      nn::Tensor<float> img(nn::Shape{1, 1, 28, 28});
      std::copy_n(data.test.images.data() + i * 784, 784, img.data());
      wrong.push_back(img);
      captions.push_back((boost::format("%d→%d") % data.test.labels[i] % predicted[i]).str());
    }
  nn::report_written(ch08::image_grid(args.out, "ch08_misclassified",
                                      wrong.empty() ? std::string("No test digit was misclassified")
                                                    : std::string("Misclassified test digits (true → predicted)"),
                                      wrong, captions, 10));

  // The first layer's kernels and one digit's feature maps
  auto& conv1 = dynamic_cast<nn::Conv2d<float>&>(net[0]);
  std::vector<nn::Tensor<float>> kernels;
  std::vector<std::string> kcap;
  for (std::size_t k = 0; k < 6; ++k) {
    nn::Tensor<float> K(nn::Shape{1, 1, 5, 5});
    for (std::size_t i = 0; i < 25; ++i) K[i] = conv1.weights()[k * 25 + i];
    kernels.push_back(K);
    kcap.push_back("kernel " + std::to_string(k));
  }
  nn::report_written(ch08::image_grid(args.out, "ch08_kernels", "First-layer kernels W_{c′,0} (orange +, blue −)",
                                      kernels, kcap, 6, ch08::GridColours::signed_values, "W"));

  nn::Tensor<float> x(nn::Shape{1, 1, 28, 28});
  std::copy_n(data.test.images.data(), 784, x.data());
  net.set_training(false);
  // the grid's first row: the input and conv1's 6 maps (and a blank); then conv2's 16 maps
  std::vector<nn::Tensor<float>> maps{x};
  std::vector<std::string> mcap{"input"};
  const nn::Tensor<float>* a = &x;
  for (std::size_t l = 0; l < net.size(); ++l) {
    a = &net[l].forward(*a);
    if (l == 2 || l == 6) {  // after the first and second conv–BN–ReLU
      for (std::size_t c = 0; c < a->dim(1); ++c) {
        nn::Tensor<float> m(nn::Shape{1, 1, a->dim(2), a->dim(3)});
        std::copy_n(a->data() + c * m.size(), m.size(), m.data());
        maps.push_back(m);
        mcap.push_back("c = " + std::to_string(c));
      }
      if (l == 2) maps.emplace_back(), mcap.emplace_back();
    }
  }
  // Every map into a 28×28 cell for the grid: scaled to its own maximum, 8×8 maps enlarged ×3.
  for (std::size_t i = 1; i < maps.size(); ++i) {
    const nn::Tensor<float>& m = maps[i];
    if (m.size() == 0) continue;  // the blank cell
    const std::size_t n = m.dim(2), zoom = n == 8 ? 3 : 1, off = (28 - n * zoom) / 2;
    float top = 1e-6f;
    for (float v : m) top = std::max(top, v);
    nn::Tensor<float> cell(nn::Shape{1, 1, 28, 28});
    for (std::size_t h = 0; h < n * zoom; ++h)
      for (std::size_t w = 0; w < n * zoom; ++w) cell(0, 0, off + h, off + w) = m(0, 0, h / zoom, w / zoom) / top;
    maps[i] = cell;
  }
  nn::report_written(ch08::image_grid(args.out, "ch08_feature_maps",
                                      "A test digit, its 6 maps after conv1 (top row) and 16 after conv2", maps, mcap, 8,
                                      ch08::GridColours::non_negative, "value / its map's largest"));

  const auto model = args.out / "ch08_lenet_bn.nnm";
  nn::save_model(model, net, nn::Shape{1, 28, 28}, {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
  nn::report_written(model);
  std::cout << "Try it on your own drawing:  build/chapters/ch08_predict --model " << model.string() << " YOUR.png\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§1.3/§4.3: LeNet-5 with batch norm on MNIST — curves, confusion, kernels, feature maps", run);
}
