package io.bgswap.testing;

import io.bgswap.model.BuiltinModel;
import io.bgswap.model.ModelDescriptor;
import io.bgswap.model.ModelFormat;
import io.bgswap.model.TensorLayout;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * A small npm package made in a test, laid out as {@code npm pack} lays one out, carrying a
 * "model" of random bytes, plus the catalog entry that pins it. Lets the model cache be tested
 * (tarball directories, {@code file:} registries, damage, races) without any real download.
 *
 * @param name    the package name (unscoped)
 * @param version its version
 * @param model   the bytes of the model file
 * @param tgz     the packed tarball
 */
public record FakeNpmPackage(String name, String version, byte[] model, byte[] tgz) {
    /** Where the model lies inside the package. */
    public static final String ENTRY = "package/model.onnx";

    /**
     * @param name      package name
     * @param modelSize bytes of random model content
     * @param seed      random seed
     * @return the package
     */
    public static FakeNpmPackage create(String name, int modelSize, long seed) {
        byte[] model = new byte[modelSize];
        new Random(seed).nextBytes(model);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/package.json", ("{\"name\":\"" + name + "\",\"version\":\"1.0.0\"}").getBytes(StandardCharsets.UTF_8));
        files.put(ENTRY, model);
        return new FakeNpmPackage(name, "1.0.0", model, tgz(files));
    }

    /** @return a gzip-compressed tar of the given entries */
    public static byte[] tgz(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @return the catalog entry pinning this package's model */
    public BuiltinModel builtin() {
        return new BuiltinModel(name + "-model", "test model", name, version, ENTRY, model.length, sha256(model),
                "test", ModelFormat.ONNX, new ModelDescriptor("input", "output", TensorLayout.NCHW, 8, 8,
                new float[] {0f, 0f, 0f}, new float[] {1f, 1f, 1f}, 8, 8, false));
    }

    /** @return the file name {@code npm pack} would give the tarball */
    public String packFileName() {
        return name + "-" + version + ".tgz";
    }

    /**
     * Writes the tarball into a directory usable as {@code bgswap.npm.tarballs}.
     *
     * @param dir the directory
     * @return the tarball's path
     */
    public Path writeTarball(Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve(packFileName()), tgz);
    }

    /**
     * Lays out a {@code file:} registry holding this package: metadata at {@code <name>/<version>}
     * pointing at the tarball, with the sha512 integrity of {@code integrityOf}.
     *
     * @param dir         the registry root
     * @param integrityOf the bytes whose hash the metadata announces (normally {@link #tgz})
     * @return the registry's address
     */
    public java.net.URI writeRegistry(Path dir, byte[] integrityOf) throws IOException {
        Path tarball = Files.createDirectories(dir.resolve("tarballs")).resolve(packFileName());
        Files.write(tarball, tgz);
        String integrity = "sha512-" + Base64.getEncoder().encodeToString(digest("SHA-512", integrityOf));
        Path meta = Files.createDirectories(dir.resolve(name)).resolve(version);
        Files.writeString(meta, "{\"name\":\"" + name + "\",\"version\":\"" + version + "\",\"dist\":{\"tarball\":\""
                + tarball.toUri() + "\",\"integrity\":\"" + integrity + "\"}}");
        return dir.toUri();
    }

    /** @return lower-case hex sha256 */
    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(digest("SHA-256", data));
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
