# imagecorruptions / MONAI side of bench/cases/corruptions.mjs: the same corruptions on the same 512x512 grey image,
# ms per call. Prints one JSON object. Runs in the oracle venv (test/oracle/setup.sh); corruptions.mjs skips this
# part when the venv is missing. glass_blur is the package's Python loop (imagecorruptions 1.1.2 on PyPI): one call.
import json
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")
N = 512


def ms(fn, rounds):
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        per.append((time.perf_counter() - t0) * 1000)
    per.sort()
    return per[len(per) // 2]


import imagecorruptions.corruptions as C  # noqa: E402
from skimage.filters import gaussian as sk_gaussian  # noqa: E402


def gaussian(x, sigma=1, multichannel=False, **kw):
    return sk_gaussian(x, sigma=sigma, channel_axis=-1 if multichannel else None, **kw)


C.gaussian = gaussian  # the same shim as test/oracle/oracle.py (skimage dropped multichannel=)
import imagecorruptions  # noqa: E402
from monai.transforms import GibbsNoise  # noqa: E402

y, x = np.mgrid[0:N, 0:N]
img = ((np.sin((y * N + x) * 0.001) * 0.5 + 0.5) * 255).astype(np.uint8)
out = {"imagecorruptions": "1.1.2", "ms": {}}
for name, rounds in [("glass_blur", 1), ("snow", 3), ("frost", 3), ("fog", 3), ("spatter", 3)]:
    out["ms"][name] = ms(lambda: imagecorruptions.corrupt(img, 3, name), rounds)
f = (img / 255.0)[None].astype(np.float32)
g = GibbsNoise(0.5)
out["ms"]["gibbs"] = ms(lambda: g(f), 5)
import monai  # noqa: E402

out["monai"] = monai.__version__
print(json.dumps(out))
