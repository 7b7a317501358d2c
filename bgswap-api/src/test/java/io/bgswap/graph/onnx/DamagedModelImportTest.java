package io.bgswap.graph.onnx;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.tflite.TfliteImporter;
import io.bgswap.testing.TinyOnnxModel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Damaged model files are refused with {@link ErrorCode#UNSUPPORTED_MODEL}, never another
 * exception. Keeps the fuzzer's finding (a tensor declaring a value it does not hold escaped as
 * ArrayIndexOutOfBoundsException) as a regression.
 */
class DamagedModelImportTest {
    /** Found by GraphImportFuzzTest: a scalar FLOAT16 initializer with no data. */
    private static final String FUZZ_FINDING = "000807120c6267737761702d74657374733aac010a400a05696e5d757412046d65616e1a067265647563e5220a5265647563654d6506726564756365220a5265647563654d65616e2a0c0a0461782c73420101a001072a52656475080000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000012060000000000000002556e73717565657a6508010a02000000000008000000000000000000000053716170652a0c0a04100a022108010a0208010a02000000200a06ac010a40040a00014d";

    private static void assertRefusedOrImported(Runnable importer) {
        try {
            importer.run();
        } catch (BgSwapException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL);
        }
    }

    @Test
    void fuzzFindingIsRefused() {
        byte[] data = HexFormat.of().parseHex(FUZZ_FINDING);
        byte[] model = Arrays.copyOfRange(data, 1, data.length);
        assertThatThrownBy(() -> OnnxImporter.read("finding", model))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL));
    }

    @Test
    void everyTruncationAndFlippedByteOfAValidModelIsHandled() {
        byte[] good = TinyOnnxModel.bytes(4, 4);
        assertThat(OnnxProto.parseModel(good)).isNotNull();
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertRefusedOrImported(() -> OnnxImporter.read("cut", cut));
        }
        Random r = new Random(11);
        for (int i = 0; i < 2000; i++) {
            byte[] bad = good.clone();
            bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            assertRefusedOrImported(() -> OnnxImporter.read("flipped", bad));
        }
    }

    @Test
    void randomBytesBehindATfliteIdentifierAreRefused() {
        Random r = new Random(5);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[8 + r.nextInt(200)];
            r.nextBytes(bytes);
            bytes[4] = 'T';
            bytes[5] = 'F';
            bytes[6] = 'L';
            bytes[7] = '3';
            assertRefusedOrImported(() -> TfliteImporter.read("random", bytes));
        }
    }
}
