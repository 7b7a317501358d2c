package io.bgswap.spark;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;
import io.bgswap.image.Images;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The per-partition work of {@link BgSwapSparkJob}: turns each input row ({@code path}, and
 * {@code content} when the bytes were read by Spark) into exactly one result row. A bad image
 * becomes a row with status {@code FAILED} and its {@link ErrorCode}; only a failure to load the
 * model fails the task, since no row of it could succeed.
 *
 * <p>Rows are produced lazily, one image at a time, so a partition of any size runs in constant
 * memory. Instances are serialised to the executors; each executor thread uses its own copy.
 */
final class SwapPartition implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SwapPartition.class);
    /** Error code of a failure that is not a {@link BgSwapException} (a defect, not bad input). */
    static final String UNEXPECTED = "UNEXPECTED";

    private final SwapJobOptions options;
    private final Broadcast<HadoopConf> conf;

    /**
     * @param options what to do
     * @param conf    the driver's Hadoop configuration, broadcast: each executor deserialises its
     *                hundreds of entries once, not once per task
     */
    SwapPartition(SwapJobOptions options, Broadcast<HadoopConf> conf) {
        this.options = options;
        this.conf = conf;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> inputs) {
        if (!inputs.hasNext()) {
            return Collections.emptyIterator();
        }
        BackgroundSwapper swapper = ExecutorSwappers.get(options.swapperKey());
        Background background = options.matteOnly() ? null : Background.parse(options.background());
        Configuration hadoop = conf.value().get();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return inputs.hasNext();
            }

            @Override
            public Row next() {
                if (!inputs.hasNext()) {
                    throw new NoSuchElementException();
                }
                return process(inputs.next(), swapper, background, hadoop);
            }
        };
    }

    private Row process(Row input, BackgroundSwapper swapper, Background background, Configuration hadoop) {
        String path = input.getAs("path");
        long t0 = System.nanoTime();
        double decodeMs = Double.NaN;
        double inferMs = Double.NaN;
        try {
            byte[] bytes = hasContent(input) ? input.getAs("content") : null;
            if (bytes == null) {
                // an encoded file with more bytes than the pixel limit (at least 64 MiB) is no sane image
                bytes = OutputFiles.read(path, hadoop, Math.max(1L << 26, options.maxPixels()));
            }
            ArgbImage image = ImageFiles.decode(bytes, path, options.maxPixels());
            long t1 = System.nanoTime();
            decodeMs = ms(t0, t1);
            ArgbImage result = options.matteOnly() ? Images.matteToArgb(swapper.matte(image)) : swapper.replace(image, background);
            long t2 = System.nanoTime();
            inferMs = ms(t1, t2);
            ImageFormat format = options.format();
            byte[] encoded = ImageFiles.encode(result, format, options.quality());
            String out = OutputFiles.write(options.outputDir(), OutputFiles.outputName(path, format), encoded, hadoop);
            return RowFactory.create(path, "OK", null, null, out, image.width(), image.height(), decodeMs, inferMs, ms(t2, System.nanoTime()));
        } catch (BgSwapException e) {
            LOG.warn("{} [{}]", e.getMessage(), e.code());
            return failed(path, e.code().name(), e.getMessage(), decodeMs, inferMs);
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure on {}", path, e);
            return failed(path, UNEXPECTED, e.toString(), decodeMs, inferMs);
        }
    }

    private static Row failed(String path, String code, String message, double decodeMs, double inferMs) {
        return RowFactory.create(path, "FAILED", code, message, null, null, null, nan(decodeMs), nan(inferMs), null);
    }

    private static Double nan(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static boolean hasContent(Row row) {
        return Arrays.asList(row.schema().fieldNames()).contains("content");
    }

    private static double ms(long from, long to) {
        return (to - from) / 1e6;
    }

    /** A Hadoop configuration that can be broadcast to the executors (Configuration is not Serializable). */
    static final class HadoopConf implements Serializable {
        private static final long serialVersionUID = 1L;
        private transient Configuration conf;

        HadoopConf(Configuration conf) {
            this.conf = conf;
        }

        Configuration get() {
            return conf;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            conf.write(out);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            conf = new Configuration(false);
            conf.readFields(in);
        }
    }
}
