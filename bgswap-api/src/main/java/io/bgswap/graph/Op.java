package io.bgswap.graph;

import java.util.Arrays;
import java.util.Objects;

/**
 * The operators of the engine-neutral graph, each with exact semantics so that every backend
 * computes the same numbers. Unless stated otherwise, activations are float32 tensors in
 * <b>NCHW</b> layout (batch, channels, height, width); importers of NHWC formats insert
 * {@link Transpose} nodes at the graph's edges and convert weights. Padding arrays are always
 * {@code {top, left, bottom, right}}, explicit and possibly asymmetric (TFLite SAME padding puts the
 * odd pixel at the bottom/right). Each record validates its attributes.
 */
public sealed interface Op {
    /** @return the operator's name as used in error messages and exports */
    default String opName() {
        return getClass().getSimpleName();
    }

    private static int[] pair(int[] v, String what) {
        Objects.requireNonNull(v, what);
        if (v.length != 2 || v[0] <= 0 || v[1] <= 0) {
            throw new IllegalArgumentException(what + " needs two positive values, was " + Arrays.toString(v));
        }
        return v.clone();
    }

    private static int[] checkPads(int[] v) {
        Objects.requireNonNull(v, "pads");
        if (v.length != 4 || Arrays.stream(v).anyMatch(p -> p < 0)) {
            throw new IllegalArgumentException("pads needs {top, left, bottom, right} >= 0, was " + Arrays.toString(v));
        }
        return v.clone();
    }

    /**
     * 2-D convolution (cross-correlation, as in every deep-learning engine), zero padding.
     * Inputs: {@code x [N, C, H, W]}, {@code weight [O, C / group, kH, kW]}, optional
     * {@code bias [O]} (an empty input name means absent). Output height is
     * {@code floor((H + top + bottom - dilationH * (kH - 1) - 1) / strideH) + 1}, likewise width.
     * Depthwise convolution is {@code group == C == O} (or a channel multiplier {@code O = k * C}).
     *
     * @param strides   {strideH, strideW}
     * @param pads      {top, left, bottom, right}
     * @param dilations {dilationH, dilationW}
     * @param group     number of groups, dividing C and O
     */
    record Conv2D(int[] strides, int[] pads, int[] dilations, int group) implements Op {
        public Conv2D {
            strides = pair(strides, "strides");
            pads = checkPads(pads);
            dilations = pair(dilations, "dilations");
            if (group <= 0) {
                throw new IllegalArgumentException("group must be positive");
            }
        }

        @Override
        public int[] strides() {
            return strides.clone();
        }

        @Override
        public int[] pads() {
            return pads.clone();
        }

        @Override
        public int[] dilations() {
            return dilations.clone();
        }
    }

    /**
     * {@link Conv2D} on dynamically quantised activations and uint8 weights, with the exact
     * arithmetic of ONNX {@code DynamicQuantizeLinear} + {@code ConvInteger} + rescale (the pattern
     * that ONNX Runtime's dynamic quantisation writes). Inputs: {@code x [N, C, H, W]} float,
     * {@code weight [O, C / group, kH, kW]} uint8, {@code weightZeroPoint} uint8 (one value, or
     * {@code [O]}), {@code weightScale} float (one value, or {@code [O]}), optional
     * {@code bias [O]} float. Semantics, per call (the whole tensor {@code x} shares one scale):
     * <ol>
     *   <li>{@code lo = min(0, min(x))}, {@code hi = max(0, max(x))},
     *       {@code s = (hi - lo) / 255} (float32), {@code zp = clamp(roundHalfEven(-lo / s), 0, 255)}
     *       (when {@code s == 0}: {@code zp = 0} and every {@code xq = 0});</li>
     *   <li>{@code xq = clamp(roundHalfEven(x / s) + zp, 0, 255)};</li>
     *   <li>{@code acc[o] = Σ (xq - zp) * (w - wzp[o])} over the window in int32, padded
     *       positions contributing nothing (they hold {@code zp});</li>
     *   <li>{@code y[o] = float(acc[o]) * (s * wscale[o]) + bias[o]}, the product {@code s * wscale}
     *       rounded to float32 first.</li>
     * </ol>
     *
     * @param conv strides, pads, dilations and group, as for {@link Conv2D}
     */
    record QuantizedConv2D(Conv2D conv) implements Op {
        public QuantizedConv2D {
            Objects.requireNonNull(conv, "conv");
        }
    }

