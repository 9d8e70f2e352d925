package org.gendiv.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The gendiv command line: {@code ./gendiv <command>}. */
@Command(name = "gendiv", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "RLHF kernels, trainer and the generalisation/diversity study on the JVM.",
        subcommands = {SelftestCommand.class, DiversityCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Tests: ./gendiv test runs the whole suite (CMake, ctest, JUnit)."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"gendiv " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
