package io.bgswap.model;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A model bgswap knows by name: which npm package version carries it, where inside the package,
 * its size and sha256, its licence, and how to feed it. Every byte that reaches the cache is
 * checked against these pins, so the download can be audited.
 *
 * @param name        short name used on the command line ({@code isnet-medium})
 * @param description one line for listings
 * @param npmPackage  npm package name
 * @param npmVersion  exact package version
 * @param entry       where the file lies in the package: a path ({@code package/...}) or, for
 *                    chunked resources, {@code resources.json#key}
 * @param size        file size in bytes
 * @param sha256      lower-case hex sha256 of the file
 * @param licence     the model's licence
 * @param format      file format
 * @param descriptor  how to feed it
 */
public record BuiltinModel(String name, String description, String npmPackage, String npmVersion, String entry,
                           long size, String sha256, String licence, ModelFormat format,
                           ModelDescriptor descriptor) {
    private static final String IMGLY = "@imgly/background-removal-data";
    private static final String IMGLY_VERSION = "1.4.5";
    private static final String MEDIAPIPE = "@mediapipe/selfie_segmentation";
    private static final String MEDIAPIPE_VERSION = "0.1.1675465747";

    private static final ModelDescriptor ISNET = new ModelDescriptor("input", "output", TensorLayout.NCHW,
            1024, 1024, new float[] {128f, 128f, 128f}, new float[] {256f, 256f, 256f}, 1024, 1024, false);

    /** ISNet (DIS), uint8 dynamically quantised weights; high-quality stills. */
    public static final BuiltinModel ISNET_SMALL = new BuiltinModel("isnet-small",
            "ISNet (DIS) salient-object segmentation, quantised uint8, 1024x1024",
            IMGLY, IMGLY_VERSION, "package/dist/resources.json#/models/small", 44_342_436L,
            "7001d60734fdc112dd9c062635fb59cd401fb82a9d4213134bce4dbd655c803a", "MIT (DIS / ISNet)",
            ModelFormat.ONNX, ISNET);

    /** ISNet (DIS), fp16 weights; high-quality stills. */
    public static final BuiltinModel ISNET_MEDIUM = new BuiltinModel("isnet-medium",
            "ISNet (DIS) salient-object segmentation, fp16 weights, 1024x1024",
            IMGLY, IMGLY_VERSION, "package/dist/resources.json#/models/medium", 88_188_479L,
            "b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb", "MIT (DIS / ISNet)",
            ModelFormat.ONNX, ISNET);

    /** MediaPipe selfie segmentation, general (square) variant; real-time person segmentation. */
    public static final BuiltinModel SELFIE = new BuiltinModel("selfie",
            "MediaPipe selfie person segmentation, 256x256, real time",
            MEDIAPIPE, MEDIAPIPE_VERSION, "package/selfie_segmentation.tflite", 249_024L,
            "8d13b7fae74af625c641226813616a2117bd6bca19eb3b75574621fc08557f27", "Apache-2.0",
            ModelFormat.TFLITE, new ModelDescriptor("input_1", "activation_10", TensorLayout.NHWC, 256, 256,
                    new float[] {0f, 0f, 0f}, new float[] {255f, 255f, 255f}, 256, 256, false));

    /** MediaPipe selfie segmentation, landscape variant (144x256). */
    public static final BuiltinModel SELFIE_LANDSCAPE = new BuiltinModel("selfie-landscape",
            "MediaPipe selfie person segmentation, 144x256 (landscape), real time",
            MEDIAPIPE, MEDIAPIPE_VERSION, "package/selfie_segmentation_landscape.tflite", 249_792L,
            "4aafe6223bb8dac6fac8ca8ed56852870a33051ef3f6238822d282a109962894", "Apache-2.0",
            ModelFormat.TFLITE, new ModelDescriptor("input_1", "segment_back", TensorLayout.NHWC, 256, 144,
                    new float[] {0f, 0f, 0f}, new float[] {255f, 255f, 255f}, 256, 144, false));

    private static final List<BuiltinModel> ALL = List.of(ISNET_SMALL, ISNET_MEDIUM, SELFIE, SELFIE_LANDSCAPE);

    public BuiltinModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(npmPackage, "npmPackage");
        Objects.requireNonNull(npmVersion, "npmVersion");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(descriptor, "descriptor");
    }

    /** @return every built-in model */
    public static List<BuiltinModel> all() {
        return ALL;
    }

    /**
     * @param name a built-in model's name
     * @return the model
     * @throws BgSwapException {@link ErrorCode#MODEL_NOT_FOUND} naming the known models
     */
    public static BuiltinModel named(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (BuiltinModel m : ALL) {
            if (m.name.equals(n)) {
                return m;
            }
        }
        throw new BgSwapException(ErrorCode.MODEL_NOT_FOUND, "Unknown model '" + name + "'; built-in models are "
                + ALL.stream().map(BuiltinModel::name).collect(Collectors.joining(", "))
                + ", or give the path of a model file");
    }

    /** @return the file name in the cache: name, hash prefix and extension */
    public String cacheFileName() {
        String ext = format == ModelFormat.TFLITE ? ".tflite" : ".onnx";
        return name + "-" + sha256.substring(0, 12) + ext;
    }

    /** @return whether the file is assembled from chunks listed in a resource index */
    public boolean isChunked() {
        return entry.contains("#");
    }
}
