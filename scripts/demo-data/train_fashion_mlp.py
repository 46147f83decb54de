#!/usr/bin/python3
"""Produces the per-seed scores shipped in protocols/examples/scores/ for `make demo`.

Trains a 784-256-10 MLP on a 10,000-image subset of Fashion-MNIST (Debian's dataset-fashion-mnist),
with and without dropout (p = 0.5), 20 seeds each, and records test accuracy and loss on the full
10,000-image test set. Seed s drives both initialization and data order, identically in both arms
(common random numbers), so the two files are paired by seed.

Tool: Debian's python3-torch 1.13.1 (CPU), one thread. Run:
    /usr/bin/python3 scripts/demo-data/train_fashion_mlp.py protocols/examples/scores
This is an example of results "produced elsewhere" that rigor audits; the harness (rigor run) trains
the same kind of study itself.
"""
import gzip
import os
import struct
import sys

import numpy as np
import torch

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def train(seed, dropout, xtr, ytr, xte, yte, epochs=5, batch=64):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Dropout(dropout), torch.nn.Linear(256, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    order = torch.Generator().manual_seed(seed + 1_000_000)
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=order)
        for i in range(0, len(xtr), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        logits = model(xte)
        loss = torch.nn.functional.cross_entropy(logits, yte).item()
        acc = (logits.argmax(1) == yte).float().mean().item()
    return acc, loss


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "protocols/examples/scores"
    torch.set_num_threads(1)
    xtr = torch.tensor(read_idx("train-images-idx3-ubyte.gz")[:10000], dtype=torch.float32) / 255.0
    ytr = torch.tensor(read_idx("train-labels-idx1-ubyte.gz")[:10000], dtype=torch.long)
    xte = torch.tensor(read_idx("t10k-images-idx3-ubyte.gz"), dtype=torch.float32) / 255.0
    yte = torch.tensor(read_idx("t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    for arm, p in (("mlp_baseline", 0.0), ("mlp_dropout", 0.5)):
        rows = ["seed,test_accuracy,test_loss"]
        for seed in range(20):
            acc, loss = train(seed, p, xtr, ytr, xte, yte)
            rows.append(f"{seed},{acc:.4f},{loss:.6f}")
            print(arm, seed, acc, loss, flush=True)
        with open(os.path.join(out, f"{arm}.csv"), "w") as f:
            f.write("# " + arm + ": Fashion-MNIST MLP 784-256-10, 10k train subset, 5 epochs, Adam 1e-3, "
                    "batch 64, dropout " + str(p) + "\n")
            f.write("# produced by scripts/demo-data/train_fashion_mlp.py (python3-torch 1.13.1, 1 thread)\n")
            f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
