package io.bgswap.server;

import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.model.ModelStore;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link BgSwapServer}. Immutable and thread-safe; build one with {@link #builder()}.
 *
 * @param bind                address to listen on ({@code 127.0.0.1} by default: loopback only)
 * @param port                TCP port, 0 for any free port
 * @param workers             inference workers (images processed at once)
 * @param queueCapacity       requests that may wait for a worker; beyond that the service answers 503
 * @param threadsPerInference CPU threads each inference may use, 0 for the backend's default
 * @param maxBodyBytes        largest request body accepted (413 above it)
 * @param maxPixels           largest image accepted, width × height (422 above it)
 * @param requestTimeout      time from receipt to answer after which the service answers 504
 * @param shutdownGrace       how long {@link BgSwapServer#close()} waits for requests in flight
 * @param defaultModel        the model used when a request names none
 * @param backend             backend name, {@code null} for automatic choice
 * @param device              device, {@code null} for the library's default
 * @param modelStore          the model cache, {@code null} for the default store
 */
public record ServerConfig(String bind, int port, int workers, int queueCapacity, int threadsPerInference,
                           long maxBodyBytes, long maxPixels, Duration requestTimeout, Duration shutdownGrace,
                           String defaultModel, String backend, Device device, ModelStore modelStore) {
    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(defaultModel, "defaultModel");
        check(port >= 0 && port <= 65535, "port must be in 0..65535, was " + port);
        check(workers >= 1, "workers must be >= 1, was " + workers);
        check(queueCapacity >= 0, "queue capacity must be >= 0, was " + queueCapacity);
        check(threadsPerInference >= 0, "threads per inference must be >= 0, was " + threadsPerInference);
        check(maxBodyBytes >= 1, "body limit must be >= 1 byte, was " + maxBodyBytes);
        check(maxPixels >= 1, "pixel limit must be >= 1, was " + maxPixels);
        check(!requestTimeout.isNegative() && !requestTimeout.isZero(), "request timeout must be positive");
        check(!shutdownGrace.isNegative(), "shutdown grace must not be negative");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, message);
        }
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings for a {@link ServerConfig}. Not thread-safe. */
    public static final class Builder {
        private String bind = "127.0.0.1";
        private int port = 8080;
        private int workers = Runtime.getRuntime().availableProcessors();
        private int queueCapacity = -1;
        private int threadsPerInference = 0;
        private long maxBodyBytes = 25L << 20;
        private long maxPixels = 40_000_000L;
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private String defaultModel = BackgroundSwapper.DEFAULT_MODEL;
        private String backend;
        private Device device;
        private ModelStore modelStore;

        private Builder() {
        }

        /** @param bind address to listen on @return this */
        public Builder bind(String bind) {
            this.bind = bind;
            return this;
        }

        /** @param port TCP port, 0 for any free one @return this */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** @param workers inference workers; default: the number of cores @return this */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** @param capacity waiting requests allowed, -1 for the default: twice the workers @return this */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * @param threads CPU threads per inference; 0 (the default) for every core the JVM may
         *                use. Workers' inferences running at once take their threads from the
         *                process's cores and wait while these are taken, so the default gives one
         *                request all cores while the other workers decode and encode.
         * @return this
         */
        public Builder threadsPerInference(int threads) {
            this.threadsPerInference = threads;
            return this;
        }

        /** @param bytes request body limit; default 25 MiB @return this */
        public Builder maxBodyBytes(long bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /** @param pixels image size limit in pixels; default 40 megapixels @return this */
        public Builder maxPixels(long pixels) {
            this.maxPixels = pixels;
            return this;
        }

        /** @param timeout per-request timeout; default 60 s @return this */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** @param grace how long shutdown waits for requests in flight; default 30 s @return this */
        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = grace;
            return this;
        }

        /** @param model built-in model used when a request names none @return this */
        public Builder defaultModel(String model) {
            this.defaultModel = model;
            return this;
        }

        /** @param backend backend name, {@code null} for automatic @return this */
        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        /** @param device device, {@code null} for the library's default @return this */
        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        /** @param store model cache, {@code null} for the default @return this */
        public Builder modelStore(ModelStore store) {
            this.modelStore = store;
            return this;
        }

        /** @return the settings */
        public ServerConfig build() {
            int queue = queueCapacity == -1 ? 2 * workers : queueCapacity;
            return new ServerConfig(bind, port, workers, queue, threadsPerInference, maxBodyBytes, maxPixels, requestTimeout,
                    shutdownGrace, defaultModel, backend, device, modelStore);
        }
    }
}
