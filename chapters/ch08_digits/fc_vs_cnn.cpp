// Chapter 8 — digit recognition (report §1.3, §4.3): a fully connected network (§4.1) against a
// convolutional one (§4.2) on the same real MNIST digits, trained the same way. The comparison
// the report's author made in his own experiments: test accuracy per epoch, on one figure.
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "digits_common.hpp"
#include "nn/apps/models.hpp"
#include "nn/output_size.hpp"
#include "nn/tools/facts.hpp"

namespace {

constexpr std::size_t kBatch = 64;
constexpr double kLearningRate = 0.05, kMomentum = 0.9;
constexpr int kShift = 1;  // augmentation: random shifts of up to one pixel, for both networks

/// Worked example: LeNet-5's shapes by Eqs. (34) and (46), and its parameters by hand, next to
/// what the library's layers say. Saved as ch08_lenet5_shapes.txt; fails if the two disagree.
void lenet5_shapes(nn::Sequential<float>& net, const nn::ChapterArgs& args) {
  //! [shapes]
  // The architecture (nn::lenet5()): what each layer is, in the report's symbols.
  // kind: c(onv), p(ool), f(latten), d(ense), a(ctivation); k, s, p; C′ or m
  struct Row { const char* what; char kind; std::size_t k, s, p, c_out; };
  const Row rows[] = {
      {"conv 6@5×5", 'c', 5, 1, 0, 6},   {"ReLU", 'a', 0, 0, 0, 0},  {"pool 2×2", 'p', 2, 2, 0, 0},
      {"conv 16@5×5", 'c', 5, 1, 0, 16}, {"ReLU", 'a', 0, 0, 0, 0},  {"pool 2×2", 'p', 2, 2, 0, 0},
      {"flatten", 'f', 0, 0, 0, 0},      {"dense", 'd', 0, 0, 0, 120}, {"ReLU", 'a', 0, 0, 0, 0},
      {"dense", 'd', 0, 0, 0, 84},       {"ReLU", 'a', 0, 0, 0, 0},  {"dense", 'd', 0, 0, 0, 10}};
  //! [shapes]
  nn::Table t({{"layer", "%-12s"}, {"size by hand", "%-24s"}, {"C×H×W", "%-8s"},
               {"parameters by hand", "%-19s"}, {"lib", "%-3s"}});
  std::size_t C = 1, H = 28, n = 0, total = 0;  // channels and size of the current tensor (n: dense width)
  nn::Shape shape{1, 1, 28, 28};
  bool agree = true;
  for (std::size_t i = 0; i < net.size() && i < std::size(rows); ++i) {
    const Row& r = rows[i];
    std::string how = "—", params = "0";
    std::size_t count = 0;
    if (r.kind == 'c' || r.kind == 'p') {
      const std::size_t Hn = nn::conv_out_size(H, r.k, r.s, r.p);  // Eqs. (34) and (46): one formula
      how = r.kind == 'c' ? (boost::format("(34) ⌊(%d−%d+2·%d)/%d⌋+1 = %d") % H % r.k % r.p % r.s % Hn).str()
                          : (boost::format("(46) ⌊(%d−%d)/%d⌋+1 = %d") % H % r.k % r.s % Hn).str();
      if (r.kind == 'c') {
        count = r.c_out * (C * r.k * r.k + 1);  // C′ kernels of C·k·k weights, one bias each
        params = (boost::format("%d·(%d·%d²+1) = %d") % r.c_out % C % r.k % count).str();
        C = r.c_out;
      }
      H = Hn;
    } else if (r.kind == 'f') {
      n = C * H * H;
      how = (boost::format("%d·%d·%d = %d") % C % H % H % n).str();
    } else if (r.kind == 'd') {
      count = n * r.c_out + r.c_out;  // W^(l) is n × m, b^(l) has m entries (Eq. (7))
      params = (boost::format("%d·%d+%d = %d") % n % r.c_out % r.c_out % count).str();
      n = r.c_out;
    }
    const bool maps = r.kind == 'c' || r.kind == 'p' || (r.kind == 'a' && n == 0);
    const nn::Shape mine_shape = maps ? nn::Shape{1, C, H, H} : nn::Shape{1, n};
    const std::string mine = maps ? (boost::format("%d×%d×%d") % C % H % H).str() : std::to_string(n);
    shape = net[i].output_shape(shape);
    std::size_t lib_count = 0;
    for (const auto& prm : net[i].parameters()) lib_count += prm.value->size();
    const bool same = mine_shape == shape && count == lib_count;
    agree = agree && same;
    total += count;
    t.row(r.what, how, mine, params, same ? "ok" : "NO");
  }
  std::ostringstream os;
  os << "LeNet-5 for one 28×28 digit, layer by layer; the last column says whether\n"
        "the shape and the parameter count agree with the library's own layers:\n" << t.str()
     << "total: " << total << " parameters by hand, " << net.parameter_count() << " in the library\n";
  std::cout << os.str();
  const auto path = args.out / "ch08_lenet5_shapes.txt";
  nn::write_file_atomically(path, nn::wrap_text(os.str()));
  nn::report_written(path);
  if (!agree || total != net.parameter_count())
    throw std::logic_error("ch08_fc_vs_cnn: LeNet-5's shapes or parameters by hand differ from the library's");
}

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
  lenet5_shapes(cnn, args);
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
  nn::write_file_atomically(table_path, nn::wrap_text(t.str() + summary));
  nn::report_written(table_path);
  nn::Facts facts("ch08_fc_vs_cnn");
  facts.set("fc_accuracy", 100 * cf.test_acc.back(), "%.2f").set("fc_seconds", sf, "%.1f");
  facts.set("cnn_accuracy", 100 * cc.test_acc.back(), "%.2f").set("cnn_seconds", sc, "%.1f");
  facts.set("fc_parameters", fcc.parameter_count(), "%d").set("cnn_parameters", cnn.parameter_count(), "%d");
  facts.set("epochs", epochs, "%d").set("train_size", data.train.size(), "%d").set("test_size", data.test.size(), "%d");
  facts.set("seed", args.seed, "%d");
  nn::report_written(facts.save(args.out));

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
