package io.bgswap.spark;

import io.bgswap.Background;
import io.bgswap.BgSwapException;
import io.bgswap.Device;
import io.bgswap.ErrorCode;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a {@link BgSwapSparkJob} does with each image and where it puts the results. Travels from
 * the driver to the executors inside the task closure, so it holds only plain values.
 *
 * <p>Model settings left unset ({@code null}) come from each executor's system properties and
 * environment ({@code bgswap.model}, {@code bgswap.backend}, {@code bgswap.device},
 * {@code bgswap.home}, {@code bgswap.offline}, {@code bgswap.npm.tarballs} and their
 * {@code BGSWAP_*} variables), as everywhere else in bgswap.
 *
 * <p>A model home or tarball directory written {@code sparkfiles:NAME} names a file or unpacked
 * archive shipped with the job ({@code --files}, {@code --archives}); {@code sparkfiles:} alone
 * is the directory holding every shipped file. Each executor resolves it with Spark's
 * {@code SparkFiles}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SwapJobOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Prefix of a location resolved through {@code SparkFiles} on each executor. */
    public static final String SPARK_FILES_PREFIX = "sparkfiles:";

    private final String outputDir;
    private final String resultTable;
    private final String model;
    private final String backend;
    private final String device;
    private final int threads;
    private final String modelHome;
    private final Boolean offline;
    private final String tarballs;
    private final String background;
    private final String format;
    private final float quality;
    private final long maxPixels;
    private final boolean matteOnly;
    private final int partitions;

    private SwapJobOptions(Builder b) {
        this.outputDir = stripSlash(Objects.requireNonNull(b.outputDir, "outputDir"));
        this.resultTable = b.resultTable != null ? b.resultTable : outputDir + "/bgswap-results.parquet";
        this.model = b.model;
        this.backend = b.backend;
        this.device = b.device;
        this.threads = b.threads;
        this.modelHome = b.modelHome;
        this.offline = b.offline;
        this.tarballs = b.tarballs;
        this.background = b.background;
        this.format = b.format;
        this.quality = b.quality;
        this.maxPixels = b.maxPixels;
        this.matteOnly = b.matteOnly;
        this.partitions = b.partitions;
    }

    /**
     * @param outputDir the directory (any Hadoop file system URI or local path) for the images
     * @return a builder
     */
    public static Builder builder(String outputDir) {
        return new Builder(outputDir);
    }

    private static String stripSlash(String s) {
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** @return where the output images go */
    public String outputDir() {
        return outputDir;
    }

    /** @return where the Parquet result table goes */
    public String resultTable() {
        return resultTable;
    }

    /** @return the model name, or {@code null} for the executor's setting */
    public String model() {
        return model;
    }

    /** @return the backend name, or {@code null} for the executor's setting */
    public String backend() {
        return backend;
    }

    /** @return the device text ({@code cpu}, {@code gpu:0}, {@code auto}), or {@code null} */
    public String device() {
        return device;
    }

    /** @return CPU threads per inference (each Spark task runs one inference at a time) */
    public int threads() {
        return threads;
    }

    /** @return the model cache directory, {@code sparkfiles:NAME}, or {@code null} */
    public String modelHome() {
        return modelHome;
    }

    /** @return whether the model cache may not touch the network, or {@code null} */
    public Boolean offline() {
        return offline;
    }

    /** @return a directory of {@code npm pack} tarballs, {@code sparkfiles:[NAME]}, or {@code null} */
    public String tarballs() {
        return tarballs;
    }

    /** @return the background spec ({@code transparent}, {@code #rrggbb}, {@code blur[:R]}, image path) */
    public String background() {
        return background;
    }

    /** @return the output image format */
    public ImageFormat format() {
        return ImageFormat.parse(format);
    }

    /** @return JPEG quality in (0, 1] */
    public float quality() {
        return quality;
    }

    /** @return the largest number of pixels accepted per image */
    public long maxPixels() {
        return maxPixels;
    }

    /** @return whether the alpha matte is written instead of a composite */
    public boolean matteOnly() {
        return matteOnly;
    }

    /** @return how many partitions the inputs are spread over, 0 for two per core unless they already have at least that many */
    public int partitions() {
        return partitions;
    }

    /** @return the key under which executors share one swapper */
    SwapperKey swapperKey() {
        return new SwapperKey(model, backend, device, threads, modelHome, offline, tarballs);
    }

    /** Configures {@link SwapJobOptions}. Not thread-safe. */
    public static final class Builder {
        private final String outputDir;
        private String resultTable;
        private String model;
        private String backend;
        private String device;
        private int threads = 1;
        private String modelHome;
        private Boolean offline;
        private String tarballs;
        private String background = "transparent";
        private String format = "png";
        private float quality = 0.92f;
        private long maxPixels = ImageFiles.DEFAULT_MAX_PIXELS;
        private boolean matteOnly;
        private int partitions;

        private Builder(String outputDir) {
            this.outputDir = outputDir;
        }

        /** @param path where the Parquet result table goes (default {@code <output>/bgswap-results.parquet}) @return this */
        public Builder resultTable(String path) {
            this.resultTable = path;
            return this;
        }

        /** @param name built-in model name @return this */
        public Builder model(String name) {
            this.model = name;
            return this;
        }

        /** @param name backend name @return this */
        public Builder backend(String name) {
            this.backend = name;
            return this;
        }

        /** @param device {@code cpu}, {@code gpu}, {@code gpu:N} or {@code auto} @return this */
        public Builder device(String device) {
            if (device != null) {
                Device.parse(device);
            }
            this.device = device;
            return this;
        }

        /** @param threads CPU threads per inference, default 1 (Spark runs one task per core) @return this */
        public Builder threads(int threads) {
            if (threads < 0) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "threads must be >= 0, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** @param home model cache directory on the executors, or {@code sparkfiles:NAME} @return this */
        public Builder modelHome(String home) {
            this.modelHome = home;
            return this;
        }

        /** @param offline whether executors may not download models @return this */
        public Builder offline(Boolean offline) {
            this.offline = offline;
            return this;
        }

        /** @param dir directory of {@code npm pack} tarballs, or {@code sparkfiles:[NAME]} @return this */
        public Builder tarballs(String dir) {
            this.tarballs = dir;
            return this;
        }

        /** @param spec background spec, as on the command line @return this */
        public Builder background(String spec) {
            this.background = Objects.requireNonNull(spec, "background");
            return this;
        }

        /** @param format {@code png} or {@code jpg} @return this */
        public Builder format(String format) {
            ImageFormat.parse(format);
            this.format = format;
            return this;
        }

        /** @param quality JPEG quality in (0, 1] @return this */
        public Builder quality(float quality) {
            this.quality = quality;
            return this;
        }

        /** @param maxPixels largest width × height accepted @return this */
        public Builder maxPixels(long maxPixels) {
            this.maxPixels = maxPixels;
            return this;
        }

        /** @param matteOnly write the alpha matte instead of a composite @return this */
        public Builder matteOnly(boolean matteOnly) {
            this.matteOnly = matteOnly;
            return this;
        }

        /** @param partitions number of input partitions, 0 for two per core unless the input already has at least that many @return this */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /**
         * Checks the settings that can be checked on the driver, so that a typo fails at once
         * rather than in every task.
         *
         * @return the options
         */
        public SwapJobOptions build() {
            ImageFormat f = ImageFormat.parse(format);
            String bg = background.trim().toLowerCase(java.util.Locale.ROOT);
            if (!matteOnly && !f.supportsAlpha() && (bg.equals("transparent") || bg.equals("none"))) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT,
                        "A transparent background needs PNG output; choose --format png or a background colour");
            }
            if (!(quality > 0f && quality <= 1f)) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "quality must be in (0, 1], got " + quality);
            }
            if (partitions < 0) {
                throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "partitions must be >= 0, got " + partitions);
            }
            return new SwapJobOptions(this);
        }
    }
}
