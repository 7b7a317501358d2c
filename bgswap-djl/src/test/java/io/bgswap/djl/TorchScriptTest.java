package io.bgswap.djl;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelFormat;
import io.bgswap.model.ModelSource;
import io.bgswap.model.TensorLayout;
import io.bgswap.spi.InferenceSession;
import io.bgswap.spi.SessionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A user's TorchScript model with a descriptor. The model file is written by the test itself in
 * the TorchScript archive layout (the module's TorchScript source, its pickled state and the
 * format version), so no binary fixture is needed.
 */
class TorchScriptTest {
    private static final int W = 6;
    private static final int H = 4;

    /** A module whose forward is {@code sigmoid(x[:, 0] * 2 - x[:, 2])}, shape [1, H, W]. */
    static void writeModule(Path file) throws IOException {
        String code = "class Model(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Model,\n"
                + "    x: Tensor) -> Tensor:\n"
                + "    a = torch.select(x, 1, 0)\n"
                + "    b = torch.select(x, 1, 2)\n"
                + "    return torch.sigmoid(torch.sub(torch.mul(a, 2), b))\n";
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
        data.write("c__torch__\nModel\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        data.write(new byte[] {')', (byte) 0x81, '}', '('}); // EMPTY_TUPLE NEWOBJ EMPTY_DICT MARK
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        data.write('X'); // BINUNICODE
        data.write(new byte[] {(byte) key.length, 0, 0, 0});
        data.write(key);
        data.write(new byte[] {(byte) 0x89, 'u', 'b', '.'}); // NEWFALSE SETITEMS BUILD STOP
        byte[] constants = {(byte) 0x80, 2, ')', '.'};
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            stored(zip, "model/data.pkl", data.toByteArray());
            stored(zip, "model/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(zip, "model/constants.pkl", constants);
            stored(zip, "model/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    private static ModelDescriptor descriptor(String output) {
        return new ModelDescriptor("x", output, TensorLayout.NCHW, W, H, new float[] {0, 0, 0}, new float[] {1, 1, 1}, W, H, false);
    }

    @Test
    void runsAUsersTorchScriptModel(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tiny.pt");
        writeModule(file);
        ModelSource source = ModelSource.ofFile(file, descriptor("0"));
        assertThat(source.format()).isEqualTo(ModelFormat.TORCHSCRIPT);
        float[] x = new float[3 * W * H];
        Random r = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        try (InferenceSession s = new DjlBackendProvider().open(source, SessionOptions.defaults())) {
            FloatBuffer out = FloatBuffer.allocate(W * H);
            s.run(FloatBuffer.wrap(x), out);
            for (int i = 0; i < W * H; i++) {
                double want = 1 / (1 + Math.exp(-(x[i] * 2 - x[2 * W * H + i])));
                assertThat((double) out.get(i)).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6));
            }
            s.close();
            assertThatThrownBy(() -> s.run(FloatBuffer.wrap(x), out))
                    .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CLOSED));
        }
    }

    @Test
    void aFileThatIsNotTorchScriptIsUnsupported(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.pt");
        try (OutputStream o = Files.newOutputStream(file)) {
            o.write("not a model".getBytes(StandardCharsets.US_ASCII));
        }
        assertThatThrownBy(() -> new DjlBackendProvider().open(ModelSource.ofFile(file, descriptor("0")), SessionOptions.defaults()))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_MODEL));
    }
}
