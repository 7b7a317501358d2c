package io.bgswap.model;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A model ready to be opened by a backend: a local file (or SavedModel directory), its format and
 * its descriptor. Immutable and thread-safe.
 *
 * @param name       a display name ({@code isnet-medium}, or the file name for user models)
 * @param path       the model file or directory
 * @param format     its format
 * @param descriptor how to feed it and read its answer
 */
public record ModelSource(String name, Path path, ModelFormat format, ModelDescriptor descriptor) {
    public ModelSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(descriptor, "descriptor");
    }

    /**
     * A user's own model file; the format comes from its extension ({@code .onnx}, {@code .tflite},
     * {@code .pt}/{@code .torchscript}, or a directory for a SavedModel).
     *
     * @param path       the file
     * @param descriptor how to feed it
     * @return the source
     */
    public static ModelSource ofFile(Path path, ModelDescriptor descriptor) {
        if (!Files.exists(path)) {
            throw new BgSwapException(ErrorCode.MODEL_NOT_FOUND, "Model file " + path + " does not exist");
        }
        return new ModelSource(path.getFileName().toString(), path, formatOf(path), descriptor);
    }

    /**
     * @param path a model file or directory
     * @return the format its name implies
     */
    public static ModelFormat formatOf(Path path) {
        if (Files.isDirectory(path)) {
            return ModelFormat.SAVED_MODEL;
        }
        String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".onnx")) {
            return ModelFormat.ONNX;
        }
        if (n.endsWith(".tflite")) {
            return ModelFormat.TFLITE;
        }
        if (n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".torchscript")) {
            return ModelFormat.TORCHSCRIPT;
        }
        throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL,
                "Cannot tell the format of " + path + ": name it .onnx, .tflite or .pt, or give a SavedModel directory");
    }
}
