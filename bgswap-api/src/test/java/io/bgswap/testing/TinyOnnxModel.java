package io.bgswap.testing;

import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.TensorLayout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a tiny but real ONNX model, protobuf byte by byte: input {@code input} float
 * [1,3,H,W], output {@code output} [1,1,H,W] = sigmoid(mean over the colour channels), the mean
 * taken by a 1x1 convolution with weights 1/3 (an operator every backend's graph runs). It loads in
 * milliseconds, so tests can open, run and close sessions thousands of times; its output can be
 * checked by hand. Thread-safe: the class holds no state.
 */
public final class TinyOnnxModel {
    private TinyOnnxModel() {
    }

    /**
     * @param file    where to write the {@code .onnx} file
     * @param height  declared input and output height; a negative value makes it symbolic
     * @param width   declared input and output width; a negative value makes it symbolic
     * @return the file
     */
    public static Path write(Path file, int height, int width) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, bytes(height, width));
    }

    /** @return the descriptor that feeds this model at the given size (mean 0, std 255) */
    public static ModelDescriptor descriptor(int height, int width) {
        return new ModelDescriptor("input", "output", TensorLayout.NCHW, width, height,
                new float[] {0f, 0f, 0f}, new float[] {255f, 255f, 255f}, width, height, false);
    }

    /** @return what the model outputs for one pixel of the given 8-bit RGB values under {@link #descriptor} */
    public static float expected(int r, int g, int b) {
        double mean = (r + g + b) / 3.0 / 255.0;
        return (float) (1.0 / (1.0 + Math.exp(-mean)));
    }

    /** @return the model file's bytes */
    public static byte[] bytes(int height, int width) {
        Proto node = new Proto()
                .string(1, "input").string(1, "third").string(2, "mean").string(3, "average").string(4, "Conv")
                .message(5, new Proto().string(1, "kernel_shape").packedInts(8, 1, 1).varint(20, 7));
        java.nio.ByteBuffer weights = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < 3; c++) {
            weights.putFloat(1f / 3f);
        }
        Proto third = new Proto().packedInts(1, 1, 3, 1, 1).varint(2, 1).string(8, "third")
                .bytes(9, weights.array());
        Proto sigmoid = new Proto().string(1, "mean").string(2, "output").string(3, "squash").string(4, "Sigmoid");
        Proto graph = new Proto()
                .message(1, node)
                .message(1, sigmoid)
                .string(2, "tiny")
                .message(5, third)
                .message(11, valueInfo("input", 1, 3, height, width))
                .message(12, valueInfo("output", 1, 1, height, width));
        Proto model = new Proto()
                .varint(1, 7)
                .string(2, "bgswap-tests")
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 13));
        return model.toByteArray();
    }

    private static Proto valueInfo(String name, long... dims) {
        Proto shape = new Proto();
        int symbol = 0;
        for (long d : dims) {
            shape.message(1, d >= 0 ? new Proto().varint(1, d) : new Proto().string(2, "d" + symbol++));
        }
        Proto tensor = new Proto().varint(1, 1).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensor));
    }

    /** The few protobuf wire-format pieces an ONNX file needs. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            raw(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.toByteArray());
        }

        Proto packedInts(int field, long... values) {
            Proto p = new Proto();
            for (long v : values) {
                p.raw(v);
            }
            return bytes(field, p.toByteArray());
        }

        Proto bytes(int field, byte[] value) {
            tag(field, 2);
            raw(value.length);
            out.write(value, 0, value.length);
            return this;
        }

        private void tag(int field, int wireType) {
            raw(((long) field << 3) | wireType);
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
