#!/usr/bin/python3
"""Golden values for rigor::models (models/include/rigor/models/registry.h), pasted into
tests/models/registry_test.cpp and tests/models/networks_test.cpp.

Regenerate:  /usr/bin/python3 scripts/golden/models_hash.py
  (Debian 12 python3-torch 1.13.1, CPU build without MKL; prints C++ initialisers)

Independent of rigor's C++ code (re-implemented from docs/models.md):
  * parameters_sha256 with hashlib from its specification: for each named parameter, then each
    named buffer, in order: name, NUL, dtype name (c10::toString: "Float", "Long", "Double"), NUL,
    sizes joined by "x" (empty for a scalar), NUL, raw little-endian bytes.
  * the networks are written out with torch.nn modules (Linear, Conv2d, BatchNorm2d) and then
    initialised from torch.Generator().manual_seed(seed) in rigor's documented order (construction
    order, weight before bias) with rigor's documented, CPU-kernel-independent draws: double
    u = uniform_(0, 1); U(-b, b) = b * (2u - 1) with b = kaiming_uniform_(a=sqrt(5))'s bound for
    weights and 1/sqrt(fan_in) for biases; resnet20 convolutions N(0, 2 / fan_out) by Box-Muller
    (math.log, math.cos, math.sin per pair); each rounded once to float32.
  * dropout: nn.functional.dropout with the global generator seeded like rigor's dropout generator
    (on builds without MKL, bernoulli_ draws u < 1 - p from one double uniform per element, which
    rigor draws directly).
Logits are for the input x[i] = ((37 i) mod 101) / 50 - 1 (float32), batch 2.
"""
import hashlib
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPE = {torch.float32: "Float", torch.float64: "Double", torch.int64: "Long"}


def sha256(named):
    h = hashlib.sha256()
    for name, t in named:
        t = t.detach().cpu().contiguous()
        h.update(name.encode() + b"\0" + DTYPE[t.dtype].encode() + b"\0" +
                 "x".join(str(s) for s in t.shape).encode() + b"\0")
        h.update(t.numpy().tobytes())
    return h.hexdigest()


def module_hash(m):
    return sha256(list(m.named_parameters()) + list(m.named_buffers()))


def test_input(shape, batch=2):
    n = batch * math.prod(shape)
    return torch.tensor([((37 * i) % 101) / 50.0 - 1.0 for i in range(n)],
                        dtype=torch.float32).reshape(batch, *shape)


def cpp_floats(t):
    return "{" + ", ".join(f"{v:.9g}f" for v in t.flatten().tolist()) + "}"


def uniforms(n, g):
    return torch.empty(n, dtype=torch.float64).uniform_(0, 1, generator=g)


def init_uniform(t, bound, g):
    u = uniforms(t.numel(), g)
    t.copy_((bound * (2 * u - 1)).float().reshape(t.shape))


