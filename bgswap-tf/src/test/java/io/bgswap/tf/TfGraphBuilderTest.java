package io.bgswap.tf;

import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.graph.DataType;
import io.bgswap.graph.Graph;
import io.bgswap.graph.Node;
import io.bgswap.graph.Op;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.ValueInfo;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Each operator's TensorFlow translation against a plain-Java computation of its definition. */
class TfGraphBuilderTest {
    private static final float TOLERANCE = 1e-4f;
    private final Random random = new Random(42);

    /** A small graph under construction: one float input, constants, nodes. */
    private static final class G {
        final List<ValueInfo> inputs = new ArrayList<>();
        final Map<String, Tensor> constants = new LinkedHashMap<>();
        final List<Node> nodes = new ArrayList<>();

        G input(String name, int... shape) {
            inputs.add(new ValueInfo(name, DataType.FLOAT32, shape));
            return this;
        }

        String constant(String name, float[] data, int... shape) {
            constants.put(name, Tensor.ofFloats(shape, data));
            return name;
        }

        G node(Op op, String out, String... in) {
            nodes.add(new Node("n" + nodes.size(), op, List.of(in), List.of(out)));
            return this;
        }

        Graph build(String out, int... outShape) {
            return new Graph("test", inputs, List.of(new ValueInfo(out, DataType.FLOAT32, outShape)), constants, nodes);
        }
    }

    /** Builds the graph in TensorFlow, feeds {@code input} to its only input and fetches its only output. */
    static float[] run(Graph g, float[] input) {
        return run(g, input, false);
    }

