#!/usr/bin/python3
"""Known-answer values for rigor::models::Rng (models/src/rng.cpp), from an independent Python
implementation of the reference algorithms:
  * xoshiro256** 1.0: Blackman & Vigna, reference C code xoshiro256starstar.c (prng.di.unimi.it);
  * SplitMix64 seeding: Vigna's splitmix64.c (the first four outputs fill the state);
  * below(n): Lemire 2019, "Fast random integer generation in an interval", Algorithm 5;
  * uniform(): (next() >> 11) * 2^-53;
  * normal(): Marsaglia polar method, second value cached;
  * substream(seed, stream) = mix64(mix64(seed + g) ^ (g * (stream + 1))), g = 0x9e3779b97f4a7c15;
  * permutation(n): Fisher-Yates, for i = n-1 down to 1 swap p[i], p[below(i + 1)].

Regenerate (values are quoted in tests/models/rng_test.cpp):
    /usr/bin/python3 scripts/golden/models_rng.py
"""
import math

M = (1 << 64) - 1
G = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


class Rng:
    def __init__(self, seed=None, state=None):
        if state is not None:
            self.s = list(state)
        else:
            x, self.s = seed, []
            for _ in range(4):
                x = (x + G) & M
                self.s.append(mix64(x))
        self.spare = None

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, n):
        m = self.next() * n
        if (m & M) < n:
            t = (1 << 64) % n
            while (m & M) < t:
                m = self.next() * n
        return m >> 64

    def uniform(self):
        return (self.next() >> 11) * 2.0**-53

    def normal(self):
        if self.spare is not None:
            v, self.spare = self.spare, None
            return v
        while True:
            u = 2.0 * self.uniform() - 1.0
            v = 2.0 * self.uniform() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                break
        m = math.sqrt(-2.0 * math.log(s) / s)
        self.spare = v * m
        return u * m


def substream(seed, stream):
    return mix64(mix64((seed + G) & M) ^ ((G * (stream + 1)) & M))


def permutation(n, rng):
    p = list(range(n))
    for i in range(n - 1, 0, -1):
        j = rng.below(i + 1)
        p[i], p[j] = p[j], p[i]
    return p


def main():
    r = Rng(state=[1, 2, 3, 4])
    print("xoshiro256** from state {1, 2, 3, 4}:", [r.next() for _ in range(6)])
    r = Rng(seed=0)
    print("Rng(0).s:", r.s)
    print("Rng(0).next() x4:", [r.next() for _ in range(4)])
    r = Rng(seed=20261123)
    print("Rng(20261123).next() x3:", [r.next() for _ in range(3)])
    r = Rng(seed=42)
    print("Rng(42).below(10) x10:", [r.below(10) for _ in range(10)])
    r = Rng(seed=42)
    print("Rng(42).below(3 << 62) x3:", [r.below(3 << 62) for _ in range(3)])
    r = Rng(seed=7)
    print("Rng(7).uniform() x3:", [repr(r.uniform()) for _ in range(3)])
    r = Rng(seed=7)
    print("Rng(7).normal() x4:", [repr(r.normal()) for _ in range(4)])
    print("substream(0, 0), (0, 1), (42, 3), (3, 42):",
          [substream(0, 0), substream(0, 1), substream(42, 3), substream(3, 42)])
    print("permutation(10, Rng(5)):", permutation(10, Rng(seed=5)))
    print("epoch_order(10, seed 9, epoch 2) = permutation(10, Rng(substream(9, 2))):",
          permutation(10, Rng(seed=substream(9, 2))))


if __name__ == "__main__":
    main()
