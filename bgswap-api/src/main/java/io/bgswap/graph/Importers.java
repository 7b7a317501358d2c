package io.bgswap.graph;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.tflite.TfliteImporter;
import io.bgswap.model.ModelSource;

import java.io.IOException;
import java.nio.file.Files;

/**
 * Reads model files into the engine-neutral {@link Graph}. Backends call {@link #load} for every
 * {@link io.bgswap.model.ModelFormat} they do not read natively. Stateless and thread-safe.
 */
public final class Importers {
    private Importers() {
    }

    /**
     * @param source a model file
     * @return its graph
     * @throws BgSwapException {@link ErrorCode#UNSUPPORTED_MODEL} when the format has no importer
     *                         or the model uses an unsupported operator, {@link ErrorCode#IO_ERROR}
     *                         when the file cannot be read
     */
    public static Graph load(ModelSource source) {
        byte[] data;
        try {
            data = Files.readAllBytes(source.path());
        } catch (IOException e) {
            throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot read model " + source.name() + " at " + source.path()
                    + ": " + e.getMessage(), e);
        }
        return switch (source.format()) {
            case TFLITE -> TfliteImporter.read(source.name(), data);
            default -> throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + source.name() + " is a "
                    + source.format() + " model; bgswap can import only TFLITE files into its graph");
        };
    }
}