    static float[] run(Graph g, float[] input, boolean exactIntegerSums) {
        try (org.tensorflow.Graph tg = new org.tensorflow.Graph()) {
            TfGraphBuilder.Built built = TfGraphBuilder.build(tg, g, null, exactIntegerSums);
            ValueInfo in = g.inputs().get(0);
            try (Session s = new Session(tg, TfDevices.config(Device.CPU, 1));
                 TFloat32 t = TFloat32.tensorOf(Shape.of(java.util.Arrays.stream(in.shape()).asLongStream().toArray()),
                         DataBuffers.of(input, true, false));
                 Result r = s.runner().feed(built.inputs().get(in.name()), t)
                         .fetch(built.outputs().get(g.outputs().get(0).name())).run()) {
                TFloat32 out = (TFloat32) r.get(0);
                assertThat(out.shape().asArray()).containsExactly(java.util.Arrays.stream(g.outputs().get(0).shape())
                        .asLongStream().toArray());
                float[] f = new float[(int) out.size()];
                out.copyTo(DataBuffers.of(f, false, false));
                return f;
            }
        }
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        float worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as("max abs difference").isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void convolutionWithStrideDilationAsymmetricPadsAndBias() {
        int c = 3, h = 9, w = 8, o = 4, k = 3;
        float[] x = Reference.random(random, c * h * w);
        float[] wt = Reference.random(random, o * c * k * k);
        float[] b = Reference.random(random, o);
        int[] s = {2, 1}, pads = {0, 1, 2, 1}, d = {2, 1};
        float[] expected = Reference.conv(x, 1, c, h, w, wt, o, k, k, b, s, pads, d, 1);
        int oh = (h + 2 - 2 * 2 - 1) / 2 + 1, ow = (w + 2 - 2 - 1) + 1;
        G g = new G().input("x", 1, c, h, w);
        g.node(new Op.Conv2D(s, pads, d, 1), "y", "x", g.constant("w", wt, o, c, k, k), g.constant("b", b, o));
        assertClose(run(g.build("y", 1, o, oh, ow), x), expected);
    }

    @Test
    void depthwiseConvolutionWithChannelMultiplier() {
        int c = 3, h = 7, w = 6, o = 6, k = 3;
        float[] x = Reference.random(random, c * h * w);
        float[] wt = Reference.random(random, o * k * k);
        float[] b = Reference.random(random, o);
        int[] s = {1, 1}, pads = {1, 1, 1, 1}, d = {1, 1};
        float[] expected = Reference.conv(x, 1, c, h, w, wt, o, k, k, b, s, pads, d, c);
        G g = new G().input("x", 1, c, h, w);
        g.node(new Op.Conv2D(s, pads, d, c), "y", "x", g.constant("w", wt, o, 1, k, k), g.constant("b", b, o));
        assertClose(run(g.build("y", 1, o, h, w), x), expected);
    }

    @Test
    void depthwiseConvolutionStridedWithTfliteSamePadding() {
        int c = 4, h = 8, w = 8, k = 3;
        float[] x = Reference.random(random, c * h * w);
        float[] wt = Reference.random(random, c * k * k);
        int[] s = {2, 2}, pads = {0, 0, 1, 1}, d = {1, 1};
        float[] expected = Reference.conv(x, 1, c, h, w, wt, c, k, k, null, s, pads, d, c);
        G g = new G().input("x", 1, c, h, w);
        g.node(new Op.Conv2D(s, pads, d, c), "y", "x", g.constant("w", wt, c, 1, k, k));
        assertClose(run(g.build("y", 1, c, 4, 4), x), expected);
    }

    @Test
    void depthwiseConvolutionWithPadsOtherThanSame() {
        int c = 3, h = 6, w = 7, k = 3;
        float[] x = Reference.random(random, c * h * w);
        float[] wt = Reference.random(random, c * k * k);
        int[] s = {1, 2}, pads = {2, 0, 0, 1}, d = {1, 1};
        float[] expected = Reference.conv(x, 1, c, h, w, wt, c, k, k, null, s, pads, d, c);
        G g = new G().input("x", 1, c, h, w);
        g.node(new Op.Conv2D(s, pads, d, c), "y", "x", g.constant("w", wt, c, 1, k, k));
        assertClose(run(g.build("y", 1, c, 6, 3), x), expected);
    }

    /** The QuantizedConv2D definition, step by step, with int arithmetic for the accumulation. */
    static float[] quantizedConv(float[] x, int c, int h, int w, byte[] wq, int o, int k, int[] wzp, float[] wscale,
                                 float[] bias, int[] s, int[] pads, int g) {
        float lo = 0, hi = 0;
        for (float v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float scale = (hi - lo) / 255f;
        int zp = scale == 0 ? 0 : (int) Math.max(0, Math.min(255, Math.rint(-lo / scale)));
        int[] xq = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            xq[i] = scale == 0 ? 0 : (int) Math.max(0, Math.min(255, Math.rint(x[i] / scale) + zp));
        }
        int oh = (h + pads[0] + pads[2] - k) / s[0] + 1, ow = (w + pads[1] + pads[3] - k) / s[1] + 1;
        int cg = c / g, og = o / g;
        float[] y = new float[o * oh * ow];
        for (int oc = 0; oc < o; oc++) {
            int wz = wzp[wzp.length == 1 ? 0 : oc];
            float outScale = scale * wscale[wscale.length == 1 ? 0 : oc];
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int acc = 0;
                    for (int ci = 0; ci < cg; ci++) {
                        int ic = (oc / og) * cg + ci;
                        for (int u = 0; u < k; u++) {
                            for (int v = 0; v < k; v++) {
                                int yy = i * s[0] - pads[0] + u, xx = j * s[1] - pads[1] + v;
                                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                    acc += (xq[(ic * h + yy) * w + xx] - zp) * ((wq[((oc * cg + ci) * k + u) * k + v] & 0xFF) - wz);
                                }
                            }
                        }
                    }
                    y[(oc * oh + i) * ow + j] = (float) acc * outScale + bias[oc];
                }
            }
        }
        return y;
    }

    @Test
    void quantizedConvolutionMatchesIntegerArithmetic() {
        for (int g : new int[] {1, 4}) {
            int c = 4, h = 9, w = 8, o = 4, k = 3;
            float[] x = Reference.random(random, c * h * w);
            byte[] wq = new byte[o * (c / g) * k * k];
            random.nextBytes(wq);
            int[] wzp = {131};
            float[] wscale = {0.011f, 0.02f, 0.005f, 0.03f};
            float[] b = Reference.random(random, o);
            int[] s = {2, 2}, pads = {1, 1, 1, 0};
            float[] expected = quantizedConv(x, c, h, w, wq, o, k, wzp, wscale, b, s, pads, g);
            G gr = new G().input("x", 1, c, h, w);
            gr.constants.put("wq", Tensor.ofBytes(DataType.UINT8, new int[] {o, c / g, k, k}, wq));
            gr.constants.put("wzp", Tensor.ofBytes(DataType.UINT8, new int[] {1}, new byte[] {(byte) 131}));
            gr.node(new Op.QuantizedConv2D(new Op.Conv2D(s, pads, new int[] {1, 1}, g)), "y", "x", "wq", "wzp",
                    gr.constant("ws", wscale, o), gr.constant("b", b, o));
            Graph graph = gr.build("y", 1, o, 5, 4);
            assertClose(run(graph, x, false), expected);
            assertClose(run(graph, x, true), expected);
        }
    }

    @Test
    void groupedConvolution() {
        int c = 4, h = 5, w = 5, o = 6, k = 3, grp = 2;
        float[] x = Reference.random(random, c * h * w);
        float[] wt = Reference.random(random, o * (c / grp) * k * k);
        int[] s = {1, 1}, pads = {1, 1, 1, 1}, d = {1, 1};
        float[] expected = Reference.conv(x, 1, c, h, w, wt, o, k, k, null, s, pads, d, grp);
        G g = new G().input("x", 1, c, h, w);
        g.node(new Op.Conv2D(s, pads, d, grp), "y", "x", g.constant("w", wt, o, c / grp, k, k));
        assertClose(run(g.build("y", 1, o, h, w), x), expected);
    }

    @Test
    void transposedConvolutionCropsPadsAndAddsBias() {
        int c = 3, h = 4, w = 5, og = 2, k = 3;
        float[] x = Reference.random(random, c * h * w);
        float[] wt = Reference.random(random, c * og * k * k);
        float[] b = Reference.random(random, og);
        int[] s = {2, 2}, pads = {1, 0, 0, 1};
        float[] expected = Reference.convTranspose(x, 1, c, h, w, wt, og, k, k, b, s, pads, 1);
        int oh = (h - 1) * 2 + k - 1, ow = (w - 1) * 2 + k - 1;
        G g = new G().input("x", 1, c, h, w);
        g.node(new Op.ConvTranspose2D(s, pads, 1), "y", "x", g.constant("w", wt, c, og, k, k), g.constant("b", b, og));
        assertClose(run(g.build("y", 1, og, oh, ow), x), expected);
    }

    @Test
    void groupedTransposedConvolution() {
        int c = 4, h = 3, w = 3, og = 3, k = 2, grp = 2;
        float[] x = Reference.random(random, c * h * w);
        float[] wt = Reference.random(random, c * og * k * k);
        int[] s = {2, 2}, pads = {0, 0, 0, 0};
        float[] expected = Reference.convTranspose(x, 1, c, h, w, wt, og, k, k, null, s, pads, grp);
        G g = new G().input("x", 1, c, h, w);
        g.node(new Op.ConvTranspose2D(s, pads, grp), "y", "x", g.constant("w", wt, c, og, k, k));
        assertClose(run(g.build("y", 1, og * grp, 6, 6), x), expected);
    }

    @Test
    void maxPoolCeilModeAndPadding() {
        int c = 2, h = 7, w = 6;
        float[] x = Reference.random(random, c * h * w);
        int[] k = {2, 2}, s = {2, 2};
        float[] ceil = Reference.maxPool(x, 1, c, h, w, k, s, new int[4], true);
        G g = new G().input("x", 1, c, h, w);
        g.node(new Op.MaxPool2D(k, s, new int[4], true), "y", "x");
        assertClose(run(g.build("y", 1, c, 4, 3), x), ceil);

        int[] k3 = {3, 3}, pads = {1, 1, 1, 1};
        float[] padded = Reference.maxPool(x, 1, c, h, w, k3, s, pads, false);
        G g2 = new G().input("x", 1, c, h, w);
        g2.node(new Op.MaxPool2D(k3, s, pads, false), "y", "x");
        assertClose(run(g2.build("y", 1, c, 4, 3), x), padded);
    }

    @Test
    void ceilModeExtraPadding() {
        assertThat(TfGraphBuilder.ceilExtra(7, 2, 2, 0, 0, true)).isEqualTo(1);
        assertThat(TfGraphBuilder.ceilExtra(8, 2, 2, 0, 0, true)).isZero();
        assertThat(TfGraphBuilder.ceilExtra(7, 2, 2, 0, 0, false)).isZero();
        // A last window that would start past the padded input is dropped, not padded for.
        assertThat(TfGraphBuilder.ceilExtra(5, 1, 2, 0, 0, true)).isZero();
    }

    @Test
    void bilinearResizeInEveryCoordinateMode() {
        int c = 2, h = 5, w = 7;
        float[] x = Reference.random(random, c * h * w);
        for (Op.CoordinateMode mode : Op.CoordinateMode.values()) {
            for (int[] size : new int[][] {{10, 14}, {3, 4}, {11, 5}}) {
                G g = new G().input("x", 1, c, h, w);
                g.node(new Op.ResizeBilinear(size[0], size[1], mode), "y", "x");
                float[] expected = Reference.resize(x, c, h, w, size[0], size[1], mode);
                assertClose(run(g.build("y", 1, c, size[0], size[1]), x), expected);
            }
        }
        G g = new G().input("x", 1, c, h, w);
        g.node(new Op.ResizeBilinear(1, 3, Op.CoordinateMode.PYTORCH_HALF_PIXEL), "y", "x");
        assertClose(run(g.build("y", 1, c, 1, 3), x),
                Reference.resize(x, c, h, w, 1, 3, Op.CoordinateMode.PYTORCH_HALF_PIXEL));
    }

    @Test
    void nhwcInputThroughTransposeConcatBroadcastActivationsAndPool() {
        int h = 6, w = 5, c = 3, o = 2;
        float[] nhwc = Reference.random(random, h * w * c);
        float[] wt = Reference.random(random, o * c);
        float[] scale = Reference.random(random, c + o);
        float[] shift = Reference.random(random, w);
        // Expected, step by step in NCHW.
        float[] x = Reference.transpose(nhwc, new int[] {1, h, w, c}, new int[] {0, 3, 1, 2});
        float[] conv = Reference.conv(x, 1, c, h, w, wt, o, 1, 1, null, new int[] {1, 1}, new int[4], new int[] {1, 1}, 1);
        float[] cat = new float[(c + o) * h * w];
        System.arraycopy(x, 0, cat, 0, x.length);
        System.arraycopy(conv, 0, cat, x.length, conv.length);
        float[] act = new float[cat.length];
        for (int ch = 0; ch < c + o; ch++) {
            for (int i = 0; i < h * w; i++) {
                int idx = ch * h * w + i;
                float v = cat[idx] * scale[ch] + shift[i % w];
                float hs = v * Math.min(Math.max(v + 3, 0), 6) / 6;
                act[idx] = (float) (1 / (1 + Math.exp(-Math.max(hs, 0f))));
            }
        }
        float[] pooled = new float[c + o];
        for (int ch = 0; ch < c + o; ch++) {
            double sum = 0;
            for (int i = 0; i < h * w; i++) {
                sum += act[ch * h * w + i];
            }
            pooled[ch] = (float) (sum / (h * w));
        }
        float[] expected = Reference.transpose(pooled, new int[] {1, c + o, 1, 1}, new int[] {0, 2, 3, 1});

        G g = new G().input("img", 1, h, w, c);
        g.node(new Op.Transpose(new int[] {0, 3, 1, 2}), "x", "img")
                .node(new Op.Conv2D(new int[] {1, 1}, new int[4], new int[] {1, 1}, 1), "conv", "x", g.constant("w", wt, o, c, 1, 1))
                .node(new Op.Concat(1), "cat", "x", "conv")
                .node(new Op.Mul(), "scaled", "cat", g.constant("scale", scale, 1, c + o, 1, 1))
                .node(new Op.Add(), "shifted", g.constant("shift", shift, w), "scaled")
                .node(new Op.HardSwish(), "hs", "shifted")
                .node(new Op.Relu(), "relu", "hs")
                .node(new Op.Sigmoid(), "sig", "relu")
                .node(new Op.GlobalAveragePool(), "gap", "sig")
                .node(new Op.Transpose(new int[] {0, 2, 3, 1}), "y", "gap");
        assertClose(run(g.build("y", 1, 1, 1, c + o), nhwc), expected);
    }

    @Test
    void transposedOutputIsReturnedInLogicalOrder() {
        int c = 2, h = 3, w = 4;
        float[] x = Reference.random(random, c * h * w);
        float[] wt = Reference.random(random, c * c);
        float[] conv = Reference.conv(x, 1, c, h, w, wt, c, 1, 1, null, new int[] {1, 1}, new int[4], new int[] {1, 1}, 1);
        G g = new G().input("x", 1, c, h, w);
        g.node(new Op.Conv2D(new int[] {1, 1}, new int[4], new int[] {1, 1}, 1), "conv", "x", g.constant("w", wt, c, c, 1, 1))
                .node(new Op.Transpose(new int[] {0, 3, 2, 1}), "y", "conv");
        assertClose(run(g.build("y", 1, w, h, c), x), Reference.transpose(conv, new int[] {1, c, h, w}, new int[] {0, 3, 2, 1}));
    }

    @Test
    void operatorOnWrongRankIsAnUnsupportedModel() {
        G g = new G().input("x", 1, 4);
        g.node(new Op.MaxPool2D(new int[] {2, 2}, new int[] {2, 2}, new int[4], false), "y", "x");
        Graph graph = g.build("y", 1, 2);
        try (org.tensorflow.Graph tg = new org.tensorflow.Graph()) {
            assertThatThrownBy(() -> TfGraphBuilder.build(tg, graph, null))
                    .isInstanceOf(BgSwapException.class)
                    .satisfies(e -> assertThat(((BgSwapException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL))
                    .hasMessageContaining("rank-4");
        }
    }

    @Test
    void referenceResizeIsTheIdentityAtTheSameSize() {
        float[] x = Reference.random(random, 12);
        float[] y = Reference.resize(x, 1, 3, 4, 3, 4, Op.CoordinateMode.HALF_PIXEL);
        for (int i = 0; i < x.length; i++) {
            assertThat(y[i]).isCloseTo(x[i], within(1e-6f));
        }
    }
}