    /**
     * 2-D transposed convolution (the gradient of {@link Conv2D} with respect to its input),
     * dilation 1, no output padding. Inputs: {@code x [N, C, H, W]},
     * {@code weight [C, O / group, kH, kW]} (ONNX layout), optional {@code bias [O]}. Output height
     * is {@code (H - 1) * strideH + kH - top - bottom}: the full result is cropped by the pads.
     *
     * @param strides {strideH, strideW}
     * @param pads    {top, left, bottom, right} cropped from the full output
     * @param group   number of groups
     */
    record ConvTranspose2D(int[] strides, int[] pads, int group) implements Op {
        public ConvTranspose2D {
            strides = pair(strides, "strides");
            pads = checkPads(pads);
            if (group <= 0) {
                throw new IllegalArgumentException("group must be positive");
            }
        }

        @Override
        public int[] strides() {
            return strides.clone();
        }

        @Override
        public int[] pads() {
            return pads.clone();
        }
    }

    /**
     * 2-D max pooling; padded positions never win (they count as -infinity). Output height is
     * {@code floor((H + top + bottom - kH) / strideH) + 1}, or with {@code ceil} instead of
     * {@code floor} when {@code ceilMode} (a window may then start in the bottom/right padding
     * but never entirely outside the padded input).
     *
     * @param kernel   {kH, kW}
     * @param strides  {strideH, strideW}
     * @param pads     {top, left, bottom, right}
     * @param ceilMode round the output size up
     */
    record MaxPool2D(int[] kernel, int[] strides, int[] pads, boolean ceilMode) implements Op {
        public MaxPool2D {
            kernel = pair(kernel, "kernel");
            strides = pair(strides, "strides");
            pads = checkPads(pads);
        }

        @Override
        public int[] kernel() {
            return kernel.clone();
        }

        @Override
        public int[] strides() {
            return strides.clone();
        }

        @Override
        public int[] pads() {
            return pads.clone();
        }
    }

    /** Mean over height and width, keeping them: {@code [N, C, H, W] -> [N, C, 1, 1]}. */
    record GlobalAveragePool() implements Op {
    }

    /** How an output coordinate maps to an input coordinate in {@link ResizeBilinear}. */
    enum CoordinateMode {
        /** {@code in = (out + 0.5) * inSize / outSize - 0.5} (TFLite half_pixel_centers, ONNX half_pixel). */
        HALF_PIXEL,
        /** As {@link #HALF_PIXEL}, except {@code in = 0} when {@code outSize == 1} (ONNX pytorch_half_pixel). */
        PYTORCH_HALF_PIXEL,
        /** {@code in = out * (inSize - 1) / (outSize - 1)} (align_corners). */
        ALIGN_CORNERS,
        /** {@code in = out * inSize / outSize}. */
        ASYMMETRIC
    }

    /**
     * Bilinear resize of height and width to a fixed size. After mapping, the input coordinate is
     * clamped to {@code [0, inSize - 1]} and the two neighbours {@code floor(in)} and
     * {@code min(floor(in) + 1, inSize - 1)} are mixed linearly (no antialiasing).
     *
     * @param outHeight output height
     * @param outWidth  output width
     * @param mode      coordinate mapping
     */
    record ResizeBilinear(int outHeight, int outWidth, CoordinateMode mode) implements Op {
        public ResizeBilinear {
            if (outHeight <= 0 || outWidth <= 0) {
                throw new IllegalArgumentException("resize target must be positive");
            }
            Objects.requireNonNull(mode, "mode");
        }
    }

    /**
     * Joins inputs along an axis; all other dimensions must agree.
     *
     * @param axis the axis, non-negative
     */
    record Concat(int axis) implements Op {
        public Concat {
            if (axis < 0) {
                throw new IllegalArgumentException("axis must be normalised to >= 0");
            }
        }
    }

    /** Element-wise sum of two inputs with NumPy broadcasting. */
    record Add() implements Op {
    }

    /** Element-wise product of two inputs with NumPy broadcasting. */
    record Mul() implements Op {
    }

    /** {@code max(x, 0)}. */
    record Relu() implements Op {
    }

    /** {@code x * min(max(x + 3, 0), 6) / 6}. */
    record HardSwish() implements Op {
    }

    /** {@code 1 / (1 + exp(-x))}. */
    record Sigmoid() implements Op {
    }

    /**
     * Permutes dimensions: output dimension {@code i} is input dimension {@code perm[i]}.
     *
     * @param perm a permutation of {@code 0..rank-1}
     */
    record Transpose(int[] perm) implements Op {
        public Transpose {
            int[] sorted = perm.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                if (sorted[i] != i) {
                    throw new IllegalArgumentException("not a permutation: " + Arrays.toString(perm));
                }
            }
            perm = perm.clone();
        }

        @Override
        public int[] perm() {
            return perm.clone();
        }
    }
}
