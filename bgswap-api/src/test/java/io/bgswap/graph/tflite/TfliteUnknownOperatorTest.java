package io.bgswap.graph.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.Graph;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builds minimal one-operator TFLite files to check how the importer treats operators. */
class TfliteUnknownOperatorTest {
    /** A model computing t1 = OP(t0) for a [1, 2, 2, 1] float tensor. */
    private static byte[] model(int builtin, String custom) {
        FlatBufferBuilder b = new FlatBufferBuilder(1024);
        int customName = custom == null ? 0 : b.createString(custom);
        b.startTable(4);
        b.addInt(3, builtin, 0);
        if (custom != null) {
            b.addOffset(1, customName, 0);
        }
        b.addByte(0, (byte) Math.min(builtin, 127), 0);
        int code = b.endTable();
        int codes = b.createVectorOfTables(new int[] {code});

        int[] tensors = new int[2];
        for (int i = 0; i < 2; i++) {
            int name = b.createString("t" + i);
            int shape = b.createVectorOfTables(new int[0]);
            b.startVector(4, 4, 4);
            for (int d : new int[] {1, 2, 2, 1}) {
                b.addInt(d);
            }
            shape = b.endVector();
            b.startTable(4);
            b.addOffset(0, shape, 0);
            b.addByte(1, (byte) 0, 0);
            b.addInt(2, 0, 0);
            b.addOffset(3, name, 0);
            tensors[i] = b.endTable();
        }
        int tensorVec = b.createVectorOfTables(tensors);
        int opIn = intVector(b, 0);
        int opOut = intVector(b, 1);
        b.startTable(3);
        b.addInt(0, 0, -1);
        b.addOffset(1, opIn, 0);
        b.addOffset(2, opOut, 0);
        int op = b.endTable();
        int ops = b.createVectorOfTables(new int[] {op});
        int gIn = intVector(b, 0);
        int gOut = intVector(b, 1);
        b.startTable(5);
        b.addOffset(0, tensorVec, 0);
        b.addOffset(1, gIn, 0);
        b.addOffset(2, gOut, 0);
        b.addOffset(3, ops, 0);
        int subgraph = b.endTable();
        int subgraphs = b.createVectorOfTables(new int[] {subgraph});
        b.startTable(0);
        int emptyBuffer = b.endTable();
        int buffers = b.createVectorOfTables(new int[] {emptyBuffer});
        b.startTable(5);
        b.addInt(0, 3, 0);
        b.addOffset(1, codes, 0);
        b.addOffset(2, subgraphs, 0);
        b.addOffset(4, buffers, 0);
        int root = b.endTable();
        b.finish(root, "TFL3");
        return b.sizedByteArray();
    }

    private static int intVector(FlatBufferBuilder b, int... v) {
        b.startVector(4, v.length, 4);
        for (int i = v.length - 1; i >= 0; i--) {
            b.addInt(v[i]);
        }
        return b.endVector();
    }

    @Test
    void supportedOperatorImports() {
        Graph g = TfliteImporter.read("tiny", model(19, null)); // RELU
        assertThat(g.nodes()).extracting(n -> n.op().opName()).containsExactly("Transpose", "Relu", "Transpose");
        assertThat(g.outputs().get(0).name()).isEqualTo("t1");
    }

    @Test
    void unknownBuiltinOperatorIsNamedWithTheModel() {
        assertThatThrownBy(() -> TfliteImporter.read("tiny-model", model(99, null)))
                .isInstanceOfSatisfying(BgSwapException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL);
                    assertThat(e.getMessage()).contains("tiny-model").contains("99");
                });
    }

    @Test
    void unknownCustomOperatorIsNamedWithTheModel() {
        assertThatThrownBy(() -> TfliteImporter.read("tiny-model", model(32, "MaxPoolingWithArgmax2D")))
                .isInstanceOfSatisfying(BgSwapException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL);
                    assertThat(e.getMessage()).contains("tiny-model").contains("MaxPoolingWithArgmax2D");
                });
    }
}
