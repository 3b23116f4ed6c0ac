#!/usr/bin/env python3
"""LeNet-5 training throughput in PyTorch, the reference for bench_lenet5_train, and with
--inference its inference speed, the reference for bench_lenet5_infer (batch 64 images/s over
all digits; batch 1 median latency over the first --singles digits, in eval mode, no autograd).

Same network (conv 6@5x5 - ReLU - pool - conv 16@5x5 - ReLU - pool - 120 - 84 - 10), same data
(the 10,000 digits in data/mnist, read from the IDX files), batch 64, SGD momentum 0.9, one
warm-up epoch, then timed epochs. Uses Debian's python3-torch: run with /usr/bin/python3.

    /usr/bin/python3 scripts/lenet5_torch.py [--data DIR] [--threads N] [--epochs N]
    /usr/bin/python3 scripts/lenet5_torch.py --inference [--data DIR] [--threads N] [--passes N] [--singles N]
"""
import argparse
import os
import struct
import sys
import time


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return data[16:], (count, 1, rows, cols)
    if magic == 2049:
        return data[8:], (count,)
    sys.exit(f"{path}: not an IDX file (magic {magic})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "data"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--inference", action="store_true")
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--singles", type=int, default=2000)
    args = ap.parse_args()
    try:
        import numpy as np
        import torch
        import torch.nn as tnn
    except ImportError:
        sys.exit("PyTorch is not installed: apt-get install --no-install-recommends python3-torch (then run with /usr/bin/python3)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    img, shape = read_idx(os.path.join(args.data, "mnist", "npm10k-images-idx3-ubyte"))
    lab, _ = read_idx(os.path.join(args.data, "mnist", "npm10k-labels-idx1-ubyte"))
    X = torch.from_numpy(np.frombuffer(img, dtype=np.uint8).reshape(shape).astype(np.float32) / 255.0)
    Y = torch.from_numpy(np.frombuffer(lab, dtype=np.uint8).astype(np.int64))
    net = tnn.Sequential(
        tnn.Conv2d(1, 6, 5), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(6, 16, 5), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Flatten(), tnn.Linear(256, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(), tnn.Linear(84, 10))
    if args.inference:
        return inference(torch, net, X, args)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = tnn.CrossEntropyLoss()
    n = X.shape[0]

    def epoch():
        perm = torch.randperm(n)
        t0 = time.perf_counter()
        for i in range(0, n, 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = loss_fn(net(X[idx]), Y[idx])
            loss.backward()
            opt.step()
        return n / (time.perf_counter() - t0)

    epoch()  # warm-up
    rates = [epoch() for _ in range(args.epochs)]
    print(f"torch: PyTorch {torch.__version__}, {torch.get_num_threads()} threads, {n} images, batch 64")
    print(f"torch_images_per_second {sum(rates) / len(rates):.1f}")
    print(f"torch_best_images_per_second {max(rates):.1f}")


def inference(torch, net, X, args):
    net.eval()
    n = X.shape[0]
    checksum = 0.0
    with torch.no_grad():
        def one_pass():
            c = 0.0
            for i in range(0, n, 64):
                c += float(net(X[i:i + 64])[0, 0])
            return c
        checksum += one_pass()  # warm-up
        rates = []
        for _ in range(args.passes):
            t0 = time.perf_counter()
            checksum += one_pass()
            rates.append(n / (time.perf_counter() - t0))
        lat = []
        m = min(args.singles, n)
        for i in range(m + 50):  # the first 50 warm up
            x = X[i % m:i % m + 1]
            t0 = time.perf_counter()
            y = net(x)
            dt = time.perf_counter() - t0
            checksum += float(y[0, 0])
            if i >= 50:
                lat.append(dt)
    lat.sort()
    print(f"torch: PyTorch {torch.__version__} inference, {torch.get_num_threads()} threads, {n} images, checksum {checksum:.3f}")
    print(f"torch_batch64_images_per_second {sum(rates) / len(rates):.1f}")
    print(f"torch_batch1_median_us {1e6 * lat[len(lat) // 2]:.2f}")


if __name__ == "__main__":
    main()
