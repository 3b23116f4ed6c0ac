// Chapter 8d — a slice of the loss landscape of a trained LeNet-5: the report's Figure 3 (§4.1.2,
// Eq. (20)) for a real network. Trains LeNet-5 *without* batch norm (so that the parameters θ
// alone fix the function: with batch norm the evaluation-mode loss also depends on the running
// statistics, which are not part of θ), keeping θ after every epoch; then draws
//  - the 1-D interpolation L((1 − t) θ₀ + t θ*) from the initial θ₀ to the trained θ*, on
//    training and test digits, for t beyond [0, 1];
//  - the 2-D slice L(θ* + a δ₁ + b δ₂) along two random filter-normalised directions (Li et al.
//    2018) as a contour plot, with the training path projected onto its plane.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <numeric>
#include <sstream>

#include "digits_common.hpp"
#include "nn/apps/landscape.hpp"
#include "nn/apps/models.hpp"
#include "nn/tools/facts.hpp"

namespace {

constexpr std::size_t kBatch = 64;
constexpr double kLearningRate = 0.05, kMomentum = 0.9;

/// How big the run is: the full run stays within about 20 s.
struct Sizes {
  std::size_t epochs, train_eval, test_eval, slice_eval, grid, t_steps;
  double extent;  ///< a and b in [−extent, extent]
};

std::vector<double> linspace(double lo, double hi, std::size_t n) {
  std::vector<double> v;
  for (std::size_t k = 0; k < n; ++k) v.push_back(lo + (hi - lo) * double(k) / double(n - 1));
  return v;
}

int run(const nn::ChapterArgs& args) {
  const auto t_start = std::chrono::steady_clock::now();
  std::string source;
  const nn::TrainTest data = ch08::load_digits(args, source);
  const Sizes sz = args.quick ? Sizes{2, 200, 200, 200, 7, 9, 1.0} : Sizes{6, 1000, 1000, 500, 21, 41, 1.0};
  std::cout << "Data: " << source << "\n";

  //! [path]
  nn::Sequential<float> net = nn::lenet5(args.seed, /*batchnorm=*/false);
  nn::SGD<float> opt(kLearningRate, kMomentum);
  std::vector<std::vector<float>> path{nn::get_parameters(net)};  // θ₀
  ch08::FitOptions fo;
  fo.epochs = sz.epochs, fo.batch = kBatch, fo.seed = args.seed, fo.name = "LeNet-5";
  fo.after_epoch = [&path](std::size_t, nn::Sequential<float>& n, const ch08::Curve&) {
    path.push_back(nn::get_parameters(n));  // θ after each epoch
  };
  const auto curve = ch08::fit(net, opt, data, fo);
  const std::vector<float>& theta0 = path.front();
  const std::vector<float> theta_star = path.back();  // θ*
  //! [path]
  double train_seconds = 0;
  for (double s : curve.seconds) train_seconds += s;

  // fixed evaluation subsets, drawn at random once
  const nn::Dataset train_eval = ch08::head(data.train, sz.train_eval, args.seed + 2);
  const nn::Dataset test_eval = ch08::head(data.test, sz.test_eval, args.seed + 3);
  const nn::Dataset slice_eval = ch08::head(data.train, sz.slice_eval, args.seed + 4);

  // ---- 1-D: from θ₀ (t = 0) to θ* (t = 1), and beyond ----------------------------------------
  // t from −0.5 to 1.5 in steps of 1/m (t_steps − 1 = 2m, m even): t = 0 and t = 1 exactly
  std::vector<double> ts;
  const long m = long(sz.t_steps - 1) / 2;
  for (long k = 0; k < long(sz.t_steps); ++k) ts.push_back(double(k - m / 2) / double(m));
  const auto t0 = std::chrono::steady_clock::now();
  const auto L_train = nn::interpolate_losses(net, theta0, theta_star, ts, train_eval);
  const auto L_test = nn::interpolate_losses(net, theta0, theta_star, ts, test_eval);

  // ---- 2-D: θ* + a δ₁ + b δ₂ along random filter-normalised directions ---------------------
  //! [slice]
  std::mt19937_64 rng(args.seed + 1);
  const auto d1 = nn::filter_normalized_direction(net, rng);
  const auto d2 = nn::filter_normalized_direction(net, rng);
  const auto grid = linspace(-sz.extent, sz.extent, sz.grid);
  const auto S = nn::loss_slice(net, theta_star, d1, d2, grid, grid, slice_eval);
  const auto projected = nn::project_onto_plane(path, theta_star, d1, d2);
  //! [slice]
  const double landscape_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // ---- numbers ------------------------------------------------------------------------------
  auto at = [&ts](double t) { return std::size_t(std::min_element(ts.begin(), ts.end(), [t](double x, double y) {
                                                   return std::abs(x - t) < std::abs(y - t);
                                                 }) - ts.begin()); };
  const std::size_t i0 = at(0.0), i1 = at(1.0);
  // along [0, 1]: where the training loss is lowest (not always at θ*: the last step may overshoot)
  const std::size_t imin_t = std::size_t(std::min_element(L_train.begin() + long(i0), L_train.begin() + long(i1) + 1) -
                                         L_train.begin());
  const std::size_t c = sz.grid / 2;  // (a, b) = (0, 0)
  double smin = 1e300, smax = 0;
  std::size_t imin = 0, jmin = 0;
  for (std::size_t i = 0; i < sz.grid; ++i)
    for (std::size_t j = 0; j < sz.grid; ++j) {
      if (S[i][j] < smin) smin = S[i][j], imin = i, jmin = j;
      smax = std::max(smax, S[i][j]);
    }
  double path_extent = 0, in_plane = 0;  // the largest |a|, |b| and in-plane share of the path
  for (std::size_t k = 0; k + 1 < path.size(); ++k) {  // the last point is θ* itself
    path_extent = std::max({path_extent, std::abs(projected.a[k]), std::abs(projected.b[k])});
    const double r = projected.residual[k];
    in_plane = std::max(in_plane, std::sqrt(std::max(0.0, 1 - r * r)));
  }
  const double total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

  nn::Facts facts("ch08_landscape");
  facts.set("epochs", sz.epochs, "%d").set("train_eval", sz.train_eval, "%d").set("test_eval", sz.test_eval, "%d");
  facts.set("slice_eval", sz.slice_eval, "%d").set("grid", sz.grid, "%d").set("t_steps", sz.t_steps, "%d");
  facts.set("extent", sz.extent, "%g").set("parameters", theta0.size(), "%d");
  facts.set("train_seconds", train_seconds, "%.1f").set("landscape_seconds", landscape_seconds, "%.1f");
  facts.set("seconds", total_seconds, "%.1f").set("test_accuracy", 100 * curve.test_acc.back(), "%.2f");
  facts.set("loss_theta0", L_train[i0], "%.3g").set("loss_star", L_train[i1], "%.3g");
  facts.set("test_loss_star", L_test[i1], "%.3g").set("loss_t_min", ts.front(), "%g").set("loss_t_max", ts.back(), "%g");
  facts.set("loss_at_t_max", L_train.back(), "%.3g").set("loss_at_t_min", L_train.front(), "%.3g");
  bool falls = true;  // from t = 0 to that lowest point, at every step of t
  for (std::size_t k = i0 + 1; k <= imin_t; ++k) falls = falls && L_train[k] < L_train[k - 1];
  facts.set_text("falls_to_min", falls ? "yes" : "no");
  facts.set("interp_min_t", ts[imin_t], "%.2f").set("interp_min_loss", L_train[imin_t], "%.3g");
  facts.set("slice_center", S[c][c], "%.3g").set("slice_min", smin, "%.3g").set("slice_max", smax, "%.3g");
  facts.set("slice_min_a", grid[imin], "%.2g").set("slice_min_b", grid[jmin], "%.2g");
  facts.set("path_extent", path_extent, "%.2g").set("in_plane_max", 100 * in_plane, "%.2g");
  facts.set("path_a0", projected.a.front(), "%.2g").set("path_b0", projected.b.front(), "%.2g");
  nn::report_written(facts.save(args.out));

  std::ostringstream txt;
  txt << "LeNet-5 without batch norm, " << theta0.size() << " parameters, " << sz.epochs << " epochs of SGD α = "
      << kLearningRate << " with momentum " << kMomentum << ", batch " << kBatch << " (" << train_seconds
      << " s); test accuracy " << 100 * curve.test_acc.back() << " %.\nData: " << source
      << "\nLosses in evaluation mode on fixed subsets: " << sz.train_eval << " training and " << sz.test_eval
      << " test digits (1-D), " << sz.slice_eval << " training digits (2-D, a " << sz.grid << " × " << sz.grid
      << " grid over [−" << sz.extent << ", " << sz.extent << "]²); " << landscape_seconds << " s.\n\n";
  nn::Table t1({{"t", "%6.2f"}, {"train loss", "%11.4f"}, {"test loss", "%10.4f"}});
  for (std::size_t k = 0; k < ts.size(); ++k) t1.row(ts[k], L_train[k], L_test[k]);
  nn::Table t2({{"epoch", "%5d"}, {"a", "%10.4f"}, {"b", "%10.4f"}, {"outside the plane", "%18.4f"}});
  for (std::size_t k = 0; k < path.size(); ++k) t2.row(int(k), projected.a[k], projected.b[k], projected.residual[k]);
  const std::string report = txt.str() + "1-D interpolation L((1 − t) θ₀ + t θ*):\n" + t1.str() +
                             "\nThe training path projected onto the slice's plane (epoch 0 = θ₀; the last is θ*):\n" +
                             t2.str();
  std::cout << "\n" << report;
  const auto txt_path = args.out / "ch08_landscape.txt";
  nn::write_file_atomically(txt_path, report);
  nn::report_written(txt_path);

  // ---- figure: 1-D --------------------------------------------------------------------------
  nn::Figure f1(args.out, "ch08_landscape_1d", 640, 380);
  f1.set("title 'Loss from the initial θ₀ (t = 0) to the trained θ* (t = 1), LeNet-5'");
  f1.set("xlabel 't in (1 − t) θ₀ + t θ*'").set("ylabel 'loss (cross-entropy)'").set("logscale y").set("grid");
  f1.set("key top center").set("arrow from 0, graph 0 to 0, graph 1 nohead dt 3 lc rgb '#7f7f7f'");
  f1.set("arrow from 1, graph 0 to 1, graph 1 nohead dt 3 lc rgb '#7f7f7f'");
  const int b1 = f1.block({ts, L_train, L_test});
  f1.plot(f1.data(b1) + " using 1:2 with linespoints lw 2 pt 7 ps 0.5 " + nn::series_style(0) + " title 'training digits'");
  f1.plot(f1.data(b1) + " using 1:3 with linespoints lw 2 pt 5 ps 0.5 " + nn::series_style(1) + " title 'test digits'");
  nn::report_written(f1.render());

  // ---- figure: 2-D contour plot with the projected path ----------------------------------------
  nn::Figure f2(args.out, "ch08_landscape_2d", 600, 520);
  f2.set("title 'L(θ* + a δ_1 + b δ_2), random filter-normalised δ_1, δ_2'");
  f2.set("xlabel 'a (along δ_1)'").set("ylabel 'b (along δ_2)'").set("size ratio -1").set("key outside below");
  std::vector<std::vector<double>> M(sz.grid, std::vector<double>(sz.grid));
  for (std::size_t i = 0; i < sz.grid; ++i)
    for (std::size_t j = 0; j < sz.grid; ++j) M[j][i] = S[i][j];  // row = b, column = a
  const int bm = f2.matrix(M);
  const double d = 2 * sz.extent / double(sz.grid - 1);
  const std::string xy = (boost::format("using (%g+%g*$1):(%g+%g*$2):3") % -sz.extent % d % -sz.extent % d).str();
  // contour levels spaced by a constant factor from just above the minimum to the maximum
  std::string levels;
  const double lo = std::max(smin, 1e-6), hi = std::max(smax, lo * 1.01);
  const int n_levels = 10;
  for (int k = 1; k <= n_levels; ++k)
    levels += (k > 1 ? "," : "") + (boost::format("%.4g") % (lo * std::pow(hi / lo, double(k) / (n_levels + 1)))).str();
  f2.command("set contour base").command("unset surface").command("set view map");
  f2.command("set cntrparam levels discrete " + levels);
  f2.command("set table $C").command("splot " + f2.data(bm) + " matrix " + xy).command("unset table");
  f2.command("unset contour").command("set surface");
  f2.set((boost::format("xrange [%g:%g]") % -sz.extent % sz.extent).str())
      .set((boost::format("yrange [%g:%g]") % -sz.extent % sz.extent).str());
  f2.colour_map(nn::ColourMap::non_negative, lo, hi, "training loss (log scale)", /*log=*/true, 0.35);
  f2.set("format cb '10^{%L}'");
  f2.plot(f2.data(bm) + " matrix " + xy + " with image notitle");
  f2.plot("$C with lines lc rgb '#7f7f7f' lw 1 notitle");
  const int bp = f2.block({projected.a, projected.b});
  f2.plot(f2.data(bp) + " using 1:2 with linespoints lw 2 pt 7 ps 0.7 lc rgb 'black' title 'training path (projected)'");
  const int bs = f2.block({{0.0}, {0.0}});
  f2.plot(f2.data(bs) + " using 1:2 with points pt 3 ps 2.5 lw 2 lc rgb '" + nn::series_colour(1) + "' title 'θ*'");
  nn::report_written(f2.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv,
                         "Figure 3 for LeNet-5: the loss from the initial to the trained weights, and a 2-D slice",
                         run);
}
