#!/bin/sh
# Builds the oracle venv test/oracle/.venv (gitignored): Debian's python3 with its python3-torch (apt-get install
# python3-torch), the pinned packages of requirements.txt, and imagecorruptions / MONAI without their dependency
# lists (imagecorruptions asks for opencv-python with a GUI; MONAI's newest torch pin does not fit Debian's 1.13).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps imagecorruptions==1.1.2 monai==1.3.2
"$venv/bin/python" -c "import torch, monai, imagecorruptions; print('oracle venv: torch', torch.__version__, 'monai', monai.__version__)"
