package io.bgswap.model;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelStoreTest {
    private static final ModelDescriptor DESCRIPTOR = new ModelDescriptor("in", "out", TensorLayout.NCHW, 4, 4,
            new float[3], new float[] {1, 1, 1}, 4, 4, false);

    @TempDir
    Path tmp;

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static byte[] tgz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(e.getKey());
                te.setSize(e.getValue().length);
                tar.putArchiveEntry(te);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    /** Lays out a file: registry holding one package version, as a mirror would. */
    private Path registry(String pkg, String version, byte[] tarball, boolean honestIntegrity) throws Exception {
        Path reg = tmp.resolve("registry");
        Path tgz = Files.createDirectories(reg.resolve(pkg).resolve("-")).resolve(pkg + "-" + version + ".tgz");
        Files.write(tgz, tarball);
        byte[] digest = MessageDigest.getInstance("SHA-512").digest(honestIntegrity ? tarball : new byte[] {1});
        String meta = "{\"name\":\"" + pkg + "\",\"version\":\"" + version + "\",\"dist\":{\"tarball\":\"" + tgz.toUri()
                + "\",\"integrity\":\"sha512-" + Base64.getEncoder().encodeToString(digest) + "\"}}";
        Files.writeString(Files.createDirectories(reg.resolve(pkg)).resolve(version), meta);
        return reg;
    }

    private static BuiltinModel model(String entry, byte[] content) throws Exception {
        return new BuiltinModel("fake", "test model", "fake-models", "1.0.0", entry, content.length, sha256(content),
                "Apache-2.0", ModelFormat.ONNX, DESCRIPTOR);
    }

    @Test
    void fetchesVerifiesAndCachesAPlainFile() throws Exception {
        byte[] content = bytes(5000, 1);
        BuiltinModel m = model("package/model.onnx", content);
        Path reg = registry("fake-models", "1.0.0", tgz(Map.of("package/model.onnx", content, "package/README.md", new byte[3])), true);
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).offline(false).registry(reg.toUri()).build();

        Path cached = store.resolve(m);
        assertThat(Files.readAllBytes(cached)).isEqualTo(content);
        assertThat(store.isCached(m)).isTrue();
        assertThat(Files.exists(tmp.resolve("home/downloads/fake-models-1.0.0.tgz"))).isFalse();

        // offline now: the cache alone serves it
        ModelStore offline = ModelStore.builder().home(tmp.resolve("home")).offline(true).build();
        assertThat(offline.resolve(m)).isEqualTo(cached);
    }

    @Test
    void assemblesChunkedResourcesInOrder() throws Exception {
        byte[] a = bytes(3000, 2);
        byte[] b = bytes(1234, 3);
        byte[] whole = new byte[a.length + b.length];
        System.arraycopy(a, 0, whole, 0, a.length);
        System.arraycopy(b, 0, whole, a.length, b.length);
        String index = "{\"/models/x\": {\"chunks\": [{\"hash\": \"" + sha256(a) + "\"}, {\"hash\": \"" + sha256(b) + "\"}]}}";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/dist/" + sha256(b), b); // chunks appear before the index, in any order
        files.put("package/dist/" + sha256(a), a);
        files.put("package/dist/resources.json", index.getBytes(StandardCharsets.UTF_8));
        BuiltinModel m = model("package/dist/resources.json#/models/x", whole);
        Path reg = registry("fake-models", "1.0.0", tgz(files), true);
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).offline(false).registry(reg.toUri()).build();
        assertThat(Files.readAllBytes(store.resolve(m))).isEqualTo(whole);
    }

    @Test
    void damagedCacheIsFetchedAgain() throws Exception {
        byte[] content = bytes(4000, 4);
        BuiltinModel m = model("package/model.onnx", content);
        Path reg = registry("fake-models", "1.0.0", tgz(Map.of("package/model.onnx", content)), true);
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).offline(false).registry(reg.toUri()).build();
        Path cached = store.cachePath(m);
        Files.createDirectories(cached.getParent());
        byte[] damaged = content.clone();
        damaged[100] ^= 1;
        Files.write(cached, damaged);
        assertThat(Files.readAllBytes(store.resolve(m))).isEqualTo(content);
    }

    @Test
    void damagedCacheOfflineIsReported() throws Exception {
        byte[] content = bytes(4000, 5);
        BuiltinModel m = model("package/model.onnx", content);
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).offline(true).build();
        Files.createDirectories(store.cachePath(m).getParent());
        Files.write(store.cachePath(m), bytes(4000, 6));
        assertThatThrownBy(() -> store.resolve(m)).isInstanceOf(BgSwapException.class)
                .satisfies(e -> assertThat(((BgSwapException) e).code()).isEqualTo(ErrorCode.CHECKSUM_MISMATCH));
    }

    @Test
    void offlineWithoutCacheSaysHowToPrefill() throws Exception {
        BuiltinModel m = model("package/model.onnx", bytes(10, 7));
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).offline(true).build();
        assertThatThrownBy(() -> store.resolve(m)).isInstanceOf(BgSwapException.class)
                .hasMessageContaining("bgswap models pull fake")
                .hasMessageContaining("npm pack fake-models@1.0.0")
                .satisfies(e -> assertThat(((BgSwapException) e).code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND));
    }

    @Test
    void offlineUsesATarballDirectory() throws Exception {
        byte[] content = bytes(2048, 8);
        BuiltinModel m = model("package/model.onnx", content);
        Path packs = Files.createDirectories(tmp.resolve("packs"));
        Files.write(packs.resolve("fake-models-1.0.0.tgz"), tgz(Map.of("package/model.onnx", content)));
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).offline(true).tarballs(packs).build();
        assertThat(Files.readAllBytes(store.resolve(m))).isEqualTo(content);
    }

    @Test
    void integrityMismatchLeavesNothingThatLooksComplete() throws Exception {
        byte[] content = bytes(3000, 9);
        BuiltinModel m = model("package/model.onnx", content);
        Path reg = registry("fake-models", "1.0.0", tgz(Map.of("package/model.onnx", content)), false);
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).offline(false).registry(reg.toUri()).build();
        assertThatThrownBy(() -> store.resolve(m)).isInstanceOf(BgSwapException.class)
                .satisfies(e -> assertThat(((BgSwapException) e).code()).isEqualTo(ErrorCode.CHECKSUM_MISMATCH));
        assertThat(store.isCached(m)).isFalse();
        try (var s = Files.walk(tmp.resolve("home"))) {
            assertThat(s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.equals(".lock"));
        }
    }

    @Test
    void contentNotMatchingThePinIsRejected() throws Exception {
        byte[] content = bytes(3000, 10);
        BuiltinModel m = model("package/model.onnx", content);
        Path reg = registry("fake-models", "1.0.0", tgz(Map.of("package/model.onnx", bytes(3000, 11))), true);
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).offline(false).registry(reg.toUri()).build();
        assertThatThrownBy(() -> store.resolve(m)).isInstanceOf(BgSwapException.class)
                .satisfies(e -> assertThat(((BgSwapException) e).code()).isEqualTo(ErrorCode.CHECKSUM_MISMATCH));
        assertThat(Files.exists(store.cachePath(m))).isFalse();
    }

    @Test
    void npmPackFileNames() {
        assertThat(ModelStore.packFileName("@imgly/background-removal-data", "1.4.5")).isEqualTo("imgly-background-removal-data-1.4.5.tgz");
        assertThat(ModelStore.packFileName("plain", "2.0.0")).isEqualTo("plain-2.0.0.tgz");
    }

    @Test
    void npmrcRegistryLineIsRead() throws Exception {
        Path rc = Files.writeString(tmp.resolve(".npmrc"), "; comment\n@scope:registry=file:/elsewhere/\nregistry = file:/mirror/\n");
        assertThat(NpmRegistry.readNpmrc(rc)).contains(java.net.URI.create("file:/mirror/"));
    }
}
