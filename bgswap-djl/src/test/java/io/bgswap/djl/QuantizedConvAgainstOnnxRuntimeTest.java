package io.bgswap.djl;

import io.bgswap.graph.DataType;
import io.bgswap.graph.Graph;
import io.bgswap.graph.Node;
import io.bgswap.graph.Op;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.ValueInfo;
import io.bgswap.graph.onnx.OnnxExporter;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelSource;
import io.bgswap.model.TensorLayout;
import io.bgswap.onnx.OnnxBackendProvider;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;
import io.bgswap.testing.Parity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One dynamically quantised convolution layer (after a float convolution and a ReLU, as in
 * isnet-small) on DJL and on ONNX Runtime (DynamicQuantizeLinear + ConvInteger, through the ONNX
 * exporter): the quantised integers are the same, so the results agree to the last bit of the
 * float rescale (an error in the scale, zero point or rounding would move a value by whole steps).
 */
class QuantizedConvAgainstOnnxRuntimeTest {
    private static float[] run(int c, int h, int w, int o, int group, int[] pads, int[] strides, boolean perChannel,
                               boolean relu, long seed, Path dir, boolean onnx) throws IOException {
        Random r = new Random(seed);
        byte[] wq = new byte[o * (c / group) * 9];
        r.nextBytes(wq);
        // ONNX Runtime's ConvInteger takes one weight zero point; the scale may be per channel.
        byte[] zp = {(byte) (110 + r.nextInt(40))};
        float[] ws = new float[perChannel ? o : 1];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = 0.002f + r.nextFloat() * 0.01f;
        }
        float[] w0 = new float[c * 3];
        for (int i = 0; i < w0.length; i++) {
            w0[i] = (float) r.nextGaussian();
        }
        float[] bias = new float[o];
        for (int i = 0; i < o; i++) {
            bias[i] = (float) r.nextGaussian();
        }
        Map<String, Tensor> k = new LinkedHashMap<>();
        k.put("w0", Tensor.ofFloats(new int[] {c, 3, 1, 1}, w0));
        k.put("wq", Tensor.ofBytes(DataType.UINT8, new int[] {o, c / group, 3, 3}, wq));
        k.put("zp", Tensor.ofBytes(DataType.UINT8, new int[] {zp.length}, zp));
        k.put("ws", Tensor.ofFloats(new int[] {ws.length}, ws));
        k.put("b", Tensor.ofFloats(new int[] {o}, bias));
        int oh = (h + pads[0] + pads[2] - 3) / strides[0] + 1;
        int ow = (w + pads[1] + pads[3] - 3) / strides[1] + 1;
        Graph g = new Graph("quantised", List.of(new ValueInfo("input", DataType.FLOAT32, new int[] {1, 3, h, w})),
                List.of(new ValueInfo("y", DataType.FLOAT32, new int[] {1, o, oh, ow})), k,
                List.of(new Node("c0", new Op.Conv2D(new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 1),
                                List.of("input", "w0"), List.of("a")),
                        new Node("r0", new Op.Relu(), List.of("a"), List.of("relu")),
                        new Node("q", new Op.QuantizedConv2D(new Op.Conv2D(strides, pads, new int[] {1, 1}, group)),
                                List.of(relu ? "relu" : "a", "wq", "zp", "ws", "b"), List.of("y"))));
        ModelDescriptor d = new ModelDescriptor("input", "y", TensorLayout.NCHW, w, h, new float[] {0, 0, 0},
                new float[] {1, 1, 1}, ow, oh * o, true);
        float[] in = new float[3 * h * w];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) r.nextGaussian() * 2;
        }
        if (onnx) {
            Path f = dir.resolve("q" + seed + ".onnx");
            Files.write(f, OnnxExporter.toBytes(g));
            return Parity.run(new OnnxBackendProvider(), ModelSource.ofFile(f, d), in);
        }
        try (InferenceSession s = DjlGraphSession.open(g, d, SessionOptions.defaults())) {
            return Parity.run(s, in);
        }
    }

    private static void same(int c, int h, int w, int o, int group, int[] pads, int[] strides, boolean perChannel, boolean relu,
                             long seed, Path dir) throws IOException {
        float[] a = run(c, h, w, o, group, pads, strides, perChannel, relu, seed, dir, true);
        float[] b = run(c, h, w, o, group, pads, strides, perChannel, relu, seed, dir, false);
        assertThat(b).hasSameSizeAs(a);
        int differ = 0;
        for (int i = 0; i < a.length; i++) {
            // Same integers and scale; the float rescale and bias add may differ in the last bits
            // (a wrong scale, zero point or rounding would move values by whole quantisation steps).
            assertThat(Math.abs(a[i] - b[i])).as("element %d", i).isLessThanOrEqualTo(4 * Math.ulp(Math.max(1f, Math.abs(a[i]))));
            differ += a[i] != b[i] ? 1 : 0;
        }
        System.out.printf("quantised conv %dx%dx%d -> %d: %d of %d values differ from ONNX Runtime in the last bit%n",
                c, h, w, o, differ, a.length);
    }

    @Test
    void withinTheLastBitOfOnnxRuntime(@TempDir Path dir) throws IOException {
        // After a ReLU: the input is known to be non-negative (range from 0, no clipping).
        same(16, 20, 20, 4, 1, new int[] {1, 1, 1, 1}, new int[] {1, 1}, false, true, 1, dir);
        same(32, 17, 12, 6, 1, new int[] {0, 0, 1, 1}, new int[] {2, 2}, false, true, 2, dir);
        same(8, 9, 9, 8, 2, new int[] {1, 1, 1, 1}, new int[] {1, 1}, true, true, 3, dir);
        // Straight after a convolution: negative values, a non-zero zero point and clipping.
        same(16, 20, 20, 4, 1, new int[] {1, 1, 1, 1}, new int[] {1, 1}, false, false, 4, dir);
        // 128 x 3 x 3 weights per output: sums beyond 2^24, so the weights are split in two.
        same(128, 12, 12, 5, 1, new int[] {1, 1, 1, 1}, new int[] {1, 1}, true, true, 5, dir);
        same(128, 12, 12, 5, 1, new int[] {1, 1, 1, 1}, new int[] {1, 1}, false, false, 6, dir);
    }
}
