package io.bgswap.examples.cli;

import io.bgswap.BgSwapException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bgswap} command line. Exit codes: 0 success, 1 some inputs failed, 2 usage error,
 * 3 setup failure (model, backend or device).
 */
@Command(name = "bgswap", mixinStandardHelpOptions = true, version = "bgswap 0.1.0",
        description = "Replace the background of portrait photos and videos.",
        subcommands = {ReplaceCommand.class, VideoCommand.class, EvalCommand.class, ModelsCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class})
public final class BgSwapCommand {
    /** Some inputs failed. */
    public static final int EXIT_PARTIAL = 1;
    /** The model, backend or device could not be set up. */
    public static final int EXIT_SETUP = 3;

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting, for tests and embedding.
     *
     * @param args command-line arguments
     * @return the exit code
     */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new BgSwapCommand());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof BgSwapException b) {
                commandLine.getErr().println("bgswap: " + b.getMessage() + " [" + b.code() + "]");
                return EXIT_SETUP;
            }
            throw ex;
        });
        return cl.execute(args);
    }
}
