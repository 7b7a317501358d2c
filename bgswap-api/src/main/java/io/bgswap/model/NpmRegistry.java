package io.bgswap.model;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.internal.AtomicFiles;
import io.bgswap.internal.Hashes;
import io.bgswap.internal.Json;
import io.bgswap.internal.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Fetches package tarballs from an npm registry. The registry is never written into bgswap: it is
 * the {@code bgswap.npm.registry} property, else {@code BGSWAP_NPM_REGISTRY}, else the user's npm
 * configuration ({@code NPM_CONFIG_REGISTRY}, {@code ~/.npmrc}, then {@code npm config get registry}).
 * Both {@code https:} and {@code file:} registries work; a {@code file:} registry is a directory
 * holding {@code <package>/<version>} metadata documents, as a registry mirror lays them out.
 *
 * <p>Thread-safe: instances hold only immutable state.
 */
public final class NpmRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(NpmRegistry.class);

    private final URI registry;
    private final HttpClient http;

    private NpmRegistry(URI registry) {
        this.registry = registry;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * @param registry base address of the registry
     * @return a client for it
     */
    public static NpmRegistry at(URI registry) {
        String s = registry.toString();
        return new NpmRegistry(URI.create(s.endsWith("/") ? s : s + "/"));
    }

    /**
     * Finds the registry from bgswap's setting or the user's npm configuration.
     *
     * @return the registry, or empty when none is configured anywhere
     */
    public static Optional<URI> configured() {
        Optional<String> own = Settings.get("bgswap.npm.registry", "BGSWAP_NPM_REGISTRY");
        if (own.isPresent()) {
            return own.map(URI::create);
        }
        for (String env : new String[] {"NPM_CONFIG_REGISTRY", "npm_config_registry"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                return Optional.of(URI.create(v.trim()));
            }
        }
        Optional<URI> fromRc = readNpmrc(Path.of(System.getProperty("user.home"), ".npmrc"));
        if (fromRc.isPresent()) {
            return fromRc;
        }
        return askNpm();
    }

    static Optional<URI> readNpmrc(Path npmrc) {
        if (!Files.isRegularFile(npmrc)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(npmrc, StandardCharsets.UTF_8)) {
                String t = line.trim();
                if (t.startsWith("registry")) {
                    int eq = t.indexOf('=');
                    if (eq > 0 && t.substring(0, eq).trim().equals("registry")) {
                        String v = t.substring(eq + 1).trim();
                        if (!v.isEmpty()) {
                            return Optional.of(URI.create(v));
                        }
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("Cannot read {}: {}", npmrc, e.toString());
        }
        return Optional.empty();
    }

    private static Optional<URI> askNpm() {
        try {
            Process p = new ProcessBuilder("npm", "config", "get", "registry")
                    .redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                out = r.readLine();
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            if (p.exitValue() == 0 && out != null && (out.startsWith("http") || out.startsWith("file:"))) {
                return Optional.of(URI.create(out.trim()));
            }
        } catch (IOException e) {
            LOG.debug("npm not available: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /** @return the registry's base address */
    public URI uri() {
        return registry;
    }

    /**
     * Downloads a package version's tarball, verifying the registry's integrity hash, to a file.
     *
     * @param pkg      package name, e.g. {@code @scope/name}
     * @param version  exact version
     * @param target   where the finished tarball goes (written atomically)
     * @param progress receives the number of bytes read so far; may be {@code null}
     */
    public void downloadTarball(String pkg, String version, Path target, LongConsumer progress) {
        URI metaUri = registry.resolve(pkg.replace("/", "%2f") + "/" + version);
        Object meta;
        try (InputStream in = open(metaUri)) {
            meta = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED,
                    "Cannot read metadata of " + pkg + "@" + version + " from the npm registry " + registry + ": " + e.getMessage(), e);
        }
        Object tarball = Json.path(meta, "dist", "tarball");
        Object integrity = Json.path(meta, "dist", "integrity");
        if (!(tarball instanceof String)) {
            throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED,
                    "The npm registry " + registry + " has no tarball for " + pkg + "@" + version);
        }
        String expected = integrity instanceof String s && s.startsWith("sha512-") ? s.substring(7) : null;
        URI tarballUri;
        try {
            tarballUri = registry.resolve((String) tarball);
        } catch (IllegalArgumentException e) {
            throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, "The npm registry " + registry
                    + " gives a malformed tarball address for " + pkg + "@" + version + ": " + tarball, e);
        }
        MessageDigest md = Hashes.digest("SHA-512");
        try {
            // The hash is checked before the rename, so a cut or altered download never gets the final name.
            AtomicFiles.write(target, out -> {
                copy(open(tarballUri), out, md, progress);
                if (expected != null) {
                    String actual = Base64.getEncoder().encodeToString(md.digest());
                    if (!actual.equals(expected)) {
                        throw new BgSwapException(ErrorCode.CHECKSUM_MISMATCH, pkg + "@" + version
                                + ": tarball integrity sha512-" + actual + " differs from the registry's sha512-" + expected);
                    }
                }
            });
        } catch (BgSwapException e) {
            if (e.code() == ErrorCode.IO_ERROR) {
                throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, "Download of " + pkg + "@" + version + " from "
                        + tarballUri + " failed: " + e.getCause(), e);
            }
            throw e;
        } catch (IllegalArgumentException e) {
            throw new BgSwapException(ErrorCode.DOWNLOAD_FAILED, "Cannot fetch " + tarballUri + ": " + e.getMessage(), e);
        }
    }

    private static void copy(InputStream source, OutputStream out, MessageDigest md, LongConsumer progress) throws IOException {
        try (InputStream in = source) {
            byte[] buf = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                md.update(buf, 0, n);
                total += n;
                if (progress != null) {
                    progress.accept(total);
                }
            }
        }
    }

    private InputStream open(URI uri) throws IOException {
        if ("file".equals(uri.getScheme())) {
            return Files.newInputStream(Path.of(uri));
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMinutes(10))
                .header("Accept", "application/json, application/octet-stream")
                .GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("HTTP " + response.statusCode() + " for " + uri);
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
