package io.bgswap.spark;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Background replacement over a collection of images as a Spark job.
 *
 * <pre>{@code
 * SwapJobOptions options = SwapJobOptions.builder("hdfs:///photos-out").model("selfie").offline(true).build();
 * BgSwapSparkJob.Summary s = BgSwapSparkJob.run(BgSwapSparkJob.listImages(spark, "hdfs:///photos"), options);
 * }</pre>
 *
 * <p>Each executor JVM loads the model once and shares it between its task threads. Every input
 * row gives exactly one row of the result table ({@link #RESULT_SCHEMA}, written as Parquet): an
 * image that cannot be read or decoded is a {@code FAILED} row with its error code, never a
 * failed job. Output images get names derived from the input path and are written by temporary
 * name and rename, so task retries and speculative attempts overwrite rather than duplicate.
 *
 * <p>Thread-safe: the class holds no state.
 */
public final class BgSwapSparkJob {
    private static final Logger LOG = LoggerFactory.getLogger(BgSwapSparkJob.class);
    /**
     * Partitions per core of the listing, and of a path table that has fewer: each task carries a
     * fixed cost (its closure, a Parquet writer, a commit), so two per core did 54 images on
     * {@code local[2]} in 4.41 s against 5.10 s with four (medians of four alternating runs),
     * while still letting a core that finishes early take another task.
     */
    static final int PARTITIONS_PER_CORE = 2;

    /**
     * One row per input: {@code input_path}, {@code status} ({@code OK} or {@code FAILED}),
     * {@code error_code} (an {@link ErrorCode} name, or {@code UNEXPECTED}), {@code error_message},
     * {@code output_path}, {@code width}, {@code height} (of the input), and {@code decode_ms},
     * {@code infer_ms} (segmentation, matting and compositing), {@code encode_ms} (encoding and
     * writing the output).
     */
    public static final StructType RESULT_SCHEMA = new StructType()
            .add("input_path", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("error_code", DataTypes.StringType, true)
            .add("error_message", DataTypes.StringType, true)
            .add("output_path", DataTypes.StringType, true)
            .add("width", DataTypes.IntegerType, true)
            .add("height", DataTypes.IntegerType, true)
            .add("decode_ms", DataTypes.DoubleType, true)
            .add("infer_ms", DataTypes.DoubleType, true)
            .add("encode_ms", DataTypes.DoubleType, true);

    private BgSwapSparkJob() {
    }

    /**
     * Lists every file under one or more directories (recursively), with the file index of Spark's
     * {@code binaryFile} source. The listing is taken from the index rather than from a scan
     * because Spark's file scans skip zero-length files, and an empty input must still get its
     * row. No file content is read here; each task reads its own files. Hidden files (names
     * starting with {@code .} or {@code _}) are skipped, as everywhere in Spark.
     *
     * <p>The listing passes through the driver; for collections of many millions of files, keep
     * a table of paths instead and pass it to {@link #process} or {@link #run}.
     *
     * @param spark     the session
     * @param inputDirs directory URIs or paths
     * @return a table with one column, {@code path}
     */
    public static Dataset<Row> listImages(SparkSession spark, String... inputDirs) {
        String[] files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(inputDirs).inputFiles();
        Arrays.sort(files);
        int slices = Math.max(1, Math.min(files.length, targetPartitions(spark)));
        JavaRDD<String> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(Arrays.asList(files), slices);
        return spark.createDataset(rdd.rdd(), Encoders.STRING()).toDF("path");
    }

    /**
     * Describes the work without running it.
     *
     * @param inputs  a table with a string column {@code path} and optionally a binary column
     *                {@code content} (as Spark's {@code binaryFile} source gives, which leaves out
     *                zero-length files); without {@code content}, each task reads its files itself
     * @param options what to do
     * @return the lazy result table ({@link #RESULT_SCHEMA})
     */
    public static Dataset<Row> process(Dataset<Row> inputs, SwapJobOptions options) {
        String[] columns = inputs.columns();
        if (!Arrays.asList(columns).contains("path")) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "The input table needs a 'path' column; it has " + Arrays.toString(columns));
        }
        boolean hasContent = Arrays.asList(columns).contains("content");
        Dataset<Row> in = hasContent ? inputs.select("path", "content") : inputs.select(functions.col("path").cast(DataTypes.StringType).as("path"));
        SparkSession spark = inputs.sparkSession();
        if (options.partitions() > 0) {
            in = in.repartition(options.partitions());
        }
        // The input is planned here, as an RDD (once more only for a path table that must be spread
        // out); the result table is made from the RDD of result rows, so writing it does not plan
        // the input again (on 2 cores, the driver's time before a 9-image job's first task: median
        // 111 against 135 ms, 13 alternating jobs).
        JavaRDD<Row> rows = in.javaRDD();
        if (options.partitions() <= 0 && !hasContent) {
            // Paths are tiny: spreading them evenly costs little and keeps every core busy. A table
            // that already has enough partitions (the one listImages makes) is left as it is, which
            // spares a shuffle stage: on 2 cores, 54 images took 5.8 s instead of 6.9 s (median of 4).
            int target = targetPartitions(spark);
            if (rows.getNumPartitions() < target) {
                rows = in.repartition(target).javaRDD();
            }
        }
        Broadcast<SwapPartition.HadoopConf> conf = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(new SwapPartition.HadoopConf(spark.sparkContext().hadoopConfiguration()));
        SwapPartition work = new SwapPartition(options, conf);
        return spark.createDataFrame(rows.mapPartitions(work), RESULT_SCHEMA);
    }

    /**
     * Runs the job: processes every input, writes the output images and the Parquet result table
     * (replacing an earlier one at that location), then removes temporary files that killed task
     * attempts may have left in the output directory.
     *
     * @param inputs  see {@link #process}
     * @param options what to do
     * @return counts of the rows written: the totals gathered while the table is written (Spark's
     *     observed metrics, taken once from each partition's successful task); the failures per
     *     error code read back from the table, only when there are failures
     */
    public static Summary run(Dataset<Row> inputs, SwapJobOptions options) {
        SparkSession spark = inputs.sparkSession();
        Observation counts = new Observation("bgswap-summary");
        long t0 = System.nanoTime();
        process(inputs, options)
                .observe(counts, functions.count(functions.lit(1)).as("rows"),
                        functions.sum(functions.when(functions.col("status").equalTo("OK"), 1L).otherwise(0L)).as("ok"))
                .write().mode(SaveMode.Overwrite).parquet(options.resultTable());
        double seconds = (System.nanoTime() - t0) / 1e9;
        int leftovers = OutputFiles.removeLeftovers(options.outputDir(), spark.sparkContext().hadoopConfiguration());
        Map<String, Object> metrics;
        try {
            // the write has finished, so the metrics are there: this does not wait
            metrics = counts.getAsJava();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BgSwapException(ErrorCode.CLOSED, "Interrupted while reading the job's counts", e);
        }
        long ok = count(metrics, "ok");
        long failed = count(metrics, "rows") - ok;
        Map<String, Long> byError = new TreeMap<>();
        if (failed > 0) {
            for (Row r : spark.read().parquet(options.resultTable()).where("status = 'FAILED'").groupBy("error_code").count()
                    .collectAsList()) {
                byError.put(r.getString(0), r.getLong(1));
            }
        }
        Summary s = new Summary(ok, failed, byError, leftovers, seconds);
        LOG.info("bgswap on Spark: {} ok, {} failed {} in {} s; results in {}", s.ok(), s.failed(), byError, String.format("%.1f", seconds),
                options.resultTable());
        return s;
    }

    /** @return {@link #PARTITIONS_PER_CORE} for every core Spark schedules on, at least 1 */
    private static int targetPartitions(SparkSession spark) {
        return Math.max(1, spark.sparkContext().defaultParallelism() * PARTITIONS_PER_CORE);
    }

    /** @return the observed count of that name; a sum over no rows is null */
    private static long count(Map<String, Object> metrics, String name) {
        Object v = metrics.get(name);
        return v == null ? 0L : ((Number) v).longValue();
    }

    /**
     * What a run did.
     *
     * @param ok                inputs written successfully
     * @param failed            inputs that failed
     * @param failuresByCode    failed inputs per error code
     * @param leftoversRemoved  temporary files of killed attempts that were removed
     * @param seconds           wall time of the processing job
     */
    public record Summary(long ok, long failed, Map<String, Long> failuresByCode, int leftoversRemoved, double seconds) {
        /** @return ok + failed */
        public long total() {
            return ok + failed;
        }
    }
}
