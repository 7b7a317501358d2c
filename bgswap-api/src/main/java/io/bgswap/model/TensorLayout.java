package io.bgswap.model;

/** Memory order of an image tensor with batch 1. */
public enum TensorLayout {
    /** [1, channels, height, width]: planes one after another (ONNX, PyTorch). */
    NCHW,
    /** [1, height, width, channels]: interleaved (TensorFlow, TFLite). */
    NHWC
}
