package io.bgswap.examples.cli;

import io.bgswap.BackgroundSwapper;
import io.bgswap.model.BuiltinModel;
import io.bgswap.model.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code bgswap models list|pull}. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List or fetch the built-in models.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Pull.class})
final class ModelsCommand {
    @Command(name = "list", description = "List built-in models, their sources, licences and cache state.")
    static final class ListModels implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            ModelStore store = ModelStore.defaultStore();
            out.printf("%-17s %-7s %-9s %-18s %s%n", "NAME", "FORMAT", "SIZE", "LICENCE", "SOURCE / CACHE");
            out.printf("%-17s %-7s %-9s %-18s %s + %s%n", BackgroundSwapper.PORTRAIT_MODEL, "-", "", "as its parts",
                    BackgroundSwapper.PORTRAIT_DETAIL, BackgroundSwapper.PORTRAIT_PRIOR);
            out.printf("%-17s %s%n", "", "Person-aware pipeline (the default): a trimap from ISNet and the selfie person prior; only the edge is matted");
            for (BuiltinModel m : BuiltinModel.all()) {
                out.printf("%-17s %-7s %6.1f MB %-18s %s@%s%n", m.name(), m.format(), m.size() / 1e6, m.licence(),
                        m.npmPackage(), m.npmVersion());
                out.printf("%-17s %s%n", "", m.description());
                out.printf("%-17s sha256 %s%n", "", m.sha256());
                out.printf("%-17s %s %s%n", "", store.isCached(m) ? "cached:" : "not cached:", store.cachePath(m));
            }
            out.flush();
        }
    }

    @Command(name = "pull", description = "Fetch models into the cache (all when none is named).")
    static final class Pull implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "NAME")
        List<String> names = new ArrayList<>();

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            ModelStore store = ModelStore.defaultStore();
            List<BuiltinModel> models = new ArrayList<>();
            if (names.isEmpty()) {
                models.addAll(BuiltinModel.all());
            } else {
                for (String n : names) {
                    if (BackgroundSwapper.checkModelName(n).equals(BackgroundSwapper.PORTRAIT_MODEL)) {
                        models.add(BuiltinModel.named(BackgroundSwapper.PORTRAIT_DETAIL));
                        models.add(BuiltinModel.named(BackgroundSwapper.PORTRAIT_PRIOR));
                    } else {
                        models.add(BuiltinModel.named(n));
                    }
                }
            }
            for (BuiltinModel m : models) {
                out.println(m.name() + ": " + store.resolve(m));
                out.flush();
            }
        }
    }
}
