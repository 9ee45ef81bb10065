# scipy/numpy side of bench/cases/kernels.mjs: the same work on the same sizes, median ms per call.
# Prints one JSON object. Needs python3-scipy (Debian); kernels.mjs skips this part when it is missing.
import json, sys, time
import numpy as np
from scipy import ndimage

N = 512
def median_ms(fn, rounds=9, min_s=0.04):
    for _ in range(2): fn()
    per = []
    for _ in range(rounds):
        n, t0 = 0, time.perf_counter()
        while True:
            fn(); n += 1
            t1 = time.perf_counter()
            if t1 - t0 >= min_s: break
        per.append((t1 - t0) / n * 1000)
    per.sort()
    return per[len(per) // 2]

y, x = np.mgrid[0:N, 0:N]
img = (np.sin((y * N + x) * 0.001) * 0.5 + 0.5).astype(np.float32)
c = (N - 1) / 2
t = np.deg2rad(33)
rot = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])  # output (row, col) -> input, about the centre
off = np.array([c, c]) - rot @ np.array([c, c])
coords = np.stack([rot[0, 0] * y + rot[0, 1] * x + off[0], rot[1, 0] * y + rot[1, 1] * x + off[1]])
z = 1 / 1.3
labels = ((np.arange(N * N) % 7) & 3).astype(np.uint8).reshape(N, N)

def heart(dx, scale):
    r = N / 10 * scale
    d = np.hypot(x - N / 2 - dx, y - N / 2)
    drv = np.hypot(x - N / 2 - dx + 1.2 * r, y - N / 2)
    return np.where(d < r, 3, np.where(d < 1.4 * r, 2, np.where(drv < 1.5 * r, 1, 0))).astype(np.uint8)
truth, pred = heart(0, 1), heart(N / 64, 1.05)
quad = (truth + (x > N / 2)).astype(np.uint8)  # 5 ids: 4 classes + background

def dice4():
    for k in range(1, 5):
        a, b = quad == k, pred == k
        s = a.sum() + b.sum()
        2 * np.logical_and(a, b).sum() / s if s else 1.0

def hd95():
    for k in (1, 2, 3):
        a, b = pred == k, truth == k
        ba = a & ~ndimage.binary_erosion(a)
        bb = b & ~ndimage.binary_erosion(b)
        da = ndimage.distance_transform_edt(~ba)
        db = ndimage.distance_transform_edt(~bb)
        np.percentile(np.concatenate([db[ba], da[bb]]), 95)

def spike():
    k = np.fft.fftshift(np.fft.fft2(img))
    k[int(N * 0.1), int(N * 0.1)] += np.abs(k).max()
    np.real(np.fft.ifft2(np.fft.ifftshift(k)))

out = {
    'rotate bilinear': median_ms(lambda: ndimage.affine_transform(img, rot, off, order=1, mode='constant')),
    'rotate bilinear (map_coordinates, coordinates given)': median_ms(lambda: ndimage.map_coordinates(img, coords, order=1, mode='constant')),
    'zoom bilinear': median_ms(lambda: ndimage.affine_transform(img, [z, z], [c - z * c, c - z * c], order=1, mode='constant')),
    'rotate labels nearest': median_ms(lambda: ndimage.affine_transform(labels, rot, off, order=0, mode='constant')),
    'spike': median_ms(spike),
    'dice, 4 classes': median_ms(dice4),
    'hd95, 3 classes': median_ms(hd95),
    'fft2 + ifft2': median_ms(lambda: np.fft.ifft2(np.fft.fft2(img))),
}
print(json.dumps({'scipy': __import__('scipy').__version__, 'numpy': np.__version__, 'ms': out}))
