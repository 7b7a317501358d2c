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

    /**
     * Reads a descriptor from a properties file, the small side file that goes with a user's own
     * model:
     * <pre>
     * input.name=input
     * input.layout=NCHW
     * input.width=320
     * input.height=320
     * input.mean=123.675,116.28,103.53
     * input.std=58.395,57.12,57.375
     * output.name=mask
     * output.width=320
     * output.height=320
     * output.logit=false
     * </pre>
     * {@code input.mean} defaults to 0 and {@code input.std} to 255 (RGB scaled to [0, 1]); the
     * output size defaults to the input size, {@code output.logit} to false.
     *
     * @param file the properties file
     * @return the descriptor
     */
    public static ModelDescriptor load(java.nio.file.Path file) {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(file)) {
            p.load(r);
        } catch (java.io.IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot read model descriptor " + file + ": " + e.getMessage(), e);
        }
        try {
            int w = Integer.parseInt(required(p, "input.width", file));
            int h = Integer.parseInt(required(p, "input.height", file));
            return new ModelDescriptor(required(p, "input.name", file), required(p, "output.name", file),
                    TensorLayout.valueOf(p.getProperty("input.layout", "NCHW").trim().toUpperCase(java.util.Locale.ROOT)),
                    w, h, triple(p.getProperty("input.mean", "0"), file), triple(p.getProperty("input.std", "255"), file),
                    Integer.parseInt(p.getProperty("output.width", String.valueOf(w)).trim()),
                    Integer.parseInt(p.getProperty("output.height", String.valueOf(h)).trim()),
                    Boolean.parseBoolean(p.getProperty("output.logit", "false").trim()));
        } catch (IllegalArgumentException e) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Bad model descriptor " + file + ": " + e.getMessage(), e);
        }
    }

    private static String required(java.util.Properties p, String key, java.nio.file.Path file) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Model descriptor " + file + " lacks " + key);
        }
        return v.trim();
    }

    private static float[] triple(String v, java.nio.file.Path file) {
        String[] parts = v.split(",");
        if (parts.length == 1) {
            float f = Float.parseFloat(parts[0].trim());
            return new float[] {f, f, f};
        }
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected one or three values, got '" + v + "'");
        }
        return new float[] {Float.parseFloat(parts[0].trim()), Float.parseFloat(parts[1].trim()), Float.parseFloat(parts[2].trim())};
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
