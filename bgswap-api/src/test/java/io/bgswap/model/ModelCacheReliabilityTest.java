package io.bgswap.model;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.testing.FakeNpmPackage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Damaged caches, cut downloads, bad packages and racing processes, with packages made here. */
class ModelCacheReliabilityTest {
    @TempDir
    Path tmp;

    private static final AtomicInteger SEQ = new AtomicInteger();

    /** Each test gets its own package name: the store remembers verified files per path. */
    private FakeNpmPackage newPackage(int size) {
        int n = SEQ.incrementAndGet();
        return FakeNpmPackage.create("bgswap-test-pkg-" + n + "-" + System.nanoTime(), size, n);
    }

    private static List<String> namesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertGoodCopy(Path file, FakeNpmPackage pkg) throws IOException {
        assertThat(FakeNpmPackage.sha256(Files.readAllBytes(file))).isEqualTo(pkg.builtin().sha256());
    }

    @Test
    void fetchesFromTarballDirectoryAndLeavesNothingElse() throws IOException {
        FakeNpmPackage pkg = newPackage(50_000);
        pkg.writeTarball(tmp.resolve("tarballs"));
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).tarballs(tmp.resolve("tarballs")).offline(true).build();
        Path file = store.resolve(pkg.builtin());
        assertGoodCopy(file, pkg);
        assertThat(namesIn(tmp.resolve("home/models"))).containsExactly(".lock", pkg.builtin().cacheFileName());
    }

    @Test
    void damagedCachedFileIsDetectedAndFetchedAgain() throws IOException {
        FakeNpmPackage pkg = newPackage(40_000);
        pkg.writeTarball(tmp.resolve("tarballs"));
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).tarballs(tmp.resolve("tarballs")).build();
        Path file = store.resolve(pkg.builtin());

        // Same size, one byte changed (bit rot): only the hash can tell.
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(1234);
            int b = f.read();
            f.seek(1234);
            f.write(b ^ 0xFF);
        }
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertThat(store.resolve(pkg.builtin())).isEqualTo(file);
        assertGoodCopy(file, pkg);

        // Cut short.
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(1000);
        }
        store.resolve(pkg.builtin());
        assertGoodCopy(file, pkg);
    }

    @Test
    void damagedCachedFileOfflineIsReportedAndLeftForTheUser() throws IOException {
        FakeNpmPackage pkg = newPackage(30_000);
        Path home = tmp.resolve("home");
        Path file = home.resolve("models").resolve(pkg.builtin().cacheFileName());
        Files.createDirectories(file.getParent());
        Files.write(file, Arrays.copyOf(pkg.model(), 20_000));
        ModelStore offline = ModelStore.builder().home(home).offline(true).build();
        assertThatThrownBy(() -> offline.resolve(pkg.builtin()))
                .isInstanceOfSatisfying(BgSwapException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CHECKSUM_MISMATCH);
                    assertThat(e.getMessage()).contains(file.toString()).contains("offline");
                });
        assertThat(Files.size(file)).isEqualTo(20_000);

        // Offline with a tarball directory, the store can repair it without a network.
        pkg.writeTarball(tmp.resolve("tarballs"));
        ModelStore repaired = ModelStore.builder().home(home).offline(true).tarballs(tmp.resolve("tarballs")).build();
        assertGoodCopy(repaired.resolve(pkg.builtin()), pkg);
    }

    @Test
    void missingModelOfflineIsModelNotFound() {
        FakeNpmPackage pkg = newPackage(1000);
        ModelStore offline = ModelStore.builder().home(tmp.resolve("home")).offline(true).build();
        assertThatThrownBy(() -> offline.resolve(pkg.builtin()))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND));
    }

    @Test
    void interruptedDownloadLeavesNoFileThatLooksComplete() throws IOException {
        FakeNpmPackage pkg = newPackage(300_000);
        Path home = tmp.resolve("home");
        java.net.URI registry = pkg.writeRegistry(tmp.resolve("registry"), pkg.tgz());
        ModelStore cut = ModelStore.builder().home(home).offline(false).registry(registry)
                .listener((what, bytes) -> {
                    throw new IllegalStateException("connection dropped after " + bytes + " bytes");
                }).build();
        assertThatThrownBy(() -> cut.resolve(pkg.builtin())).hasMessageContaining("connection dropped");
        assertThat(namesIn(home.resolve("models"))).containsExactly(".lock");
        assertThat(namesIn(home.resolve("downloads"))).isEmpty();

        // What a JVM killed mid-fetch leaves: temporary files and a half-extracted folder.
        Files.write(home.resolve("models").resolve("." + pkg.builtin().cacheFileName() + ".1234.part"), new byte[10]);
        Files.createDirectories(home.resolve("models/.extract-999")).resolve("f0").toFile().createNewFile();
        Files.createDirectories(home.resolve("downloads"));
        Files.write(home.resolve("downloads").resolve("." + pkg.packFileName() + ".77.part"), new byte[10]);
        assertThat(ModelStore.builder().home(home).offline(true).build().isCached(pkg.builtin())).isFalse();

        ModelStore store = ModelStore.builder().home(home).offline(false).registry(registry).build();
        assertGoodCopy(store.resolve(pkg.builtin()), pkg);
        assertThat(namesIn(home.resolve("models"))).containsExactly(".lock", pkg.builtin().cacheFileName());
        assertThat(namesIn(home.resolve("downloads"))).isEmpty();
    }

    @Test
    void tarballFailingTheRegistryIntegrityNeverReachesTheCache() throws IOException {
        FakeNpmPackage pkg = newPackage(10_000);
        Path home = tmp.resolve("home");
        java.net.URI registry = pkg.writeRegistry(tmp.resolve("registry"), "something else".getBytes());
        ModelStore store = ModelStore.builder().home(home).offline(false).registry(registry).build();
        assertThatThrownBy(() -> store.resolve(pkg.builtin()))
                .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CHECKSUM_MISMATCH));
        assertThat(namesIn(home.resolve("models"))).containsExactly(".lock");
        assertThat(namesIn(home.resolve("downloads"))).isEmpty();
    }

    @Test
    void damagedOrForeignTarballsAreReportedByName() throws IOException {
        FakeNpmPackage pkg = newPackage(20_000);
        Path tarballs = tmp.resolve("tarballs");
        Path tgz = pkg.writeTarball(tarballs);
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).tarballs(tarballs).offline(true).build();
        List<byte[]> bad = new ArrayList<>();
        bad.add(Arrays.copyOf(pkg.tgz(), pkg.tgz().length / 2));
        bad.add("not a tarball at all".getBytes());
        bad.add(new byte[0]);
        byte[] flipped = pkg.tgz().clone();
        flipped[flipped.length / 2] ^= 0x55;
        bad.add(flipped);
        bad.add(FakeNpmPackage.tgz(java.util.Map.of("package/other.bin", new byte[10])));
        bad.add(FakeNpmPackage.tgz(java.util.Map.of(FakeNpmPackage.ENTRY, new byte[pkg.model().length])));
        for (byte[] content : bad) {
            Files.write(tgz, content);
            assertThatThrownBy(() -> store.resolve(pkg.builtin()))
                    .isInstanceOfSatisfying(BgSwapException.class, e -> {
                        assertThat(e.code()).isIn(ErrorCode.DOWNLOAD_FAILED, ErrorCode.CHECKSUM_MISMATCH);
                        assertThat(e.getMessage()).containsAnyOf(tgz.getFileName().toString(), pkg.name());
                    });
            assertThat(namesIn(tmp.resolve("home/models"))).containsExactly(".lock");
        }
    }

    @Test
    void chunkedModelWithBrokenIndexIsDownloadFailed() throws IOException {
        byte[] part1 = "first half of a model".getBytes();
        byte[] part2 = "second half of a model".getBytes();
        byte[] whole = io.bgswap.testing.TestImages.concat(part1, part2);
        String h1 = FakeNpmPackage.sha256(part1);
        String h2 = FakeNpmPackage.sha256(part2);
        String name = "bgswap-test-chunked-" + System.nanoTime();
        BuiltinModel model = new BuiltinModel(name + "-model", "chunked", name, "1.0.0", "package/dist/resources.json#/models/x",
                whole.length, FakeNpmPackage.sha256(whole), "test", ModelFormat.ONNX,
                FakeNpmPackage.create("x", 1, 1).builtin().descriptor());
        Path tarballs = tmp.resolve("tarballs");
        Files.createDirectories(tarballs);
        Path tgz = tarballs.resolve(name + "-1.0.0.tgz");
        ModelStore store = ModelStore.builder().home(tmp.resolve("home")).tarballs(tarballs).offline(true).build();
        for (String index : new String[] {"{\"/models/x\": {\"chunks\": [", "[[[[[[[[[[", "{}", "{\"/models/x\":{\"chunks\":[{\"hash\":\"zz\"}]}}",
                "[".repeat(100_000)}) {
            Files.write(tgz, FakeNpmPackage.tgz(java.util.Map.of("package/dist/resources.json", index.getBytes(),
                    "package/dist/" + h1, part1, "package/dist/" + h2, part2)));
            assertThatThrownBy(() -> store.resolve(model))
                    .isInstanceOfSatisfying(BgSwapException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DOWNLOAD_FAILED));
        }
        java.util.Map<String, byte[]> good = new java.util.LinkedHashMap<>();
        good.put("package/dist/resources.json", ("{\"/models/x\":{\"chunks\":[{\"hash\":\"" + h1 + "\"},{\"hash\":\"" + h2 + "\"}]}}").getBytes());
        good.put("package/dist/" + h2, part2);
        good.put("package/dist/" + h1, part1);
        Files.write(tgz, FakeNpmPackage.tgz(good));
        assertThat(Files.readAllBytes(store.resolve(model))).isEqualTo(whole);
    }

    @Test
    void threeJvmsFetchingAtOnceEndWithOneGoodCopy() throws Exception {
        FakeNpmPackage pkg = newPackage(6_000_000);
        Path tarballs = tmp.resolve("tarballs");
        pkg.writeTarball(tarballs);
        Path home = tmp.resolve("home");
        BuiltinModel m = pkg.builtin();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            processes.add(new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    FetchMain.class.getName(), home.toString(), tarballs.toString(), pkg.name(), pkg.version(),
                    Long.toString(m.size()), m.sha256())
                    .redirectErrorStream(true).start());
        }
        for (Process p : processes) {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).endsWith(m.cacheFileName());
        }
        assertGoodCopy(home.resolve("models").resolve(m.cacheFileName()), pkg);
        assertThat(namesIn(home.resolve("models"))).containsExactly(".lock", m.cacheFileName());
    }
}
