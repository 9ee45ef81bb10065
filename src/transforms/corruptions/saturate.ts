/** The `saturate` corruption (colour images only). */
import { SegsenseError } from '../../core/errors.js'
import { corruption } from './corruption.js'
import { hsvEdit } from './hsv.js'

/**
 * `saturate` (validation set): HSV `S = clip(S·c0 + c1)`, (c0, c1) = (.3,0) (.1,0) (2,0) (5,.1) (20,.2).
 * Colour images only: a grey image has no saturation (the package's stacked-grey path leaves severities
 * 1–3 unchanged and tints 4–5 red, which says nothing about a grey-image model), so 1-channel input throws.
 */
export const saturate = corruption(
  'saturate',
  [
    [0.3, 0],
    [0.1, 0],
    [2, 0],
    [5, 0.1],
    [20, 0.2],
  ] as const,
  (img, [c0, c1]) => {
    if (img.channels < 3) {
      throw new SegsenseError(
        'E_OUT_OF_RANGE',
        `corruptions.saturate needs a colour image (3 or 4 channels), got ${img.channels} channel(s): a grey ` +
          `image has no saturation to change`,
        {
          details: { channels: img.channels },
        },
      )
    }
    return hsvEdit(img, (hsv) => {
      const s = (hsv[1] as number) * c0 + c1
      hsv[1] = s > 1 ? 1 : s < 0 ? 0 : s
    })
  },
)
