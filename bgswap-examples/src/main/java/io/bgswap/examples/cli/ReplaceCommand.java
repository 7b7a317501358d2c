package io.bgswap.examples.cli;

import io.bgswap.Background;
import io.bgswap.BackgroundSwapper;
import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.batch.StillImageBatch;
import io.bgswap.compositing.CompositeOptions;
import io.bgswap.compositing.LinearLightCompositor;
import io.bgswap.spi.Providers;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.image.ImageFormat;
import io.bgswap.image.Images;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** {@code bgswap replace}: one photo to one file, or many photos (files, directories) to a directory. */
@Command(name = "replace", mixinStandardHelpOptions = true,
        description = {"Replace (or remove) the background of photos.",
                "Reads JPEG, PNG, WebP, BMP, GIF (first frame) and TIFF; embedded colour profiles are converted to sRGB. "
                        + "Writes PNG (keeps transparency) or JPEG.",
                "In a pipe: bgswap replace - -o - < in.webp > out.png (logs go to standard error)."})
final class ReplaceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "INPUT",
            description = "Image files (JPEG, PNG, WebP, BMP, GIF, TIFF) or directories of images; - reads one image from standard input")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--watch", paramLabel = "IN_DIR",
            description = "Process the images in IN_DIR, then each new one once completely written, into the directory -o, until Ctrl-C")
    Path watch;

    @Option(names = "--settle-ms", paramLabel = "MS", defaultValue = "1000",
            description = "With --watch: a file is complete when unchanged for this long; default: ${DEFAULT-VALUE}")
    long settleMillis;

    @Option(names = {"-b", "--background"}, paramLabel = "BG", defaultValue = "transparent",
            description = "#rrggbb, blur[:RADIUS], transparent, or an image file; default: ${DEFAULT-VALUE}")
    String background;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Output file (.png or .jpg) for one input, - for standard output; output directory for several inputs, a directory or --watch")
    Path output;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "png",
            description = "Output format, png (keeps alpha) or jpg, for files written into a directory or to standard output; default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--quality", paramLabel = "Q", defaultValue = "0.92", description = "JPEG quality in (0, 1]; default: ${DEFAULT-VALUE}")
    float quality;

    @Option(names = "--matte", description = "Write the alpha matte instead of a composite")
    boolean matteOnly;

    @Option(names = "--max-megapixels", paramLabel = "MP", defaultValue = "100",
            description = "Reject larger images before decoding them; default: ${DEFAULT-VALUE}")
    double maxMegapixels;

    @Option(names = "--matter", paramLabel = "NAME",
            description = "Matting mode: closed-form (stills, best edges) or guided (fast, video); default: the highest-ranked, closed-form")
    String matter;

    @Option(names = "--decontaminate", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Estimate the person's own colour in semi-transparent pixels instead of keeping the photo's; default: off")
    boolean decontaminate;

    @Option(names = "--harmonize", paramLabel = "S", defaultValue = "0",
            description = "Match the person's colour and luminance to the new background, strength 0..1; default: ${DEFAULT-VALUE}")
    float harmonize;

    @Option(names = "--light-wrap", paramLabel = "S", defaultValue = "0",
            description = "Let background light spill over the person's edge, strength 0..1; default: ${DEFAULT-VALUE}")
    float lightWrap;

    @Option(names = "--light-wrap-radius", paramLabel = "PX", defaultValue = "0",
            description = "How far the light wraps in pixels; 0 = about 1 %% of the long side")
    float lightWrapRadius;

    @Option(names = "--finish-threads", paramLabel = "N", defaultValue = "1",
            description = "Threads that matte, composite, encode and write the photos of a batch while the next is in inference; "
                    + "more help only when those steps take longer than the inference (selfie, GPU) and cost memory; default: ${DEFAULT-VALUE}")
    int finishThreads;

    @Mixin
    ModelOptions modelOptions;

    /**
     * @param finishThreads threads that finish photos
     * @return photos in flight: one more than can be finished at once, so that one is always read
     *     or in inference while the others finish; never fewer than the batch's default
     */
    static int inFlight(int finishThreads) {
        return Math.max(StillImageBatch.DEFAULT_MAX_IN_FLIGHT, finishThreads + 1);
    }

    CompositeOptions compositeOptions() {
        return CompositeOptions.builder().decontaminate(decontaminate).harmonize(harmonize).lightWrap(lightWrap)
                .lightWrapRadius(lightWrapRadius).build();
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (finishThreads < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--finish-threads must be at least 1, was " + finishThreads);
        }
        if (watch != null || StandardStreams.involved(inputs, output)) {
            return callWatchOrPipe(err);
        }
        if (inputs.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing INPUT: give image files, a directory, - or --watch");
        }
        List<Path> files = expand(inputs);
        if (files.isEmpty()) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "No image files among the inputs");
        }
        boolean toDirectory = files.size() > 1 || inputs.stream().anyMatch(Files::isDirectory) || Files.isDirectory(output);
        ImageFormat dirFormat = ImageFormat.parse(format);
        Background bg = Background.parse(background);
        long maxPixels = (long) (maxMegapixels * 1_000_000);
        int failed = 0;
        Map<Path, Path> written = new HashMap<>();
        try (BackgroundSwapper swapper = openSwapper();
             ProgressBar bar = files.size() > 1 ? new ProgressBarBuilder().setTaskName("bgswap").setInitialMax(files.size())
                     .setStyle(ProgressBarStyle.ASCII).setUnit(" img", 1).build() : null;
             // the next file is read and the previous one matted and written while one is in inference
             StillImageBatch<Path, Path> batch = StillImageBatch.<Path, Path>builder(swapper, in -> {
                 checkTarget(in, target(in, toDirectory, dirFormat), written);
                 return ImageFiles.read(in, maxPixels);
             }, (in, image, alpha) -> {
                 Path out = target(in, toDirectory, dirFormat);
                 ImageFiles.write(matteOnly ? Images.matteToArgb(alpha) : swapper.compositor().composite(image, alpha, bg), out, quality);
                 return out;
             }).finishThreads(finishThreads).maxInFlight(inFlight(finishThreads)).build()) {
            for (Iterator<StillImageBatch.Outcome<Path, Path>> it = batch.process(files.iterator()); it.hasNext(); ) {
                StillImageBatch.Outcome<Path, Path> outcome = it.next();
                Path in = outcome.item();
                Throwable failure = outcome.failure();
                if (failure == null) {
                    if (bar == null) {
                        err.println("Wrote " + outcome.result());
                    }
                } else if (failure instanceof BgSwapException e) {
                    if (isSetupFailure(e.code())) {
                        throw e;
                    }
                    failed++;
                    err.println("bgswap: " + named(in, e.getMessage()) + " [" + e.code() + "]");
                } else if (failure instanceof Exception || failure instanceof OutOfMemoryError) {
                    // A fault on one input must not cost the rest of the batch.
                    failed++;
                    err.println("bgswap: " + in + ": unexpected failure, please report it: " + failure);
                } else {
                    throw (Error) failure;
                }
                if (bar != null) {
                    bar.step();
                }
            }
        }
        err.flush();
        if (failed > 0) {
            err.println("bgswap: " + failed + " of " + files.size() + " inputs failed");
            return BgSwapCommand.EXIT_PARTIAL;
        }
        return 0;
    }

    /** The modes that read from or write to something other than files named on the command line. */
    private int callWatchOrPipe(PrintWriter err) {
        if (watch != null && !inputs.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--watch takes no INPUT: the folder is the input");
        }
        if (watch != null) {
            FolderWatcher.checkFolders(watch, output);
        } else {
            StandardStreams.checkUsage(inputs, output);
        }
        ImageFormat outFormat = ImageFormat.parse(format);
        Background bg = Background.parse(background);
        long maxPixels = (long) (maxMegapixels * 1_000_000);
        if (watch != null) {
            try (BackgroundSwapper swapper = openSwapper()) {
                return new FolderWatcher(watch, output, outFormat, quality, maxPixels, Duration.ofMillis(settleMillis),
                        ReplaceCommand::looksLikeImage, transform(swapper, bg), err).runUntilSignalled();
            }
        }
        // from here on, whatever prints to System.out (model loading included) reaches stderr
        try (StandardStreams streams = StandardStreams.open(System.in); BackgroundSwapper swapper = openSwapper()) {
            try {
                streams.run(inputs.get(0), output, outFormat, quality, maxPixels, transform(swapper, bg));
            } catch (BgSwapException e) {
                if (isSetupFailure(e.code())) {
                    throw e;
                }
                err.println("bgswap: " + e.getMessage() + " [" + e.code() + "]");
                return BgSwapCommand.EXIT_PARTIAL;
            }
            return 0;
        }
    }

    private UnaryOperator<ArgbImage> transform(BackgroundSwapper swapper, Background bg) {
        return image -> matteOnly ? Images.matteToArgb(swapper.matte(image)) : swapper.replace(image, bg);
    }

    private BackgroundSwapper openSwapper() {
        BackgroundSwapper.Builder builder = modelOptions.builder().compositor(new LinearLightCompositor(compositeOptions()));
        if (matter != null) {
            builder.matter(Providers.matter(matter).create());
        }
        return builder.build();
    }

    private Path target(Path in, boolean toDirectory, ImageFormat dirFormat) {
        return toDirectory ? output.resolve(stem(in) + "." + dirFormat.extension()) : output;
    }

    /**
     * Refuses to overwrite an input, or an output this run has already claimed for another input.
     * Called in input order from the batch's one reading thread.
     */
    private static void checkTarget(Path in, Path out, Map<Path, Path> written) {
        Path target = out.toAbsolutePath().normalize();
        if (target.equals(in.toAbsolutePath().normalize())) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, in + ": the output would overwrite the input; choose another output");
        }
        Path earlier = written.get(target);
        if (earlier != null) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, in + ": its output " + out + " was already written for "
                    + earlier + "; rename one of the inputs");
        }
        written.put(target, in);
    }

    static String named(Path in, String message) {
        return message != null && message.contains(in.toString()) ? message : in + ": " + message;
    }

    static boolean isSetupFailure(ErrorCode code) {
        return code == ErrorCode.MODEL_NOT_FOUND || code == ErrorCode.BACKEND_NOT_FOUND
                || code == ErrorCode.DEVICE_UNAVAILABLE || code == ErrorCode.CHECKSUM_MISMATCH
                || code == ErrorCode.DOWNLOAD_FAILED || code == ErrorCode.UNSUPPORTED_MODEL;
    }

    static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static List<Path> expand(List<Path> inputs) {
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(Files::isRegularFile).filter(ReplaceCommand::looksLikeImage).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new BgSwapException(ErrorCode.IO_ERROR, "Cannot list " + p + ": " + e.getMessage(), e);
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    static boolean looksLikeImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp") || n.endsWith(".gif")
                || n.endsWith(".webp") || n.endsWith(".tif") || n.endsWith(".tiff");
    }
}
