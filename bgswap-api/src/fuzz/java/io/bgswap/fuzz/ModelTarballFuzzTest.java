package io.bgswap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bgswap.BgSwapException;
import io.bgswap.model.BuiltinModel;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelFormat;
import io.bgswap.model.ModelStore;
import io.bgswap.model.TensorLayout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Model import from a package tarball: any tarball ends in a {@link BgSwapException} (the pinned
 * hash cannot be met), never another exception, and never leaves anything in the cache but its
 * lock. The first byte chooses whether the rest is taken as the .tgz itself or as a tar to gzip,
 * so the fuzzer reaches the tar and JSON parsers as well as gzip.
 */
class ModelTarballFuzzTest {
    private static final Path ROOT;
    private static final BuiltinModel CHUNKED = model("fuzz-chunked", "package/dist/resources.json#/models/x");
    private static final BuiltinModel PLAIN = model("fuzz-plain", "package/model.onnx");

    static {
        try {
            ROOT = Files.createTempDirectory("bgswap-fuzz-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BuiltinModel model(String name, String entry) {
        return new BuiltinModel(name, "fuzz", "bgswap-fuzz-" + name, "1.0.0", entry, 64,
                "0".repeat(64), "test", ModelFormat.ONNX, new ModelDescriptor("input", "output", TensorLayout.NCHW,
                8, 8, new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f}, 8, 8, false));
    }

    @FuzzTest(maxDuration = "120s")
    void importTarball(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        byte[] tgz = data;
        if ((data[0] & 1) == 1) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data, 1, data.length - 1);
            }
            tgz = out.toByteArray();
        }
        BuiltinModel model = (data[0] & 2) == 2 ? CHUNKED : PLAIN;
        Path tarballs = Files.createDirectories(ROOT.resolve("tarballs"));
        Files.write(tarballs.resolve(model.npmPackage() + "-1.0.0.tgz"), tgz);
        ModelStore store = ModelStore.builder().home(ROOT.resolve("home")).tarballs(tarballs).offline(true).build();
        try {
            store.resolve(model);
            throw new IllegalStateException("a model that cannot match its pin was accepted");
        } catch (BgSwapException expected) {
            // damaged package, reported as such
        }
        try (var left = Files.list(ROOT.resolve("home/models"))) {
            if (left.anyMatch(p -> !p.getFileName().toString().equals(".lock"))) {
                throw new IllegalStateException("the cache kept something from a bad package");
            }
        }
    }
}
