"""Reference values of the transforms that follow MONAI and imagecorruptions, written as JSON fixtures that the unit
tests compare against (so `npm test` needs no Python):

    test/oracle/setup.sh                              # once: builds test/oracle/.venv (pinned, see requirements.txt)
    nice test/oracle/.venv/bin/python test/oracle/oracle.py   # a few minutes; rewrites the two fixtures
    (or name one: oracle.py gibbs; --out DIR writes elsewhere; test/oracle/check.py compares a fresh run with the
    committed fixtures)

- test/fixtures/oracle/gibbs.json: MONAI `GibbsNoise(alpha)` on two pattern images (even and odd sizes, the
  formula is repeated in test/unit/transforms/gibbs.test.ts) and on the cardiac sample sa-01.png, in float64.
- test/fixtures/oracle/corruption-stats.json: imagecorruptions `corrupt()` on sa-01.png (grey, which the package
  stacks to RGB; the luma of its uint8 output is compared), per corruption and severity the mean over seeds
  (numpy seeds 0, 1, ...) of the mean change and mean absolute change (and its standard deviation over seeds) in
  [0, 1] units. Only statistics: the package draws from numpy's global RNG.
  Also the grey statistics of the frost photographs the package draws from (it picks one of the first five), which
  the procedural frost of src/transforms/corruptions/frost.ts is calibrated to; the photographs are not ours to ship.
"""

import json
import os
import sys
import warnings

import numpy as np
from PIL import Image

warnings.filterwarnings("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(REPO, "test", "fixtures", "oracle")
SAMPLE = os.path.join(REPO, "fixtures", "samples", "cardiac", "sa-01.png")
# Seeds per corruption: the fog and frost layers vary most from draw to draw (a fractal's lowest octave, one of five
# photographs), so they get more; glass blur's Python loop is slow, so it gets fewer.
SEEDS = {"glass_blur": 4, "fog": 40, "frost": 40}
DEFAULT_SEEDS = 10


def pattern(w, h):
    """Value (sin(0.7·x + 0.3·y) + ((3·x + 5·y) mod 7)/7)/2 at column x, row y (also in the TypeScript test)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    return (np.sin(0.7 * x + 0.3 * y) + ((3 * x + 5 * y) % 7) / 7) / 2


def sample():
    return np.asarray(Image.open(SAMPLE).convert("L"), dtype=np.uint8)


def gibbs():
    import monai
    import torch
    from monai.transforms import GibbsNoise

    alphas = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]
    cases = []
    for w, h in [(24, 20), (17, 13)]:
        img = pattern(w, h)
        # 9 decimals: the test compares to 1e-5.
        outs = [np.round(np.asarray(GibbsNoise(a)(img[None].copy()))[0], 9).tolist() for a in alphas]
        cases.append({"name": f"pattern {w}x{h}", "width": w, "height": h, "alphas": alphas, "outputs": outs})
    x = sample().astype(np.float64) / 255
    idx = np.random.default_rng(7).integers(0, x.size, 64)
    probes = []
    for a in [0.3, 0.7]:
        y = np.asarray(GibbsNoise(a)(x[None].copy()))[0]
        probe = {"alpha": a, "indices": idx.tolist(), "values": y.ravel()[idx].tolist()}
        probes.append({**probe, "meanAbsChange": float(np.abs(y - x).mean())})
    return {
        "generator": "test/oracle/oracle.py",
        "monai": monai.__version__,
        "torch": torch.__version__,
        "cases": cases,
        "sample": {"file": "fixtures/samples/cardiac/sa-01.png", "probes": probes},
    }


def corruption_stats():
    import imagecorruptions
    import imagecorruptions.corruptions as C
    from skimage.filters import gaussian as sk_gaussian

    # imagecorruptions 1.1.2 passes skimage's removed `multichannel=True`; it meant what channel_axis=-1 means now.
    def gaussian(x, sigma=1, multichannel=False, **kw):
        return sk_gaussian(x, sigma=sigma, channel_axis=-1 if multichannel else None, **kw)

    C.gaussian = gaussian
    from imagecorruptions import corrupt, get_corruption_names

    x8 = sample()
    x = x8.astype(np.float64) / 255
    weights = np.array([0.2989, 0.5870, 0.1140])
    stats = {}
    for name in get_corruption_names("all"):
        rows = []
        for s in range(1, 6):
            d, a = [], []
            for seed in range(SEEDS.get(name, DEFAULT_SEEDS)):
                np.random.seed(seed)
                y = corrupt(x8, s, name).astype(np.float64) @ weights / 255
                d.append((y - x).mean())
                a.append(np.abs(y - x).mean())
            rows.append({"severity": s, "seeds": len(a), "meanChange": float(np.mean(d))})
            rows[-1].update({"meanAbsChange": float(np.mean(a)), "sdAbsChange": float(np.std(a))})
        stats[name] = rows
        print(name, [round(r["meanAbsChange"], 4) for r in rows], file=sys.stderr)
    frost = []
    for f in ["frost1.png", "frost2.png", "frost3.png", "frost4.jpg", "frost5.jpg"]:
        import cv2

        g = cv2.imread(os.path.join(os.path.dirname(C.__file__), "frost", f)).astype(np.float64) @ weights[::-1] / 255
        frost.append({"file": f, "width": g.shape[1], "height": g.shape[0], "mean": float(g.mean()), "std": float(g.std())})
    return {
        "generator": "test/oracle/oracle.py",
        "imagecorruptions": "1.1.2",
        "image": "fixtures/samples/cardiac/sa-01.png",
        "imageMean": float(x.mean()),
        "luma": weights.tolist(),
        "corruptions": stats,
        "frostPhotographs": frost,
    }


def main():
    args = sys.argv[1:]
    out = OUT
    if "--out" in args:
        i = args.index("--out")
        out = args[i + 1]
        del args[i : i + 2]
    os.makedirs(out, exist_ok=True)
    wanted = args or ["gibbs", "corruption-stats"]
    for name, make, indent in [("gibbs", gibbs, None), ("corruption-stats", corruption_stats, 1)]:
        if name not in wanted:
            continue
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump(make(), f, indent=indent)
            f.write("\n")
        print(f"wrote {os.path.relpath(os.path.join(out, name + '.json'), REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
