package io.bgswap.model;

/** File formats of models bgswap can load. Which backend runs which is the backend's business. */
public enum ModelFormat {
    /** ONNX protobuf ({@code .onnx}). */
    ONNX,
    /** TensorFlow Lite flatbuffer ({@code .tflite}); run through the engine-neutral graph. */
    TFLITE,
    /** A TorchScript archive ({@code .pt}); DJL backend only. */
    TORCHSCRIPT,
    /** A TensorFlow SavedModel directory; TensorFlow backend only. */
    SAVED_MODEL
}
