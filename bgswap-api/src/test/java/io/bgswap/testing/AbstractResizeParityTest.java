package io.bgswap.testing;

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
import io.bgswap.spi.BackendProvider;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * In a graph that quantises activations at run time, a backend resizes in ONNX Runtime's
 * arithmetic order ({@link io.bgswap.graph.BilinearTaps}): a quantised convolution followed by a
 * bilinear resize gives ONNX Runtime's result bit for bit, in every coordinate mode. A backend
 * module extends this class and names its provider; ONNX Runtime must be on its test classpath.
 */
public abstract class AbstractResizeParityTest {
    @TempDir
    Path dir;

    /** @return the backend under test */
    protected abstract BackendProvider provider();

    private float[][] run(int c, int h, int w, int outH, int outW, Op.CoordinateMode mode, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] wq = new byte[c * 3];
        r.nextBytes(wq);
        Map<String, Tensor> k = new LinkedHashMap<>();
        k.put("wq", Tensor.ofBytes(DataType.UINT8, new int[] {c, 3, 1, 1}, wq));
        k.put("zp", Tensor.ofBytes(DataType.UINT8, new int[] {1}, new byte[] {(byte) 128}));
        k.put("ws", Tensor.ofFloats(new int[] {1}, new float[] {0.0037f}));
        float[] bias = new float[c];
        for (int i = 0; i < c; i++) {
            bias[i] = (float) r.nextGaussian();
        }
        k.put("b", Tensor.ofFloats(new int[] {c}, bias));
        Graph g = new Graph("resize", List.of(new ValueInfo("input", DataType.FLOAT32, new int[] {1, 3, h, w})),
                List.of(new ValueInfo("y", DataType.FLOAT32, new int[] {1, c, outH, outW})), k,
                List.of(new Node("q", new Op.QuantizedConv2D(new Op.Conv2D(new int[] {1, 1}, new int[] {0, 0, 0, 0},
                                new int[] {1, 1}, 1)), List.of("input", "wq", "zp", "ws", "b"), List.of("a")),
                        new Node("up", new Op.ResizeBilinear(outH, outW, mode), List.of("a"), List.of("y"))));
        ModelDescriptor d = new ModelDescriptor("input", "y", TensorLayout.NCHW, w, h, new float[] {0, 0, 0},
                new float[] {1, 1, 1}, outW, outH * c, true);
        float[] in = new float[3 * h * w];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) r.nextGaussian() * 3;
        }
        Path f = dir.resolve("resize-" + seed + ".onnx");
        Files.write(f, OnnxExporter.toBytes(g));
        ModelSource source = ModelSource.ofFile(f, d);
        BackendProvider ort = Parity.onnxRuntime().orElseThrow();
        return new float[][] {Parity.run(ort, source, in), Parity.run(provider(), source, in)};
    }

    private void same(int c, int h, int w, int outH, int outW, Op.CoordinateMode mode, long seed) throws IOException {
        float[][] ab = run(c, h, w, outH, outW, mode, seed);
        assertThat(ab[1]).hasSameSizeAs(ab[0]);
        for (int i = 0; i < ab[0].length; i++) {
            assertThat(ab[1][i]).as("%s %dx%d -> %dx%d, element %d", mode, h, w, outH, outW, i).isEqualTo(ab[0][i]);
        }
    }

    @Test
    void bitIdenticalToOnnxRuntime() throws IOException {
        assumeTrue(Parity.onnxRuntime().isPresent(), "ONNX Runtime is not on the test classpath");
        same(4, 8, 8, 16, 16, Op.CoordinateMode.HALF_PIXEL, 1);
        same(2, 4, 4, 128, 128, Op.CoordinateMode.PYTORCH_HALF_PIXEL, 2);
        same(3, 7, 5, 12, 11, Op.CoordinateMode.HALF_PIXEL, 3);
        same(2, 6, 9, 13, 4, Op.CoordinateMode.ALIGN_CORNERS, 4);
        same(2, 5, 5, 10, 15, Op.CoordinateMode.ASYMMETRIC, 5);
        // Doublings in every mode (odd sizes too): the shapes ISNet enlarges its features by.
        same(3, 9, 7, 18, 14, Op.CoordinateMode.HALF_PIXEL, 6);
        same(2, 6, 5, 12, 10, Op.CoordinateMode.PYTORCH_HALF_PIXEL, 7);
        same(2, 5, 6, 10, 12, Op.CoordinateMode.ALIGN_CORNERS, 8);
        same(2, 5, 5, 10, 10, Op.CoordinateMode.ASYMMETRIC, 9);
        same(1, 1, 3, 2, 6, Op.CoordinateMode.HALF_PIXEL, 10);
    }
}
