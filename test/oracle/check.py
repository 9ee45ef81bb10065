"""The heavy check of the oracle fixtures (`npm run test:oracle`): runs oracle.py into a temporary folder and compares
its output with the committed test/fixtures/oracle/*.json, so that the fixtures are what the committed script gives
in the pinned venv. Exits 1 naming the first values that differ.

impulse_noise is left out of the comparison: skimage's random_noise draws from its own unseeded generator, so the
package's impulse statistics change from run to run (nothing in segsense's tests reads them).
"""

import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "oracle")
UNSEEDED = {"impulse_noise"}


def differences(a, b, path, tol):
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            yield f"{path}: keys {sorted(set(a) ^ set(b))}"
        for k in a.keys() & b.keys():
            if k not in UNSEEDED:
                yield from differences(a[k], b[k], f"{path}.{k}", tol)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{path}: {len(a)} against {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, f"{path}[{i}]", tol)
    elif isinstance(a, float) or isinstance(b, float):
        if not math.isclose(a, b, rel_tol=tol, abs_tol=tol):
            yield f"{path}: {a} against {b}"
    elif a != b:
        yield f"{path}: {a!r} against {b!r}"


def main():
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, os.path.join(HERE, "oracle.py"), "--out", out], check=True)
        bad = []
        for name in ["gibbs.json", "corruption-stats.json"]:
            with open(os.path.join(FIXTURES, name)) as f:
                committed = json.load(f)
            with open(os.path.join(out, name)) as f:
                fresh = json.load(f)
            bad += list(differences(fresh, committed, name, 1e-9))
    if bad:
        print(f"test/oracle/check.py: {len(bad)} values differ from the committed fixtures, e.g.", file=sys.stderr)
        for line in bad[:10]:
            print(f"  {line}", file=sys.stderr)
        sys.exit(1)
    print("test/oracle/check.py: the committed fixtures are what oracle.py gives", file=sys.stderr)


if __name__ == "__main__":
    main()