def init_normal(t, sd, g):
    n = t.numel()
    u = uniforms(2 * ((n + 1) // 2), g).tolist()
    vals = []
    for k in range(0, n, 2):
        u1, u2 = u[k], u[k + 1]
        r = math.sqrt(-2.0 * math.log(1.0 - u2))
        theta = 2 * math.pi * u1
        vals.append(sd * (r * math.cos(theta)))
        if k + 1 < n:
            vals.append(sd * (r * math.sin(theta)))
    t.copy_(torch.tensor(vals, dtype=torch.float64).float().reshape(t.shape))


def kaiming_uniform_bound(fan_in):  # torch/nn/init.py, kaiming_uniform_(a=sqrt(5))
    a = math.sqrt(5)
    return math.sqrt(3.0) * (math.sqrt(2.0 / (1 + a ** 2)) / math.sqrt(fan_in))


def rigor_init(model, seed, conv_normal=False):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():  # registration order = rigor's construction order
            if isinstance(m, nn.Conv2d) and conv_normal:
                fan_out = m.weight.shape[0] * m.weight.shape[2] * m.weight.shape[3]
                init_normal(m.weight, math.sqrt(2.0) / math.sqrt(fan_out), g)
            elif isinstance(m, (nn.Linear, nn.Conv2d)):
                fan_in = m.weight[0].numel()
                init_uniform(m.weight, kaiming_uniform_bound(fan_in), g)
                if m.bias is not None:
                    init_uniform(m.bias, 1 / math.sqrt(fan_in), g)
    return model


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.tensor([[0.5, -1.0, 2.0], [3.25, 0.0, -0.125]]))
        self.bias = nn.Parameter(torch.tensor([1.0, -2.0]))
        self.register_buffer("count", torch.tensor(7, dtype=torch.int64))
        self.register_buffer("scale", torch.tensor([0.1], dtype=torch.float64))


class Logistic(nn.Module):
    def __init__(self, features, classes):
        super().__init__()
        self.linear = nn.Linear(features, classes)

    def forward(self, x):
        return self.linear(x.flatten(1))


class Mlp(nn.Module):
    def __init__(self, features, hidden, classes, act, p=0.0):
        super().__init__()
        widths = [features] + hidden + [classes]
        for i in range(len(widths) - 1):
            setattr(self, f"fc{i + 1}", nn.Linear(widths[i], widths[i + 1]))
        self.n = len(widths) - 1
        self.act = act
        self.p = p

    def forward(self, x):
        h = x.flatten(1)
        for i in range(1, self.n):
            h = F.dropout(self.act(getattr(self, f"fc{i}")(h)), self.p, self.training)
        return getattr(self, f"fc{self.n}")(h)


class LeNet5(nn.Module):
    def __init__(self, c, h, w, classes, act):
        super().__init__()
        self.conv1 = nn.Conv2d(c, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        h2, w2 = (h // 2 - 4) // 2, (w // 2 - 4) // 2
        self.fc1 = nn.Linear(16 * h2 * w2, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)
        self.act = act

    def forward(self, x):
        h = F.max_pool2d(self.act(self.conv1(x)), 2)
        h = F.max_pool2d(self.act(self.conv2(h)), 2)
        h = self.act(self.fc1(h.flatten(1)))
        h = self.act(self.fc2(h))
        return self.fc3(h)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.proj = stride != 1 or cin != cout
        if self.proj:
            self.shortcut_conv = nn.Conv2d(cin, cout, 1, stride, 0, bias=False)
            self.shortcut_bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = self.shortcut_bn(self.shortcut_conv(x)) if self.proj else x
        return F.relu(y + s)


class ResNet(nn.Module):
    def __init__(self, c, classes, width, blocks):
        super().__init__()
        self.conv1 = nn.Conv2d(c, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        specs = [(width, width, 1), (width, 2 * width, 2), (2 * width, 4 * width, 2)]
        for k, (cin, cout, stride) in enumerate(specs):
            setattr(self, f"layer{k + 1}", nn.Sequential(
                *[Block(cin if i == 0 else cout, cout, stride if i == 0 else 1)
                  for i in range(blocks)]))
        self.fc = nn.Linear(4 * width, classes)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.layer3(self.layer2(self.layer1(h)))
        return self.fc(h.mean((2, 3)))


def emit(name, model, shape):
    model.eval()
    with torch.no_grad():
        logits = model(test_input(shape))
    print(f"// {name}")
    print(f'"{module_hash(model)}",')
    print(cpp_floats(logits) + ",")


def main():
    print("// tiny fixed module")
    print(f'"{module_hash(Tiny())}"')

    emit("logistic {3} -> 2, seed 42", rigor_init(Logistic(3, 2), 42), (3,))
    emit("mlp {4}, hidden [5, 3], gelu, 3 classes, seed 7",
         rigor_init(Mlp(4, [5, 3], 3, lambda t: F.gelu(t)), 7), (4,))
    emit("lenet5 {1, 16, 16}, tanh, 3 classes, seed 3",
         rigor_init(LeNet5(1, 16, 16, 3, torch.tanh), 3), (1, 16, 16))
    emit("lenet5 {3, 32, 32}, relu, 10 classes, seed 5",
         rigor_init(LeNet5(3, 32, 32, 10, torch.relu), 5), (3, 32, 32))
    net = rigor_init(ResNet(2, 3, width=4, blocks=1), 11, conv_normal=True)
    emit("resnet20 width 4, blocks 1, {2, 8, 8}, 3 classes, seed 11", net, (2, 8, 8))
    net.train()
    with torch.no_grad():
        logits = net(test_input((2, 8, 8)))
    print("// the same in training mode (batch statistics), then its hash (running stats updated)")
    print(cpp_floats(logits) + ",")
    print(f'"{module_hash(net)}",')

    mlp = rigor_init(Mlp(4, [5, 3], 3, torch.relu, p=0.3), 7)
    mlp.train()
    torch.manual_seed(99)  # the dropout generator's seed
    with torch.no_grad():
        logits = mlp(test_input((4,)))
    print("// mlp {4}, hidden [5, 3], relu, 3 classes, init seed 7, dropout 0.3 from seed 99, train")
    print(cpp_floats(logits) + ",")


if __name__ == "__main__":
    main()
