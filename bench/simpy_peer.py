#!/usr/bin/python3
"""The peer: bench.cpp's peer journey written the way a modeller would in SimPy (Debian's
python3-simpy3), one process per customer. Prints customers per second; scripts/bench.sh
divides motsim's rate on the same journey by this one.

Journey: four moments in a row (ad, search, shop, use), each a dwell of 1..3 ticks, then
positive 0.6 / neutral 0.2 / negative 0.2; negative -> lost, except at `use` where half the
complaints go back to `shop`; a purchase at `shop` on a positive or neutral outcome.
200 Poisson arrivals per tick for 100 ticks (about 20,000 customers), run until all have left.
"""
import random
import sys
import time

import simpy

MOMENTS = 4
SHOP = 2
P_POS, P_NEG = 0.6, 0.2


def customer(env, rng, stats):
    m = 0
    while True:
        yield env.timeout(rng.randint(1, 3))
        u = rng.random()
        if u < P_POS + (1.0 - P_POS - P_NEG):  # positive or neutral: on to the next moment
            if m == SHOP:
                stats["purchases"] += 1
            m += 1
            if m == MOMENTS:
                stats["done"] += 1
                return
        elif m == MOMENTS - 1 and rng.random() < 0.5:
            m = SHOP  # a second chance
        else:
            stats["lost"] += 1
            return


def poisson(rng, lam):
    # Knuth for a small mean is too slow at 200: sum of exponential gaps within one tick.
    k, t = 0, rng.expovariate(lam)
    while t < 1.0:
        k += 1
        t += rng.expovariate(lam)
    return k


def arrivals(env, rng, stats, rate, ticks):
    for _ in range(ticks):
        for _ in range(poisson(rng, rate)):
            stats["arrivals"] += 1
            env.process(customer(env, rng, stats))
        yield env.timeout(1)


def main():
    rate, ticks = 200.0, 100
    best = 0.0
    for rep in range(3):
        rng = random.Random(3 + rep)
        env = simpy.Environment()
        stats = {"arrivals": 0, "purchases": 0, "done": 0, "lost": 0}
        env.process(arrivals(env, rng, stats, rate, ticks))
        t0 = time.perf_counter()
        env.run()
        dt = time.perf_counter() - t0
        best = max(best, stats["arrivals"] / dt)
    print("simpy peer: %.6g customers/s (%d customers, %d purchases)" % (best, stats["arrivals"], stats["purchases"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
