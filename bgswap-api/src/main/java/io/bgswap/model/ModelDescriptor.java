package io.bgswap.model;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.util.Arrays;
import java.util.Objects;

/**
 * How to feed a segmentation model and read its answer. The input is the RGB image stretched to
 * {@code inputWidth x inputHeight} (bilinear, half-pixel centres), each channel value {@code v} in
 * 0..255 becoming {@code (v - mean[c]) / std[c]}. The output is one channel at any resolution,
 * covering the whole input; it is a probability in [0, 1], or a logit when {@code outputIsLogit}.
 *
 * @param inputName     the input tensor's name
 * @param outputName    the output tensor's name (the person probability)
 * @param layout        tensor layout of the input
 * @param inputWidth    model input width
 * @param inputHeight   model input height
 * @param mean          per-channel (R, G, B) offset in 0..255 units
 * @param std           per-channel (R, G, B) divisor in 0..255 units
 * @param outputWidth   width of the output map
 * @param outputHeight  height of the output map
 * @param outputIsLogit whether a sigmoid must still be applied to the output
 */
public record ModelDescriptor(String inputName, String outputName, TensorLayout layout,
                              int inputWidth, int inputHeight, float[] mean, float[] std,
                              int outputWidth, int outputHeight, boolean outputIsLogit) {
    public ModelDescriptor {
        Objects.requireNonNull(inputName, "inputName");
        Objects.requireNonNull(outputName, "outputName");
        Objects.requireNonNull(layout, "layout");
        if (inputWidth <= 0 || inputHeight <= 0 || outputWidth <= 0 || outputHeight <= 0) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "model input and output sizes must be positive");
        }
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "mean and std need one value per RGB channel");
        }
        for (float s : std) {
            if (!(s > 0f)) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "std values must be positive");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** @return number of input values (3 × width × height) */
    public int inputSize() {
        return 3 * inputWidth * inputHeight;
    }

    /** @return number of output values */
    public int outputSize() {
        return outputWidth * outputHeight;
    }

    /** @return the input shape with batch 1, in {@link #layout()} order */
    public long[] inputShape() {
        return layout == TensorLayout.NCHW
                ? new long[] {1, 3, inputHeight, inputWidth}
                : new long[] {1, inputHeight, inputWidth, 3};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelDescriptor d && inputName.equals(d.inputName) && outputName.equals(d.outputName)
                && layout == d.layout && inputWidth == d.inputWidth && inputHeight == d.inputHeight
                && Arrays.equals(mean, d.mean) && Arrays.equals(std, d.std) && outputWidth == d.outputWidth
                && outputHeight == d.outputHeight && outputIsLogit == d.outputIsLogit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputName, outputName, layout, inputWidth, inputHeight, Arrays.hashCode(mean),
                Arrays.hashCode(std), outputWidth, outputHeight, outputIsLogit);
    }

    @Override
    public String toString() {
        return "ModelDescriptor[" + inputName + " " + layout + " " + inputWidth + "x" + inputHeight
                + " mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std) + " -> " + outputName + " "
                + outputWidth + "x" + outputHeight + (outputIsLogit ? " logit" : " probability") + "]";
    }
}
