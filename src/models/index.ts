/** Segmentation model adapters: the model interface, plain functions, ONNX, and input preparation. */
export * from './model.js'
export * from './onnx.js'
export * from './prepare.js'
export * from './fixtures.js'
