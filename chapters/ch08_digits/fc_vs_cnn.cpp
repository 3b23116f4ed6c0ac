// Chapter 8 — digit recognition (report §1.3, §4.3): a fully connected network (§4.1) against a
// convolutional one (§4.2) on the same real MNIST digits, trained the same way. The comparison
// the report's author made in his own experiments: test accuracy per epoch, on one figure.
#include <iostream>

#include "digits_common.hpp"
#include "nn/apps/models.hpp"

namespace {

constexpr std::size_t kBatch = 64;
constexpr double kLearningRate = 0.05, kMomentum = 0.9;
constexpr int kShift = 1;  // augmentation: random shifts of up to one pixel, for both networks

int run(const nn::ChapterArgs& args) {
  std::string source;
  const nn::TrainTest data = ch08::load_digits(args, source);
  const std::size_t epochs = args.quick ? 2 : 20;  // at least two points on the curves
  const std::string setup = (boost::format("Both networks: SGD with momentum %g, α = %g with cosine decay, batch %d, "
                                           "%d epochs, seed %d, every batch shifted by up to %d pixel\n") %
                             kMomentum % kLearningRate % kBatch % epochs % args.seed % kShift).str();
  std::cout << "Data: " << source << "\n" << setup << "\n";

  //! [networks]
  nn::Sequential<float> fcc = nn::mlp_digits(args.seed, 256);  // 784 → 256 → 128 → 10, ReLU
  nn::Sequential<float> cnn = nn::lenet5(args.seed);           // conv–pool–conv–pool–120–84–10
  //! [networks]
  std::cout << "Fully connected:\n" << fcc.summary(nn::Shape{1, 1, 28, 28}) << "\nConvolutional (LeNet-5):\n"
            << cnn.summary(nn::Shape{1, 1, 28, 28}) << "\n";

  nn::SGD<float> opt_f(kLearningRate, kMomentum), opt_c(kLearningRate, kMomentum);
  const auto cf = ch08::fit(fcc, opt_f, data, epochs, kBatch, args.seed, "FCC", kLearningRate, true, kShift);
  const auto cc = ch08::fit(cnn, opt_c, data, epochs, kBatch, args.seed, "CNN", kLearningRate, true, kShift);

  nn::Table t({{"epoch", "%d"}, {"FCC train acc", "%.2f%%"}, {"FCC test acc", "%.2f%%"}, {"CNN train acc", "%.2f%%"},
               {"CNN test acc", "%.2f%%"}});
  for (std::size_t e = 0; e < epochs; ++e)
    t.row(e + 1, 100 * cf.train_acc[e], 100 * cf.test_acc[e], 100 * cc.train_acc[e], 100 * cc.test_acc[e]);
  double sf = 0, sc = 0;
  for (double s : cf.seconds) sf += s;
  for (double s : cc.seconds) sc += s;
  const std::string summary = (boost::format("\nData: %s\n%sFCC = the fully connected network (%d parameters): %.2f%% test accuracy, %.1f s of training\n"
                                             "CNN = LeNet-5 (%d parameters): %.2f%% test accuracy, %.1f s of training\n") %
                               source % setup % fcc.parameter_count() % (100 * cf.test_acc.back()) % sf % cnn.parameter_count() %
                               (100 * cc.test_acc.back()) % sc).str();
  std::cout << "\n" << t.str() << summary;
  const auto table_path = args.out / "ch08_fc_vs_cnn.txt";
  nn::write_file_atomically(table_path, t.str() + summary);
  nn::report_written(table_path);

  nn::Figure fig(args.out, "ch08_fc_vs_cnn");
  fig.set("title \"Digits: fully connected (§4.1) vs convolutional (§4.2)\\nsame data and training\"")
      .set("xlabel 'epoch'").set("ylabel 'accuracy (%)'").set("grid").set("key bottom right").set("yrange [*:100]");
  std::vector<double> f_tr, f_te, c_tr, c_te;
  for (std::size_t e = 0; e < epochs; ++e)
    f_tr.push_back(100 * cf.train_acc[e]), f_te.push_back(100 * cf.test_acc[e]), c_tr.push_back(100 * cc.train_acc[e]),
        c_te.push_back(100 * cc.test_acc[e]);
  const int b = fig.block({cf.epoch, f_tr, f_te, c_tr, c_te});
  fig.plot(fig.data(b) + " using 1:3 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'FCC, test'")
      .plot(fig.data(b) + " using 1:2 with lines lw 1 dt 2 lc rgb '#1f77b4' title 'FCC, train'")
      .plot(fig.data(b) + " using 1:5 with linespoints lw 2 pt 5 lc rgb '#d62728' title 'CNN (LeNet-5), test'")
      .plot(fig.data(b) + " using 1:4 with lines lw 1 dt 2 lc rgb '#d62728' title 'CNN, train'");
  nn::report_written(fig.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§1.3/§4.3: fully connected vs convolutional network on MNIST digits", run);
}
